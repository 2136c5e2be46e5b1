#include "app/firstrun.h"

#include "connections/connectionstore.h"
#include "demo/plant.h"

#include <QThread>

namespace qscope {

/// The plant and its servers are created, started and stopped on the host thread: their own
/// start() and stop() wait for their threads, and that wait happens there, not on the GUI thread.
struct FirstRun::Host
{
    std::unique_ptr<DemoPlant> plant;
};

FirstRun::FirstRun(ConnectionStore *store, QObject *parent)
    : QObject(parent), m_store(store), m_host(std::make_shared<Host>())
{}

FirstRun::~FirstRun()
{
    if (!m_thread) return;
    // After any start or stop still queued there; quit from inside, as a quit() from here could
    // end the loop before the plant is stopped.
    QMetaObject::invokeMethod(m_hostContext, [host = m_host] {
        host->plant.reset();
        QThread::currentThread()->quit();
    });
    m_thread->wait(); // the plant's threads must end before the process does
}

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

void FirstRun::ensureThread()
{
    if (m_thread) return;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("qscope-demo-host"));
    m_hostContext = new QObject;
    m_hostContext->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_hostContext, &QObject::deleteLater);
    m_thread->start();
}

void FirstRun::startDemo(int port)
{
    if (m_state != State::Stopped) return;
    m_state = State::Starting;
    const quint64 generation = ++m_generation;
    ensureThread();
    // A whole kdb-tick plant; its tickerplant (feed, trade and quote kept as an RDB) is the Demo
    // connection, and Monitor > Estate shows the rest. `this` outlives the posted work: the
    // destructor joins the host thread, and the answer is queued back to this thread.
    QMetaObject::invokeMethod(m_hostContext, [this, host = m_host, port, generation] {
        PlantOptions options;
        options.tpPort = quint16(port); // taken (a qscope-demo or a q there): any free port
        options.bindAddress = QStringLiteral("127.0.0.1"); // for this desktop only
        // Every part runs qscope's agent, as a user's own plant may: the estate then learns each
        // subscriber's address from its tickerplant (.qscope.peers).
        options.agent = true;
        auto plant = std::make_unique<DemoPlant>();
        QString error;
        int tp = 0;
        QStringList addresses;
        if (plant->start(options, &error)) {
            tp = plant->port(QStringLiteral("tp"));
            for (const DemoPlant::Node &n : plant->nodes())
                addresses << QStringLiteral("127.0.0.1:%1").arg(n.port);
            host->plant = std::move(plant);
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, tp, addresses, error] { started(generation, tp, addresses, error); },
            Qt::QueuedConnection);
    });
}

void FirstRun::started(quint64 generation, int port, const QStringList &addresses,
                       const QString &error)
{
    if (generation != m_generation) return; // stopped meanwhile: its stop tears it down
    if (!error.isEmpty()) {
        m_state = State::Stopped;
        Q_EMIT demoFailed(tr("The demo server did not start: %1").arg(error));
        return;
    }
    m_state = State::Running;
    m_port = port;
    m_addresses = addresses;
    ensureDemoConnection(port);
    Q_EMIT demoReady(port);
}

void FirstRun::stopDemo()
{
    if (m_state == State::Stopped) return;
    m_state = State::Stopped;
    ++m_generation;
    m_port = 0;
    m_addresses.clear();
    // Queued after any start still running there, so it stops what that start made.
    QMetaObject::invokeMethod(m_hostContext, [this, host = m_host] {
        host->plant.reset();
        QMetaObject::invokeMethod(this, &FirstRun::demoStopped, Qt::QueuedConnection);
    });
}

} // namespace qscope
