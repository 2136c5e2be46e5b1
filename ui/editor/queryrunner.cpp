#include "editor/queryrunner.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "history/historystore.h"

#include <QTimer>

#include <algorithm>

namespace qscope {

QueryRunner::QueryRunner(ServerSessions *sessions, HistoryStore *history, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_history(history)
{
    ConnectionManager *m = sessions->manager();
    connect(m, &ConnectionManager::resultReady, this, &QueryRunner::onResult);
    connect(m, &ConnectionManager::progress, this,
            [this](RequestId request, qint64 received, qint64 total) {
                const auto it = m_byRequest.constFind(request);
                if (it == m_byRequest.constEnd()) return;
                const auto job = m_jobs.find(*it);
                if (job == m_jobs.end()) return;
                job->received = received;
                job->total = total;
                Q_EMIT progress(*it, received, total);
            });
    connect(sessions, &ServerSessions::stateChanged, this, &QueryRunner::onState);
    // While jobs run, look four times a second for ones whose answer can no longer come.
    m_sweep = new QTimer(this);
    m_sweep->setInterval(250);
    connect(m_sweep, &QTimer::timeout, this, &QueryRunner::sweep);
}

const QString &QueryRunner::cancelExplanation()
{
    static const QString text =
        tr("kdb+ cannot interrupt a running query. Cancel closes this connection (the server still "
           "finishes the query and then discards the result) and opens a new one. Anything the "
           "server kept per handle, and async messages not yet sent, are lost. A query not yet "
           "sent (queued behind another, or waiting for the connection) is withdrawn instead.");
    return text;
}

QueryRunner::Ticket QueryRunner::run(const QString &profileId, const QByteArray &query,
                                     QObject *owner)
{
    Job job;
    job.kind = Query;
    job.profileId = profileId;
    job.text = query;
    job.owner = owner;
    job.hasOwner = owner != nullptr;
    return enqueue(std::move(job));
}

QueryRunner::Ticket QueryRunner::runFile(const QString &profileId, const QString &path,
                                         QObject *owner)
{
    Job job;
    job.kind = File;
    job.profileId = profileId;
    job.text = path.toUtf8();
    job.owner = owner;
    job.hasOwner = owner != nullptr;
    return enqueue(std::move(job));
}

QueryRunner::Ticket QueryRunner::call(const QString &profileId, const Value &message,
                                      const QByteArray &description, QObject *owner)
{
    Job job;
    job.kind = Call;
    job.profileId = profileId;
    job.text = description;
    job.message = message;
    job.owner = owner;
    job.hasOwner = owner != nullptr;
    return enqueue(std::move(job));
}

QueryRunner::Ticket QueryRunner::enqueue(Job job)
{
    const Ticket t = m_next++;
    job.clock.start();
    job.startedAt = QDateTime::currentDateTimeUtc();
    const QString profileId = job.profileId;
    const QString what = job.kind == File ? tr("load %1").arg(QString::fromUtf8(job.text))
                                          : QString::fromUtf8(job.text);
    m_jobs.insert(t, std::move(job));
    m_sweep->start();
    Q_EMIT started(t, profileId, what);
    Q_EMIT jobsChanged();
    if (!m_sessions->store()->profile(profileId)) {
        finishWithError(t, NetError::ConnectFailed,
                        tr("no connection is chosen for this tab: pick a server first"));
        return t;
    }
    if (m_sessions->isOpen(profileId))
        send(t);
    else
        m_sessions->connectProfile(profileId); // sent from onState once open
    return t;
}

void QueryRunner::send(Ticket ticket)
{
    auto it = m_jobs.find(ticket);
    if (it == m_jobs.end() || it->request) return;
    const ConnectionId conn = m_sessions->connectionOf(it->profileId);
    ConnectionManager *m = m_sessions->manager();
    switch (it->kind) {
    case Query:
        it->request = m->query(conn, it->text);
        break;
    case File:
        it->request = m->executeFile(conn, QString::fromUtf8(it->text));
        break;
    case Call:
        it->request = m->call(conn, it->message);
        break;
    }
    it->connection = conn;
    it->sendOrder = ++m_sendOrder;
    m_byRequest.insert(it->request, ticket);
    Q_EMIT sent(ticket);
    Q_EMIT jobsChanged();
}

void QueryRunner::onState(const QString &profileId, ConnectionState state, const QString &detail)
{
    const QList<Ticket> tickets = m_jobs.keys();
    for (Ticket t : tickets) {
        const auto it = m_jobs.constFind(t);
        if (it == m_jobs.constEnd() || it->profileId != profileId || it->request) continue;
        if (state == ConnectionState::Open)
            send(t);
        else if (state == ConnectionState::Failed || state == ConnectionState::Closed)
            finishWithError(t, NetError::ConnectFailed,
                            detail.isEmpty() ? tr("the connection did not open") : detail);
    }
    sweep(); // a close drops the answers still owed on it
}

void QueryRunner::onResult(const QueryResult &result)
{
    const auto it = m_byRequest.constFind(result.id);
    if (it == m_byRequest.constEnd()) return; // not ours (explorer, monitor) or given up on
    const Ticket t = *it;
    QueryResult r = result;
    if (r.query.isEmpty()) r.query = m_jobs.value(t).text;
    finish(t, r);
}

void QueryRunner::cancel(Ticket ticket)
{
    const auto it = m_jobs.find(ticket);
    if (it == m_jobs.end()) return;
    if (!it->request) {
        finishWithError(ticket, NetError::Cancelled,
                        tr("cancelled before it was sent (the connection was not open yet)"));
        return;
    }
    if (it->cancelling) {
        // asked again before the engine confirmed: stop waiting now
        finishWithError(ticket, NetError::Cancelled,
                        tr("cancelled: stopped waiting for the answer (asked twice; the engine "
                           "had not confirmed the first cancel)"));
        return;
    }
    it->cancelling = true;
    it->cancelClock.start();
    Q_EMIT jobsChanged();
    // The engine answers with the request's result: Cancelled ("cancelled before it was sent",
    // or the connection was dropped), or the answer if it had already arrived.
    m_sessions->manager()->cancel(it->request);
}

void QueryRunner::cancelOwnedBy(const QObject *owner)
{
    if (!owner) return;
    QList<Ticket> mine;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        if (it->hasOwner && it->owner == owner && !it->cancelling) mine << it.key();
    // the newest first: withdrawing the ones queued behind before dropping the one on the wire
    // keeps them from being written on the fresh connection
    std::sort(mine.begin(), mine.end(), std::greater<>());
    for (Ticket t : mine)
        cancel(t);
}

void QueryRunner::sweep()
{
    ConnectionManager *m = m_sessions->manager();
    const QList<Ticket> tickets = m_jobs.keys();
    for (Ticket t : tickets) {
        const auto it = m_jobs.constFind(t);
        if (it == m_jobs.constEnd() || !it->request) continue;
        const ConnectionState s = m->state(it->connection);
        const bool gone = s == ConnectionState::Closed || s == ConnectionState::Failed ||
                          m_sessions->connectionOf(it->profileId) != it->connection;
        if (gone)
            finishWithError(t, NetError::Disconnected,
                            tr("the connection was closed before the answer came"));
        else if (it->cancelling && it->cancelClock.elapsed() > kCancelConfirmMs)
            finishWithError(t, NetError::Cancelled,
                            tr("cancelled: the engine did not confirm within %1 ms, so qscope "
                               "stopped waiting (a late answer is dropped)")
                                .arg(kCancelConfirmMs));
    }
    if (m_jobs.isEmpty()) m_sweep->stop();
}

qint64 QueryRunner::elapsedMs(Ticket ticket) const
{
    const auto it = m_jobs.constFind(ticket);
    return it == m_jobs.constEnd() ? -1 : it->clock.elapsed();
}

QueryRunner::Ticket QueryRunner::activeFor(const QObject *owner) const
{
    if (!owner) return 0;
    Ticket best = 0;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        if (it->hasOwner && it->owner == owner && (best == 0 || it.key() < best)) best = it.key();
    return best;
}

QueryRunner::JobInfo QueryRunner::info(Ticket ticket, const Job &job) const
{
    JobInfo i;
    i.ticket = ticket;
    i.profileId = job.profileId;
    i.what = job.kind == File ? tr("load %1").arg(QString::fromUtf8(job.text))
                              : QString::fromUtf8(job.text);
    i.startedAt = job.startedAt;
    i.elapsedMs = job.clock.elapsed();
    i.phase = job.cancelling ? Phase::Cancelling : job.request ? Phase::Sent : Phase::Connecting;
    i.owner = job.owner.data();
    i.received = job.received;
    i.total = job.total;
    if (job.request) {
        quint64 ahead = 0;
        for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
            if (it->request && it->connection == job.connection && it->sendOrder < job.sendOrder &&
                it->sendOrder > ahead) {
                ahead = it->sendOrder;
                i.behind = it.key();
            }
    }
    return i;
}

std::optional<QueryRunner::JobInfo> QueryRunner::job(Ticket ticket) const
{
    const auto it = m_jobs.constFind(ticket);
    if (it == m_jobs.constEnd()) return std::nullopt;
    return info(ticket, *it);
}

QList<QueryRunner::JobInfo> QueryRunner::jobs() const
{
    QList<JobInfo> out;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        out << info(it.key(), *it);
    std::sort(out.begin(), out.end(),
              [](const JobInfo &a, const JobInfo &b) { return a.ticket < b.ticket; });
    return out;
}

void QueryRunner::finishWithError(Ticket ticket, NetError::Kind kind, const QString &message)
{
    const auto it = m_jobs.constFind(ticket);
    if (it == m_jobs.constEnd()) return;
    QueryResult r;
    r.id = it->request;
    r.connection = it->connection;
    r.query = it->text;
    r.error = NetError{kind, message};
    finish(ticket, r);
}

void QueryRunner::finish(Ticket ticket, QueryResult result)
{
    const Job job = m_jobs.take(ticket);
    if (job.request) m_byRequest.remove(job.request); // a late answer is dropped
    const ConnectionProfile *p = m_sessions->store()->profile(job.profileId);
    const QString server = p ? p->name : tr("(no server)");
    if (result.elapsedNs == 0) result.elapsedNs = job.clock.nsecsElapsed();
    if (m_history && !job.text.isEmpty()) {
        HistoryEntry e;
        e.time = job.startedAt;
        e.server = server;
        e.profileId = job.profileId;
        e.query = job.kind == File ? QStringLiteral("\\l ") + QString::fromUtf8(job.text)
                                   : QString::fromUtf8(job.text);
        e.durationNs = result.elapsedNs;
        e.bytes = result.bytesIn;
        if (result.error) e.error = result.error->message;
        m_history->add(e);
    }
    if (m_jobs.isEmpty()) m_sweep->stop();
    Q_EMIT finished(ticket, result, server, job.owner.data());
    Q_EMIT jobsChanged();
}

} // namespace qscope
