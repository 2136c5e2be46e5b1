#include "ownhandlesmodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace qscope {

OwnHandlesModel::OwnHandlesModel(HandleRegistry *registry, QObject *parent)
    : QAbstractTableModel(parent), m_registry(registry)
{
    if (!registry) return;
    for (int i = 0; i < registry->count(); ++i)
        m_rows.append(registry->at(i));
    connect(registry, &HandleRegistry::rowAdded, this, [this](int row) {
        if (row < 0 || row >= m_registry->count() || row < int(m_rows.size())) return;
        beginInsertRows({}, int(m_rows.size()), row);
        for (int i = int(m_rows.size()); i <= row; ++i)
            m_rows.append(m_registry->at(i));
        endInsertRows();
    });
    connect(registry, &HandleRegistry::rowChanged, this, [this](int row) {
        if (row < 0 || row >= int(m_rows.size()) || row >= m_registry->count()) return;
        m_rows[row] = m_registry->at(row);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    });
    connect(registry, &HandleRegistry::rowsRemoved, this, [this](int first, int last) {
        last = std::min(last, int(m_rows.size()) - 1);
        if (first < 0 || last < first) return;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    });
}

int OwnHandlesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OwnHandlesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OwnHandlesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const HandleInfo &h = m_rows[index.row()];
    if (role == ConnectionIdRole) return QVariant::fromValue<qulonglong>(h.id);
    if (role == Qt::ForegroundRole && (h.state == ConnectionState::Closed))
        return QBrush(QColor(120, 120, 120));
    if (role == Qt::BackgroundRole && h.state == ConnectionState::Failed)
        return QBrush(QColor(255, 205, 210));
    if (role == Qt::TextAlignmentRole && index.column() >= MsgIn && index.column() <= Pending)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    const QLocale loc;
    auto time = [](const QDateTime &t) {
        return t.isValid() ? t.toString(QStringLiteral("HH:mm:ss")) : QString();
    };
    switch (index.column()) {
    case Id:
        return QString::number(h.id);
    case Name:
        return h.name;
    case Owner: // who holds it (set by whoever opened it; gone once it closed)
        return m_registry ? m_registry->owner(h.id).owner : QString();
    case Server:
        return h.server;
    case User:
        return h.user;
    case Transport:
        return h.transport;
    case State:
        return connectionStateName(h.state);
    case Opened:
        return time(h.opened);
    case Closed:
        return time(h.closed);
    case MsgIn:
        return loc.toString(h.messagesIn);
    case MsgOut:
        return loc.toString(h.messagesOut);
    case BytesIn:
        return loc.toString(h.bytesIn);
    case BytesOut:
        return loc.toString(h.bytesOut);
    case Pending:
        return QString::number(h.pendingQueries);
    case LastError:
        return h.lastError;
    default:
        return {};
    }
}

QVariant OwnHandlesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *names[] = {"id",        "name",     "owner",     "server",  "user",
                                  "transport", "state",    "opened",    "closed",  "msgs in",
                                  "msgs out",  "bytes in", "bytes out", "pending", "last error"};
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < ColumnCount)
        return QString::fromLatin1(names[section]);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace qscope
