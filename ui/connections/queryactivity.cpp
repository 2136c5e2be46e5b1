#include "connections/queryactivity.h"

#include "connections/serversessions.h"
#include "editor/editortab.h"

namespace qscope {

QueryActivity::QueryActivity(QueryRunner *runner, ServerSessions *sessions, QObject *parent)
    : QObject(parent), m_runner(runner), m_sessions(sessions)
{
    connect(runner, &QueryRunner::jobsChanged, this, &QueryActivity::reportAll);
    connect(sessions->manager()->registry(), &HandleRegistry::stopRequested, this,
            &QueryActivity::onStop);
}

QList<QueryRunner::Ticket> QueryActivity::running(const QString &profileId) const
{
    QList<QueryRunner::Ticket> out;
    for (const QueryRunner::JobInfo &j : m_runner->jobs())
        if (j.profileId == profileId) out << j.ticket;
    return out;
}

void QueryActivity::reportAll()
{
    const QList<QueryRunner::JobInfo> jobs = m_runner->jobs();
    QSet<QString> profiles;
    for (const QueryRunner::JobInfo &j : jobs)
        profiles.insert(j.profileId);
    for (const QString &gone : m_reported - profiles)
        report(gone, {}); // its last job ended: clear its text
    for (const QString &p : profiles)
        report(p, jobs);
    m_reported = profiles;
}

void QueryActivity::report(const QString &profileId, const QList<QueryRunner::JobInfo> &jobs)
{
    if (!m_sessions) return;
    const ConnectionId conn = m_sessions->connectionOf(profileId);
    if (!conn) return;
    QString text;
    int waiting = 0;
    for (const QueryRunner::JobInfo &j : jobs) { // oldest first
        if (j.profileId != profileId) continue;
        if (j.phase != QueryRunner::Phase::Connecting && j.behind == 0 && text.isEmpty()) {
            const QString what = j.what.simplified();
            text = tr("query: %1").arg(what.size() > 80 ? what.left(79) + QChar(0x2026) : what);
            if (const auto *tab = qobject_cast<const EditorTab *>(j.owner))
                text += tr(" (tab %1)").arg(tab->displayName());
            if (j.phase == QueryRunner::Phase::Cancelling) text += tr(", cancelling");
        } else {
            ++waiting;
        }
    }
    if (!text.isEmpty() && waiting) text += tr(" (+%1 waiting)").arg(waiting);
    m_sessions->manager()->registry()->setActivity(conn, text);
}

void QueryActivity::onStop(ConnectionId id)
{
    if (!m_sessions) return;
    const HandleOwner o = m_sessions->manager()->registry()->owner(id);
    if (o.purpose != HandlePurpose::Query) return;
    const QString profileId = m_sessions->profileOf(id);
    if (profileId.isEmpty()) return;
    const QList<QueryRunner::Ticket> tickets = running(profileId);
    // Newest first, so an older request never goes out in the gap the cancel makes.
    for (auto it = tickets.crbegin(); it != tickets.crend(); ++it)
        m_runner->cancel(*it);
}

} // namespace qscope
