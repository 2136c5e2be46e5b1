#pragma once
/// Runs the workbench's queries on saved connections: opens the connection first if needed (the
/// query waits, without blocking, until it is open or has failed), tracks each request by a
/// ticket, forwards progress, records every finished query in the history, and cancels honestly:
/// kdb+ cannot interrupt a running query, so cancel drops the connection and reconnects
/// (ConnectionManager::cancel).

#include "net/connectionmanager.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

namespace qscope {

class HistoryStore;
class ServerSessions;

class QueryRunner : public QObject
{
    Q_OBJECT
public:
    using Ticket = quint64;
    QueryRunner(ServerSessions *sessions, HistoryStore *history, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    Ticket run(const QString &profileId, const QByteArray &query);
    /// Executes a local .q file on the server (ConnectionManager::executeFile).
    Ticket runFile(const QString &profileId, const QString &path);
    /// Sync call (function; args...). `description` is what history and errors show.
    Ticket call(const QString &profileId, const Value &message, const QByteArray &description);
    void cancel(Ticket ticket);
    bool isRunning(Ticket ticket) const { return m_jobs.contains(ticket); }
    int running() const { return int(m_jobs.size()); }
    qint64 elapsedMs(Ticket ticket) const;

    static const QString &cancelExplanation();

Q_SIGNALS:
    void started(qscope::QueryRunner::Ticket ticket, const QString &profileId, const QString &what);
    /// The request is on the wire (after the connection opened).
    void sent(qscope::QueryRunner::Ticket ticket);
    void progress(qscope::QueryRunner::Ticket ticket, qint64 received, qint64 total);
    void finished(qscope::QueryRunner::Ticket ticket, const qscope::QueryResult &result,
                  const QString &serverName);

private:
    enum Kind { Query, File, Call };
    struct Job
    {
        Kind kind = Query;
        QString profileId;
        QByteArray text; // query, path, or description
        Value message;
        RequestId request = 0;
        QElapsedTimer clock;
        QDateTime startedAt;
    };
    Ticket enqueue(Job job);
    void send(Ticket ticket);
    void finish(Ticket ticket, QueryResult result);
    void onState(const QString &profileId, ConnectionState state, const QString &detail);
    void onResult(const QueryResult &result);

    ServerSessions *m_sessions;
    HistoryStore *m_history;
    QHash<Ticket, Job> m_jobs;
    QHash<RequestId, Ticket> m_byRequest;
    Ticket m_next = 1;
};

} // namespace qscope
