#pragma once
/// The app's own handles as a live table (the engine's HandleRegistry, like trackConnections):
/// server, user, transport, state, opened/closed, messages and bytes both ways, pending queries,
/// last error. Follows the registry's row signals; GUI thread only.

#include "net/handleregistry.h"

#include <QAbstractTableModel>

namespace qscope {

class OwnHandlesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Owner,
        Server,
        User,
        Transport,
        State,
        Opened,
        Closed,
        MsgIn,
        MsgOut,
        BytesIn,
        BytesOut,
        Pending,
        LastError,
        ColumnCount
    };
    static constexpr int ConnectionIdRole = Qt::UserRole + 1;

    explicit OwnHandlesModel(HandleRegistry *registry, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    HandleRegistry *m_registry;
    /// A copy of the registry's rows as views last saw them: the registry changes before it
    /// signals, so the model keeps what it announced until it has told the views.
    QVector<HandleInfo> m_rows;
};

} // namespace qscope
