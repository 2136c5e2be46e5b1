// HandleRegistry: the table of handles the engine opened, fed by the manager on its thread.

#include "handleregistry.h"

namespace qscope {

HandleRegistry::HandleRegistry(QObject *parent) : QObject(parent) {}

int HandleRegistry::rowOf(ConnectionId id) const
{
    // Newest rows are the likeliest to change: search from the end.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row)
        if (m_rows[row].id == id) return row;
    return -1;
}

void HandleRegistry::setHistoryLimit(int closedRowsKept)
{
    m_historyLimit = qMax(0, closedRowsKept);
    int closed = 0;
    for (const HandleInfo &h : m_rows)
        if (h.state == ConnectionState::Closed || h.state == ConnectionState::Failed) ++closed;
    // Trim the oldest closed rows one at a time so a model can follow with beginRemoveRows.
    for (int row = 0; row < int(m_rows.size()) && closed > m_historyLimit;) {
        const ConnectionState s = m_rows[row].state;
        if (s == ConnectionState::Closed || s == ConnectionState::Failed) {
            m_rows.removeAt(row);
            --closed;
            Q_EMIT rowsRemoved(row, row);
        } else {
            ++row;
        }
    }
}

void HandleRegistry::rename(ConnectionId id, const QString &name)
{
    m_names.insert(id, name);
    const int row = rowOf(id);
    if (row < 0 || m_rows[row].name == name) return;
    m_rows[row].name = name;
    Q_EMIT rowChanged(row);
}

void HandleRegistry::upsert(const HandleInfo &in)
{
    HandleInfo info = in;
    if (const auto it = m_names.constFind(info.id); it != m_names.constEnd()) info.name = *it;
    const int row = rowOf(info.id);
    if (row >= 0) {
        m_rows[row] = info;
        Q_EMIT rowChanged(row);
    } else {
        m_rows.append(info);
        Q_EMIT rowAdded(int(m_rows.size()) - 1);
    }
    if (info.state == ConnectionState::Closed || info.state == ConnectionState::Failed) {
        // A closed handle has no owner any more (ids are never reused).
        if (info.state == ConnectionState::Closed) m_names.remove(info.id); // its row keeps it
        if (info.state == ConnectionState::Closed && m_owners.remove(info.id)) {
            Q_EMIT ownerChanged(info.id);
        }
        setHistoryLimit(m_historyLimit);
    }
}

void HandleRegistry::setOwner(ConnectionId id, HandlePurpose purpose, const QString &owner,
                              const QString &summary)
{
    HandleOwner &o = m_owners[id];
    o.purpose = purpose;
    o.owner = owner;
    o.summary = summary;
    ownerEdited(id);
}

void HandleRegistry::setSummary(ConnectionId id, const QString &summary)
{
    const auto it = m_owners.find(id);
    if (it == m_owners.end() || it->summary == summary) return;
    it->summary = summary;
    ownerEdited(id);
}

void HandleRegistry::setActivity(ConnectionId id, const QString &activity)
{
    const auto it = m_owners.find(id);
    if (it == m_owners.end() || it->activity == activity) return;
    it->activity = activity;
    it->since = activity.isEmpty() ? QDateTime() : QDateTime::currentDateTimeUtc();
    ownerEdited(id);
}

bool HandleRegistry::requestStop(ConnectionId id)
{
    if (!m_owners.contains(id)) return false;
    Q_EMIT stopRequested(id);
    return true;
}

void HandleRegistry::ownerEdited(ConnectionId id)
{
    Q_EMIT ownerChanged(id);
    if (const int row = rowOf(id); row >= 0) Q_EMIT rowChanged(row);
}

} // namespace qscope
