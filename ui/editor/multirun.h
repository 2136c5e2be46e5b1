#pragma once
/// One statement on several servers at once: a sync query on each server's own connection, all
/// in flight together (QueryRunner jobs owned by this object, so no tab waits on them and each
/// answer comes back with its server's name). Each answer is reported as it arrives; done()
/// once every server has answered or failed.

#include "net/nettypes.h"

#include <QObject>
#include <QSet>

namespace qscope {

class QueryRunner;

class MultiRun : public QObject
{
    Q_OBJECT
public:
    MultiRun(QueryRunner *runner, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void run(const QStringList &profileIds, const QByteArray &statement);
    int pending() const { return int(m_tickets.size()); }

Q_SIGNALS:
    void result(const qscope::QueryResult &result, const QString &serverName);
    void done(int ok, int failed);

private:
    QueryRunner *m_runner;
    QSet<quint64> m_tickets;
    int m_ok = 0, m_failed = 0;
};

} // namespace qscope
