#include "editor/multirun.h"

#include "editor/queryrunner.h"

namespace qscope {

MultiRun::MultiRun(QueryRunner *runner, QObject *parent) : QObject(parent), m_runner(runner)
{
    connect(runner, &QueryRunner::finished, this,
            [this](QueryRunner::Ticket t, const QueryResult &r, const QString &server, QObject *) {
                if (!m_tickets.remove(t)) return; // not one of this run's
                (r.ok() ? m_ok : m_failed)++;
                Q_EMIT result(r, server);
                if (m_tickets.isEmpty()) Q_EMIT done(m_ok, m_failed);
            });
}

void MultiRun::run(const QStringList &profileIds, const QByteArray &statement)
{
    // each server's connection takes its query at once: they run side by side, not in turn
    for (const QString &id : profileIds)
        m_tickets.insert(m_runner->run(id, statement, this));
}

} // namespace qscope
