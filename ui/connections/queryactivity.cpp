#include "connections/queryactivity.h"

#include "connections/serversessions.h"

namespace qscope {

QueryActivity::QueryActivity(QueryRunner *runner, ServerSessions *sessions, QObject *parent)
    : QObject(parent), m_runner(runner), m_sessions(sessions)
{
    connect(runner, &QueryRunner::started, this,
            [this](QueryRunner::Ticket t, const QString &profileId, const QString &what) {
                m_jobs.insert(t, Job{profileId, what.simplified(), false});
                report(profileId);
            });
    connect(runner, &QueryRunner::sent, this, [this](QueryRunner::Ticket t) {
        const auto it = m_jobs.find(t);
        if (it == m_jobs.end()) return;
        it->sent = true;
        report(it->profileId);
    });
    connect(runner, &QueryRunner::finished, this,
            [this](QueryRunner::Ticket t, const QueryResult &, const QString &) {
                const QString profileId = m_jobs.value(t).profileId;
                if (m_jobs.remove(t)) report(profileId);
            });
    connect(sessions->manager()->registry(), &HandleRegistry::stopRequested, this,
            &QueryActivity::onStop);
}

QList<QueryRunner::Ticket> QueryActivity::running(const QString &profileId) const
{
    QList<QueryRunner::Ticket> out;
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
        if (it->profileId == profileId) out << it.key();
    return out;
}

void QueryActivity::report(const QString &profileId)
{
    if (!m_sessions) return;
    const ConnectionId conn = m_sessions->connectionOf(profileId);
    if (!conn) return;
    QString text;
    int waiting = 0;
    for (const Job &j : std::as_const(m_jobs)) {
        if (j.profileId != profileId) continue;
        if (j.sent && text.isEmpty())
            text =
                tr("query: %1").arg(j.what.size() > 80 ? j.what.left(79) + QChar(0x2026) : j.what);
        else
            ++waiting;
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
