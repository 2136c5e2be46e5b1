// List verbs: til count first last # _ , reverse where distinct group asc desc
// iasc idesc in within bin ? ^ fills union inter except cross cut sublist
// rotate prev next (code.kx.com/q/ref/).
#include "qlang/listops.h"

#include "protocol/columnops.h"
#include "qlang/arith.h"
#include "qlang/cast.h"
#include "qlang/compare.h"
#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include <QHash>

#include <algorithm>
#include <numeric>

namespace qscope::qlang::detail {

Value amendValue(InterpreterState &s, const Value &x, std::span<const Value> path, const Value &op,
                 const Value &v);

namespace {

int cmpItems(const Value &a, const Value &b);

int cmpElem(const Value &x, int64_t i, int64_t j)
{
    const int t = x.type();
    switch (t) {
    case Symbol: {
        if (x.symIndex(i) == x.symIndex(j)) return 0;
        const QByteArray &a = x.symAt(i), &b = x.symAt(j);
        return a < b ? -1 : (b < a ? 1 : 0);
    }
    case Real:
    case Float:
    case Datetime: {
        const double a = readF(x, i), b = readF(x, j);
        const bool na = std::isnan(a), nb = std::isnan(b);
        if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    case Guid: {
        const int c = std::memcmp(x.rawData() + 16 * i, x.rawData() + 16 * j, 16);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Boolean:
    case Byte:
    case Char: {
        const uint8_t a = x.at<uint8_t>(i), b = x.at<uint8_t>(j);
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    case List:
        return cmpItems(x.item(i), x.item(j));
    default: {
        const int64_t a = readI(x, i), b = readI(x, j);
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    }
}

int cmpItems(const Value &a, const Value &b)
{
    if (a.isAtom() && b.isAtom() && a.type() == b.type()) {
        const Value v = join(a, b);
        return cmpElem(v, 0, 1);
    }
    if (isList(a) && isList(b)) {
        const int64_t n = std::min(a.count(), b.count());
        for (int64_t k = 0; k < n; ++k) {
            const int c = cmpItems(itemAt(a, k), itemAt(b, k));
            if (c) return c;
        }
        return a.count() < b.count() ? -1 : (a.count() > b.count() ? 1 : 0);
    }
    if (a.isAtom() && isList(b)) return -1;
    if (isList(a) && b.isAtom()) return 1;
    return a.type() < b.type() ? -1 : (a.type() > b.type() ? 1 : 0);
}

} // namespace

std::vector<int64_t> grade(const Value &x, bool desc)
{
    const int64_t n = x.count();
    std::vector<int64_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    if (x.isTable()) {
        // sort by the last column first, stably, back to the first
        const auto &cols = x.columns().items();
        for (size_t c = cols.size(); c-- > 0;) {
            const Value &col = cols[c];
            std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
                const int r = cmpElem(col, a, b);
                return desc ? r > 0 : r < 0;
            });
        }
        return idx;
    }
    if (x.isDict()) return grade(x.values(), desc);
    if (!isList(x)) qthrow("type");
    // typed vectors: the radix grade the result grid sorts with (one implementation of q's order)
    if (canRadixGrade(x) && n <= int64_t(UINT32_MAX)) {
        std::vector<uint32_t> rows(static_cast<size_t>(n));
        std::iota(rows.begin(), rows.end(), 0u);
        if (auto graded = gradeRows(x, std::move(rows), desc))
            return std::vector<int64_t>(graded->begin(), graded->end());
    }
    if (x.type() == Long || x.type() == Int || x.type() == Short || x.type() == Timestamp ||
        x.type() == Date || x.type() == Timespan || x.type() == Time || x.type() == Month ||
        x.type() == Minute || x.type() == Second) {
        std::vector<int64_t> keys(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            keys[size_t(i)] = readI(x, i);
        std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
            return desc ? keys[size_t(a)] > keys[size_t(b)] : keys[size_t(a)] < keys[size_t(b)];
        });
        return idx;
    }
    if (x.type() == Symbol) {
        // rank the pool once, then sort the ranks
        const auto &strs = x.symbolPool()->strings;
        std::vector<uint32_t> order(strs.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(),
                  [&](uint32_t a, uint32_t b) { return strs[a] < strs[b]; });
        std::vector<uint32_t> rank(strs.size());
        for (size_t r = 0; r < order.size(); ++r)
            rank[order[r]] = uint32_t(r);
        std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
            const uint32_t ra = rank[x.symIndex(a)], rb = rank[x.symIndex(b)];
            return desc ? ra > rb : ra < rb;
        });
        return idx;
    }
    std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
        const int r = cmpElem(x, a, b);
        return desc ? r > 0 : r < 0;
    });
    return idx;
}

void groupIndex(const Value &x, std::vector<int64_t> &firsts, std::vector<int64_t> &groupOf)
{
    const int64_t n = x.count();
    groupOf.assign(static_cast<size_t>(n), 0);
    firsts.clear();
    if (x.type() == Symbol) {
        const size_t poolSize = x.symbolPool() ? x.symbolPool()->strings.size() : 0;
        std::vector<int64_t> g(poolSize, -1);
        // pools may hold duplicates after joins: map equal strings together
        QHash<QByteArray, int64_t> byString;
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t s = x.symIndex(i);
            if (g[s] < 0) {
                auto it = byString.constFind(x.symAt(i));
                if (it != byString.cend()) {
                    g[s] = *it;
                } else {
                    g[s] = int64_t(firsts.size());
                    byString.insert(x.symAt(i), g[s]);
                    firsts.push_back(i);
                }
            }
            groupOf[size_t(i)] = g[s];
        }
        return;
    }
    if (x.type() == Boolean || x.type() == Byte || x.type() == Char) {
        int64_t g[256];
        std::fill(std::begin(g), std::end(g), -1);
        for (int64_t i = 0; i < n; ++i) {
            const uint8_t v = x.at<uint8_t>(i);
            if (g[v] < 0) {
                g[v] = int64_t(firsts.size());
                firsts.push_back(i);
            }
            groupOf[size_t(i)] = g[v];
        }
        return;
    }
    if (x.isTable()) {
        // rows as lists
        std::vector<Value> rows;
        for (int64_t i = 0; i < n; ++i)
            rows.push_back(collapse(itemsOf(x.element(i).values())));
        groupIndex(Value::list(std::move(rows)), firsts, groupOf);
        return;
    }
    QMultiHash<uint64_t, int64_t> seen;
    seen.reserve(qsizetype(std::min<int64_t>(n, 1 << 20)));
    for (int64_t i = 0; i < n; ++i) {
        const uint64_t h = hashElem(x, i);
        int64_t found = -1;
        for (auto it = seen.constFind(h); it != seen.cend() && it.key() == h; ++it)
            if (matchElem(x, firsts[size_t(*it)], x, i)) {
                found = *it;
                break;
            }
        if (found < 0) {
            found = int64_t(firsts.size());
            firsts.push_back(i);
            seen.insert(h, found);
        }
        groupOf[size_t(i)] = found;
    }
}

Value inList(const Value &x, const Value &y)
{
    if (x.isAtom() || (x.isList() && y.isList() && !x.count())) {
        if (x.isAtom()) {
            const Value xv = enlistAtom(x);
            return inList(xv, y).element(0);
        }
    }
    if (x.isList() && !(y.isList() && y.count() && !y.item(0).isAtom())) {
        std::vector<Value> out;
        for (const Value &i : x.items())
            out.push_back(inList(i, y));
        return collapse(std::move(out));
    }
    const int64_t n = x.count();
    Value out = makeVec(Boolean, n);
    uint8_t *o = out.mutableData<uint8_t>();
    const Value yl = y.isAtom() ? enlistAtom(y) : y;
    if (x.type() == Symbol && yl.type() == Symbol) {
        QHash<QByteArray, bool> set;
        for (int64_t j = 0; j < yl.count(); ++j)
            set.insert(yl.symAt(j), true);
        const size_t ps = x.symbolPool()->strings.size();
        std::vector<int8_t> memo(ps, -1);
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t s = x.symIndex(i);
            if (memo[s] < 0) memo[s] = set.contains(x.symbolPool()->strings[s]) ? 1 : 0;
            o[i] = uint8_t(memo[s]);
        }
        return out;
    }
    if (x.isVector() && yl.isVector() && x.type() != yl.type()) {
        // numeric cross-type membership compares values
        if (isNumOrTemporal(x.type()) && isNumOrTemporal(yl.type())) {
            for (int64_t i = 0; i < n; ++i) {
                o[i] = 0;
                const double a = readF(x, i);
                for (int64_t j = 0; j < yl.count() && !o[i]; ++j)
                    o[i] = readF(yl, j) == a;
            }
            return out;
        }
        std::fill(o, o + n, 0);
        return out;
    }
    QMultiHash<uint64_t, int64_t> set;
    for (int64_t j = 0; j < yl.count(); ++j)
        set.insert(hashElem(yl, j), j);
    for (int64_t i = 0; i < n; ++i) {
        const uint64_t h = hashElem(x, i);
        bool hit = false;
        for (auto it = set.constFind(h); it != set.cend() && it.key() == h && !hit; ++it)
            hit = matchElem(x, i, yl, *it);
        o[i] = hit;
    }
    return out;
}

Value findIn(const Value &x, const Value &y)
{
    if (!isList(x)) qthrow("type");
    const int64_t n = x.count();
    auto findOne = [&](const Value &item) -> int64_t {
        if (x.type() == Symbol && item.type() == -Symbol) {
            const int64_t pi = poolIndex(x, item.symbolValue());
            if (pi < 0) return n;
            for (int64_t i = 0; i < n; ++i)
                if (x.symIndex(i) == uint32_t(pi)) return i;
            return n;
        }
        if (x.isVector() && item.isAtom() && item.type() == -x.type()) {
            const Value iv = enlistAtom(item);
            for (int64_t i = 0; i < n; ++i)
                if (matchElem(x, i, iv, 0)) return i;
            return n;
        }
        for (int64_t i = 0; i < n; ++i)
            if (match(itemAt(x, i), item)) return i;
        return n;
    };
    if (y.isAtom() || (x.isList() && !y.isVector() && !y.isList()))
        return Value::longAtom(findOne(y));
    if (x.isList() && (y.isVector() || y.isList()) && n && !x.item(0).isAtom())
        return Value::longAtom(findOne(y));
    // vector of lookups: hash x once
    std::vector<int64_t> out(static_cast<size_t>(y.count()));
    QMultiHash<uint64_t, int64_t> pos;
    for (int64_t i = n; i-- > 0;)
        pos.insert(hashElem(x, i), i);
    const Value yl = y;
    for (int64_t j = 0; j < yl.count(); ++j) {
        if (!(x.type() == yl.type() || x.isList() || yl.isList())) {
            out[size_t(j)] = findOne(itemAt(yl, j));
            continue;
        }
        const uint64_t h = hashElem(yl, j);
        int64_t best = n;
        for (auto it = pos.constFind(h); it != pos.cend() && it.key() == h; ++it)
            if (*it < best && matchElem(x, *it, yl, j)) best = *it;
        out[size_t(j)] = best;
    }
    return longs(std::move(out));
}

Value takeN(int64_t n, const Value &y)
{
    if (y.isDict() && !y.isKeyedTable()) {
        const Value k = takeN(n, y.keys());
        return Value::dict(k, takeN(n, y.values()));
    }
    if (y.isKeyedTable()) return Value::dict(takeN(n, y.keys()), takeN(n, y.values()));
    if (y.isAtom() || y.isGenericNull() || y.isFunction()) {
        std::vector<int64_t> z(static_cast<size_t>(std::abs(n)), 0);
        if (y.isAtom()) return gather(enlistAtom(y), z);
        return Value::list(std::vector<Value>(size_t(std::abs(n)), y));
    }
    const int64_t c = y.count();
    const int64_t m = std::abs(n);
    if (InterpreterState *s = currentState()) s->charge(m * 8);
    std::vector<int64_t> idx(static_cast<size_t>(m));
    if (c == 0) {
        if (m == 0) return y;
        return gather(y, std::vector<int64_t>(size_t(m), -1)); // nulls
    }
    if (n >= 0)
        for (int64_t i = 0; i < m; ++i)
            idx[size_t(i)] = i % c;
    else
        for (int64_t i = 0; i < m; ++i)
            idx[size_t(i)] = ((c - m + i) % c + c) % c;
    if (y.isList() && m == 0) return Value::list({});
    return gather(y, idx);
}

namespace {

Value tilK(InterpreterState &, const Value &x)
{
    if (!x.isAtom() || !isIntegral(-x.type()) || x.type() == -Boolean) qthrow("type");
    const int64_t n = readI(x, 0);
    if (n < 0 || n == qnull::j) qthrow("domain");
    const int bt = x.type() == -Int ? Int : Long;
    Value out = makeVec(bt, n);
    if (bt == Int) {
        int32_t *o = out.mutableData<int32_t>();
        for (int64_t i = 0; i < n; ++i)
            o[i] = int32_t(i);
    } else {
        int64_t *o = out.mutableData<int64_t>();
        for (int64_t i = 0; i < n; ++i)
            o[i] = i;
    }
    return out;
}

Value countK(InterpreterState &, const Value &x)
{
    return Value::longAtom(x.count());
}

Value firstK(InterpreterState &, const Value &x)
{
    if (x.isDict() && !x.isKeyedTable())
        return x.count() ? itemAt(x.values(), 0) : nullLike(x.values());
    if (x.isKeyedTable()) return x.values().count() ? x.values().element(0) : nullLike(x.values());
    if (x.isTable()) return x.count() ? x.element(0) : nullLike(x);
    if (isList(x)) return x.count() ? x.element(0) : (x.isList() ? Value() : nullLike(x));
    return x;
}

Value lastK(InterpreterState &, const Value &x)
{
    if (x.isDict() && !x.isKeyedTable())
        return x.count() ? itemAt(x.values(), x.count() - 1) : nullLike(x.values());
    if (x.isKeyedTable())
        return x.values().count() ? x.values().element(x.count() - 1) : nullLike(x.values());
    if (x.isTable()) return x.count() ? x.element(x.count() - 1) : nullLike(x);
    if (isList(x))
        return x.count() ? x.element(x.count() - 1) : (x.isList() ? Value() : nullLike(x));
    return x;
}

Value reshape(const Value &shape, const Value &y)
{
    // 2 3#til 6; a null dimension takes the rest
    if (shape.count() != 2) qthrow("nyi");
    int64_t r = readI(shape, 0), c = readI(shape, 1);
    const int64_t total = y.isAtom() ? 1 : y.count();
    if (r == qnull::j) r = c ? (total + c - 1) / c : 0;
    if (c == qnull::j) c = r ? (total + r - 1) / r : 0;
    if (r < 0 || c < 0) qthrow("domain");
    const Value flat = takeN(r * c, y);
    std::vector<Value> rows;
    for (int64_t i = 0; i < r; ++i)
        rows.push_back(slice(flat, i * c, c));
    return Value::list(std::move(rows));
}

Value distinctK(InterpreterState &, const Value &x);

/// `s#x `u#x `p#x `g#x and `#x: set (or remove) an attribute, checked as q checks it: `s# on an
/// unsorted list is 's-fail, `u# on one with repeats 'u-fail (code.kx.com/q/ref/set-attribute/)
Value setAttribute(const QByteArray &a, const Value &y)
{
    if (a.isEmpty()) return y.withAttr(Attr::None);
    if (a == "g") return y.withAttr(Attr::Grouped);
    if (a == "s") {
        const std::vector<int64_t> g = grade(y, false);
        for (size_t i = 0; i < g.size(); ++i)
            if (g[i] != int64_t(i)) qthrow("s-fail");
        return y.withAttr(Attr::Sorted);
    }
    if (a == "u") {
        if (distinctK(*currentState(), y).count() != y.count()) qthrow("u-fail");
        return y.withAttr(Attr::Unique);
    }
    if (a == "p") return y.withAttr(Attr::Parted);
    qthrow("domain");
}

Value takeK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isAtom() && isIntegral(-x.type()) && x.type() != -Boolean) {
        const int64_t n = readI(x, 0);
        if (n == qnull::j) qthrow("domain");
        // n#() is n empty lists (u.q's w::t!(count t)#() relies on it)
        if (y.isList() && y.count() == 0 && n != 0)
            return Value::list(std::vector<Value>(size_t(std::abs(n)), Value::list({})));
        return takeN(n, y);
    }
    if (x.isVector() && isIntegral(x.type())) return reshape(x, y);
    if (x.type() == -Symbol && y.isVector()) return setAttribute(x.symbolValue(), y);
    if ((x.type() == Symbol || x.type() == -Symbol) && (y.isTable() || y.isDict())) {
        const auto names = symList(x);
        if (y.isTable()) {
            std::vector<Value> cols;
            for (const QByteArray &n : names)
                cols.push_back(tableColumn(y, n));
            return makeTable(names, std::move(cols));
        }
        if (y.isKeyedTable()) qthrow("nyi");
        std::vector<Value> vals;
        for (const QByteArray &n : names) {
            const int64_t p = findIn(y.keys(), Value::symbol(n)).longValue();
            vals.push_back(p < y.keys().count() ? itemAt(y.values(), p) : nullLike(y.values()));
        }
        return Value::dict(symsOf(names), collapse(std::move(vals)));
    }
    if (x.isTable() && y.isKeyedTable()) {
        std::vector<int64_t> pos;
        for (int64_t r = 0; r < x.count(); ++r)
            pos.push_back(dictFind(y.keys(), x.element(r)));
        return Value::dict(gather(y.keys(), pos), gather(y.values(), pos));
    }
    qthrow("type");
}

Value dropK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isAtom() && isIntegral(-x.type()) && x.type() != -Boolean) {
        const int64_t n = readI(x, 0);
        if (y.isDict()) {
            const int64_t c = y.count();
            const int64_t start = n >= 0 ? std::min(n, c) : 0;
            const int64_t len = std::max<int64_t>(0, c - std::abs(n));
            return Value::dict(slice(y.keys(), start, len), slice(y.values(), start, len));
        }
        if (!isList(y) && !y.isTable()) qthrow("type");
        const int64_t c = y.count();
        if (n >= 0) return slice(y, n, c - n);
        return slice(y, 0, c + n);
    }
    if (isList(x) && y.isAtom() && isIntegral(-y.type())) {
        // remove item y
        const int64_t i = readI(y, 0);
        const int64_t c = x.count();
        if (i < 0 || i >= c) return x;
        return join(slice(x, 0, i), slice(x, i + 1, c - i - 1));
    }
    if (x.isVector() && isIntegral(x.type()) && isList(y)) {
        // cut at indices
        std::vector<Value> out;
        const int64_t c = y.count();
        for (int64_t k = 0; k < x.count(); ++k) {
            const int64_t a = readI(x, k);
            const int64_t b = k + 1 < x.count() ? readI(x, k + 1) : c;
            if (a < 0 || a > c || b < a) qthrow("domain");
            out.push_back(slice(y, a, b - a));
        }
        return Value::list(std::move(out));
    }
    if ((y.type() == Symbol || y.type() == -Symbol) && (x.isTable() || x.isDict())) {
        const auto names = symList(y);
        if (x.isTable()) {
            std::vector<QByteArray> keep;
            std::vector<Value> cols;
            for (const QByteArray &n : symList(x.columnNames()))
                if (std::find(names.begin(), names.end(), n) == names.end()) {
                    keep.push_back(n);
                    cols.push_back(tableColumn(x, n));
                }
            return makeTable(keep, std::move(cols));
        }
        std::vector<int64_t> keepIdx;
        const Value mask = inList(x.keys(), y);
        for (int64_t i = 0; i < x.count(); ++i)
            if (!mask.at<uint8_t>(i)) keepIdx.push_back(i);
        return Value::dict(gather(x.keys(), keepIdx), gather(x.values(), keepIdx));
    }
    if (x.isDict() && (y.isAtom() || isList(y))) {
        const Value mask = inList(x.keys(), y.isAtom() ? enlistAtom(y) : y);
        std::vector<int64_t> keepIdx;
        for (int64_t i = 0; i < x.count(); ++i)
            if (!mask.at<uint8_t>(i)) keepIdx.push_back(i);
        return Value::dict(gather(x.keys(), keepIdx), gather(x.values(), keepIdx));
    }
    qthrow("type");
}

Value upsertRows(const Value &x, const Value &y);

/// t,(`c;3) and t,:(`c;3): a row given as its values in column order (or, as insert takes
/// them, one list per column) appends to the table; a count other than the columns' is
/// 'length, a value of another type than its column's 'type (code.kx.com/q/ref/join/,
/// code.kx.com/q/ref/insert/).
Value appendRowList(const Value &t, const Value &row)
{
    const std::vector<QByteArray> names = symList(t.columnNames());
    if (row.count() != int64_t(names.size())) qthrow("length");
    const std::vector<Value> items = itemsOf(row);
    const bool atoms =
        std::all_of(items.begin(), items.end(), [](const Value &v) { return v.isAtom(); });
    std::vector<Value> cols;
    cols.reserve(items.size());
    for (const Value &v : items) {
        if (!atoms && (v.isAtom() || v.count() != items.front().count())) qthrow("length");
        cols.push_back(atoms ? enlistAtom(v) : v);
    }
    return upsertRows(t, makeTable(names, std::move(cols)));
}

Value joinK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isKeyedTable() && y.isKeyedTable()) return upsertRows(x, y);
    if (x.isDict() && y.isDict() && !x.isKeyedTable()) {
        std::vector<Value> keys = itemsOf(x.keys());
        std::vector<Value> vals = itemsOf(x.values());
        const std::vector<Value> yk = itemsOf(y.keys()), yv = itemsOf(y.values());
        for (size_t j = 0; j < yk.size(); ++j) {
            size_t i = 0;
            for (; i < keys.size(); ++i)
                if (match(keys[i], yk[j])) break;
            if (i < keys.size())
                vals[i] = yv[j];
            else {
                keys.push_back(yk[j]);
                vals.push_back(yv[j]);
            }
        }
        return Value::dict(collapse(std::move(keys)), collapse(std::move(vals)));
    }
    if (x.isTable() && y.isDict() && !y.isKeyedTable())
        return upsertRows(x, Value::table(y.keys(), Value::list([&] {
                                              std::vector<Value> cols;
                                              for (const Value &v : itemsOf(y.values()))
                                                  cols.push_back(enlist(v));
                                              return cols;
                                          }())));
    if (x.isTable() && y.isTable()) {
        if (!match(x.columnNames(), y.columnNames())) qthrow("mismatch");
        std::vector<Value> cols;
        for (int64_t c = 0; c < x.columns().count(); ++c) {
            Value j = join(x.columns().item(c), y.columns().item(c));
            cols.push_back(j);
        }
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    if (x.isTable() && !y.isTable() && !y.isDict() && isList(y)) return appendRowList(x, y);
    if (x.isTable() || y.isTable() || x.isDict() || y.isDict()) qthrow("type");
    if ((x.isFunction() || x.isGenericNull()) || (y.isFunction() || y.isGenericNull()))
        return Value::list({x, y});
    return join(x, y);
}

Value reverseK(InterpreterState &, const Value &x)
{
    if (x.isAtom()) return x;
    if (x.isDict())
        return Value::dict(reverseK(*currentState(), x.keys()),
                           reverseK(*currentState(), x.values()));
    if (!isList(x) && !x.isTable()) qthrow("type");
    const int64_t n = x.count();
    std::vector<int64_t> idx(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        idx[size_t(i)] = n - 1 - i;
    return gather(x, idx);
}

Value whereK(InterpreterState &, const Value &x)
{
    if (x.isDict()) {
        const Value w = whereK(*currentState(), x.values());
        return index1Free(x.keys(), w);
    }
    if (x.isAtom() && isIntegral(-x.type())) {
        const int64_t n = readI(x, 0);
        if (n < 0) qthrow("domain");
        return longs(std::vector<int64_t>(size_t(n), 0));
    }
    if (!x.isVector() || !isIntegral(x.type())) qthrow("type");
    const int64_t n = x.count();
    std::vector<int64_t> out;
    if (x.type() == Boolean) {
        const uint8_t *p = reinterpret_cast<const uint8_t *>(x.rawData());
        int64_t cnt = 0;
        for (int64_t i = 0; i < n; ++i)
            cnt += p[i] != 0;
        out.reserve(size_t(cnt));
        for (int64_t i = 0; i < n; ++i)
            if (p[i]) out.push_back(i);
        return longs(std::move(out));
    }
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t k = readI(x, i);
        if (k < 0) qthrow("domain");
        total += k;
    }
    if (InterpreterState *s = currentState()) s->charge(total * 8);
    out.reserve(size_t(total));
    for (int64_t i = 0; i < n; ++i)
        for (int64_t k = readI(x, i); k > 0; --k)
            out.push_back(i);
    return longs(std::move(out));
}

Value distinctK(InterpreterState &, const Value &x)
{
    if (x.isAtom()) qthrow("type");
    if (x.isDict() && !x.isKeyedTable()) return distinctK(*currentState(), x.values());
    std::vector<int64_t> firsts, groupOf;
    groupIndex(x, firsts, groupOf);
    return gather(x, firsts);
}

Value groupK(InterpreterState &, const Value &x)
{
    if (!isList(x)) qthrow("type");
    std::vector<int64_t> firsts, groupOf;
    groupIndex(x, firsts, groupOf);
    std::vector<std::vector<int64_t>> groups(firsts.size());
    for (size_t i = 0; i < groupOf.size(); ++i)
        groups[size_t(groupOf[i])].push_back(int64_t(i));
    std::vector<Value> vals;
    vals.reserve(groups.size());
    for (auto &g : groups)
        vals.push_back(longs(std::move(g)));
    return Value::dict(gather(x, firsts), Value::list(std::move(vals)));
}

Value sortBy(const Value &x, bool desc)
{
    if (x.isAtom()) return x;
    if (x.isDict() && !x.isKeyedTable()) {
        const auto idx = grade(x.values(), desc);
        return Value::dict(gather(x.keys(), idx), gather(x.values(), idx), false);
    }
    if (x.isKeyedTable() || x.isTable()) {
        const Value t = unkey(x);
        return gather(t, grade(t, desc));
    }
    const Value r = gather(x, grade(x, desc));
    return !desc && r.isVector() ? r.withAttr(Attr::Sorted) : r;
}

Value ascK(InterpreterState &, const Value &x)
{
    return sortBy(x, false);
}
Value descK(InterpreterState &, const Value &x)
{
    return sortBy(x, true);
}
Value iascK(InterpreterState &, const Value &x)
{
    if (x.isAtom()) qthrow("rank");
    if (x.isDict()) return gather(x.keys(), grade(x.values(), false));
    return longs(grade(x, false));
}
Value idescK(InterpreterState &, const Value &x)
{
    if (x.isAtom()) qthrow("rank");
    if (x.isDict()) return gather(x.keys(), grade(x.values(), true));
    return longs(grade(x, true));
}

Value inK(InterpreterState &, const Value &x, const Value &y)
{
    if (y.isTable() || y.isDict()) qthrow("type");
    return inList(x, y);
}

Value withinK(InterpreterState &, const Value &x, const Value &y)
{
    if (y.count() != 2) qthrow("length");
    const Value lo = itemAt(y, 0), hi = itemAt(y, 1);
    const Value a = compare(x, lo, CmpOp::Ge);
    const Value b = compare(x, hi, CmpOp::Le);
    return arith(a, b, ArithOp::Min);
}

Value binSearch(const Value &x, const Value &y, bool right)
{
    if (!isList(x)) qthrow("type");
    const int64_t n = x.count();
    auto one = [&](const Value &v) -> int64_t {
        // last index with x[i] <= v (bin), or first with x[i] >= v (binr)
        int64_t lo = 0, hi = n;
        while (lo < hi) {
            const int64_t mid = (lo + hi) / 2;
            const Value e = itemAt(x, mid);
            const bool le =
                right ? compare(e, v, CmpOp::Lt).boolean() : compare(e, v, CmpOp::Le).boolean();
            if (le)
                lo = mid + 1;
            else
                hi = mid;
        }
        return right ? lo : lo - 1;
    };
    if (y.isAtom()) return Value::longAtom(one(y));
    std::vector<int64_t> out;
    for (int64_t i = 0; i < y.count(); ++i)
        out.push_back(one(itemAt(y, i)));
    return longs(std::move(out));
}

Value binK(InterpreterState &, const Value &x, const Value &y)
{
    return binSearch(x, y, false);
}
Value binrK(InterpreterState &, const Value &x, const Value &y)
{
    return binSearch(x, y, true);
}

Value fillK(InterpreterState &, const Value &x, const Value &y)
{
    // x^y: y with its nulls replaced by x
    if (y.isTable() || y.isDict())
        return pervasive2(
            x, y, [](const Value &a, const Value &b) { return fillK(*currentState(), a, b); });
    if (y.isList())
        return pervasive2(
            x, y, [](const Value &a, const Value &b) { return fillK(*currentState(), a, b); });
    if (x.isVector() && y.isVector() && x.count() != y.count()) qthrow("length");
    const Value mask = nullMask(y);
    if (y.isAtom()) return mask.boolean() ? (x.type() == y.type() ? x : castAtom(-y.type(), x)) : y;
    const int64_t n = y.count();
    std::vector<int64_t> idx(static_cast<size_t>(n));
    const Value filler =
        x.isAtom() ? enlistAtom(x.type() == -y.type() ? x : castAtom(y.type(), x)) : x;
    if (filler.type() != y.type()) {
        if (!x.isVector()) qthrow("type");
        // promote: result follows arithmetic typing
        std::vector<Value> items;
        for (int64_t i = 0; i < n; ++i)
            items.push_back(mask.at<uint8_t>(i) ? itemAt(x, i) : y.element(i));
        return collapse(std::move(items));
    }
    const Value both = join(y, filler);
    for (int64_t i = 0; i < n; ++i)
        idx[size_t(i)] = mask.at<uint8_t>(i) ? (x.isAtom() ? n : n + i) : i;
    return gather(both, idx);
}

Value fillsK(InterpreterState &, const Value &x)
{
    if (x.isTable())
        return pervasive1(x, [](const Value &c) { return fillsK(*currentState(), c); });
    if (!x.isVector()) return x;
    const Value mask = nullMask(x);
    const int64_t n = x.count();
    std::vector<int64_t> idx(static_cast<size_t>(n));
    int64_t last = -1;
    for (int64_t i = 0; i < n; ++i) {
        if (!mask.at<uint8_t>(i)) last = i;
        idx[size_t(i)] = last < 0 ? i : last;
    }
    return gather(x, idx);
}

Value exceptK(InterpreterState &, const Value &x, const Value &y)
{
    const Value xl = x.isAtom() ? enlistAtom(x) : x;
    const Value mask = inList(xl, y.isAtom() ? enlistAtom(y) : y);
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < xl.count(); ++i)
        if (!readI(mask, i)) keep.push_back(i);
    return gather(xl, keep);
}

Value interK(InterpreterState &, const Value &x, const Value &y)
{
    const Value xl = x.isAtom() ? enlistAtom(x) : x;
    const Value mask = inList(xl, y.isAtom() ? enlistAtom(y) : y);
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < xl.count(); ++i)
        if (readI(mask, i)) keep.push_back(i);
    return gather(xl, keep);
}

Value unionK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isTable() && y.isTable()) return distinctK(*currentState(), joinK(*currentState(), x, y));
    return distinctK(*currentState(), join(x, y));
}

Value crossK(InterpreterState &, const Value &x, const Value &y)
{
    const Value xl = x.isAtom() ? enlistAtom(x) : x;
    const Value yl = y.isAtom() ? enlistAtom(y) : y;
    const int64_t a = xl.count(), b = yl.count();
    if (InterpreterState *s = currentState()) s->charge(a * b * 16);
    std::vector<int64_t> ix, iy;
    for (int64_t i = 0; i < a; ++i)
        for (int64_t j = 0; j < b; ++j) {
            ix.push_back(i);
            iy.push_back(j);
        }
    if (xl.isTable() && yl.isTable()) {
        const Value l = gather(xl, ix), r = gather(yl, iy);
        std::vector<QByteArray> names = symList(l.columnNames());
        std::vector<Value> cols = l.columns().items();
        for (const QByteArray &nm : symList(r.columnNames())) {
            names.push_back(nm);
            cols.push_back(tableColumn(r, nm));
        }
        return makeTable(names, std::move(cols));
    }
    const Value l = gather(xl, ix), r = gather(yl, iy);
    std::vector<Value> out;
    for (size_t k = 0; k < ix.size(); ++k)
        out.push_back(collapse({l.element(int64_t(k)), r.element(int64_t(k))}));
    return Value::list(std::move(out));
}

Value cutK(InterpreterState &s, const Value &x, const Value &y)
{
    if (x.isAtom() && isIntegral(-x.type())) {
        const int64_t k = readI(x, 0);
        if (k <= 0) qthrow("domain");
        std::vector<int64_t> starts;
        for (int64_t i = 0; i < y.count(); i += k)
            starts.push_back(i);
        return dropK(s, longs(std::move(starts)), y);
    }
    return dropK(s, x, y);
}

Value sublistK(InterpreterState &, const Value &x, const Value &y)
{
    if (x.isAtom() && isIntegral(-x.type())) {
        const int64_t n = readI(x, 0);
        const int64_t c = y.count();
        return n >= 0 ? slice(y, 0, std::min(n, c)) : slice(y, std::max<int64_t>(0, c + n), c);
    }
    if (x.count() != 2) qthrow("length");
    return slice(y, readI(x, 0), readI(x, 1));
}

Value rotateK(InterpreterState &, const Value &x, const Value &y)
{
    if (!x.isAtom() || !isIntegral(-x.type())) qthrow("type");
    if (!isList(y)) return y;
    const int64_t c = y.count();
    if (!c) return y;
    const int64_t k = ((readI(x, 0) % c) + c) % c;
    std::vector<int64_t> idx(static_cast<size_t>(c));
    for (int64_t i = 0; i < c; ++i)
        idx[size_t(i)] = (i + k) % c;
    return gather(y, idx);
}

Value shiftBy(const Value &x, int64_t by)
{
    if (!isList(x) && !x.isTable()) return x;
    const int64_t c = x.count();
    std::vector<int64_t> idx(static_cast<size_t>(c));
    for (int64_t i = 0; i < c; ++i)
        idx[size_t(i)] = i - by;
    return gather(x, idx);
}

Value prevK(InterpreterState &, const Value &x)
{
    return shiftBy(x, 1);
}
Value nextK(InterpreterState &, const Value &x)
{
    return shiftBy(x, -1);
}
Value xprevK(InterpreterState &, const Value &x, const Value &y)
{
    if (!x.isAtom() || !isIntegral(-x.type())) qthrow("type");
    return shiftBy(y, readI(x, 0));
}

Value enlistK(InterpreterState &, const Value &x)
{
    // enlist of a dictionary with symbol keys is a one-row table (code.kx.com/q/ref/enlist/)
    if (x.isDict() && !x.isKeyedTable() && x.keys().type() == Symbol) {
        std::vector<Value> cols;
        for (const Value &v : itemsOf(x.values()))
            cols.push_back(enlist(v));
        return Value::table(x.keys(), Value::list(std::move(cols)));
    }
    return enlist(x);
}

Value enlistN(InterpreterState &, std::span<const Value> args)
{
    return collapse(std::vector<Value>(args.begin(), args.end()));
}

Value rankK(InterpreterState &, const Value &x)
{
    const auto g = grade(x, false);
    std::vector<int64_t> r(g.size());
    for (size_t i = 0; i < g.size(); ++i)
        r[size_t(g[i])] = int64_t(i);
    return longs(std::move(r));
}

} // namespace

Value index1Free(const Value &x, const Value &i)
{
    return currentState()->index1(x, i);
}

namespace {

Value rankRand(InterpreterState &s, const Value &x, const Value &y);

Value queryK(InterpreterState &s, const Value &x, const Value &y)
{
    // x?y: find when x is a list; roll/deal when x is an integer atom
    if (x.isAtom() && isIntegral(-x.type())) return rankRand(s, x, y);
    if (x.isDict() && !x.isKeyedTable()) {
        const Value p = findIn(x.values(), y);
        return currentState()->index1(x.keys(), p);
    }
    if (x.isTable() && y.isDict()) {
        qthrow("nyi");
    }
    return findIn(x, y);
}

Value queryN(InterpreterState &s, std::span<const Value> a)
{
    if (a.size() != 3) qthrow("rank");
    // ?[c;x;y] vector conditional
    const Value &c = a[0];
    if (!c.isVector() || c.type() != Boolean) {
        if (c.type() == -Boolean) return c.boolean() ? a[1] : a[2];
        qthrow("type");
    }
    const int64_t n = c.count();
    for (int k = 1; k < 3; ++k)
        if (!a[k].isAtom() && a[k].count() != n) qthrow("length");
    std::vector<Value> out;
    (void)s;
    const Value x = a[1].isAtom() ? takeN(n, a[1]) : a[1];
    const Value y = a[2].isAtom() ? takeN(n, a[2]) : a[2];
    if (x.type() == y.type() && x.isVector()) {
        std::vector<int64_t> idx(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            idx[size_t(i)] = c.at<uint8_t>(i) ? i : n + i;
        return gather(join(x, y), idx);
    }
    for (int64_t i = 0; i < n; ++i)
        out.push_back(c.at<uint8_t>(i) ? itemAt(x, i) : itemAt(y, i));
    return collapse(std::move(out));
}

Value randomAtom(InterpreterState &s, const Value &y)
{
    const int bt = -y.type();
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    switch (bt) {
    case Float:
        return Value::floatAtom(unit(s.rng) * y.floatValue());
    case Real:
        return Value::real(float(unit(s.rng) * y.realValue()));
    case Guid: {
        std::array<uint8_t, 16> g{};
        for (auto &b : g)
            b = uint8_t(s.rng());
        g[6] = uint8_t((g[6] & 0x0f) | 0x40);
        g[8] = uint8_t((g[8] & 0x3f) | 0x80);
        return Value::guid(g);
    }
    case Boolean:
        return Value::boolean(s.rng() & 1);
    default:
        break;
    }
    if (isIntPayload(bt) && bt != Char) {
        const int64_t m = readI(y, 0);
        if (m <= 0 || m == qnull::j) {
            if (m == 0 && bt != Long) qthrow("domain");
            // 0N?: full range
            if (m == qnull::j) return atomFromI(bt, int64_t(s.rng() >> 1));
            qthrow("domain");
        }
        return atomFromI(bt, int64_t(s.rng() % uint64_t(m)));
    }
    if (bt == Char) {
        return Value::charAtom(char('a' + s.rng() % 26));
    }
    if (bt == Symbol) {
        qthrow("nyi");
    }
    qthrow("type");
}

Value rankRand(InterpreterState &s, const Value &x, const Value &y)
{
    int64_t n = readI(x, 0);
    if (n == qnull::j) {
        // 0N?list: a shuffle
        if (!isList(y)) qthrow("type");
        std::vector<int64_t> idx(static_cast<size_t>(y.count()));
        std::iota(idx.begin(), idx.end(), 0);
        std::shuffle(idx.begin(), idx.end(), s.rng);
        return gather(y, idx);
    }
    const bool deal = n < 0;
    if (deal) n = -n;
    s.charge(n * 8);
    if (isList(y) || y.isTable()) {
        const int64_t c = y.count();
        if (c == 0) qthrow("length");
        std::vector<int64_t> idx(static_cast<size_t>(n));
        if (deal) {
            if (n > c) qthrow("length");
            std::vector<int64_t> all(static_cast<size_t>(c));
            std::iota(all.begin(), all.end(), 0);
            for (int64_t i = 0; i < n; ++i) {
                std::uniform_int_distribution<int64_t> d(i, c - 1);
                std::swap(all[size_t(i)], all[size_t(d(s.rng))]);
                idx[size_t(i)] = all[size_t(i)];
            }
        } else {
            for (auto &i : idx)
                i = int64_t(s.rng() % uint64_t(c));
        }
        return gather(y, idx);
    }
    if (!y.isAtom()) qthrow("type");
    if (y.type() == -Symbol && y.symbolValue().isEmpty()) qthrow("nyi");
    if (deal && y.type() != -Guid) {
        const int64_t m = readI(y, 0);
        if (n > m) qthrow("length");
        std::vector<int64_t> all(static_cast<size_t>(m));
        std::iota(all.begin(), all.end(), 0);
        std::vector<int64_t> out(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            std::uniform_int_distribution<int64_t> d(i, m - 1);
            std::swap(all[size_t(i)], all[size_t(d(s.rng))]);
            out[size_t(i)] = all[size_t(i)];
        }
        if (y.type() == -Long) return longs(std::move(out));
        std::vector<Value> items;
        for (int64_t v : out)
            items.push_back(atomFromI(-y.type(), v));
        return collapse(std::move(items));
    }
    const int bt = -y.type();
    Value out = makeVec(bt == Symbol ? Symbol : bt, n);
    if (bt == Float) {
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        double *o = out.mutableData<double>();
        const double m = y.floatValue();
        for (int64_t i = 0; i < n; ++i)
            o[i] = unit(s.rng) * m;
        return out;
    }
    if (bt == Long) {
        const int64_t m = y.longValue();
        if (m <= 0) qthrow("domain");
        int64_t *o = out.mutableData<int64_t>();
        for (int64_t i = 0; i < n; ++i)
            o[i] = int64_t(s.rng() % uint64_t(m));
        return out;
    }
    std::vector<Value> items;
    items.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        items.push_back(randomAtom(s, y));
    if (n == 0) return out;
    return collapse(std::move(items));
}

Value randK(InterpreterState &s, const Value &x)
{
    if (isList(x)) {
        if (!x.count()) qthrow("length");
        return x.element(int64_t(s.rng() % uint64_t(x.count())));
    }
    if (!x.isAtom()) qthrow("type");
    return randomAtom(s, x);
}

} // namespace

Value upsertRowsFree(const Value &x, const Value &y)
{
    return upsertRows(x, y);
}

namespace {

// x,y for tables (append) and keyed tables (update matching keys, append the
// rest)
Value upsertRows(const Value &x, const Value &y)
{
    if (x.isKeyedTable()) {
        const Value yk = y.isKeyedTable() ? y : Value();
        if (!y.isKeyedTable()) qthrow("type");
        const Value &xkeys = x.keys();
        const Value &xvals = x.values();
        std::vector<Value> keyCols = xkeys.columns().items();
        std::vector<Value> valCols = xvals.columns().items();
        const auto kn = symList(xkeys.columnNames()), vn = symList(xvals.columnNames());
        const Value yAll = unkey(y);
        // position of each y row among x keys
        std::vector<Value> xKeyRows;
        QMultiHash<uint64_t, int64_t> where;
        const Value xkList =
            xkeys.columns().count() == 1 ? xkeys.columns().item(0) : Value::list([&] {
                std::vector<Value> r;
                for (int64_t i = 0; i < xkeys.count(); ++i)
                    r.push_back(collapse(itemsOf(xkeys.element(i).values())));
                return r;
            }());
        for (int64_t i = 0; i < xkList.count(); ++i)
            where.insert(hashElem(xkList, i), i);
        std::vector<int64_t> appendRows;
        std::vector<std::pair<int64_t, int64_t>> updates;
        for (int64_t r = 0; r < yAll.count(); ++r) {
            Value key;
            if (kn.size() == 1)
                key = tableColumn(yAll, kn[0]).element(r);
            else {
                std::vector<Value> parts;
                for (const QByteArray &k : kn)
                    parts.push_back(tableColumn(yAll, k).element(r));
                key = collapse(std::move(parts));
            }
            const Value kv = key.isAtom() ? enlistAtom(key) : Value::list({key});
            const uint64_t h = key.isAtom() ? hashElem(kv, 0) : hashElem(kv, 0);
            int64_t hit = -1;
            for (auto it = where.constFind(h); it != where.cend() && it.key() == h; ++it)
                if (match(itemAt(xkList, *it), key)) {
                    hit = *it;
                    break;
                }
            if (hit >= 0)
                updates.emplace_back(hit, r);
            else
                appendRows.push_back(r);
        }
        // updated value columns
        for (size_t c = 0; c < vn.size(); ++c) {
            const int yc = yAll.columnIndex(vn[c]);
            if (yc < 0) continue;
            const Value &src = yAll.columns().item(yc);
            std::vector<Value> items = itemsOf(valCols[c]);
            for (auto [xi, yi] : updates)
                items[size_t(xi)] = src.element(yi);
            Value col = items.empty() ? valCols[c] : collapse(std::move(items));
            col = join(col, gather(src, appendRows));
            valCols[c] = col;
        }
        for (size_t c = 0; c < vn.size(); ++c)
            if (yAll.columnIndex(vn[c]) < 0)
                valCols[c] = join(valCols[c],
                                  gather(valCols[c], std::vector<int64_t>(appendRows.size(), -1)));
        for (size_t c = 0; c < kn.size(); ++c)
            keyCols[c] = join(keyCols[c], gather(tableColumn(yAll, kn[c]), appendRows));
        (void)yk;
        return Value::keyedTable(makeTable(kn, std::move(keyCols)),
                                 makeTable(vn, std::move(valCols)));
    }
    if (!x.isTable()) qthrow("type");
    const Value yt = unkey(y);
    const auto names = symList(x.columnNames());
    if (yt.columns().count() != int64_t(names.size())) qthrow("mismatch");
    for (const QByteArray &n : names)
        if (yt.columnIndex(n) < 0) qthrow("mismatch");
    std::vector<Value> cols;
    for (size_t c = 0; c < names.size(); ++c) {
        const Value &src = tableColumn(yt, names[c]);
        const Value &dst = x.columns().item(int64_t(c));
        Value j = join(dst, src);
        // a typed column keeps its type, empty or not: t,:(`a;1.5) on a long column is 'type
        if (dst.isVector() && j.type() != dst.type()) qthrow("type");
        cols.push_back(j);
    }
    return makeTable(names, std::move(cols));
}

} // namespace

void registerList(InterpreterState &s)
{
    s.regVerb(3, firstK, nullptr);   // *x first
    s.regVerb(5, whereK, nullptr);   // &x where
    s.regVerb(6, reverseK, nullptr); // |x reverse
    s.regVerb(8, groupK, nullptr);   // =x group
    s.regVerb(9, iascK, nullptr);    // <x iasc
    s.regVerb(10, idescK, nullptr);  // >x idesc
    s.regVerb(12, enlistK, joinK);   // , enlist / join
    s.regVerb(13, countK, takeK);    // # count / take
    s.regVerb(14, nullptr, dropK);   // _ drop / cut
    s.regVerb(17, distinctK, queryK,
              queryN);            // ? distinct / find / roll / vector conditional
    s.regVerb(7, nullptr, fillK); // ^ fill
    s.alias("first", Value::primitive(UnaryPrimitive, 3));
    s.alias("where", Value::primitive(UnaryPrimitive, 5));
    s.alias("reverse", Value::primitive(UnaryPrimitive, 6));
    s.alias("group", Value::primitive(UnaryPrimitive, 8));
    s.alias("iasc", Value::primitive(UnaryPrimitive, 9));
    s.alias("idesc", Value::primitive(UnaryPrimitive, 10));
    s.alias("enlist", Value::primitive(UnaryPrimitive, 12));
    s.alias("count", Value::primitive(UnaryPrimitive, 13));
    s.alias("distinct", Value::primitive(UnaryPrimitive, 17));
    s.alias("raze", Value::composite(Over, {Value::primitive(Operator, 12)}));
    s.reg("til", tilK);
    s.reg("last", lastK);
    s.reg("asc", ascK);
    s.reg("desc", descK);
    s.reg("fills", fillsK);
    s.reg("__prev", prevK);
    s.alias("prev",
            Value::composite(EachPrior, {Value::primitive(Operator, 0)})); // :': as kdb+ has it
    s.reg("next", nextK);
    s.reg("rank", rankK);
    s.reg("rand", randK);
    s.reg("in", inK);
    s.reg("within", withinK);
    s.reg("bin", binK);
    s.reg("binr", binrK);
    s.reg("except", exceptK);
    s.reg("inter", interK);
    s.reg("union", unionK);
    s.reg("cross", crossK);
    s.reg("cut", cutK);
    s.reg("sublist", sublistK);
    s.reg("rotate", rotateK);
    s.reg("xprev", xprevK);
    s.regN("enlist_", 1, enlistN);
}

} // namespace qscope::qlang::detail
