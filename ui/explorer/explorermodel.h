#pragma once
/// The server explorer: one root per open connection; expanding fetches, lazily and with plain
/// q that works on a real kdb+, the server's namespaces (key`: the user's, then kdb+'s own),
/// then per namespace its tables, functions, variables and views (tables/\f/\v/\b, each trapped
/// on its own so one the server refuses shows q's error in its place), then per table its row
/// count and meta. Whatever cannot be listed (a q error, a reply of the wrong shape) becomes a
/// Message child saying why, never a silently empty branch. Fetches go straight to the
/// ConnectionManager (not the query history) and are matched back by request id; a reply for a
/// node that went away meanwhile is dropped.

#include "net/connectionmanager.h"

#include <QAbstractItemModel>
#include <QHash>

#include <memory>
#include <vector>

namespace qscope {

class ServerSessions;

class ExplorerModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Kind { Server, Namespace, Category, Table, Column, Function, Variable, View, Message };
    enum Roles {
        KindRole = Qt::UserRole + 1,
        ProfileRole,
        QualifiedNameRole, ///< e.g. trade, .u.upd
        SourceRole,        ///< functions: the lambda text once fetched
        RowCountRole       ///< tables: -1 until fetched
    };

    explicit ExplorerModel(ServerSessions *sessions, QObject *parent = nullptr);
    ~ExplorerModel() override;

    // GUI thread ------------------------------------------------------------------------------
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    /// Named nodes drag as text/plain: their qualified name, which an editor inserts at the drop.
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;

    /// Inactive (its view hidden), nothing is fetched: a node asked for stays fetchable and is
    /// fetched once the view shows it again.
    void setActive(bool active) { m_active = active; }
    bool isActive() const { return m_active; }
    /// Drops what was fetched under this node; it is fetched again on expand.
    void refresh(const QModelIndex &index);
    /// Asks for a function's source (SourceRole fills in; sourceReady is emitted).
    void fetchSource(const QModelIndex &function);
    /// Every name fetched so far (qualified), for autocompletion.
    QStringList knownNames() const;
    QModelIndex serverIndex(const QString &profileId) const;

    /// The bounded preview query for a table: never the bare name (an HDB would send everything).
    static QByteArray previewQuery(const QString &qualifiedTable, int rows = 100);
    /// The bounded query a variable or view is shown with (lists, dicts, tables: first rows).
    static QByteArray valueQuery(const QString &qualifiedName, int rows = 100);
    /// The q that lists one namespace (`. for the root): `t`f`v`b!(...), plain kdb+ q.
    static QByteArray namespaceQuery(const QString &ns);

Q_SIGNALS:
    void namesChanged();
    void sourceReady(const QModelIndex &function, const QString &source);
    void fetchFailed(const QString &profileId, const QString &what, const QString &error);

private:
    struct Node;
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node) const;
    Node *addChild(Node *parent, Kind kind, const QString &name, const QString &qualified);
    void request(Node *node, const QByteArray &query, int purpose);
    void onResult(const QueryResult &result);
    void onState(const QString &profileId, ConnectionState state);
    void fillNamespaces(Node *server, const Value &v);
    void fillNamespace(Node *ns, const Value &v);
    void fillTable(Node *table, const Value &v);
    /// Replaces the node's children with one Message saying what went wrong.
    void fail(Node *node, const QString &error, const QString &query);
    void clearChildren(Node *node);
    void forget(Node *node);

    ServerSessions *m_sessions;
    std::unique_ptr<Node> m_root;
    QHash<quint64, Node *> m_nodes;                  ///< live nodes by key
    QHash<RequestId, QPair<quint64, int>> m_pending; ///< request -> (node key, purpose)
    quint64 m_nextKey = 1;
    bool m_active = true;
};

} // namespace qscope
