#pragma once
/// The history as a table (newest first): time, server, query, duration, size, error; and a
/// filter proxy matching every word of a search text against query, server and error.

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace qscope {

class HistoryStore;

class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Server, Query, Duration, Size, Error, ColumnCount };
    enum Roles { QueryRole = Qt::UserRole + 1, ProfileRole, SearchTextRole };

    explicit HistoryModel(HistoryStore *store, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    static QString formatDuration(qint64 ns);
    static QString formatBytes(qint64 bytes);

private:
    int entryOf(int row) const;
    HistoryStore *m_store;
};

/// Case-insensitive: every whitespace-separated word must occur somewhere in the entry.
class HistoryFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setSearch(const QString &text);

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
    QStringList m_words;
};

} // namespace qscope
