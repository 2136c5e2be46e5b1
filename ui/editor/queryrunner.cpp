#include "editor/queryrunner.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "history/historystore.h"

namespace qscope {

QueryRunner::QueryRunner(ServerSessions *sessions, HistoryStore *history, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_history(history)
{
    ConnectionManager *m = sessions->manager();
    connect(m, &ConnectionManager::resultReady, this, &QueryRunner::onResult);
    connect(m, &ConnectionManager::progress, this,
            [this](RequestId request, qint64 received, qint64 total) {
                const auto it = m_byRequest.constFind(request);
                if (it != m_byRequest.constEnd()) Q_EMIT progress(*it, received, total);
            });
    connect(sessions, &ServerSessions::stateChanged, this, &QueryRunner::onState);
}

const QString &QueryRunner::cancelExplanation()
{
    static const QString text =
        tr("kdb+ cannot interrupt a running query. Cancel closes this connection (the server still "
           "finishes the query and then discards the result) and opens a new one. Anything the "
           "server kept per handle, and async messages not yet sent, are lost.");
    return text;
}

QueryRunner::Ticket QueryRunner::run(const QString &profileId, const QByteArray &query)
{
    Job job;
    job.kind = Query;
    job.profileId = profileId;
    job.text = query;
    return enqueue(std::move(job));
}

QueryRunner::Ticket QueryRunner::runFile(const QString &profileId, const QString &path)
{
    Job job;
    job.kind = File;
    job.profileId = profileId;
    job.text = path.toUtf8();
    return enqueue(std::move(job));
}

QueryRunner::Ticket QueryRunner::call(const QString &profileId, const Value &message,
                                      const QByteArray &description)
{
    Job job;
    job.kind = Call;
    job.profileId = profileId;
    job.text = description;
    job.message = message;
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
    Q_EMIT started(t, profileId, what);
    if (!m_sessions->store()->profile(profileId)) {
        QueryResult r;
        r.query = m_jobs[t].text;
        r.error = NetError{NetError::ConnectFailed,
                           tr("no connection is chosen for this tab: pick a server first")};
        finish(t, r);
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
    m_byRequest.insert(it->request, ticket);
    Q_EMIT sent(ticket);
}

void QueryRunner::onState(const QString &profileId, ConnectionState state, const QString &detail)
{
    const QList<Ticket> tickets = m_jobs.keys();
    for (Ticket t : tickets) {
        const auto it = m_jobs.constFind(t);
        if (it == m_jobs.constEnd() || it->profileId != profileId || it->request) continue;
        if (state == ConnectionState::Open) {
            send(t);
        } else if (state == ConnectionState::Failed || state == ConnectionState::Closed) {
            QueryResult r;
            r.query = it->text;
            r.error = NetError{NetError::ConnectFailed,
                               detail.isEmpty() ? tr("the connection did not open") : detail};
            finish(t, r);
        }
    }
}

void QueryRunner::onResult(const QueryResult &result)
{
    const auto it = m_byRequest.constFind(result.id);
    if (it == m_byRequest.constEnd()) return; // not ours (explorer, monitor) or cancelled
    const Ticket t = *it;
    m_byRequest.erase(it);
    QueryResult r = result;
    if (r.query.isEmpty()) r.query = m_jobs.value(t).text;
    finish(t, r);
}

void QueryRunner::cancel(Ticket ticket)
{
    const auto it = m_jobs.constFind(ticket);
    if (it == m_jobs.constEnd()) return;
    if (it->request) {
        m_byRequest.remove(it->request);
        m_sessions->manager()->cancel(it->request);
    }
    QueryResult r;
    r.id = it->request;
    r.query = it->text;
    r.error = NetError{NetError::Cancelled,
                       tr("cancelled: the connection was dropped and is reconnecting")};
    finish(ticket, r);
}

qint64 QueryRunner::elapsedMs(Ticket ticket) const
{
    const auto it = m_jobs.constFind(ticket);
    return it == m_jobs.constEnd() ? -1 : it->clock.elapsed();
}

void QueryRunner::finish(Ticket ticket, QueryResult result)
{
    const Job job = m_jobs.take(ticket);
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
    Q_EMIT finished(ticket, result, server);
}

} // namespace qscope
