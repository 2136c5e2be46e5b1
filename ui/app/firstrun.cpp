#include "app/firstrun.h"

#include "connections/connectionstore.h"
#include "demo/demoserver.h"

namespace qscope {

FirstRun::FirstRun(ConnectionStore *store, QObject *parent) : QObject(parent), m_store(store) {}

FirstRun::~FirstRun() = default;

QString FirstRun::ensureDemoConnection(int port)
{
    if (const ConnectionProfile *p = m_store->findByName(demoName())) {
        if (p->port != port && port > 0) {
            ConnectionProfile changed = *p;
            changed.port = port;
            m_store->update(changed);
        }
        return p->id;
    }
    ConnectionProfile demo;
    demo.name = demoName();
    demo.host = QStringLiteral("localhost");
    demo.port = port > 0 ? port : 5010;
    demo.tag = QStringLiteral("dev");
    demo.reconnectAttempts = 5;
    return m_store->add(demo);
}

QString FirstRun::startDemo(int port)
{
    if (m_demo) return {};
    auto demo = std::make_unique<DemoServer>();
    DemoOptions options;
    options.port = quint16(port);
    options.bindAddress = QStringLiteral("127.0.0.1"); // the embedded demo is for this desktop only
    QString error;
    if (!demo->start(options, &error)) {
        // the usual cause: a qscope-demo (or a q) already listens there; take any free port
        options.port = 0;
        QString second;
        if (!demo->start(options, &second))
            return tr("The demo server did not start: %1 (then: %2)").arg(error, second);
    }
    m_demo = std::move(demo);
    ensureDemoConnection(m_demo->port());
    return {};
}

int FirstRun::demoPort() const
{
    return m_demo ? int(m_demo->port()) : 0;
}

} // namespace qscope
