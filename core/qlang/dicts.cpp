// Dictionaries, tables and application verbs: ! key value flip cols meta tables
// keys xkey xcols xcol xasc xdesc get set insert upsert lj ij uj aj, and . @
// (apply, index at depth, trap, amend) (code.kx.com/q/ref/dict, /flip, /meta,
// /keys, /lj, /ij, /uj, /aj, /insert, /upsert, /apply, /amend).
#include "qlang/interpreterstate.h"
#include "qlang/listops.h"
#include "qlang/pervasive.h"

#include "protocol/codec.h"
#include "protocol/format.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace qscope::qlang::detail {

Value amendValue(InterpreterState &s, const Value &x, std::span<const Value> path, const Value &op,
                 const Value &v);

namespace {

Value errorText(const QByteArray &w)
{
    return Value::string(w);
}

Value keyedBy(int64_t n, const Value &t)
{
    const Value u = unkey(t);
    if (!u.isTable()) qthrow("type");
    const auto names = symList(u.columnNames());
    if (n < 0 || n > int64_t(names.size())) qthrow("length");
    if (n == 0) return u;
    std::vector<QByteArray> kn(names.begin(), names.begin() + n),
        vn(names.begin() + n, names.end());
    std::vector<Value> kc, vc;
    for (const QByteArray &k : kn)
        kc.push_back(tableColumn(u, k));
    for (const QByteArray &v : vn)
        vc.push_back(tableColumn(u, v));
    return Value::keyedTable(makeTable(kn, std::move(kc)), makeTable(vn, std::move(vc)));
}

Value bangK(InterpreterState &s, const Value &x, const Value &y)
{
    if (x.isAtom() && isIntegral(-x.type()) && x.type() != -Boolean) {
        const int64_t n = readI(x, 0);
        auto it = s.internals.constFind(int(n));
        if (it != s.internals.cend()) {
            const Value r = (*it)(*s.owner, y);
            if (r.isError()) qthrow(r.symbolValue());
            return r;
        }
        if (y.isTable() || y.isKeyedTable()) return keyedBy(n, y);
        switch (n) {
        case -3:
            return Value::string(formatOneLine(y));
        case -8: {
            const QByteArray m = encodeMessage(y);
            std::vector<uint8_t> b(m.begin(), m.end());
            return Value::fromVector(Byte, std::move(b));
        }
        case -9: {
            if (y.type() != Byte) qthrow("type");
            const Decoded d = decodeMessage(QByteArray(y.rawData(), int(y.count())));
            if (!d.ok()) qthrow("badmsg");
            return d.value;
        }
        case -6:
            return y;
        default:
            break;
        }
        if (n == qnull::j) { // 0N!x prints and returns x
            s.write(formatOneLine(y) + '\n');
            return y;
        }
        qthrow("nyi");
    }
    if (x.isTable() && y.isTable()) {
        if (x.count() != y.count()) qthrow("length");
        return Value::keyedTable(x, y);
    }
    const Value k = x.isAtom() ? enlistAtom(x) : x;
    const Value v = y.isAtom() && !x.isAtom() ? y : (y.isAtom() ? enlistAtom(y) : y);
    if (!isList(k)) qthrow("type");
    if (!v.isAtom() && k.count() != v.count()) qthrow("length");
    const bool sorted = x.attr() == Attr::Sorted;
    if (v.isAtom()) return Value::dict(k, takeN(k.count(), v), sorted);
    return Value::dict(k, v, sorted);
}

/// key`: kdb+'s own namespaces (q Q h j o), then the user's in the order they were first
/// named; .z is not listed, although it holds names (code.kx.com/q/basics/namespaces).
std::vector<QByteArray> namespaceNames(InterpreterState &s)
{
    static const char *const own[] = {"q", "Q", "h", "j", "o"};
    QSet<QByteArray> present;
    auto addRoot = [&present](const QByteArray &name) {
        if (!name.startsWith('.') || name.size() < 2) return;
        const qsizetype dot = name.indexOf('.', 1);
        present.insert(name.mid(1, dot < 0 ? -1 : dot - 1));
    };
    for (auto it = s.globals.cbegin(); it != s.globals.cend(); ++it)
        addRoot(it.key());
    for (auto it = s.natives.cbegin(); it != s.natives.cend(); ++it)
        addRoot(it.key());
    for (auto it = s.dynamics.cbegin(); it != s.dynamics.cend(); ++it)
        addRoot(it.key());
    std::vector<QByteArray> roots(std::begin(own), std::end(own));
    auto listed = [&roots](const QByteArray &r) {
        return r.isEmpty() || r == "z" || std::find(roots.begin(), roots.end(), r) != roots.end();
    };
    for (const QByteArray &r : s.namespaceOrder)
        if (present.contains(r) && !listed(r)) roots.push_back(r);
    std::vector<QByteArray> rest; // named by a path that bypassed noteNamespace: last, sorted
    for (const QByteArray &r : present)
        if (!listed(r)) rest.push_back(r);
    std::sort(rest.begin(), rest.end());
    roots.insert(roots.end(), rest.begin(), rest.end());
    return roots;
}

Value keyK(InterpreterState &s, const Value &x)
{
    if (x.isKeyedTable()) return x.keys();
    if (x.isDict()) return x.keys();
    if (x.isTable()) return Value::symbols({}); // q: key of an unkeyed table is empty
    if (x.type() == -Symbol) {
        const QByteArray &n = x.symbolValue();
        if (n.isEmpty()) return Value::symbols(namespaceNames(s));
        if (n == ".") return namesOfKind(s, 'v', n);
        if (n.startsWith('.')) return s.namespaceDict(n).keys();
        if (auto v = s.lookup(n)) return keyK(s, *v);
        qthrow(n);
    }
    if (x.isAtom() && isIntegral(-x.type())) {
        const Value til = s.builtinNames.value("til");
        return s.apply1(til, x);
    }
    if (x.isVector()) return Value::symbol(QByteArray()); // enumerations only
    qthrow("type");
}

Value valueK(InterpreterState &s, const Value &x)
{
    if (x.isKeyedTable()) return x.values();
    if (x.isDict()) return x.values();
    if (x.type() == -Symbol) {
        if (x.symbolValue().startsWith('.') && !x.symbolValue().mid(1).contains('.') &&
            !s.globals.contains(x.symbolValue())) {
            const Value ns = s.namespaceDict(x.symbolValue());
            if (ns.count() > 0) return ns;
        }
        return s.getSymbol(x.symbolValue()); // a global .a, or q's error naming what is undefined
    }
    if (x.type() == Char || x.type() == -Char) {
        const QByteArray src = x.type() == Char ? QByteArray(x.rawData(), int(x.count()))
                                                : QByteArray(1, x.charValue());
        // evaluate in the global context, as q's value does
        std::vector<InterpreterState::Frame> saved;
        saved.swap(s.frames);
        struct Restore
        {
            std::vector<InterpreterState::Frame> &f, &saved;
            ~Restore() { f.swap(saved); }
        } restore{s.frames, saved};
        const Value r = s.evalTop(src);
        if (r.isError()) qthrow(r.symbolValue());
        return r;
    }
    if (x.isList() && x.count() > 0) {
        // (f;a;b) applies f
        const Value &f = x.item(0);
        const std::vector<Value> args(x.items().begin() + 1, x.items().end());
        const Value fn = f.type() == -Symbol ? s.getSymbol(f.symbolValue()) : f;
        return s.apply(fn, args);
    }
    if (x.type() == Projection || x.type() == Composition ||
        (x.type() >= Each && x.type() <= EachLeft))
        return Value::list(x.items());
    if (x.type() == Lambda) qthrow("nyi");
    return x;
}

Value flipK(InterpreterState &, const Value &x)
{
    if (x.isDict() && !x.isKeyedTable()) {
        if (x.keys().type() != Symbol) qthrow("type");
        std::vector<Value> cols = itemsOf(x.values());
        int64_t len = -1;
        for (const Value &c : cols)
            if (!c.isAtom()) {
                if (len >= 0 && c.count() != len) qthrow("length");
                len = c.count();
            }
        if (len < 0) len = 1;
        for (Value &c : cols)
            if (c.isAtom()) c = takeN(len, c);
        return Value::table(x.keys(), Value::list(std::move(cols)));
    }
    if (x.isTable()) return Value::dict(x.columnNames(), x.columns());
    if (x.isKeyedTable()) qthrow("type");
    if (x.isList()) {
        // transpose a list of equal-length lists
        int64_t len = -1;
        for (const Value &i : x.items())
            if (!i.isAtom()) {
                if (len >= 0 && i.count() != len) qthrow("length");
                len = i.count();
            }
        if (len < 0) return x;
        std::vector<Value> rows;
        for (int64_t r = 0; r < len; ++r) {
            std::vector<Value> row;
            for (const Value &i : x.items())
                row.push_back(itemAt(i, r));
            rows.push_back(collapse(std::move(row)));
        }
        return Value::list(std::move(rows));
    }
    qthrow("rank");
}

Value colsK(InterpreterState &s, const Value &x)
{
    if (x.type() == -Symbol) return colsK(s, s.getSymbol(x.symbolValue()));
    if (x.isKeyedTable()) return join(x.keys().columnNames(), x.values().columnNames());
    if (x.isTable()) return x.columnNames();
    if (x.isDict()) return x.keys();
    qthrow("type");
}

char typeChar(const Value &c)
{
    static const char *codes = " bg xhijefcspmdznuvt";
    if (c.isVector()) return codes[c.type()];
    if (c.isList()) {
        // a list of strings shows as C, of other vectors as upper case of their
        // type
        if (c.count() && c.item(0).isVector()) {
            const int t = c.item(0).type();
            for (const Value &i : c.items())
                if (i.type() != t) return ' ';
            return char(std::toupper(uchar(codes[t])));
        }
        return ' ';
    }
    return ' ';
}

Value metaK(InterpreterState &s, const Value &x)
{
    const Value t = x.type() == -Symbol ? s.getSymbol(x.symbolValue()) : x;
    const Value u = unkey(t);
    if (!u.isTable()) qthrow("type");
    const auto names = symList(u.columnNames());
    QByteArray types;
    std::vector<QByteArray> attrs;
    for (const Value &c : u.columns().items()) {
        types += typeChar(c);
        switch (c.attr()) {
        case Attr::Sorted:
            attrs.push_back("s");
            break;
        case Attr::Unique:
            attrs.push_back("u");
            break;
        case Attr::Parted:
            attrs.push_back("p");
            break;
        case Attr::Grouped:
            attrs.push_back("g");
            break;
        default:
            attrs.push_back(QByteArray());
        }
    }
    const Value keyT = makeTable({"c"}, {u.columnNames()});
    const Value valT =
        makeTable({"t", "f", "a"},
                  {Value::string(types), Value::symbols(std::vector<QByteArray>(names.size())),
                   Value::symbols(attrs)});
    return Value::keyedTable(keyT, valT);
}

Value tablesK(InterpreterState &s, const Value &x)
{
    // tables[] and tables`. list the root; tables`.u the tables directly in .u
    if (x.isGenericNull()) return namesOfKind(s, 'a', QByteArray());
    if (x.type() != -Symbol) qthrow("type");
    return namesOfKind(s, 'a', x.symbolValue());
}

Value keysK(InterpreterState &s, const Value &x)
{
    const Value t = x.type() == -Symbol ? s.getSymbol(x.symbolValue()) : x;
    if (t.isKeyedTable()) return t.keys().columnNames();
    if (t.isTable()) return Value::symbols({});
    qthrow("type");
}

Value xkeyK(InterpreterState &s, const Value &x, const Value &y)
{
    const bool inPlace = y.type() == -Symbol;
    const Value t = unkey(inPlace ? s.getSymbol(y.symbolValue()) : y);
    if (!t.isTable()) qthrow("type");
    const auto kn = symList(x);
    std::vector<QByteArray> order = kn;
    for (const QByteArray &c : symList(t.columnNames()))
        if (std::find(kn.begin(), kn.end(), c) == kn.end()) order.push_back(c);
    std::vector<Value> cols;
    for (const QByteArray &c : order)
        cols.push_back(tableColumn(t, c));
    const Value r = keyedBy(int64_t(kn.size()), makeTable(order, std::move(cols)));
    if (inPlace) {
        s.setSymbol(y.symbolValue(), r);
        return y;
    }
    return r;
}

Value xcolsK(InterpreterState &, const Value &x, const Value &y)
{
    const Value t = unkey(y);
    const auto first = symList(x);
    std::vector<QByteArray> order = first;
    for (const QByteArray &c : symList(t.columnNames()))
        if (std::find(first.begin(), first.end(), c) == first.end()) order.push_back(c);
    std::vector<Value> cols;
    for (const QByteArray &c : order)
        cols.push_back(tableColumn(t, c));
    return makeTable(order, std::move(cols));
}

Value xcolK(InterpreterState &, const Value &x, const Value &y)
{
    const bool keyed = y.isKeyedTable();
    const Value t = unkey(y);
    auto names = symList(t.columnNames());
    const auto nn = symList(x);
    if (nn.size() > names.size()) qthrow("length");
    for (size_t i = 0; i < nn.size(); ++i)
        names[i] = nn[i];
    const Value r = makeTable(names, t.columns().items());
    return keyed ? keyedBy(y.keys().columns().count(), r) : r;
}

Value sortTable(InterpreterState &s, const Value &x, const Value &y, bool desc)
{
    const bool inPlace = y.type() == -Symbol;
    const Value src = inPlace ? s.getSymbol(y.symbolValue()) : y;
    const bool keyed = src.isKeyedTable();
    const Value t = unkey(src);
    if (!t.isTable()) qthrow("type");
    const auto by = symList(x);
    std::vector<Value> keyCols;
    for (const QByteArray &c : by)
        keyCols.push_back(tableColumn(t, c));
    const auto idx = grade(makeTable(by, keyCols), desc);
    Value r = gather(t, idx);
    if (!desc && !by.empty()) {
        std::vector<Value> cols = r.columns().items();
        const int c = r.columnIndex(by[0]);
        cols[size_t(c)] = cols[size_t(c)].withAttr(Attr::Sorted);
        r = Value::table(r.columnNames(), Value::list(std::move(cols)));
    }
    if (keyed) r = keyedBy(src.keys().columns().count(), r);
    if (inPlace) {
        s.setSymbol(y.symbolValue(), r);
        return y;
    }
    return r;
}

Value xascK(InterpreterState &s, const Value &x, const Value &y)
{
    return sortTable(s, x, y, false);
}
Value xdescK(InterpreterState &s, const Value &x, const Value &y)
{
    return sortTable(s, x, y, true);
}

Value getK(InterpreterState &s, const Value &x)
{
    return valueK(s, x);
}

Value setK(InterpreterState &s, const Value &x, const Value &y)
{
    if (x.type() != -Symbol) qthrow("type");
    s.setSymbol(x.symbolValue(), y);
    return x;
}

// rows of y as a table matching t's columns (y: table, dict, or list of column
// values)
Value rowsFor(const Value &t, const Value &y)
{
    const Value ut = unkey(t);
    if (y.isTable() || y.isKeyedTable()) return unkey(y);
    const auto names = symList(ut.columnNames());
    if (y.isDict()) {
        // a key that names no column is q's 'mismatch (code.kx.com/q/ref/insert/)
        for (const Value &k : itemsOf(y.keys()))
            if (k.type() != -Symbol || ut.columnIndex(k.symbolValue()) < 0) qthrow("mismatch");
        std::vector<Value> cols;
        for (const QByteArray &n : names)
            cols.push_back(enlist(index1Free(y, Value::symbol(n))));
        return makeTable(names, std::move(cols));
    }
    if (y.isAtom() && names.size() == 1) return makeTable(names, {enlistAtom(y)});
    if (!y.isList() && !y.isVector()) qthrow("type");
    if (y.count() != int64_t(names.size())) qthrow("length");
    std::vector<Value> cols;
    bool anyList = false;
    for (int64_t i = 0; i < y.count(); ++i)
        anyList = anyList || !itemAt(y, i).isAtom();
    // one row of atoms, or one list per column, all of one length ('length otherwise: a
    // table's columns never differ in length)
    for (int64_t i = 0; i < y.count(); ++i) {
        const Value c = itemAt(y, i);
        if (anyList && (c.isAtom() || c.count() != itemAt(y, 0).count())) qthrow("length");
        cols.push_back(anyList ? c : enlistAtom(c));
    }
    return makeTable(names, std::move(cols));
}

Value insertK(InterpreterState &s, const Value &x, const Value &y)
{
    if (x.type() != -Symbol) qthrow("type");
    const Value t = s.getSymbol(x.symbolValue());
    if (!t.isTable() && !t.isKeyedTable()) qthrow("type");
    const Value rows = rowsFor(t, y);
    const int64_t before = t.count();
    Value r;
    if (t.isKeyedTable()) {
        // insert refuses existing keys
        const Value kt = t.keys();
        for (int64_t i = 0; i < rows.count(); ++i) {
            std::vector<Value> parts;
            for (const QByteArray &k : symList(kt.columnNames()))
                parts.push_back(tableColumn(rows, k).element(i));
            const Value key = parts.size() == 1 ? parts[0] : collapse(std::move(parts));
            if (dictFind(kt, key) < kt.count()) qthrow("insert");
        }
        r = upsertRowsFree(t, keyedBy(kt.columns().count(), [&] {
                               std::vector<Value> cols;
                               std::vector<QByteArray> order = symList(kt.columnNames());
                               for (const QByteArray &v : symList(t.values().columnNames()))
                                   order.push_back(v);
                               for (const QByteArray &c : order)
                                   cols.push_back(tableColumn(rows, c));
                               return makeTable(order, std::move(cols));
                           }()));
    } else {
        r = upsertRowsFree(t, rows);
    }
    s.setSymbol(x.symbolValue(), r);
    std::vector<int64_t> idx;
    for (int64_t i = before; i < r.count(); ++i)
        idx.push_back(i);
    return longs(std::move(idx));
}

Value upsertK(InterpreterState &s, const Value &x, const Value &y)
{
    const bool inPlace = x.type() == -Symbol;
    const Value t = inPlace ? s.getSymbol(x.symbolValue()) : x;
    if (!t.isTable() && !t.isKeyedTable()) qthrow("type");
    Value rows = rowsFor(t, y);
    Value r;
    if (t.isKeyedTable())
        r = upsertRowsFree(t, keyedBy(t.keys().columns().count(), [&] {
                               std::vector<QByteArray> order = symList(t.keys().columnNames());
                               for (const QByteArray &v : symList(t.values().columnNames()))
                                   order.push_back(v);
                               std::vector<Value> cols;
                               for (const QByteArray &c : order)
                                   cols.push_back(tableColumn(rows, c));
                               return makeTable(order, std::move(cols));
                           }()));
    else
        r = upsertRowsFree(t, rows);
    if (inPlace) {
        s.setSymbol(x.symbolValue(), r);
        return x;
    }
    return r;
}

// For joins: the row position in the keyed table kt for each row of t (count kt
// if absent).
std::vector<int64_t> lookupRows(const Value &t, const Value &keyTable)
{
    const auto kn = symList(keyTable.columnNames());
    const int64_t n = t.count(), m = keyTable.count();
    std::vector<int64_t> out(static_cast<size_t>(n), m);
    if (kn.size() == 1) {
        const Value &a = tableColumn(t, kn[0]);
        const Value &b = keyTable.columns().item(0);
        QMultiHash<uint64_t, int64_t> pos;
        for (int64_t j = m; j-- > 0;)
            pos.insert(hashElem(b, j), j);
        for (int64_t i = 0; i < n; ++i) {
            const uint64_t h = hashElem(a, i);
            int64_t best = m;
            for (auto it = pos.constFind(h); it != pos.cend() && it.key() == h; ++it)
                if (*it < best && matchElem(a, i, b, *it)) best = *it;
            out[size_t(i)] = best;
        }
        return out;
    }
    std::vector<Value> aCols, bCols;
    for (size_t c = 0; c < kn.size(); ++c) {
        aCols.push_back(tableColumn(t, kn[c]));
        bCols.push_back(keyTable.columns().item(int64_t(c)));
    }
    QMultiHash<uint64_t, int64_t> pos;
    auto rowHash = [](const std::vector<Value> &cols, int64_t r) {
        uint64_t h = 1469598103934665603ULL;
        for (const Value &c : cols)
            h = (h ^ hashElem(c, r)) * 1099511628211ULL;
        return h;
    };
    for (int64_t j = m; j-- > 0;)
        pos.insert(rowHash(bCols, j), j);
    for (int64_t i = 0; i < n; ++i) {
        const uint64_t h = rowHash(aCols, i);
        int64_t best = m;
        for (auto it = pos.constFind(h); it != pos.cend() && it.key() == h; ++it) {
            bool ok = true;
            for (size_t c = 0; c < aCols.size() && ok; ++c)
                ok = matchElem(aCols[c], i, bCols[c], *it);
            if (ok && *it < best) best = *it;
        }
        out[size_t(i)] = best;
    }
    return out;
}

Value joinColumns(const Value &t, const Value &valueTable, const std::vector<int64_t> &rowsOfT,
                  const std::vector<int64_t> &rowsOfV, bool keepExistingWhenMissing)
{
    auto names = symList(t.columnNames());
    std::vector<Value> cols;
    const Value tr = gather(t, rowsOfT);
    for (const Value &c : tr.columns().items())
        cols.push_back(c);
    const auto vn = symList(valueTable.columnNames());
    for (size_t c = 0; c < vn.size(); ++c) {
        Value src = gather(valueTable.columns().item(int64_t(c)), rowsOfV);
        const auto it = std::find(names.begin(), names.end(), vn[c]);
        if (it != names.end()) {
            const size_t at = size_t(it - names.begin());
            if (keepExistingWhenMissing) {
                // lj: rows without a match keep their own value
                std::vector<Value> items = itemsOf(cols[at]);
                const int64_t m = valueTable.count();
                for (size_t r = 0; r < rowsOfV.size(); ++r)
                    if (rowsOfV[r] < m && rowsOfV[r] >= 0) items[r] = src.element(int64_t(r));
                src = items.empty() ? cols[at] : collapse(std::move(items));
            }
            cols[at] = src;
        } else {
            names.push_back(vn[c]);
            cols.push_back(src);
        }
    }
    return makeTable(names, std::move(cols));
}

Value ljK(InterpreterState &, const Value &x, const Value &y)
{
    if (!y.isKeyedTable()) qthrow("type");
    if (x.isKeyedTable())
        return Value::keyedTable(x.keys(), [&] {
            const Value u = unkey(x);
            const Value r = ljK(*currentState(), u, y);
            std::vector<QByteArray> vn;
            std::vector<Value> vc;
            const auto kn = symList(x.keys().columnNames());
            for (const QByteArray &c : symList(r.columnNames()))
                if (std::find(kn.begin(), kn.end(), c) == kn.end()) {
                    vn.push_back(c);
                    vc.push_back(tableColumn(r, c));
                }
            return makeTable(vn, std::move(vc));
        }());
    if (!x.isTable()) qthrow("type");
    const auto pos = lookupRows(x, y.keys());
    std::vector<int64_t> all(static_cast<size_t>(x.count()));
    std::iota(all.begin(), all.end(), 0);
    return joinColumns(x, y.values(), all, pos, true);
}

Value ijK(InterpreterState &, const Value &x, const Value &y)
{
    if (!y.isKeyedTable()) qthrow("type");
    const Value t = unkey(x);
    const auto pos = lookupRows(t, y.keys());
    std::vector<int64_t> keepT, keepV;
    for (size_t i = 0; i < pos.size(); ++i)
        if (pos[i] < y.keys().count()) {
            keepT.push_back(int64_t(i));
            keepV.push_back(pos[i]);
        }
    const Value r = joinColumns(t, y.values(), keepT, keepV, false);
    return x.isKeyedTable() ? keyedBy(x.keys().columns().count(), r) : r;
}

Value ujK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isKeyedTable() && y.isKeyedTable()) {
        // widen both to the union of value columns, then upsert
        const Value ux = unkey(x), uy = unkey(y);
        auto names = symList(ux.columnNames());
        for (const QByteArray &c : symList(uy.columnNames()))
            if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
        auto widen = [&](const Value &t) {
            std::vector<Value> cols;
            for (const QByteArray &c : names) {
                const int i = t.columnIndex(c);
                if (i >= 0)
                    cols.push_back(t.columns().item(i));
                else {
                    const Value &proto =
                        ux.columnIndex(c) >= 0 ? tableColumn(ux, c) : tableColumn(uy, c);
                    cols.push_back(gather(proto, std::vector<int64_t>(size_t(t.count()), -1)));
                }
            }
            return makeTable(names, std::move(cols));
        };
        const int64_t nk = x.keys().columns().count();
        return upsertRowsFree(keyedBy(nk, widen(ux)), keyedBy(nk, widen(uy)));
    }
    if (!x.isTable() || !y.isTable()) qthrow("type");
    auto names = symList(x.columnNames());
    for (const QByteArray &c : symList(y.columnNames()))
        if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
    std::vector<Value> cols;
    for (const QByteArray &c : names) {
        const int i = x.columnIndex(c), j = y.columnIndex(c);
        const Value a =
            i >= 0 ? x.columns().item(i)
                   : gather(y.columns().item(j), std::vector<int64_t>(size_t(x.count()), -1));
        const Value b =
            j >= 0 ? y.columns().item(j)
                   : gather(x.columns().item(i), std::vector<int64_t>(size_t(y.count()), -1));
        cols.push_back(join(a, b));
    }
    return makeTable(names, std::move(cols));
}

// aj[`sym`time;t;q]: for each row of t the last row of q with equal leading
// keys and time <= t's
Value ajN(InterpreterState &, std::span<const Value> a)
{
    if (a.size() != 3) qthrow("rank");
    const auto keys = symList(a[0]);
    if (keys.empty()) qthrow("length");
    const Value t = unkey(a[1]), q = unkey(a[2]);
    if (!t.isTable() || !q.isTable()) qthrow("type");
    const QByteArray timeCol = keys.back();
    const std::vector<QByteArray> eq(keys.begin(), keys.end() - 1);
    const Value &tt = tableColumn(t, timeCol), &qt = tableColumn(q, timeCol);
    // group q rows by the equality keys, each group in q's (time-sorted) order
    QMultiHash<uint64_t, int64_t> groupsByHash;
    std::vector<std::vector<int64_t>> groups;
    std::vector<Value> qe, te;
    for (const QByteArray &k : eq) {
        qe.push_back(tableColumn(q, k));
        te.push_back(tableColumn(t, k));
    }
    auto hashRow = [](const std::vector<Value> &cols, int64_t r) {
        uint64_t h = 1469598103934665603ULL;
        for (const Value &c : cols)
            h = (h ^ hashElem(c, r)) * 1099511628211ULL;
        return h;
    };
    std::vector<int64_t> groupFirst;
    for (int64_t r = 0; r < q.count(); ++r) {
        const uint64_t h = hashRow(qe, r);
        int64_t g = -1;
        for (auto it = groupsByHash.constFind(h); it != groupsByHash.cend() && it.key() == h;
             ++it) {
            bool ok = true;
            for (size_t c = 0; c < qe.size() && ok; ++c)
                ok = matchElem(qe[c], groupFirst[size_t(*it)], qe[c], r);
            if (ok) {
                g = *it;
                break;
            }
        }
        if (g < 0) {
            g = int64_t(groups.size());
            groups.emplace_back();
            groupFirst.push_back(r);
            groupsByHash.insert(h, g);
        }
        groups[size_t(g)].push_back(r);
    }
    std::vector<int64_t> match(static_cast<size_t>(t.count()), -1);
    for (int64_t r = 0; r < t.count(); ++r) {
        const uint64_t h = hashRow(te, r);
        int64_t g = -1;
        for (auto it = groupsByHash.constFind(h); it != groupsByHash.cend() && it.key() == h;
             ++it) {
            bool ok = true;
            for (size_t c = 0; c < qe.size() && ok; ++c)
                ok = matchElem(qe[c], groupFirst[size_t(*it)], te[c], r);
            if (ok) {
                g = *it;
                break;
            }
        }
        if (g < 0) continue;
        const auto &rows = groups[size_t(g)];
        const double tv = readF(tt, r);
        // last row with time <= tv
        int64_t lo = 0, hi = int64_t(rows.size());
        while (lo < hi) {
            const int64_t mid = (lo + hi) / 2;
            if (readF(qt, rows[size_t(mid)]) <= tv)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) match[size_t(r)] = rows[size_t(lo - 1)];
    }
    // t's columns, then q's other columns (q's values replace t's where names
    // clash)
    std::vector<QByteArray> vn;
    std::vector<Value> vc;
    for (const QByteArray &c : symList(q.columnNames()))
        if (std::find(keys.begin(), keys.end(), c) == keys.end()) {
            vn.push_back(c);
            vc.push_back(tableColumn(q, c));
        }
    std::vector<int64_t> all(static_cast<size_t>(t.count()));
    std::iota(all.begin(), all.end(), 0);
    return joinColumns(t, makeTable(vn, std::move(vc)), all, match, false);
}

Value dotApply(InterpreterState &s, const Value &f, const Value &args)
{
    std::vector<Value> a = args.isAtom() ? std::vector<Value>{args} : itemsOf(args);
    if (f.isFunction() || f.type() == -Symbol)
        return f.type() == -Symbol ? s.index(s.getSymbol(f.symbolValue()), a) : s.apply(f, a);
    return s.index(f, a);
}

Value dotK(InterpreterState &s, const Value &x, const Value &y)
{
    return dotApply(s, x, y);
}

Value atK(InterpreterState &s, const Value &x, const Value &y)
{
    if (x.type() == -Symbol) return s.index1(s.getSymbol(x.symbolValue()), y);
    if (x.isFunction()) return s.apply1(x, y);
    return s.index1(x, y);
}

/// A name like .z or .u: a namespace, unless a global of that name holds a value.
bool isNamespaceName(InterpreterState &s, const QByteArray &name)
{
    return name.size() > 1 && name.startsWith('.') && !name.mid(1).contains('.') &&
           !s.globals.contains(name);
}

Value trapOrAmend(InterpreterState &s, std::span<const Value> a, bool dot)
{
    const Value &target = a[0];
    if (a.size() == 3 && target.isFunction()) {
        // protected evaluation: @[f;x;h] / .[f;args;h]
        const int depth = s.depth;
        const size_t frames = s.frames.size();
        try {
            return dot ? dotApply(s, target, a[1]) : s.apply1(target, a[1]);
        } catch (const QError &e) {
            s.depth = depth;
            s.frames.resize(frames);
            if (e.word == "stop" || e.word == "wsfull")
                throw; // the query's limits cannot be trapped away
            const Value &h = a[2];
            if (h.isFunction()) return s.apply1(h, errorText(e.word));
            return h;
        }
    }
    // amend: @[x;i;f] @[x;i;f;y] .[x;path;f;y]
    const bool named = target.type() == -Symbol;
    // @[`.z;`po;:;f] amends a namespace: its members are globals (.z.po), written back one by one
    const bool nsTarget = named && isNamespaceName(s, target.symbolValue());
    const Value x = nsTarget ? s.namespaceDict(target.symbolValue())
                    : named  ? s.getSymbol(target.symbolValue())
                             : target;
    const Value &i = a[1];
    const Value &f = a[2];
    Value r;
    if (dot) {
        const std::vector<Value> path = i.isAtom() ? std::vector<Value>{i} : itemsOf(i);
        if (a.size() == 4)
            r = amendValue(s, x, path, f.type() == Operator && f.primitiveCode() == 0 ? Value() : f,
                           a[3]);
        else
            r = amendValue(s, x, path, Value(), s.apply1(f, s.index(x, path)));
    } else {
        const std::vector<Value> path{i};
        if (a.size() == 4) {
            r = amendValue(s, x, path, f.type() == Operator && f.primitiveCode() == 0 ? Value() : f,
                           a[3]);
        } else {
            // monadic f applied to the selected items
            if (i.isAtom() || x.isDict())
                r = amendValue(s, x, path, Value(), s.apply1(f, s.index1(x, i)));
            else
                r = amendValue(s, x, path, Value(), s.apply1(f, s.index1(x, i)));
        }
    }
    if (nsTarget) {
        if (!r.isDict() || r.keys().type() != Symbol) qthrow("type");
        const Value &keys = r.keys();
        for (int64_t k = 0; k < keys.count(); ++k) {
            const QByteArray &member = keys.symAt(k);
            if (member.isEmpty()) continue;
            const Value now = itemAt(r.values(), k);
            const int64_t before = dictFind(x.keys(), Value::symbol(member));
            if (before < x.keys().count() && match(itemAt(x.values(), before), now)) continue;
            s.setSymbol(target.symbolValue() + '.' + member, now);
        }
        return target;
    }
    if (named) {
        s.setSymbol(target.symbolValue(), r);
        return target;
    }
    return r;
}

Value atN(InterpreterState &s, std::span<const Value> a)
{
    if (a.size() < 3 || a.size() > 4) qthrow("rank");
    return trapOrAmend(s, a, false);
}

Value dotN(InterpreterState &s, std::span<const Value> a)
{
    if (a.size() < 3 || a.size() > 4) qthrow("rank");
    return trapOrAmend(s, a, true);
}

} // namespace

void registerDict(InterpreterState &s)
{
    s.regVerb(1, flipK, nullptr);      // +x flip
    s.regVerb(16, keyK, bangK);        // ! key / dict
    s.regVerb(19, valueK, dotK, dotN); // . value / apply
    s.regVerb(18, nullptr, atK, atN);  // @ apply at / trap / amend
    s.regVerb(0, nullptr, [](InterpreterState &, const Value &, const Value &y) { return y; });
    s.alias("flip", Value::primitive(UnaryPrimitive, 1));
    s.alias("key", Value::primitive(UnaryPrimitive, 16));
    s.alias("value", Value::primitive(UnaryPrimitive, 19));
    s.reg("get", getK);
    s.reg("set", setK);
    s.reg("cols", colsK);
    s.reg("meta", metaK);
    s.reg("tables", tablesK);
    s.reg("keys", keysK);
    s.reg("xkey", xkeyK);
    s.reg("xcols", xcolsK);
    s.reg("xcol", xcolK);
    s.reg("xasc", xascK);
    s.reg("xdesc", xdescK);
    s.reg("upsert", upsertK);
    s.reg("lj", ljK);
    s.reg("ij", ijK);
    s.reg("uj", ujK);
    s.regN("aj", 3, ajN);
    // insert is operator 28 in kdb+ (`insert` on the wire is 0x66 0x1c)
    Builtin &ins = s.table[1][0x1c];
    ins.name = "insert";
    ins.arity = 2;
    ins.f2 = insertK;
    s.alias("insert", Value::primitive(Operator, 0x1c), true);
}

} // namespace qscope::qlang::detail
