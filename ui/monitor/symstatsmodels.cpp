#include "symstatsmodels.h"

#include "cellformat.h"

namespace qscope {

SymStatsModelBase::SymStatsModelBase(const SymStats *stats, QObject *parent)
    : QAbstractTableModel(parent), m_stats(stats)
{}

void SymStatsModelBase::refresh()
{
    const int cols = wantedColumns();
    if (cols != m_columns || m_stats->count() < m_rows) {
        beginResetModel();
        m_columns = cols;
        m_rows = m_stats->count();
        endResetModel();
        return;
    }
    if (m_rows > 0 && m_columns > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, m_columns - 1));
    if (m_stats->count() > m_rows) {
        beginInsertRows({}, m_rows, m_stats->count() - 1);
        m_rows = m_stats->count();
        endInsertRows();
    }
}

int SymStatsModelBase::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int LastValueModel::wantedColumns() const
{
    const Value &names = m_stats->columnNames();
    return names.type() == Symbol ? int(names.count()) : 0;
}

int LastValueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columns;
}

QVariant LastValueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows || index.column() >= m_columns ||
        (role != Qt::DisplayRole && role != Qt::TextAlignmentRole))
        return {};
    const SymStats::Entry &e = m_stats->at(index.row());
    const QByteArray name = m_stats->columnNames().symAt(index.column());
    const int c = e.lastTable.columnIndex(name);
    if (c < 0) return {};
    const Value &column = e.lastTable.columns().item(c);
    if (role == Qt::TextAlignmentRole) {
        // Numbers and times right-aligned, as in the rows view.
        const int t = column.type();
        const bool numeric = (t >= Short && t <= Float) || (t >= Timestamp && t <= Time);
        return QVariant::fromValue(numeric ? Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter)
                                           : Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    }
    return detail::cellText(column, e.lastRow);
}

QVariant LastValueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < m_columns)
        return QString::fromUtf8(m_stats->columnNames().symAt(section));
    return QAbstractTableModel::headerData(section, orientation, role);
}

int SymAggregatesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columns;
}

QVariant SymAggregatesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows || index.column() >= m_columns) return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(index.column() == 0
                                       ? Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter)
                                       : Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole) return {};
    const SymStats::Entry &e = m_stats->at(index.row());
    switch (index.column()) {
    case 0:
        return QString::fromUtf8(e.sym);
    case 1:
        return QString::number(e.count);
    case 2: // as q shows the price it came as
        return e.hasLast ? detail::atomText(Value::floatAtom(e.last)) : QString();
    case 3:
        return e.sizeCount ? QString::number(e.avgSize(), 'f', 2) : QString();
    case 4:
        return e.volume > 0 ? QString::number(e.vwap(), 'f', 4) : QString();
    default:
        return {};
    }
}

QVariant SymAggregatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char *names[] = {"sym", "count", "last", "avg size", "VWAP"};
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < 5)
        return QString::fromLatin1(names[section]);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace qscope
