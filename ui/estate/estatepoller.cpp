#include "estatepoller.h"

#include "estatemodel.h"
#include "monitor/viewhandle.h"

#include <QDateTime>
#include <QTimer>

namespace qscope {

EstatePoller::EstatePoller(ConnectionManager *manager, EstateModel *model, QObject *parent)
    : QObject(parent), m_manager(manager), m_model(model), m_timer(new QTimer(this))
{
    connect(m_timer, &QTimer::timeout, this, &EstatePoller::tick);
    connect(m_manager, &ConnectionManager::resultReady, this, &EstatePoller::onResult);
    connect(m_manager, &ConnectionManager::stateChanged, this, &EstatePoller::onState);
    connect(m_model, &EstateModel::processFound, this, [this](const QString &key) {
        if (m_model->addProcess(key) < 0) return;
        m_foundThisRound = true;
        if (isPolling()) pollOne(key, QDateTime::currentMSecsSinceEpoch());
    });
}

EstatePoller::~EstatePoller()
{
    releaseAll();
}

void EstatePoller::setInterval(int ms)
{
    m_interval = ms <= 0 ? 0 : std::max(200, ms);
    setRunning(m_running); // restarts or stops the timer
    if (isPolling()) m_timer->setInterval(m_interval);
}

void EstatePoller::setRunning(bool running)
{
    m_running = running;
    if (!isPolling()) {
        m_timer->stop();
        releaseAll();
        return;
    }
    m_timer->setInterval(m_interval);
    if (!m_timer->isActive()) {
        m_timer->start();
        tick();
    }
}

void EstatePoller::setSourceResolver(std::function<HandleSource(const QString &key)> resolver)
{
    m_resolver = std::move(resolver);
}

void EstatePoller::startDiscovery()
{
    m_discovering = true;
    m_discoveryClock.start();
}

int EstatePoller::openHandles() const
{
    int n = 0;
    for (const auto &p : m_procs)
        if (p->handle && p->handle->id()) ++n;
    return n;
}

double EstatePoller::bytesOutPerPoll() const
{
    return m_answered ? double(m_bytesOut) / double(m_answered) : 0;
}

double EstatePoller::bytesInPerPoll() const
{
    return m_answered ? double(m_bytesIn) / double(m_answered) : 0;
}

double EstatePoller::millisPerPoll() const
{
    return m_answered ? double(m_nanos) / 1e6 / double(m_answered) : 0;
}

EstatePoller::Proc &EstatePoller::proc(const QString &key)
{
    std::shared_ptr<Proc> &p = m_procs[key];
    if (!p) p = std::make_shared<Proc>();
    if (!p->handle) {
        p->handle = std::make_unique<ViewHandle>(m_manager, HandlePurpose::Poller,
                                                 QStringLiteral("Estate (%1)").arg(key));
        HandleSource source = m_resolver ? m_resolver(key) : HandleSource();
        if (!source.valid()) {
            ConnectionOptions o;
            o.name = QStringLiteral("estate %1").arg(key);
            o.address.host = key.section(QLatin1Char(':'), 0, 0);
            o.address.port = quint16(key.section(QLatin1Char(':'), 1, 1).toUInt());
            o.connectTimeoutMs = std::max(500, m_interval);
            source = HandleSource::direct(m_manager, o);
        }
        p->handle->setSource(source);
        p->handle->setSummary(QStringLiteral("estate poll of %1").arg(key));
        // Activity's Stop: this process is no longer polled until the view is shown again.
        connect(p->handle.get(), &ViewHandle::stopRequested, this, [this, key] {
            const auto it = m_procs.find(key);
            if (it == m_procs.end()) return;
            (*it)->stopped = true;
            if ((*it)->pending) m_requests.remove((*it)->pending);
            (*it)->pending = 0;
            (*it)->handle->release();
        });
    }
    return *p;
}

void EstatePoller::releaseAll()
{
    for (auto &p : m_procs)
        if (p->handle) p->handle->release();
    m_procs.clear();
    m_requests.clear();
    m_roundOpen = false;
}

void EstatePoller::tick()
{
    if (!isPolling()) return;
    if (m_roundOpen) finishRound(); // whoever has not answered by now counts next round
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const std::vector<EstateNode> nodes = m_model->nodes();
    for (const EstateNode &n : nodes)
        if (!n.key.contains(QLatin1Char('#'))) pollOne(n.key, now); // others: via the publisher
    m_roundOpen = true;
    if (m_requests.isEmpty()) finishRound();
}

void EstatePoller::pollOne(const QString &key, qint64 now)
{
    Proc &p = proc(key);
    if (p.pending || p.stopped) return; // the previous poll is still out: never pile on
    QString why;
    const ConnectionId id = p.handle->acquire(&why);
    if (!id && !why.isEmpty()) p.lastError = why; // e.g. a saved login's password not known yet
    const ConnectionState st = id ? m_manager->state(id) : ConnectionState::Failed;
    if (st == ConnectionState::Open) {
        p.pending = m_manager->query(id, EstateModel::pollQuery(), std::max(1000, m_interval * 2));
        m_requests.insert(p.pending, key);
        m_roundOpen = true;
        p.handle->setActivity(QStringLiteral("estate poll"));
    } else if (st == ConnectionState::Failed || st == ConnectionState::Closed) {
        m_model->applyFailure(
            m_model->indexOf(key),
            p.lastError.isEmpty() ? QStringLiteral("connection closed") : p.lastError, now);
        p.handle->release(); // a new connection next interval: the process may be back
    } else if (st == ConnectionState::Reconnecting) {
        // A saved connection's own policy reconnects it: unreachable until it is back.
        m_model->applyFailure(m_model->indexOf(key),
                              p.lastError.isEmpty() ? QStringLiteral("reconnecting") : p.lastError,
                              now);
    }
    // Connecting: polled as soon as it opens (onState).
}

void EstatePoller::onState(ConnectionId id, ConnectionState state, const QString &detail)
{
    for (auto it = m_procs.begin(); it != m_procs.end(); ++it) {
        Proc &p = **it;
        if (!p.handle || p.handle->id() != id) continue;
        if (state == ConnectionState::Open && isPolling()) {
            pollOne(it.key(), QDateTime::currentMSecsSinceEpoch());
            return;
        }
        if (state == ConnectionState::Failed || state == ConnectionState::Closed ||
            state == ConnectionState::Reconnecting) {
            p.lastError = detail.isEmpty() ? QStringLiteral("connection lost") : detail;
            if (p.pending) {
                m_requests.remove(p.pending);
                p.pending = 0;
            }
            m_model->applyFailure(m_model->indexOf(it.key()), p.lastError,
                                  QDateTime::currentMSecsSinceEpoch());
        }
        return;
    }
}

void EstatePoller::onResult(const QueryResult &r)
{
    const auto it = m_requests.constFind(r.id);
    if (it == m_requests.cend()) return;
    const QString key = *it;
    m_requests.erase(it);
    Proc &p = proc(key);
    p.pending = 0;
    p.handle->setActivity(QString());
    const int i = m_model->indexOf(key);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (r.ok()) {
        p.lastError.clear();
        ++m_answered;
        m_bytesOut += r.bytesOut;
        m_bytesIn += r.bytesIn;
        m_nanos += r.elapsedNs;
        m_model->applyPoll(i, r.value, now);
    } else {
        p.lastError = EstateState::pollErrorText(*r.error);
        m_model->applyFailure(i, p.lastError, now, r.error->kind == NetError::QError);
    }
    if (m_requests.isEmpty() && m_roundOpen) finishRound();
}

void EstatePoller::finishRound()
{
    m_roundOpen = false;
    m_model->finishRound(QDateTime::currentMSecsSinceEpoch());
    Q_EMIT roundFinished();
    if (!m_discovering) return;
    bool all = true;
    for (const EstateNode &n : m_model->nodes())
        if (!n.key.contains(QLatin1Char('#')) && !n.polled && n.error.isEmpty()) all = false;
    if (all && !m_foundThisRound) {
        m_discovering = false;
        Q_EMIT discovered(m_discoveryClock.elapsed(), int(m_model->nodes().size()));
    }
    m_foundThisRound = false;
}

} // namespace qscope
