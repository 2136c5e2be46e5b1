#include "estatemodel.h"

namespace qscope {

EstateModel::EstateModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_state.setListener(this);
}

EstateModel::~EstateModel()
{
    m_state.setListener(nullptr);
}

void EstateModel::clear()
{
    m_state.clear();
    Q_EMIT estateChanged();
}

void EstateModel::setRole(int node, const QString &role)
{
    if (node < 0 || node >= int(nodes().size())) return;
    m_state.setRole(node, role);
    Q_EMIT dataChanged(index(node, Role), index(node, Role));
    Q_EMIT estateChanged();
}

void EstateModel::applyPoll(int node, const Value &answer, qint64 nowMs)
{
    for (const QString &key : m_state.applyPoll(node, answer, nowMs))
        Q_EMIT processFound(key);
}

void EstateModel::applyFailure(int node, const QString &error, qint64 nowMs, bool answered)
{
    m_state.applyFailure(node, error, nowMs, answered);
}

void EstateModel::finishRound(qint64 nowMs)
{
    m_state.finishRound(nowMs);
    if (!nodes().empty())
        Q_EMIT dataChanged(index(0, 0), index(int(nodes().size()) - 1, ColumnCount - 1));
    Q_EMIT estateChanged();
    if (!m_state.raisedLastRound().empty()) Q_EMIT alertsRaised(m_state.raisedLastRound());
}

void EstateModel::nodesAboutToBeInserted(int first, int last)
{
    beginInsertRows({}, first, last);
}

void EstateModel::nodesInserted()
{
    endInsertRows();
}

void EstateModel::nodeAboutToBeRemoved(int index)
{
    beginRemoveRows({}, index, index);
}

void EstateModel::nodeRemoved()
{
    endRemoveRows();
}

void EstateModel::aboutToReset()
{
    beginResetModel();
}

void EstateModel::reset()
{
    endResetModel();
}

int EstateModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(nodes().size());
}

int EstateModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EstateModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(nodes().size())) return {};
    const EstateNode &n = nodes()[size_t(index.row())];
    if (role == Qt::ToolTipRole && !n.error.isEmpty()) return n.error;
    if (role != Qt::DisplayRole) return {};
    const bool live = n.polled && n.reachable;
    switch (index.column()) {
    case Name:
        return n.key;
    case Role:
        return n.role;
    case Memory:
        return live ? QStringLiteral("%1 / %2 (peak %3)")
                          .arg(EstateState::bytesText(n.used), EstateState::bytesText(n.heap),
                               EstateState::bytesText(n.peak))
                    : QString();
    case Uptime:
        return live ? EstateState::durationText(n.lastSeenMs - n.firstSeenMs) : QString();
    case MsgsIn:
        return live ? QString::number(n.msgsInPerSecond(), 'f', 1) : QString();
    case MsgsOut:
        return live ? QString::number(n.msgsOutPerSecond, 'f', 1) : QString();
    case LogPosition:
        return n.logPosition ? QVariant(qlonglong(*n.logPosition)) : QVariant();
    case Alerts:
        return n.activeAlerts;
    default:
        return {};
    }
}

QVariant EstateModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char *names[] = {"process", "role",   "memory used / heap", "up (seen)",
                                  "in /s",   "out /s", "log (.u.i)",         "alerts"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

} // namespace qscope
