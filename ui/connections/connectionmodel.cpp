#include "connections/connectionmodel.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "theme/theme.h"

#include <QApplication>
#include <QIODevice>
#include <QMimeData>
#include <QStyle>

namespace qscope {

struct ConnectionModel::Node
{
    Node *parent = nullptr;
    bool folder = true;
    QString name; // folder's last path part, or the connection's name
    QString path; // folder path; for a connection, its folder
    QString profileId;
    std::vector<std::unique_ptr<Node>> children;

    int row() const
    {
        if (!parent) return 0;
        for (size_t i = 0; i < parent->children.size(); ++i)
            if (parent->children[i].get() == this) return int(i);
        return 0;
    }
};

ConnectionModel::ConnectionModel(ConnectionStore *store, ServerSessions *sessions, QObject *parent)
    : QAbstractItemModel(parent), m_store(store), m_sessions(sessions),
      m_root(std::make_unique<Node>())
{
    rebuild();
    connect(m_store, &ConnectionStore::changed, this, [this] {
        beginResetModel();
        rebuild();
        endResetModel();
    });
    if (m_sessions)
        connect(m_sessions, &ServerSessions::stateChanged, this,
                [this](const QString &id, ConnectionState, const QString &) { onState(id); });
}

ConnectionModel::~ConnectionModel() = default;

void ConnectionModel::rebuild()
{
    m_root = std::make_unique<Node>();
    const auto folderNode = [this](const QString &path) {
        Node *n = m_root.get();
        QString sofar;
        for (const QString &part : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            sofar = sofar.isEmpty() ? part : sofar + QLatin1Char('/') + part;
            Node *next = nullptr;
            for (auto &c : n->children)
                if (c->folder && c->name == part) next = c.get();
            if (!next) {
                auto child = std::make_unique<Node>();
                child->parent = n;
                child->name = part;
                child->path = sofar;
                next = child.get();
                n->children.push_back(std::move(child));
            }
            n = next;
        }
        return n;
    };
    for (const QString &f : m_store->folders())
        folderNode(f);
    for (const auto &p : m_store->profiles()) {
        Node *parent = folderNode(p.folder);
        auto child = std::make_unique<Node>();
        child->parent = parent;
        child->folder = false;
        child->name = p.name;
        child->path = p.folder;
        child->profileId = p.id;
        parent->children.push_back(std::move(child));
    }
    // folders first, then connections, each by name
    std::function<void(Node *)> sortNode = [&](Node *n) {
        std::stable_sort(n->children.begin(), n->children.end(), [](const auto &a, const auto &b) {
            if (a->folder != b->folder) return a->folder;
            return a->name.compare(b->name, Qt::CaseInsensitive) < 0;
        });
        for (auto &c : n->children)
            sortNode(c.get());
    };
    sortNode(m_root.get());
}

void ConnectionModel::onState(const QString &profileId)
{
    const QModelIndex i = indexOfProfile(profileId);
    if (i.isValid()) Q_EMIT dataChanged(i, i, {Qt::DecorationRole, Qt::ToolTipRole});
}

ConnectionModel::Node *ConnectionModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ConnectionModel::indexOf(const Node *node) const
{
    if (!node || node == m_root.get()) return {};
    return createIndex(node->row(), 0, const_cast<Node *>(node));
}

QModelIndex ConnectionModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0) return {};
    const Node *p = nodeOf(parent);
    if (!p || row >= int(p->children.size())) return {};
    return createIndex(row, 0, p->children[size_t(row)].get());
}

QModelIndex ConnectionModel::parent(const QModelIndex &child) const
{
    if (!child.isValid()) return {};
    return indexOf(nodeOf(child)->parent);
}

int ConnectionModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0) return 0;
    const Node *n = nodeOf(parent);
    return n ? int(n->children.size()) : 0;
}

int ConnectionModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()) return {};
    const Node *n = nodeOf(index);
    const ConnectionProfile *p = n->folder ? nullptr : m_store->profile(n->profileId);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return n->name;
    case Qt::DecorationRole:
        if (n->folder) return QApplication::style()->standardIcon(QStyle::SP_DirIcon);
        return Theme::stateIcon(
            int(m_sessions ? m_sessions->state(n->profileId) : ConnectionState::Closed));
    case Qt::ToolTipRole: {
        if (!p) return n->path;
        QString tip = p->name + QStringLiteral("\n") + p->addressText();
        if (!p->user.isEmpty()) tip += QStringLiteral("\nuser: ") + p->user;
        if (!p->tag.isEmpty()) tip += QStringLiteral("\ntag: ") + p->tag;
        if (m_sessions) {
            tip += QStringLiteral("\n") + connectionStateName(m_sessions->state(p->id));
            if (const QString d = m_sessions->stateDetail(p->id); !d.isEmpty())
                tip += QStringLiteral(": ") + d;
        }
        return tip;
    }
    case Qt::ForegroundRole:
        if (p && !p->tag.isEmpty()) return Theme::tagColor(p->tag);
        return {};
    case ProfileIdRole:
        return n->profileId;
    case FolderPathRole:
        return n->path;
    case IsFolderRole:
        return n->folder;
    case TagRole:
        return p ? p->tag : QString();
    default:
        return {};
    }
}

Qt::ItemFlags ConnectionModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) return Qt::ItemIsDropEnabled;
    const Node *n = nodeOf(index);
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (n->folder)
        f |= Qt::ItemIsDropEnabled | Qt::ItemIsDragEnabled;
    else
        f |= Qt::ItemIsDragEnabled | Qt::ItemNeverHasChildren;
    return f;
}

Qt::DropActions ConnectionModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

QStringList ConnectionModel::mimeTypes() const
{
    return {QLatin1String(kMimeType)};
}

QMimeData *ConnectionModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList items;
    for (const QModelIndex &i : indexes) {
        const Node *n = nodeOf(i);
        if (!i.isValid() || !n) continue;
        items << (n->folder ? QStringLiteral("folder:") + n->path
                            : QStringLiteral("conn:") + n->profileId);
    }
    if (items.isEmpty()) return nullptr;
    auto *mime = new QMimeData;
    mime->setData(QLatin1String(kMimeType), items.join(QLatin1Char('\n')).toUtf8());
    return mime;
}

bool ConnectionModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                      const QModelIndex &parent) const
{
    if (!data || !data->hasFormat(QLatin1String(kMimeType)) || action != Qt::MoveAction)
        return false;
    const Node *target = nodeOf(parent);
    if (!target->folder)
        return false; // dropping onto a connection: the view retargets to its folder
    // a folder cannot move into itself or below itself
    const QStringList items =
        QString::fromUtf8(data->data(QLatin1String(kMimeType))).split(QLatin1Char('\n'));
    for (const QString &item : items) {
        if (!item.startsWith(QLatin1String("folder:"))) continue;
        const QString path = item.mid(7);
        if (target->path == path || target->path.startsWith(path + QLatin1Char('/'))) return false;
    }
    return true;
}

bool ConnectionModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                   int column, const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent)) return false;
    const QString targetPath = nodeOf(parent)->path;
    const QStringList items =
        QString::fromUtf8(data->data(QLatin1String(kMimeType))).split(QLatin1Char('\n'));
    // apply after the drop returns: the view still holds indexes into the current tree
    QMetaObject::invokeMethod(
        this,
        [this, items, targetPath] {
            ConnectionStore::Batch batch(m_store); // a dragged selection moves in one save
            for (const QString &item : items) {
                if (item.startsWith(QLatin1String("conn:"))) {
                    m_store->moveToFolder(item.mid(5), targetPath);
                } else if (item.startsWith(QLatin1String("folder:"))) {
                    const QString path = item.mid(7);
                    const QString leaf = path.section(QLatin1Char('/'), -1);
                    const QString dest =
                        targetPath.isEmpty() ? leaf : targetPath + QLatin1Char('/') + leaf;
                    if (dest != path) m_store->renameFolder(path, dest);
                }
            }
        },
        Qt::QueuedConnection);
    return true; // MoveAction: the view must not remove rows itself (we rebuild from the store)
}

QModelIndex ConnectionModel::indexOfProfile(const QString &profileId) const
{
    std::function<const Node *(const Node *)> find = [&](const Node *n) -> const Node * {
        for (const auto &c : n->children) {
            if (!c->folder && c->profileId == profileId) return c.get();
            if (const Node *f = find(c.get())) return f;
        }
        return nullptr;
    };
    return indexOf(find(m_root.get()));
}

QModelIndex ConnectionModel::indexOfFolder(const QString &folder) const
{
    std::function<const Node *(const Node *)> find = [&](const Node *n) -> const Node * {
        for (const auto &c : n->children) {
            if (c->folder && c->path == folder) return c.get();
            if (const Node *f = find(c.get())) return f;
        }
        return nullptr;
    };
    return indexOf(find(m_root.get()));
}

} // namespace qscope
