#include "estate/estatecollector.h"

#include <QDateTime>
#include <QTimer>

namespace qscope {

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

EstateCollector::EstateCollector(ConnectionManager *manager, EstateState *state,
                                 ConnectionOptions base, QObject *parent)
    : QObject(parent), m_manager(manager), m_state(state), m_base(std::move(base)),
      m_deadline(new QTimer(this))
{
    m_base.reconnect.attempts = 0; // a lost process is opened again next round, not retried
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, [this] {
        for (auto it = m_procs.begin(); it != m_procs.end(); ++it)
            if (!it->asked || it->pending) {
                if (it->pending) m_requests.remove(it->pending);
                it->pending = 0;
                it->asked = true;
                m_state->applyFailure(m_state->indexOf(it.key()),
                                      QStringLiteral("no answer within the round"), now());
            }
        finish();
    });
    connect(m_manager, &ConnectionManager::resultReady, this, &EstateCollector::onResult);
    connect(m_manager, &ConnectionManager::stateChanged, this, &EstateCollector::onState);
}

EstateCollector::~EstateCollector()
{
    for (const Proc &p : std::as_const(m_procs))
        if (p.connection) m_manager->close(p.connection);
}

double EstateCollector::bytesOutPerPoll() const
{
    return m_answered ? double(m_bytesOut) / double(m_answered) : 0;
}

void EstateCollector::startRound(int timeoutMs)
{
    if (m_roundOpen) return;
    m_roundOpen = true;
    m_found = 0;
    for (Proc &p : m_procs)
        p.asked = false;
    m_deadline->start(std::max(100, timeoutMs));
    QStringList keys;
    for (const EstateNode &n : m_state->nodes())
        if (!n.standIn()) keys << n.key; // stand-ins: their publisher answers for them
    for (const QString &k : keys)
        ask(k);
    maybeFinish();
}

void EstateCollector::ask(const QString &key)
{
    Proc &p = m_procs[key];
    if (p.asked || p.pending) return;
    if (!p.connection) {
        ConnectionOptions o = m_base;
        o.name = QStringLiteral("estate %1").arg(key);
        o.address.host = key.section(QLatin1Char(':'), 0, 0);
        o.address.port = quint16(key.section(QLatin1Char(':'), 1, 1).toUInt());
        o.address.unixSocket.clear();
        p.connection = m_manager->open(o);
        m_connections.insert(p.connection, key);
    }
    if (m_manager->state(p.connection) != ConnectionState::Open) return; // asked on Open
    p.pending = m_manager->query(p.connection, EstateState::pollQuery(),
                                 m_base.queryTimeoutMs > 0 ? m_base.queryTimeoutMs : -1);
    m_requests.insert(p.pending, key);
}

void EstateCollector::fail(const QString &key, const QString &error)
{
    Proc &p = m_procs[key];
    if (p.pending) m_requests.remove(p.pending);
    p.pending = 0;
    p.asked = true;
    if (p.connection) {
        m_connections.remove(p.connection);
        m_manager->close(p.connection);
        p.connection = 0; // opened again next round
    }
    if (m_roundOpen) m_state->applyFailure(m_state->indexOf(key), error, now());
}

void EstateCollector::onState(ConnectionId id, ConnectionState state, const QString &detail)
{
    const auto it = m_connections.constFind(id);
    if (it == m_connections.cend()) return;
    const QString key = *it;
    if (state == ConnectionState::Open) {
        if (m_roundOpen) ask(key);
    } else if (state == ConnectionState::Failed || state == ConnectionState::Closed) {
        fail(key, detail.isEmpty() ? QStringLiteral("connection closed") : detail);
    } else {
        return;
    }
    maybeFinish();
}

void EstateCollector::onResult(const QueryResult &r)
{
    const auto it = m_requests.constFind(r.id);
    if (it == m_requests.cend()) return;
    const QString key = *it;
    m_requests.erase(it);
    Proc &p = m_procs[key];
    p.pending = 0;
    p.asked = true;
    if (r.ok()) {
        ++m_answered;
        m_bytesOut += r.bytesOut;
        const QStringList found = m_state->applyPoll(m_state->indexOf(key), r.value, now());
        for (const QString &k : found)
            if (m_state->addProcess(k) >= 0) {
                ++m_found;
                ask(k);
            }
    } else {
        const bool answered = r.error->kind == NetError::QError;
        m_state->applyFailure(m_state->indexOf(key), EstateState::pollErrorText(*r.error), now(),
                              answered);
    }
    maybeFinish();
}

void EstateCollector::maybeFinish()
{
    if (!m_roundOpen) return;
    for (const EstateNode &n : m_state->nodes()) {
        if (n.standIn()) continue;
        const auto it = m_procs.constFind(n.key);
        if (it == m_procs.cend() || !it->asked) return;
    }
    finish();
}

void EstateCollector::finish()
{
    if (!m_roundOpen) return;
    m_roundOpen = false;
    m_deadline->stop();
    m_state->finishRound(now());
    Q_EMIT roundFinished(m_found);
}

} // namespace qscope
