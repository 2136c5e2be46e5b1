#include "demo/demoserver.h"

#include "demo/demoengine.h"
#include "demo/demonetwork.h"
#include "demo/demoserverprivate.h"
#include "net/tsanannotate.h"

#include <future>

namespace qscope {

using detail::DemoEngine;
using detail::DemoNetwork;

DemoServer::DemoServer(QObject *parent)
    : QObject(parent), m_d(std::make_unique<detail::DemoServerPrivate>())
{}

DemoServer::~DemoServer()
{
    stop();
}

bool DemoServer::start(const DemoOptions &options, QString *error)
{
    if (m_d->running) {
        if (error) *error = QStringLiteral("already running");
        return false;
    }
    auto shared = std::make_shared<detail::DemoShared>();
    // logLine is emitted from the worker threads; Qt queues it to receivers on their threads.
    shared->log = [this](const QString &line) { Q_EMIT logLine(line); };
    shared->console = [this](const QByteArray &text, bool error) {
        Q_EMIT consoleOutput(text, error);
    };
    shared->executed = [this](quint64 ticket) { Q_EMIT executed(ticket); };
    m_d->shared = shared;

    m_d->engineThread.reset(new QThread);
    m_d->engineThread->setObjectName(QStringLiteral("qscope-demo-q"));
    m_d->netThread.reset(new QThread);
    m_d->netThread->setObjectName(QStringLiteral("qscope-demo-net"));
    m_d->engine = new DemoEngine(options, shared);
    m_d->network = new DemoNetwork(options, shared);
    m_d->engine->moveToThread(m_d->engineThread.get());
    m_d->network->moveToThread(m_d->netThread.get());
    connect(m_d->engineThread.get(), &QThread::finished, m_d->engine, &QObject::deleteLater);
    connect(m_d->netThread.get(), &QThread::finished, m_d->network, &QObject::deleteLater);
    m_d->engineThread->start();
    m_d->netThread->start();

    // start() is documented to return once listening: wait for each thread's init.
    auto runOn = [](QObject *ctx, auto fn) {
        std::promise<std::pair<bool, QString>> done;
        auto fut = done.get_future();
        detail::postQueued(ctx, [&done, fn] {
            QString err;
            const bool ok = fn(&err);
            done.set_value({ok, err});
        });
        return fut.get();
    };
    DemoEngine *engine = m_d->engine;
    DemoNetwork *network = m_d->network;
    auto r = runOn(engine, [engine](QString *e) { return engine->init(e); });
    if (r.first) {
        {
            QMutexLocker lock(&shared->mutex);
            shared->engine = engine;
            shared->network = network;
        }
        r = runOn(network, [network](QString *e) { return network->init(e); });
    }
    if (!r.first) {
        if (error) *error = r.second;
        m_d->running = true; // let stop() tear the threads down
        stop();
        return false;
    }
    m_d->port = network->port();
    m_d->running = true;
    return true;
}

void DemoServer::stop()
{
    if (!m_d->running) return;
    m_d->running = false;
    auto shared = m_d->shared;
    {
        QMutexLocker lock(&shared->mutex);
        shared->engine = nullptr; // nothing new reaches the engine
    }
    DemoNetwork *network = m_d->network;
    DemoEngine *engine = m_d->engine;
    std::promise<void> netDone;
    detail::postQueued(network, [&netDone, network, shared] {
        {
            QMutexLocker lock(&shared->mutex);
            shared->network = nullptr;
        }
        network->shutdown();
        netDone.set_value();
    });
    netDone.get_future().wait();
    std::promise<void> engineDone;
    detail::postQueued(engine, [&engineDone, engine] {
        engine->shutdown();
        engineDone.set_value();
    });
    engineDone.get_future().wait();
    m_d->netThread.reset();    // quits, joins; the network object is deleted on its thread
    m_d->engineThread.reset(); // likewise the engine and its interpreter
    m_d->network = nullptr;
    m_d->engine = nullptr;
    m_d->port = 0;
    shared->log = nullptr;
    shared->console = nullptr;
    shared->executed = nullptr;
}

quint16 DemoServer::port() const
{
    return m_d->port;
}

quint64 DemoServer::execute(const QByteArray &source)
{
    if (!m_d->running) return 0;
    QMutexLocker lock(&m_d->shared->mutex);
    DemoEngine *engine = m_d->shared->engine;
    if (!engine) return 0;
    const quint64 ticket = ++m_d->lastTicket;
    detail::postQueued(engine, [engine, source, ticket] { engine->execute(source, ticket); });
    return ticket;
}

quint64 DemoServer::executeScript(const QByteArray &script, const QByteArray &name)
{
    if (!m_d->running) return 0;
    QMutexLocker lock(&m_d->shared->mutex);
    DemoEngine *engine = m_d->shared->engine;
    if (!engine) return 0;
    const quint64 ticket = ++m_d->lastTicket;
    detail::postQueued(
        engine, [engine, script, name, ticket] { engine->executeScript(script, name, ticket); });
    return ticket;
}

} // namespace qscope

namespace qscope {

void DemoServer::setReadRate(qint64 bytesPerSecond)
{
    if (!m_d->running) return;
    QMutexLocker lock(&m_d->shared->mutex);
    DemoEngine *engine = m_d->shared->engine;
    if (engine)
        detail::postQueued(engine,
                           [engine, bytesPerSecond] { engine->setReadRate(bytesPerSecond); });
}

} // namespace qscope
