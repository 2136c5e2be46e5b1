#include "explorer/explorermodel.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "results/resultshape.h"
#include "theme/theme.h"

#include <QApplication>
#include <QColor>
#include <QLocale>
#include <QMimeData>
#include <QPalette>
#include <QStyle>

namespace qscope {

namespace {
enum Purpose { ListNamespaces, ListNamespace, TableInfo, FunctionSource };

/// kdb+'s own namespaces (code.kx.com, Basics: Namespaces); listed after the user's.
bool isSystemNamespace(const QString &name)
{
    static const QStringList system = {
        QStringLiteral("q"), QStringLiteral("Q"), QStringLiteral("h"), QStringLiteral("j"),
        QStringLiteral("m"), QStringLiteral("o"), QStringLiteral("z")};
    return system.contains(name);
}

/// A value's kind for a message ("a dictionary", "a projection", ...).
QString describe(const Value &v)
{
    if (v.isError()) return QStringLiteral("the error '") + QString::fromUtf8(v.symbolValue());
    return qTypeDescription(v.type());
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
    bool system = false; // a kdb+ system namespace (.q .Q .h ...)
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

QByteArray ExplorerModel::valueQuery(const QString &qualifiedName, int rows)
{
    // lists, dictionaries, tables and keyed tables (types 0..99) come back as their first rows;
    // atoms and functions as they are
    return QStringLiteral("{$[(type x) within 0 99;%1 sublist x;x]}%2")
        .arg(rows)
        .arg(qualifiedName)
        .toUtf8();
}

/// The names of one namespace as a dictionary `t`f`v`b (tables, \f, \v, \b), in plain q that
/// applies no lambda of its own and assigns nothing on the server. Each listing is trapped on
/// its own: where the server refuses one (\b under -u, a small interpreter without it) that
/// entry is q's error text (a char vector) instead of a symbol list, shown inline.
QByteArray ExplorerModel::namespaceQuery(const QString &ns)
{
    const bool root = ns == QLatin1String(".");
    const QString sym = root ? QStringLiteral("`.") : QLatin1Char('`') + ns;
    const QString arg = root ? QString() : QLatin1Char(' ') + ns;
    const auto sys = [&](char c) {
        return QStringLiteral("@[system;\"%1%2\";{x}]").arg(QLatin1Char(c)).arg(arg);
    };
    return (QStringLiteral("`t`f`v`b!(@[tables;%1;{x}];").arg(sym) + sys('f') + QLatin1Char(';') +
            sys('v') + QLatin1Char(';') + sys('b') + QLatin1Char(')'))
        .toUtf8();
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
        request(n, QByteArrayLiteral("key`"), ListNamespaces);
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
    if (!m_active || !conn || !m_sessions->isOpen(node->profileId)) return;
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
    // Fetched before any row changes: a view (or model tester) asking canFetchMore while rows
    // are inserted must not ask the server again.
    if (purpose != FunctionSource) n->fetched = true;
    const QModelIndex i = indexOf(n);
    if (!result.ok()) {
        const QString error = result.error->kind == NetError::QError
                                  ? QLatin1Char('\'') + result.error->message
                                  : result.error->message;
        if (purpose == FunctionSource) {
            n->detail = error;
            Q_EMIT dataChanged(i, i);
            Q_EMIT fetchFailed(n->profileId, n->qualified, error);
        } else {
            fail(n, error, QString::fromUtf8(result.query));
        }
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
        else // never empty: an empty source would be fetched again and again
            n->source = tr("(%1, not a function)").arg(describe(result.value));
        Q_EMIT sourceReady(i, n->source);
        break;
    }
    Q_EMIT dataChanged(i, i);
    Q_EMIT namesChanged();
}

void ExplorerModel::fail(Node *node, const QString &error, const QString &query)
{
    clearChildren(node);  // a late duplicate reply replaces, never doubles
    node->fetched = true; // not fetched again on its own: Refresh retries
    node->detail = error;
    beginInsertRows(indexOf(node), 0, 0);
    Node *m = addChild(node, Message, error, QString());
    m->fetchable = false;
    m->source = query; // shown in the tooltip: what was asked
    endInsertRows();
    Q_EMIT fetchFailed(node->profileId, node->qualified.isEmpty() ? node->name : node->qualified,
                       error);
}

void ExplorerModel::fillNamespaces(Node *server, const Value &v)
{
    if (v.type() != Symbol && !(v.isList() && v.count() == 0)) {
        fail(server, tr("unexpected reply to key`: %1, not a symbol list").arg(describe(v)),
             QStringLiteral("key`"));
        return;
    }
    clearChildren(server); // a late duplicate reply replaces, never doubles
    QStringList user, system;
    for (const QString &s : symbolsOf(v))
        (isSystemNamespace(s) ? system : user) << s;
    user.sort();
    system.sort();
    const QModelIndex parent = indexOf(server);
    beginInsertRows(parent, 0, int(user.size() + system.size()));
    addChild(server, Namespace, QStringLiteral(". (root)"), QStringLiteral("."));
    for (const QString &s : std::as_const(user))
        addChild(server, Namespace, QLatin1Char('.') + s, QLatin1Char('.') + s);
    for (const QString &s : std::as_const(system)) {
        Node *n = addChild(server, Namespace, QLatin1Char('.') + s, QLatin1Char('.') + s);
        n->detail = tr("kdb+ system namespace");
        n->system = true;
    }
    server->fetched = true;
    endInsertRows();
}

void ExplorerModel::fillNamespace(Node *ns, const Value &v)
{
    const QString query = QString::fromUtf8(namespaceQuery(ns->qualified));
    if (!v.isDict() || v.keys().type() != Symbol || !v.values().isList() ||
        v.values().count() != v.keys().count()) {
        fail(ns,
             tr("unexpected reply to the namespace listing: %1, not a dictionary of name lists")
                 .arg(describe(v)),
             query);
        return;
    }
    clearChildren(ns); // a late duplicate reply replaces, never doubles
    const QStringList keys = symbolsOf(v.keys());
    struct Listing
    {
        QStringList names;
        QString problem; // q's error text, or why the reply could not be read
    };
    const auto listFor = [&](const char *k) {
        Listing out;
        const int i = int(keys.indexOf(QLatin1String(k)));
        if (i < 0) {
            out.problem = tr("missing from the reply");
            return out;
        }
        const Value &x = v.values().item(i);
        if (x.type() == Char) // the trap's handler returned q's error text
            out.problem = QLatin1Char('\'') + QString::fromUtf8(x.rawData(), int(x.count()));
        else if (x.type() == Symbol || (x.isList() && x.count() == 0))
            out.names = symbolsOf(x);
        else
            out.problem = tr("unexpected %1").arg(describe(x));
        out.names.sort();
        return out;
    };
    const Listing tables = listFor("t");
    const Listing functions = listFor("f");
    const Listing views = listFor("b");
    Listing variables = listFor("v");
    // \v lists every global, tables and functions too (kdb+'s \v): each is shown under its own
    // category only
    for (const Listing *other : {&tables, &functions, &views})
        for (const QString &name : other->names)
            variables.names.removeAll(name);
    struct Cat
    {
        QString label;
        Kind kind;
        Listing listing;
        const char *command;
    };
    const Cat cats[] = {{tr("Tables"), Table, tables, "tables"},
                        {tr("Functions"), Function, functions, "\\f"},
                        {tr("Variables"), Variable, variables, "\\v"},
                        {tr("Views"), View, views, "\\b"}};
    const QModelIndex parent = indexOf(ns);
    beginInsertRows(parent, 0, 3);
    for (const Cat &c : cats) {
        const QStringList &names = c.listing.names;
        Node *cat = nullptr;
        if (c.listing.problem.isEmpty()) {
            cat = addChild(ns, Category, QStringLiteral("%1 (%2)").arg(c.label).arg(names.size()),
                           QString());
        } else {
            // never a silent empty list: the category says the server did not list it, and why
            cat = addChild(ns, Category, tr("%1 (not listed)").arg(c.label), QString());
            // e.g. "\b .u: 'nyi", and "\b: 'access" for the root
            const QString where =
                ns->qualified == QLatin1String(".") ? QString() : QLatin1Char(' ') + ns->qualified;
            cat->detail =
                QLatin1String(c.command) + where + QStringLiteral(": ") + c.listing.problem;
            Node *m = addChild(cat, Message, cat->detail, QString());
            m->fetchable = false;
            m->source = query;
        }
        for (const QString &name : names)
            addChild(cat, c.kind, name, qualify(ns->qualified, name));
    }
    ns->fetched = true;
    endInsertRows();
}

void ExplorerModel::fillTable(Node *table, const Value &v)
{
    if (!v.isList() || v.count() != 2 || !v.item(0).isAtom() || !v.item(1).isTable()) {
        fail(table,
             tr("unexpected reply to (count;meta): %1, not a count and a meta table")
                 .arg(describe(v)),
             QStringLiteral("(count %1;0!meta %1)").arg(table->qualified));
        return;
    }
    clearChildren(table); // a late duplicate reply replaces, never doubles
    table->fetched = true;
    const Value &count = v.item(0);
    table->rows = count.rawInt();
    const Value &meta = v.item(1);
    const int ci = meta.columnIndex("c"), ti = meta.columnIndex("t"), ai = meta.columnIndex("a");
    if (ci < 0 || ti < 0 || meta.columns().item(ci).type() != Symbol) {
        fail(table, tr("meta of %1 has no c and t columns").arg(table->qualified),
             QStringLiteral("0!meta ") + table->qualified);
        return;
    }
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
        else if (!n->detail.isEmpty() && !n->system && n->kind != Category && n->kind != Message &&
                 n->children.empty())
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
        case Message:
            return n->source.isEmpty() ? n->name
                                       : tr("%1\nquery: %2\nRefresh (context menu) to ask again")
                                             .arg(n->name, n->source);
        case Category:
            return n->detail.isEmpty() ? n->name : n->detail;
        case Namespace:
            return n->system ? tr("%1: %2").arg(n->qualified, n->detail) : n->qualified;
        default:
            return n->qualified.isEmpty() ? n->name : n->qualified;
        }
    case Qt::ForegroundRole:
        if (n->kind == Message)
            return QColor(Theme::current() == Theme::Dark ? QColor(0xef, 0x9a, 0x9a)
                                                          : QColor(0xc6, 0x28, 0x28));
        if (n->system || (n->kind == Category && !n->detail.isEmpty()))
            return QApplication::palette().color(QPalette::PlaceholderText);
        return {};
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
    const int kind = index.data(KindRole).toInt();
    if (kind != Server && kind != Category && kind != Message) f |= Qt::ItemIsDragEnabled;
    return f;
}

QStringList ExplorerModel::mimeTypes() const
{
    return {QStringLiteral("text/plain")};
}

QMimeData *ExplorerModel::mimeData(const QModelIndexList &indexes) const
{
    QStringList names;
    for (const QModelIndex &i : indexes)
        if (flags(i) & Qt::ItemIsDragEnabled) names << i.data(QualifiedNameRole).toString();
    if (names.isEmpty()) return nullptr;
    auto *mime = new QMimeData;
    mime->setText(names.join(QLatin1Char(' '))); // several names: a q list of them
    return mime;
}

void ExplorerModel::refresh(const QModelIndex &index)
{
    Node *n = nodeOf(index);
    while (n && n != m_root.get() && !n->fetchable)
        n = n->parent;
    if (!n || n == m_root.get()) return;
    // A reply still due for this node is stale now: only the new request's reply fills it (a
    // late one would replace the fresh children under the user's hands).
    for (auto it = m_pending.begin(); it != m_pending.end();)
        it = it->first == n->key ? m_pending.erase(it) : std::next(it);
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
