#pragma once
/// The query tabs' side of Activity: reports what each profile's query connection has on the
/// wire (the oldest running request's text, since it was sent) to the HandleRegistry, and
/// answers Activity's Stop on a query connection by cancelling the requests running on it.
/// It follows QueryRunner's signals; once QueryRunner lists its jobs (with their tabs) this is
/// the one place to read them from instead. GUI thread only.

#include "editor/queryrunner.h"

#include <QMap>
#include <QObject>
#include <QPointer>

namespace qscope {

class ServerSessions;

class QueryActivity : public QObject
{
    Q_OBJECT
public:
    QueryActivity(QueryRunner *runner, ServerSessions *sessions, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Requests running (sent or waiting to be) for a profile, oldest first.
    QList<QueryRunner::Ticket> running(const QString &profileId) const;

private:
    struct Job
    {
        QString profileId;
        QString what;
        bool sent = false;
    };
    void report(const QString &profileId);
    void onStop(ConnectionId id);

    QueryRunner *m_runner;
    QPointer<ServerSessions> m_sessions;   ///< a sibling under the main window: may go first
    QMap<QueryRunner::Ticket, Job> m_jobs; ///< tickets grow: oldest first
};

} // namespace qscope
