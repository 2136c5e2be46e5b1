#pragma once
/// The query tabs' side of Activity: reports what each profile's query connection has on the
/// wire (the oldest sent request's text, the tab that asked, and how many wait behind it) to the
/// HandleRegistry, and answers Activity's Stop on a query connection by cancelling the requests
/// running on it. It reads QueryRunner's job list, the one record of the workbench's requests.
/// GUI thread only.

#include "editor/queryrunner.h"

#include <QObject>
#include <QPointer>
#include <QSet>

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
    void reportAll();
    void report(const QString &profileId, const QList<QueryRunner::JobInfo> &jobs);
    void onStop(ConnectionId id);

    QueryRunner *m_runner;
    QPointer<ServerSessions> m_sessions; ///< a sibling under the main window: may go first
    QSet<QString> m_reported;            ///< profiles whose activity text is set, to clear it
};

} // namespace qscope
