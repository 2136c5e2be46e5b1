#include "editor/namecatalog.h"

#include "editor/qlexer.h"

#include <QCoreApplication>

#include <algorithm>

namespace qscope {

namespace {

bool byName(const NameCatalog::Entry &a, const NameCatalog::Entry &b)
{
    return a.name < b.name;
}

/// .z names are computed by q when read, so no server lists them: they are known here.
const char *const kSystemNames[] = {
    ".z.a",    ".z.ac", ".z.b",  ".z.bm", ".z.c",  ".z.d",  ".z.D",  ".z.e",  ".z.ex",
    ".z.exit", ".z.ey", ".z.f",  ".z.h",  ".z.i",  ".z.k",  ".z.K",  ".z.l",  ".z.n",
    ".z.N",    ".z.o",  ".z.p",  ".z.P",  ".z.pc", ".z.pd", ".z.pg", ".z.ph", ".z.pi",
    ".z.pm",   ".z.po", ".z.pp", ".z.pq", ".z.ps", ".z.pw", ".z.q",  ".z.r",  ".z.s",
    ".z.t",    ".z.T",  ".z.ts", ".z.u",  ".z.vs", ".z.w",  ".z.W",  ".z.wc", ".z.wo",
    ".z.ws",   ".z.x",  ".z.X",  ".z.z",  ".z.Z",  ".z.zd",
};

QList<QByteArray> symbolList(const Value &v)
{
    QList<QByteArray> out;
    if (v.type() == Symbol)
        for (int64_t i = 0; i < v.count(); ++i)
            out.append(v.symAt(i));
    else if (v.type() == -Symbol)
        out.append(v.symbolValue());
    return out;
}

} // namespace

const QByteArray &NameCatalog::query()
{
    // Kinds: t table (keyed too), f lambda, n namespace, v anything else. `key v` is taken of
    // dictionaries only (it fails on a lambda).
    static const QByteArray q =
        "{s:{` sv`,x}each key[`]except`q;n:(key[`.]except`),s,raze{` sv/:x,/:key[x]except`}each s;"
        "k:{@[{t:type v:get x;$[t=100h;\"f\";t=98h;\"t\";t<>99h;\"v\";98h=type key v;\"t\";"
        "(::)~first v;\"n\";\"v\"]};x;\"v\"]}each n;"
        "(n;k;{@[{$[y=\"t\";cols x;y=\"f\";(value get x)1;`$()]}[;y];x;`$()]}'[n;k])}[]";
    return q;
}

const QByteArray &NameCatalog::answerTag()
{
    static const QByteArray tag("qscopeNames");
    return tag;
}

QByteArray NameCatalog::request(qint64 token)
{
    return "neg[.z.w](`" + answerTag() + ';' + QByteArray::number(token) + ';' + query() + ')';
}

void NameCatalog::add(std::vector<Entry> entries)
{
    m_entries.insert(m_entries.end(), std::make_move_iterator(entries.begin()),
                     std::make_move_iterator(entries.end()));
    // the server's entry wins over a built-in one of the same name (stable: added later)
    std::stable_sort(m_entries.begin(), m_entries.end(), byName);
    std::vector<Entry> unique;
    unique.reserve(m_entries.size());
    for (Entry &e : m_entries) {
        if (!unique.empty() && unique.back().name == e.name)
            unique.back() = std::move(e);
        else
            unique.push_back(std::move(e));
    }
    m_entries = std::move(unique);
}

const NameCatalog &NameCatalog::builtIn()
{
    static const NameCatalog c = [] {
        NameCatalog n;
        std::vector<Entry> e;
        for (const QString &k : QLexer::keywords())
            e.push_back(Entry{k.toLatin1(), Keyword, {}});
        for (const char *z : kSystemNames)
            e.push_back(Entry{QByteArray(z), System, {}});
        n.add(std::move(e));
        return n;
    }();
    return c;
}

NameCatalog NameCatalog::withEntries(std::vector<Entry> entries)
{
    NameCatalog c = builtIn();
    c.add(std::move(entries));
    return c;
}

NameCatalog NameCatalog::fromServer(const Value &answer, QString *error)
{
    const auto fail = [&](const char *why) {
        if (error)
            *error = QCoreApplication::translate("NameCatalog",
                                                 "the server's names could not be read: %1")
                         .arg(QString::fromUtf8(why));
        return builtIn();
    };
    if (answer.isError()) return fail(answer.symbolValue().constData());
    if (!answer.isList() || answer.count() != 3) return fail("not a (names;kinds;extras) list");
    const Value &names = answer.item(0);
    const Value &kinds = answer.item(1);
    const Value &extras = answer.item(2);
    const int64_t n = names.count();
    if (n == 0) return builtIn(); // an empty server
    if (names.type() != Symbol || kinds.type() != Char || kinds.count() != n || extras.count() != n)
        return fail("unexpected types or lengths");
    std::vector<Entry> entries;
    entries.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        Entry e;
        e.name = names.symAt(i);
        if (e.name.isEmpty()) continue;
        const char k = kinds.at<char>(i);
        e.kind = (k == Table || k == Function || k == Namespace) ? Kind(k) : Variable;
        e.extras = symbolList(extras.isList() ? extras.item(i) : Value());
        entries.push_back(std::move(e));
    }
    return withEntries(std::move(entries));
}

QList<const NameCatalog::Entry *> NameCatalog::complete(const QByteArray &prefix, int limit) const
{
    QList<const Entry *> out;
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), prefix,
                               [](const Entry &e, const QByteArray &p) { return e.name < p; });
    for (; it != m_entries.end() && out.size() < limit && it->name.startsWith(prefix); ++it)
        out.append(&*it);
    return out;
}

const NameCatalog::Entry *NameCatalog::find(const QByteArray &name) const
{
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), name,
                               [](const Entry &e, const QByteArray &p) { return e.name < p; });
    return it != m_entries.end() && it->name == name ? &*it : nullptr;
}

} // namespace qscope
