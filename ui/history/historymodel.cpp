#include "history/historymodel.h"

#include "history/historystore.h"

#include <QLocale>

namespace qscope {

HistoryModel::HistoryModel(HistoryStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store)
{
    // newest first: entry i is row count-1-i, so appends insert at row 0 and trims remove the end
    connect(store, &HistoryStore::aboutToAdd, this, [this](int) { beginInsertRows({}, 0, 0); });
    connect(store, &HistoryStore::added, this, [this](int) { endInsertRows(); });
    connect(store, &HistoryStore::aboutToTrim, this, [this](int n) {
        const int rows = m_store->count();
        beginRemoveRows({}, rows - n, rows - 1);
    });
    connect(store, &HistoryStore::trimmed, this, [this](int) { endRemoveRows(); });
    connect(store, &HistoryStore::aboutToReset, this, [this] { beginResetModel(); });
    connect(store, &HistoryStore::reset, this, [this] { endResetModel(); });
}

int HistoryModel::entryOf(int row) const
{
    return m_store->count() - 1 - row;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_store->count();
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::formatDuration(qint64 ns)
{
    if (ns < 1000000) return QStringLiteral("%1 µs").arg(ns / 1000);
    if (ns < 10000000000LL)
        return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', ns < 100000000 ? 1 : 0);
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 1);
}

QString HistoryModel::formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_store->count() || index.column() >= ColumnCount)
        return {};
    const HistoryEntry &e = m_store->at(entryOf(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Server:
            return e.server;
        case Query: {
            QString q = e.query.simplified();
            if (q.size() > 200) q = QString(q.left(200) + QChar(0x2026));
            return q;
        }
        case Duration:
            return formatDuration(e.durationNs);
        case Size:
            return formatBytes(e.bytes);
        case Error:
            return e.error.isEmpty() ? QString() : QString(QLatin1Char('\'') + e.error);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Query) return e.query;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Duration || index.column() == Size)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case QueryRole:
        return e.query;
    case ProfileRole:
        return e.profileId;
    case SearchTextRole:
        return QString(e.query + QLatin1Char('\n') + e.server + QLatin1Char('\n') + e.error);
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Server:
        return tr("Server");
    case Query:
        return tr("Query");
    case Duration:
        return tr("Duration");
    case Size:
        return tr("Size");
    case Error:
        return tr("Error");
    }
    return {};
}

void HistoryFilter::setSearch(const QString &text)
{
    m_words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

bool HistoryFilter::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    if (m_words.isEmpty()) return true;
    const QString hay =
        sourceModel()->index(row, 0, parent).data(HistoryModel::SearchTextRole).toString();
    for (const QString &w : m_words)
        if (!hay.contains(w, Qt::CaseInsensitive)) return false;
    return true;
}

} // namespace qscope
