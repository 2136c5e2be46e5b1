#pragma once
/// Runs the workbench's queries on saved connections and is the one record of what the workbench
/// asked each server to do. It opens the connection first if needed (the query waits, without
/// blocking, until it is open or has failed), tracks each request by a ticket and the object that
/// asked (an editor tab), forwards progress, records every finished query in the history, and
/// cancels honestly: kdb+ cannot interrupt a running query, so cancelling a request on the wire
/// drops the connection and reconnects (ConnectionManager::cancel); a request not yet written is
/// simply withdrawn. The text a cancelled job finishes with is the engine's own.
///
/// Every job ends: with the engine's answer, its error, the engine's cancel confirmation, or, if
/// none of those can come any more (the connection was closed, a cancel was never confirmed), an
/// error saying so.

#include "net/connectionmanager.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <optional>

class QTimer;

namespace qscope {

class HistoryStore;
class ServerSessions;

class QueryRunner : public QObject
{
    Q_OBJECT
public:
    using Ticket = quint64;
    /// Where a job is. Sent: handed to the engine, which writes one sync request per connection
    /// at a time, so a sent job may still wait behind an earlier one (JobInfo::behind).
    enum class Phase { Connecting, Sent, Cancelling };
    /// A snapshot of one unfinished job (for the running strip and an Activity view).
    struct JobInfo
    {
        Ticket ticket = 0;
        QString profileId;
        QString what;         ///< the query, call description, or "load <path>"
        QDateTime startedAt;  ///< UTC, when it was asked for (a later run never resets it)
        qint64 elapsedMs = 0; ///< since startedAt
        Phase phase = Phase::Connecting;
        /// Sent, but an earlier unanswered job of this runner on the same connection is ahead
        /// of it (the engine writes it once that one is answered): that job's ticket, else 0.
        Ticket behind = 0;
        QObject *owner = nullptr;       ///< who asked (an EditorTab), null for none
        qint64 received = 0, total = 0; ///< response bytes so far / announced (0 until a header)
    };
    /// A cancelled job that the engine does not confirm within this is finished by the runner.
    static constexpr int kCancelConfirmMs = 1000;

    QueryRunner(ServerSessions *sessions, HistoryStore *history, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// `owner` (an editor tab) is reported back with the result; it may be destroyed meanwhile.
    Ticket run(const QString &profileId, const QByteArray &query, QObject *owner = nullptr);
    /// Executes a local .q file on the server (ConnectionManager::executeFile).
    Ticket runFile(const QString &profileId, const QString &path, QObject *owner = nullptr);
    /// Sync call (function; args...). `description` is what history and errors show.
    Ticket call(const QString &profileId, const Value &message, const QByteArray &description,
                QObject *owner = nullptr);
    /// Ends the job: withdrawn if not yet written (finishes at once), else the engine drops the
    /// connection and finishes it with its Cancelled error. Asking again while the engine has not
    /// confirmed finishes it at once (a late answer is then dropped).
    void cancel(Ticket ticket);
    /// Cancels every job the owner asked for (a tab being closed).
    void cancelOwnedBy(const QObject *owner);

    bool isRunning(Ticket ticket) const { return m_jobs.contains(ticket); }
    int running() const { return int(m_jobs.size()); }
    qint64 elapsedMs(Ticket ticket) const;
    /// The owner's oldest unfinished job, 0 if none.
    Ticket activeFor(const QObject *owner) const;
    std::optional<JobInfo> job(Ticket ticket) const;
    /// Every unfinished job, oldest first.
    QList<JobInfo> jobs() const;

    static const QString &cancelExplanation();

Q_SIGNALS:
    void started(qscope::QueryRunner::Ticket ticket, const QString &profileId, const QString &what);
    /// The request is handed to the engine (after the connection opened).
    void sent(qscope::QueryRunner::Ticket ticket);
    void progress(qscope::QueryRunner::Ticket ticket, qint64 received, qint64 total);
    /// `owner` is who asked, null if none or since destroyed.
    void finished(qscope::QueryRunner::Ticket ticket, const qscope::QueryResult &result,
                  const QString &serverName, QObject *owner);
    /// A job started, was sent, is being cancelled, or finished: jobs() changed.
    void jobsChanged();

private:
    enum Kind { Query, File, Call };
    struct Job
    {
        Kind kind = Query;
        QString profileId;
        QByteArray text; // query, path, or description
        Value message;
        QPointer<QObject> owner;
        bool hasOwner = false;
        RequestId request = 0;
        ConnectionId connection = 0; ///< the engine connection it was sent on
        quint64 sendOrder = 0;
        bool cancelling = false;
        QElapsedTimer cancelClock;
        QElapsedTimer clock;
        QDateTime startedAt;
        qint64 received = 0, total = 0;
    };
    Ticket enqueue(Job job);
    void send(Ticket ticket);
    void finish(Ticket ticket, QueryResult result);
    /// Finishes the job with an error of its own making (nothing more will come from the engine).
    void finishWithError(Ticket ticket, NetError::Kind kind, const QString &message);
    void onState(const QString &profileId, ConnectionState state, const QString &detail);
    void onResult(const QueryResult &result);
    /// Ends jobs whose answer can no longer come: sent on a connection that was closed or
    /// replaced, or cancelled without confirmation for kCancelConfirmMs.
    void sweep();
    JobInfo info(Ticket ticket, const Job &job) const;

    ServerSessions *m_sessions;
    HistoryStore *m_history;
    QHash<Ticket, Job> m_jobs;
    QHash<RequestId, Ticket> m_byRequest;
    QTimer *m_sweep;
    Ticket m_next = 1;
    quint64 m_sendOrder = 0;
};

} // namespace qscope
