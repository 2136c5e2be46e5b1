#include "activitymodel.h"

#include "ownhandlesmodel.h"

#include <QTimer>

#include <algorithm>

namespace qscope {

ActivityModel::ActivityModel(HandleRegistry *registry, QObject *parent)
    : QAbstractTableModel(parent), m_registry(registry), m_tick(new QTimer(this))
{
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &ActivityModel::tick);
    if (m_registry) {
        // Added or changed: that handle's row only. A full sync per added handle would cost the
        // square of their number (and a model reset each) when a thousand open at once.
        connect(m_registry, &HandleRegistry::rowAdded, this, &ActivityModel::onRowChanged);
        connect(m_registry, &HandleRegistry::rowChanged, this, &ActivityModel::onRowChanged);
        connect(m_registry, &HandleRegistry::rowsRemoved, this, &ActivityModel::sync);
        connect(m_registry, &HandleRegistry::ownerChanged, this, &ActivityModel::onOwnerChanged);
    }
    sync();
}

QString ActivityModel::purposeName(HandlePurpose p)
{
    switch (p) {
    case HandlePurpose::Query:
        return tr("query");
    case HandlePurpose::Feed:
        return tr("feed");
    case HandlePurpose::Poller:
        return tr("poller");
    case HandlePurpose::Other:
        break;
    }
    return tr("other");
}

QString ActivityModel::formatAge(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    if (ms < 10000) return tr("%1 s").arg(QString::number(ms / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    if (s < 60) return tr("%1 s").arg(s);
    if (s < 3600) return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

int ActivityModel::rowOf(ConnectionId id) const
{
    return m_rowOf.value(id, -1);
}

void ActivityModel::notePending(Row &r, const HandleInfo &h) const
{
    if (h.pendingQueries > 0 && !r.pendingSince.isValid())
        r.pendingSince = QDateTime::currentDateTimeUtc();
    if (h.pendingQueries == 0) r.pendingSince = QDateTime();
}

void ActivityModel::onRowChanged(int registryRow)
{
    // The engine refreshes every handle's counters four times a second: with many handles a
    // full sync per refresh would cost the square of their number.
    const HandleInfo &h = m_registry->at(registryRow);
    const bool open = h.state != ConnectionState::Closed && h.state != ConnectionState::Failed;
    int row = rowOf(h.id);
    if (open && row < 0) {
        // Rows are kept in id order; new handles have the highest ids, so this is an append.
        const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), h.id,
                                         [](const Row &r, ConnectionId id) { return r.id < id; });
        row = int(at - m_rows.begin());
        beginInsertRows({}, row, row);
        m_rows.insert(row, Row{h.id, -1, 0, {}});
        reindexFrom(row);
        notePending(m_rows[row], h);
        endInsertRows();
        return;
    }
    if (!open && row >= 0) {
        beginRemoveRows({}, row, row);
        m_rows.remove(row);
        m_rowOf.remove(h.id);
        reindexFrom(row);
        endRemoveRows();
        return;
    }
    if (row < 0) return;
    notePending(m_rows[row], h);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ActivityModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows[i].id, i);
}

void ActivityModel::onOwnerChanged(ConnectionId id)
{
    const int at = m_registry->rowOf(id);
    if (at >= 0)
        onRowChanged(at);
    else if (const int row = rowOf(id); row >= 0)
        sync(); // its handle left the registry: the row goes
}

void ActivityModel::sync()
{
    if (!m_registry) return;
    QVector<ConnectionId> open;
    for (int i = 0; i < m_registry->count(); ++i) {
        const HandleInfo &h = m_registry->at(i);
        if (h.state != ConnectionState::Closed && h.state != ConnectionState::Failed) open << h.id;
    }
    std::sort(open.begin(), open.end());
    bool same = open.size() == m_rows.size();
    for (int i = 0; same && i < open.size(); ++i)
        same = open[i] == m_rows[i].id;
    if (!same) {
        beginResetModel();
        QVector<Row> rows;
        for (ConnectionId id : open) {
            const int old = rowOf(id);
            rows << (old >= 0 ? m_rows[old] : Row{id, -1, 0, {}});
        }
        m_rows = rows;
        m_rowOf.clear();
        for (int i = 0; i < m_rows.size(); ++i)
            m_rowOf.insert(m_rows[i].id, i);
    }
    for (Row &r : m_rows)
        if (const int at = m_registry->rowOf(r.id); at >= 0) notePending(r, m_registry->at(at));
    if (!same)
        endResetModel();
    else if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

void ActivityModel::setTicking(bool on)
{
    if (on == m_tick->isActive()) return;
    if (on) {
        m_sinceTick.start();
        for (Row &r : m_rows)
            r.lastMessages = -1; // a rate over the hidden time would mean nothing
        m_tick->start();
        sync();
    } else {
        m_tick->stop();
    }
}

bool ActivityModel::isTicking() const
{
    return m_tick->isActive();
}

void ActivityModel::tick()
{
    const double secs = std::max<qint64>(1, m_sinceTick.restart()) / 1000.0;
    for (Row &r : m_rows) {
        const int at = m_registry->rowOf(r.id);
        if (at < 0) continue;
        const HandleInfo &h = m_registry->at(at);
        const qint64 n = h.messagesIn + h.messagesOut;
        r.rate = r.lastMessages < 0 ? 0 : (n - r.lastMessages) / secs;
        r.lastMessages = n;
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, OnWire), index(int(m_rows.size()) - 1, Rate));
}

int ActivityModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ActivityModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ActivityModel::onWire(const Row &r, const HandleInfo &h, const HandleOwner &o) const
{
    if (!o.activity.isEmpty()) return o.activity;
    // Feeds and pollers say what they send themselves; on a query connection (the explorer's
    // fetches, a request nobody reported) or a handle nobody owns, the engine's count of
    // requests in flight is what can be said.
    const bool reportsItself =
        o.purpose == HandlePurpose::Feed || o.purpose == HandlePurpose::Poller;
    if (h.pendingQueries > 0 && !reportsItself)
        return h.pendingQueries == 1 ? tr("1 request in flight")
                                     : tr("%1 requests in flight").arg(h.pendingQueries);
    Q_UNUSED(r);
    return o.summary.isEmpty() ? tr("idle") : tr("idle · %1").arg(o.summary);
}

QDateTime ActivityModel::since(const Row &r, const HandleOwner &o) const
{
    if (!o.activity.isEmpty()) return o.since;
    const bool reportsItself =
        o.purpose == HandlePurpose::Feed || o.purpose == HandlePurpose::Poller;
    return reportsItself ? QDateTime() : r.pendingSince;
}

QVariant ActivityModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size()) return {};
    const Row &r = m_rows[index.row()];
    if (role == ConnectionIdRole) return QVariant::fromValue<qulonglong>(r.id);
    const int at = m_registry->rowOf(r.id);
    if (at < 0) return {};
    const HandleInfo &h = m_registry->at(at);
    const HandleOwner o = m_registry->owner(r.id);
    if (role == Qt::ToolTipRole) {
        if (index.column() == OnWire) return onWire(r, h, o);
        if (index.column() == Owner)
            return tr("Handle %1: %2").arg(r.id).arg(h.name.isEmpty() ? h.server : h.name);
        if (index.column() == Stop)
            return o.owner.isEmpty() ? tr("Close this connection")
                                     : tr("Stop what %1 does on this connection").arg(o.owner);
        return {};
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == For || index.column() == Messages || index.column() == Rate))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Owner:
        return o.owner.isEmpty() ? tr("(no owner) %1").arg(h.name) : o.owner;
    case Purpose:
        return purposeName(o.purpose);
    case Server:
        return h.name.isEmpty() ? h.server : h.name + QStringLiteral(" · ") + h.server;
    case State:
        return connectionStateName(h.state);
    case OnWire:
        return onWire(r, h, o);
    case For: {
        const QDateTime t = since(r, o);
        return t.isValid() ? formatAge(t.msecsTo(QDateTime::currentDateTimeUtc())) : QString();
    }
    case Messages:
        return tr("%1 in / %2 out").arg(h.messagesIn).arg(h.messagesOut);
    case Rate:
        return r.lastMessages < 0 ? QString() : tr("%1/s").arg(QString::number(r.rate, 'f', 1));
    case Stop:
        return tr("Stop");
    default:
        return {};
    }
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Owner:
        return tr("Owner");
    case Purpose:
        return tr("Purpose");
    case Server:
        return tr("Server");
    case State:
        return tr("State");
    case OnWire:
        return tr("On the wire");
    case For:
        return tr("For");
    case Messages:
        return tr("Messages");
    case Rate:
        return tr("Rate");
    case Stop:
        return QString();
    default:
        return {};
    }
}

} // namespace qscope
