#include "app/firstrun.h"

#include "connections/connectionstore.h"
#include "demo/plant.h"

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
    // A whole kdb-tick plant; its tickerplant (feed, trade and quote kept as an RDB) is the Demo
    // connection, and Monitor > Estate shows the rest.
    auto demo = std::make_unique<DemoPlant>();
    PlantOptions options;
    options.tpPort = quint16(port); // taken (a qscope-demo or a q there): any free port
    options.bindAddress = QStringLiteral("127.0.0.1"); // the embedded demo is for this desktop only
    QString error;
    if (!demo->start(options, &error)) return tr("The demo server did not start: %1").arg(error);
    m_demo = std::move(demo);
    ensureDemoConnection(demoPort());
    return {};
}

int FirstRun::demoPort() const
{
    return m_demo ? int(m_demo->port(QStringLiteral("tp"))) : 0;
}

QStringList FirstRun::demoPlantAddresses() const
{
    QStringList out;
    if (m_demo)
        for (const DemoPlant::Node &n : m_demo->nodes())
            out << QStringLiteral("127.0.0.1:%1").arg(n.port);
    return out;
}

} // namespace qscope
