// qSQL templates: select / exec / update / delete with where (applied left to
// right, each on the rows the previous left) and by (grouped, result keyed and
// sorted by the groups) (code.kx.com/q/ref/select, /exec, /update, /delete,
// /basics/qsql).
#include "qlang/interpreterstate.h"
#include "qlang/listops.h"
#include "qlang/parser.h"
#include "qlang/vecutil.h"

#include <algorithm>

namespace qscope::qlang::detail {

namespace {

/// Pushes a qSQL frame for the duration of a scope.
struct QsqlScope
{
    QsqlScope(InterpreterState &s, const Value &table, const std::vector<int64_t> *rows) : m_s(s)
    {
        InterpreterState::Frame f;
        f.qtable = &table;
        f.rows = rows;
        f.allRows = rows == nullptr;
        if (!s.frames.empty()) f.def = s.frames.back().def;
        f.ctx = s.currentContext();
        s.frames.push_back(std::move(f));
    }
    ~QsqlScope() { m_s.frames.pop_back(); }
    InterpreterState &m_s;
};

Value evalIn(InterpreterState &s, const AstNode &e, const Value &table,
             const std::vector<int64_t> *rows)
{
    QsqlScope scope(s, table, rows);
    return s.eval(e);
}

std::vector<QByteArray> uniqueNames(std::vector<QByteArray> names)
{
    // q renames repeated columns date, date1, date2 ...
    for (size_t i = 0; i < names.size(); ++i) {
        int k = 1;
        for (size_t j = 0; j < i; ++j)
            if (names[j] == names[i]) {
                QByteArray cand;
                do {
                    cand = names[i] + QByteArray::number(k++);
                } while (std::find(names.begin(), names.end(), cand) != names.end());
                names[i] = cand;
                break;
            }
    }
    return names;
}

std::vector<int64_t> applyWhere(InterpreterState &s, const AstNode &n, const Value &t, bool &all)
{
    std::vector<int64_t> rows;
    all = true;
    for (const NodeP &w : n.wheres) {
        const Value m = evalIn(s, *w, t, all ? nullptr : &rows);
        const int64_t cnt = all ? t.count() : int64_t(rows.size());
        std::vector<int64_t> next;
        if (m.type() == Boolean) {
            if (m.count() != cnt) qthrow("length");
            const uint8_t *p = reinterpret_cast<const uint8_t *>(m.rawData());
            for (int64_t i = 0; i < cnt; ++i)
                if (p[i]) next.push_back(all ? i : rows[size_t(i)]);
        } else if (m.type() == -Boolean) {
            if (m.boolean()) {
                if (all) {
                    next.resize(size_t(cnt));
                    for (int64_t i = 0; i < cnt; ++i)
                        next[size_t(i)] = i;
                } else {
                    next = rows;
                }
            }
        } else if (m.isVector() && isIntegral(m.type())) {
            // a where clause may yield row numbers (where x in y -> indices)
            for (int64_t i = 0; i < m.count(); ++i) {
                const int64_t k = readI(m, i);
                if (k < 0 || k >= cnt) qthrow("index");
                next.push_back(all ? k : rows[size_t(k)]);
            }
        } else {
            qthrow("type");
        }
        rows = std::move(next);
        all = false;
    }
    return rows;
}

Value broadcast(const Value &v, int64_t n)
{
    if (v.isAtom()) return takeN(n, v);
    if (v.count() != n) qthrow("length");
    return v;
}

// groups of the filtered rows by the by-expressions, sorted by key
struct Groups
{
    Value keys;                             // key table (one row per group)
    std::vector<std::vector<int64_t>> rows; // absolute rows of each group
};

Groups groupBy(InterpreterState &s, const AstNode &n, const Value &t,
               const std::vector<int64_t> *rows)
{
    const int64_t cnt = rows ? int64_t(rows->size()) : t.count();
    std::vector<Value> byCols;
    for (const NodeP &b : n.bys)
        byCols.push_back(broadcast(evalIn(s, *b, t, rows), cnt));
    const auto names = uniqueNames(n.byNames);
    const Value byTable = makeTable(names, byCols);
    std::vector<int64_t> firsts, groupOf;
    if (byCols.size() == 1)
        groupIndex(byCols[0], firsts, groupOf);
    else
        groupIndex(byTable, firsts, groupOf);
    std::vector<std::vector<int64_t>> members(firsts.size());
    for (size_t i = 0; i < groupOf.size(); ++i)
        members[size_t(groupOf[i])].push_back(rows ? (*rows)[i] : int64_t(i));
    const Value keyRows = gather(byTable, firsts);
    const std::vector<int64_t> order = grade(keyRows, false);
    Groups g;
    g.keys = gather(keyRows, order);
    for (int64_t o : order)
        g.rows.push_back(std::move(members[size_t(o)]));
    return g;
}

Value selectNoBy(InterpreterState &s, const AstNode &n, const Value &t, bool all,
                 const std::vector<int64_t> &rows)
{
    if (n.args.empty()) return all ? t : gather(t, rows);
    std::vector<Value> cols;
    for (const NodeP &c : n.args)
        cols.push_back(evalIn(s, *c, t, all ? nullptr : &rows));
    int64_t len = -1;
    for (const Value &c : cols)
        if (!c.isAtom()) {
            if (len >= 0 && c.count() != len) qthrow("length");
            len = c.count();
        }
    if (len < 0) len = 1;
    for (Value &c : cols) {
        if (c.isAtom())
            c = takeN(len, c);
        else if (c.isTable() || c.isDict())
            qthrow("type");
    }
    return makeTable(uniqueNames(n.names), std::move(cols));
}

Value groupColumn(std::vector<Value> perGroup)
{
    bool atoms = true;
    for (const Value &v : perGroup)
        atoms = atoms && v.isAtom();
    if (perGroup.empty()) return Value::list({});
    return atoms ? collapse(std::move(perGroup)) : Value::list(std::move(perGroup));
}

Value selectBy(InterpreterState &s, const AstNode &n, const Value &t, bool all,
               const std::vector<int64_t> &rows)
{
    const Groups g = groupBy(s, n, t, all ? nullptr : &rows);
    std::vector<QByteArray> names;
    std::vector<Value> cols;
    if (n.args.empty()) {
        // select by k from t: the last row of each group, other columns
        const auto byNames = symList(g.keys.columnNames());
        std::vector<int64_t> lastRows;
        for (const auto &r : g.rows)
            lastRows.push_back(r.back());
        for (const QByteArray &c : symList(t.columnNames()))
            if (std::find(byNames.begin(), byNames.end(), c) == byNames.end()) {
                names.push_back(c);
                cols.push_back(gather(tableColumn(t, c), lastRows));
            }
    } else {
        names = uniqueNames(n.names);
        for (const NodeP &c : n.args) {
            std::vector<Value> perGroup;
            perGroup.reserve(g.rows.size());
            for (const auto &r : g.rows)
                perGroup.push_back(evalIn(s, *c, t, &r));
            cols.push_back(groupColumn(std::move(perGroup)));
        }
    }
    return Value::keyedTable(g.keys, makeTable(names, std::move(cols)));
}

Value execQuery(InterpreterState &s, const AstNode &n, const Value &t, bool all,
                const std::vector<int64_t> &rows)
{
    if (!n.bys.empty()) {
        const Groups g = groupBy(s, n, t, all ? nullptr : &rows);
        const Value key = g.keys.columns().count() == 1 ? g.keys.columns().item(0) : g.keys;
        if (n.args.size() == 1) {
            std::vector<Value> perGroup;
            for (const auto &r : g.rows)
                perGroup.push_back(evalIn(s, *n.args[0], t, &r));
            return Value::dict(key, groupColumn(std::move(perGroup)));
        }
        std::vector<Value> cols;
        for (const NodeP &c : n.args) {
            std::vector<Value> perGroup;
            for (const auto &r : g.rows)
                perGroup.push_back(evalIn(s, *c, t, &r));
            cols.push_back(groupColumn(std::move(perGroup)));
        }
        return Value::dict(key, makeTable(uniqueNames(n.names), std::move(cols)));
    }
    if (n.args.empty()) {
        // exec from t: the last row as a dict
        const Value sel = all ? t : gather(t, rows);
        return sel.count() ? sel.element(sel.count() - 1) : nullLike(sel);
    }
    if (n.args.size() == 1 && n.names[0] == derivedName(*n.args[0]))
        return evalIn(s, *n.args[0], t, all ? nullptr : &rows);
    std::vector<Value> vals;
    for (const NodeP &c : n.args)
        vals.push_back(evalIn(s, *c, t, all ? nullptr : &rows));
    return Value::dict(Value::symbols(uniqueNames(n.names)), Value::list(std::move(vals)));
}

Value updateQuery(InterpreterState &s, const AstNode &n, const Value &t, bool all,
                  const std::vector<int64_t> &rows)
{
    auto names = symList(t.columnNames());
    std::vector<Value> cols = t.columns().items();
    const int64_t total = t.count();
    const auto setCol = [&](const QByteArray &name, const Value &full) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) {
            names.push_back(name);
            cols.push_back(full);
        } else {
            cols[size_t(it - names.begin())] = full;
        }
    };
    // write values for `at` rows into a column (existing, or nulls for a new one)
    const auto scatter = [&](const QByteArray &name, const std::vector<int64_t> &at,
                             const std::vector<Value> &parts) {
        const int ci = t.columnIndex(name);
        std::vector<Value> items;
        Value proto;
        for (const Value &p : parts)
            if (!p.isAtom() || !proto.isAtom()) proto = p;
        if (ci >= 0) {
            items = itemsOf(cols[size_t(ci)]);
        } else {
            const Value nul = proto.isAtom()
                                  ? Value::nullOf(proto.type())
                                  : (proto.isVector() ? Value::nullOf(-proto.type()) : Value());
            items.assign(size_t(total), nul);
        }
        size_t k = 0;
        for (const Value &p : parts)
            for (int64_t i = 0; i < (p.isAtom() ? 1 : p.count()); ++i)
                items[size_t(at[k++])] = p.isAtom() ? p : p.element(i);
        Value col = total ? collapse(std::move(items)) : cols[size_t(std::max(ci, 0))];
        if (ci >= 0 && cols[size_t(ci)].isVector() && col.type() != cols[size_t(ci)].type())
            qthrow("type");
        setCol(name, col);
    };
    const auto outNames = uniqueNames(n.names);
    if (!n.bys.empty()) {
        const Groups g = groupBy(s, n, t, all ? nullptr : &rows);
        for (size_t c = 0; c < n.args.size(); ++c) {
            std::vector<int64_t> at;
            std::vector<Value> parts;
            for (const auto &r : g.rows) {
                const Value v = evalIn(s, *n.args[c], t, &r);
                const Value b = broadcast(v, int64_t(r.size()));
                parts.push_back(b);
                at.insert(at.end(), r.begin(), r.end());
            }
            scatter(outNames[c], at, parts);
        }
    } else if (all) {
        std::vector<Value> vals;
        for (const NodeP &c : n.args)
            vals.push_back(broadcast(evalIn(s, *c, t, nullptr), total));
        for (size_t c = 0; c < vals.size(); ++c)
            setCol(outNames[c], vals[c]);
    } else {
        std::vector<Value> vals;
        for (const NodeP &c : n.args)
            vals.push_back(broadcast(evalIn(s, *c, t, &rows), int64_t(rows.size())));
        for (size_t c = 0; c < vals.size(); ++c)
            scatter(outNames[c], rows, {vals[c]});
    }
    return makeTable(names, std::move(cols));
}

Value deleteQuery(const AstNode &n, const Value &t, bool all, const std::vector<int64_t> &rows)
{
    if (!n.args.empty()) {
        std::vector<QByteArray> drop;
        for (const NodeP &c : n.args)
            drop.push_back(c->name);
        std::vector<QByteArray> keep;
        std::vector<Value> cols;
        for (const QByteArray &c : symList(t.columnNames()))
            if (std::find(drop.begin(), drop.end(), c) == drop.end()) {
                keep.push_back(c);
                cols.push_back(tableColumn(t, c));
            }
        return makeTable(keep, std::move(cols));
    }
    if (all) return gather(t, std::vector<int64_t>{});
    std::vector<uint8_t> gone(size_t(t.count()), 0);
    for (int64_t r : rows)
        gone[size_t(r)] = 1;
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < t.count(); ++i)
        if (!gone[size_t(i)]) keep.push_back(i);
    return gather(t, keep);
}

} // namespace

Value InterpreterState::evalQsql(const AstNode &n)
{
    const Value src = eval(*n.from);
    if (n.code == 3 && src.type() == -Symbol && !n.args.empty() && n.wheres.empty()) {
        // delete a from `. / delete qscope from `. / delete po from `.z: names, not columns
        const QByteArray &ns = src.symbolValue();
        const bool root = ns == ".";
        if (root || (ns.startsWith('.') && !ns.mid(1).contains('.') && !globals.contains(ns))) {
            for (const NodeP &c : n.args) {
                const QByteArray name = root ? c->name : ns + '.' + c->name;
                const QByteArray below = (name.startsWith('.') ? name : '.' + name) + '.';
                globals.remove(name);
                natives.remove(name);
                for (const QByteArray &k : globals.keys())
                    if (k.startsWith(below)) globals.remove(k);
                for (const QByteArray &k : natives.keys())
                    if (k.startsWith(below)) natives.remove(k);
            }
            return src;
        }
    }
    const bool inPlace = src.type() == -Symbol && (n.code == 2 || n.code == 3);
    const Value orig = src.type() == -Symbol ? getSymbol(src.symbolValue()) : src;
    if (!orig.isTable() && !orig.isKeyedTable()) qthrow("type");
    const bool keyed = orig.isKeyedTable();
    const int64_t nkeys = keyed ? orig.keys().columns().count() : 0;
    const Value t = unkey(orig);
    bool all = true;
    const std::vector<int64_t> rows = applyWhere(*this, n, t, all);
    Value r;
    switch (n.code) {
    case 0:
        r = n.bys.empty() ? selectNoBy(*this, n, t, all, rows) : selectBy(*this, n, t, all, rows);
        if (keyed && n.bys.empty() && n.args.empty()) {
            // select from a keyed table keeps its key
            r = apply2(Value::primitive(Operator, 16), Value::longAtom(nkeys), r);
        }
        if (n.distinctSel) r = apply1(builtinNames.value("distinct"), r);
        if (n.limit) {
            const Value lim = eval(*n.limit);
            if (!lim.isAtom() || !isIntegral(-lim.type())) qthrow("type");
            r = takeN(std::min(readI(lim, 0) < 0 ? -readI(lim, 0) : readI(lim, 0), r.count()) *
                          (readI(lim, 0) < 0 ? -1 : 1),
                      r);
        }
        return r;
    case 1:
        return execQuery(*this, n, t, all, rows);
    case 2:
        r = updateQuery(*this, n, t, all, rows);
        break;
    default:
        r = deleteQuery(n, t, all, rows);
        break;
    }
    if (keyed) r = apply2(Value::primitive(Operator, 16), Value::longAtom(nkeys), r);
    if (inPlace) {
        setSymbol(src.symbolValue(), r);
        return src;
    }
    return r;
}

} // namespace qscope::qlang::detail
