#include "explorer/explorermodel.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "theme/theme.h"

#include <QApplication>
#include <QLocale>
#include <QStyle>

namespace qscope {

namespace {
enum Purpose { ListNamespaces, ListNamespace, TableInfo, FunctionSource };

/// Names of one namespace, each listing guarded: q's \b or \f may be refused (e.g. -u) or, on a
/// small interpreter, missing; an empty list then, not a failed fetch.
QByteArray namespaceQuery(const QString &ns)
{
    const QString arg = ns == QLatin1String(".") ? QString() : QStringLiteral(" ") + ns;
    const QString tablesArg =
        ns == QLatin1String(".") ? QStringLiteral("`.") : QStringLiteral("`") + ns;
    return QStringLiteral("{s:{@[system;x;{`symbol$()}]};t:@[tables;%1;{`symbol$()}];"
                          "`t`f`v`b!(t;s\"f%2\";(s\"v%2\") except t;s\"b%2\")}[]")
        .arg(tablesArg, arg)
        .toUtf8();
}

QStringList symbolsOf(const Value &v)
{
    QStringList out;
    if (v.type() == Symbol)
        for (int64_t i = 0; i < v.count(); ++i)
            out << QString::fromUtf8(v.symAt(i));
    else if (v.type() == -Symbol)
        out << QString::fromUtf8(v.symbolValue());
    else if (v.isList())
        for (const Value &x : v.items())
            out << symbolsOf(x);
    out.removeAll(QString());
    return out;
}

QString qualify(const QString &ns, const QString &name)
{
    return ns == QLatin1String(".") ? name : ns + QLatin1Char('.') + name;
}

const char *typeName(char t)
{
    switch (t) {
    case 'b':
        return "boolean";
    case 'g':
        return "guid";
    case 'x':
        return "byte";
    case 'h':
        return "short";
    case 'i':
        return "int";
    case 'j':
        return "long";
    case 'e':
        return "real";
    case 'f':
        return "float";
    case 'c':
        return "char";
    case 's':
        return "symbol";
    case 'p':
        return "timestamp";
    case 'm':
        return "month";
    case 'd':
        return "date";
    case 'z':
        return "datetime";
    case 'n':
        return "timespan";
    case 'u':
        return "minute";
    case 'v':
        return "second";
    case 't':
        return "time";
    case 'C':
        return "strings";
    case ' ':
        return "mixed";
    default:
        return "";
    }
}
} // namespace

struct ExplorerModel::Node
{
    Node *parent = nullptr;
    Kind kind = Server;
    QString name;
    QString qualified;
    QString profileId;
    QString detail; // tooltip / extra text
    QString source;
    qint64 rows = -1;
    quint64 key = 0;
    bool fetchable = false;
    bool fetched = false;
    bool fetching = false;
    std::vector<std::unique_ptr<Node>> children;

    int row() const
    {
        if (!parent) return 0;
        for (size_t i = 0; i < parent->children.size(); ++i)
            if (parent->children[i].get() == this) return int(i);
        return 0;
    }
};

ExplorerModel::ExplorerModel(ServerSessions *sessions, QObject *parent)
    : QAbstractItemModel(parent), m_sessions(sessions), m_root(std::make_unique<Node>())
{
    connect(sessions->manager(), &ConnectionManager::resultReady, this, &ExplorerModel::onResult);
    connect(sessions, &ServerSessions::stateChanged, this,
            [this](const QString &id, ConnectionState s, const QString &) { onState(id, s); });
    connect(sessions->store(), &ConnectionStore::profileChanged, this, [this](const QString &id) {
        const QModelIndex i = serverIndex(id);
        if (i.isValid()) {
            Node *n = nodeOf(i);
            if (const ConnectionProfile *p = m_sessions->store()->profile(id)) n->name = p->name;
            Q_EMIT dataChanged(i, i);
        }
    });
    for (const QString &id : sessions->openProfiles())
        if (sessions->isOpen(id)) onState(id, ConnectionState::Open);
}

ExplorerModel::~ExplorerModel() = default;

QByteArray ExplorerModel::previewQuery(const QString &qualifiedTable, int rows)
{
    return QStringLiteral("select[%1] from %2").arg(rows).arg(qualifiedTable).toUtf8();
}

ExplorerModel::Node *ExplorerModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ExplorerModel::indexOf(const Node *node) const
{
    if (!node || node == m_root.get()) return {};
    return createIndex(node->row(), 0, const_cast<Node *>(node));
}

ExplorerModel::Node *ExplorerModel::addChild(Node *parent, Kind kind, const QString &name,
                                             const QString &qualified)
{
    auto n = std::make_unique<Node>();
    n->parent = parent;
    n->kind = kind;
    n->name = name;
    n->qualified = qualified;
    n->profileId = parent->profileId;
    n->key = m_nextKey++;
    n->fetchable = kind == Server || kind == Namespace || kind == Table;
    Node *raw = n.get();
    m_nodes.insert(raw->key, raw);
    parent->children.push_back(std::move(n));
    return raw;
}

void ExplorerModel::forget(Node *node)
{
    m_nodes.remove(node->key);
    for (auto &c : node->children)
        forget(c.get());
}

void ExplorerModel::clearChildren(Node *node)
{
    if (node->children.empty()) return;
    beginRemoveRows(indexOf(node), 0, int(node->children.size()) - 1);
    for (auto &c : node->children)
        forget(c.get());
    node->children.clear();
    endRemoveRows();
}

void ExplorerModel::onState(const QString &profileId, ConnectionState state)
{
    const QModelIndex existing = serverIndex(profileId);
    if (state == ConnectionState::Open) {
        if (existing.isValid()) {
            Q_EMIT dataChanged(existing, existing);
            return;
        }
        const ConnectionProfile *p = m_sessions->store()->profile(profileId);
        if (!p) return;
        const int row = int(m_root->children.size());
        beginInsertRows({}, row, row);
        auto n = std::make_unique<Node>();
        n->parent = m_root.get();
        n->kind = Server;
        n->name = p->name;
        n->profileId = profileId;
        n->key = m_nextKey++;
        n->fetchable = true;
        m_nodes.insert(n->key, n.get());
        m_root->children.push_back(std::move(n));
        endInsertRows();
    } else if ((state == ConnectionState::Closed || state == ConnectionState::Failed) &&
               existing.isValid()) {
        Node *n = nodeOf(existing);
        beginRemoveRows({}, existing.row(), existing.row());
        forget(n);
        m_root->children.erase(m_root->children.begin() + existing.row());
        endRemoveRows();
        Q_EMIT namesChanged();
    }
}

QModelIndex ExplorerModel::serverIndex(const QString &profileId) const
{
    for (const auto &c : m_root->children)
        if (c->profileId == profileId) return indexOf(c.get());
    return {};
}

QModelIndex ExplorerModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column != 0 || row < 0) return {};
    const Node *p = nodeOf(parent);
    if (row >= int(p->children.size())) return {};
    return createIndex(row, 0, p->children[size_t(row)].get());
}

QModelIndex ExplorerModel::parent(const QModelIndex &child) const
{
    return child.isValid() ? indexOf(nodeOf(child)->parent) : QModelIndex();
}

int ExplorerModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0) return 0;
    return int(nodeOf(parent)->children.size());
}

int ExplorerModel::columnCount(const QModelIndex &) const
{
    return 1;
}

bool ExplorerModel::hasChildren(const QModelIndex &parent) const
{
    const Node *n = nodeOf(parent);
    if (n == m_root.get()) return !n->children.empty();
    return !n->children.empty() || (n->fetchable && !n->fetched) || n->kind == Category;
}

bool ExplorerModel::canFetchMore(const QModelIndex &parent) const
{
    const Node *n = nodeOf(parent);
    return parent.isValid() && n->fetchable && !n->fetched && !n->fetching;
}

void ExplorerModel::fetchMore(const QModelIndex &parent)
{
    Node *n = nodeOf(parent);
    if (!canFetchMore(parent)) return;
    switch (n->kind) {
    case Server:
        request(n, QByteArrayLiteral("(key`) except `q`Q`h`j`o"), ListNamespaces);
        break;
    case Namespace:
        request(n, namespaceQuery(n->qualified), ListNamespace);
        break;
    case Table:
        request(n, QStringLiteral("(count %1;0!meta %1)").arg(n->qualified).toUtf8(), TableInfo);
        break;
    default:
        break;
    }
}

void ExplorerModel::fetchSource(const QModelIndex &function)
{
    Node *n = nodeOf(function);
    if (!function.isValid() || n->kind != Function || n->fetching) return;
    if (!n->source.isEmpty()) {
        Q_EMIT sourceReady(function, n->source);
        return;
    }
    request(n, n->qualified.toUtf8(), FunctionSource);
}

void ExplorerModel::request(Node *node, const QByteArray &query, int purpose)
{
    const ConnectionId conn = m_sessions->connectionOf(node->profileId);
    if (!conn || !m_sessions->isOpen(node->profileId)) return;
    node->fetching = true;
    const RequestId id = m_sessions->manager()->query(conn, query);
    m_pending.insert(id, {node->key, purpose});
    const QModelIndex i = indexOf(node);
    Q_EMIT dataChanged(i, i);
}

void ExplorerModel::onResult(const QueryResult &result)
{
    const auto it = m_pending.constFind(result.id);
    if (it == m_pending.constEnd()) return;
    const auto [key, purpose] = *it;
    m_pending.erase(it);
    Node *n = m_nodes.value(key);
    if (!n) return; // the node went away (refreshed, disconnected)
    n->fetching = false;
    const QModelIndex i = indexOf(n);
    if (!result.ok()) {
        n->detail = result.error->kind == NetError::QError
                        ? QLatin1Char('\'') + result.error->message
                        : result.error->message;
        Q_EMIT dataChanged(i, i);
        Q_EMIT fetchFailed(n->profileId, n->qualified.isEmpty() ? n->name : n->qualified,
                           n->detail);
        return;
    }
    n->detail.clear();
    switch (purpose) {
    case ListNamespaces:
        fillNamespaces(n, result.value);
        break;
    case ListNamespace:
        fillNamespace(n, result.value);
        break;
    case TableInfo:
        fillTable(n, result.value);
        break;
    case FunctionSource:
        if (result.value.type() == Lambda)
            n->source = QString::fromUtf8(result.value.lambdaSource());
        else if (result.value.isFunction())
            n->source = tr("(a %1, not a lambda: no source)").arg(result.value.type());
        Q_EMIT sourceReady(i, n->source);
        break;
    }
    Q_EMIT dataChanged(i, i);
    Q_EMIT namesChanged();
}

void ExplorerModel::fillNamespaces(Node *server, const Value &v)
{
    clearChildren(server); // a late duplicate reply replaces, never doubles
    QStringList spaces = symbolsOf(v);
    spaces.sort();
    const QModelIndex parent = indexOf(server);
    beginInsertRows(parent, 0, int(spaces.size()));
    addChild(server, Namespace, QStringLiteral(". (root)"), QStringLiteral("."));
    for (const QString &s : std::as_const(spaces))
        addChild(server, Namespace, QLatin1Char('.') + s, QLatin1Char('.') + s);
    server->fetched = true;
    endInsertRows();
}

void ExplorerModel::fillNamespace(Node *ns, const Value &v)
{
    clearChildren(ns); // a late duplicate reply replaces, never doubles
    if (!v.isDict()) {
        ns->detail = tr("unexpected reply (type %1)").arg(v.type());
        ns->fetched = true;
        return;
    }
    const QStringList keys = symbolsOf(v.keys());
    const auto listFor = [&](const char *k) {
        const int i = int(keys.indexOf(QLatin1String(k)));
        if (i < 0 || !v.values().isList() || i >= v.values().count())
            return v.values().type() == Symbol ? QStringList() : QStringList();
        QStringList names = symbolsOf(v.values().item(i));
        names.sort();
        return names;
    };
    struct Cat
    {
        const char *key;
        QString label;
        Kind kind;
    };
    const Cat cats[] = {{"t", tr("Tables"), Table},
                        {"f", tr("Functions"), Function},
                        {"v", tr("Variables"), Variable},
                        {"b", tr("Views"), View}};
    const QModelIndex parent = indexOf(ns);
    beginInsertRows(parent, 0, 3);
    for (const Cat &c : cats) {
        const QStringList names = listFor(c.key);
        Node *cat = addChild(ns, Category, QStringLiteral("%1 (%2)").arg(c.label).arg(names.size()),
                             QString());
        for (const QString &name : names)
            addChild(cat, c.kind, name, qualify(ns->qualified, name));
    }
    ns->fetched = true;
    endInsertRows();
}

void ExplorerModel::fillTable(Node *table, const Value &v)
{
    clearChildren(table); // a late duplicate reply replaces, never doubles
    table->fetched = true;
    if (!v.isList() || v.count() != 2) {
        table->detail = tr("unexpected reply (type %1)").arg(v.type());
        return;
    }
    const Value &count = v.item(0);
    table->rows = count.isAtom() ? count.rawInt() : -1;
    const Value &meta = v.item(1);
    if (!meta.isTable()) return;
    const int ci = meta.columnIndex("c"), ti = meta.columnIndex("t"), ai = meta.columnIndex("a");
    if (ci < 0 || ti < 0) return;
    const Value &cols = meta.columns().item(ci);
    const Value &types = meta.columns().item(ti);
    const int64_t n = cols.count();
    if (n == 0) return;
    beginInsertRows(indexOf(table), 0, int(n) - 1);
    for (int64_t r = 0; r < n; ++r) {
        const QString name = QString::fromUtf8(cols.symAt(r));
        const char t = types.type() == Char ? types.at<char>(r) : ' ';
        QString label = name + QStringLiteral("  ") + QLatin1Char(t) + QStringLiteral(" ") +
                        QLatin1String(typeName(t));
        if (ai >= 0) {
            const Value &attrs = meta.columns().item(ai);
            if (attrs.type() == Symbol && !attrs.symAt(r).isEmpty())
                label +=
                    QStringLiteral("  `") + QString::fromUtf8(attrs.symAt(r)) + QStringLiteral("#");
        }
        Node *c = addChild(table, Column, label, name);
        c->fetchable = false;
    }
    endInsertRows();
}

QVariant ExplorerModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()) return {};
    const Node *n = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole: {
        QString text = n->name;
        if (n->kind == Table && n->rows >= 0)
            text += QStringLiteral("  (") + QLocale().toString(n->rows) + tr(" rows") +
                    QLatin1Char(')');
        if (n->fetching)
            text += tr("  (loading…)");
        else if (!n->detail.isEmpty())
            text += QStringLiteral("  [") + n->detail + QLatin1Char(']');
        return text;
    }
    case Qt::ToolTipRole:
        switch (n->kind) {
        case Table:
            return tr("%1\nDouble-click: preview %2")
                .arg(n->qualified, QString::fromUtf8(previewQuery(n->qualified)));
        case Function:
            return n->source.isEmpty() ? tr("%1\nDouble-click: call it").arg(n->qualified)
                                       : n->source;
        default:
            return n->qualified.isEmpty() ? n->name : n->qualified;
        }
    case Qt::DecorationRole:
        if (n->kind == Server) return Theme::stateIcon(int(m_sessions->state(n->profileId)));
        if (n->kind == Namespace || n->kind == Category)
            return QApplication::style()->standardIcon(QStyle::SP_DirIcon);
        return {};
    case KindRole:
        return int(n->kind);
    case ProfileRole:
        return n->profileId;
    case QualifiedNameRole:
        return n->qualified;
    case SourceRole:
        return n->source;
    case RowCountRole:
        return n->rows;
    default:
        return {};
    }
}

Qt::ItemFlags ExplorerModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!hasChildren(index)) f |= Qt::ItemNeverHasChildren;
    return f;
}

void ExplorerModel::refresh(const QModelIndex &index)
{
    Node *n = nodeOf(index);
    while (n && n != m_root.get() && !n->fetchable)
        n = n->parent;
    if (!n || n == m_root.get()) return;
    clearChildren(n);
    n->fetched = false;
    n->fetching = false;
    n->rows = -1;
    n->detail.clear();
    const QModelIndex i = indexOf(n);
    Q_EMIT dataChanged(i, i);
    fetchMore(i);
}

QStringList ExplorerModel::knownNames() const
{
    QStringList out;
    std::function<void(const Node *)> walk = [&](const Node *n) {
        for (const auto &c : n->children) {
            if (c->kind == Table || c->kind == Function || c->kind == Variable || c->kind == View)
                out << c->qualified;
            else if (c->kind == Column)
                out << c->qualified;
            walk(c.get());
        }
    };
    walk(m_root.get());
    out.removeDuplicates();
    return out;
}

} // namespace qscope
