#pragma once
/// The connections tree: folders (nested by "a/b" paths) and saved connections, with the live
/// state icon of each (from ServerSessions) and its colour tag. Connections drag and drop onto
/// folders (or the top level) to move; the store is the single source of truth and the tree is
/// rebuilt from it on every structural change (a few hundred rows at most).

#include "net/nettypes.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace qscope {

class ConnectionStore;
class ServerSessions;

class ConnectionModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Roles { ProfileIdRole = Qt::UserRole + 1, FolderPathRole, IsFolderRole, TagRole };
    static constexpr const char *kMimeType = "application/x-qscope-connection-ids";

    ConnectionModel(ConnectionStore *store, ServerSessions *sessions, QObject *parent = nullptr);
    ~ConnectionModel() override;

    // GUI thread ------------------------------------------------------------------------------
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

    QModelIndex indexOfProfile(const QString &profileId) const;
    QModelIndex indexOfFolder(const QString &folder) const;

private:
    struct Node;
    void rebuild();
    void onState(const QString &profileId);
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node) const;

    ConnectionStore *m_store;
    ServerSessions *m_sessions;
    std::unique_ptr<Node> m_root;
};

} // namespace qscope
