#pragma once
/// Atomic extension of primitives: a kernel written for atoms/vectors of one
/// shape is lifted to general lists (item by item), dictionaries (over values)
/// and tables (over columns), with q's 'length check when both sides are lists.

#include "qlang/vecutil.h"

namespace qscope::qlang::detail {

template<class K>
Value pervasive1(const Value &x, const K &kernel)
{
    if (x.isAtom() || x.isVector()) return kernel(x);
    if (x.isList()) {
        std::vector<Value> out;
        out.reserve(x.items().size());
        for (const Value &i : x.items())
            out.push_back(pervasive1(i, kernel));
        return collapse(std::move(out));
    }
    if (x.isKeyedTable()) return Value::dict(x.keys(), pervasive1(x.values(), kernel));
    if (x.isDict()) return Value::dict(x.keys(), pervasive1(x.values(), kernel));
    if (x.isTable()) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items())
            cols.push_back(pervasive1(c, kernel));
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    qthrow("type");
}

template<class K>
Value pervasive2(const Value &x, const Value &y, const K &kernel)
{
    const bool xs = x.isAtom() || x.isVector();
    const bool ys = y.isAtom() || y.isVector();
    if (xs && ys) {
        if (x.isVector() && y.isVector() && x.count() != y.count()) qthrow("length");
        return kernel(x, y);
    }
    if (x.isKeyedTable() || y.isKeyedTable()) {
        if (x.isKeyedTable() && !y.isDict())
            return Value::dict(x.keys(), pervasive2(x.values(), y, kernel));
        if (y.isKeyedTable() && !x.isDict())
            return Value::dict(y.keys(), pervasive2(x, y.values(), kernel));
        qthrow("nyi");
    }
    if (x.isTable() || y.isTable()) {
        if (x.isTable() && y.isTable()) {
            if (!match(x.columnNames(), y.columnNames())) qthrow("length");
            std::vector<Value> cols;
            for (int64_t i = 0; i < x.columns().count(); ++i)
                cols.push_back(pervasive2(x.columns().item(i), y.columns().item(i), kernel));
            return Value::table(x.columnNames(), Value::list(std::move(cols)));
        }
        const Value &t = x.isTable() ? x : y;
        std::vector<Value> cols;
        for (const Value &c : t.columns().items())
            cols.push_back(x.isTable() ? pervasive2(c, y, kernel) : pervasive2(x, c, kernel));
        return Value::table(t.columnNames(), Value::list(std::move(cols)));
    }
    if (x.isDict() && y.isDict()) {
        if (match(x.keys(), y.keys()))
            return Value::dict(x.keys(), pervasive2(x.values(), y.values(), kernel));
        // union of keys: matching keys combine, others pass through
        std::vector<Value> keys = itemsOf(x.keys());
        std::vector<Value> vals = itemsOf(x.values());
        const std::vector<Value> yk = itemsOf(y.keys());
        const std::vector<Value> yv = itemsOf(y.values());
        for (size_t j = 0; j < yk.size(); ++j) {
            size_t i = 0;
            for (; i < keys.size(); ++i)
                if (match(keys[i], yk[j])) break;
            if (i < keys.size())
                vals[i] = pervasive2(vals[i], yv[j], kernel);
            else {
                keys.push_back(yk[j]);
                vals.push_back(yv[j]);
            }
        }
        return Value::dict(collapse(std::move(keys)), collapse(std::move(vals)));
    }
    if (x.isDict()) return Value::dict(x.keys(), pervasive2(x.values(), y, kernel));
    if (y.isDict()) return Value::dict(y.keys(), pervasive2(x, y.values(), kernel));
    // at least one general list
    const bool xl = isList(x), yl = isList(y);
    if (!xl && !yl) qthrow("type"); // a function or :: on either side (::+1)
    if (xl && yl && x.count() != y.count()) qthrow("length");
    const int64_t n = xl ? x.count() : y.count();
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        out.push_back(pervasive2(xl ? itemAt(x, i) : x, yl ? itemAt(y, i) : y, kernel));
    if (n == 0) return Value::list({});
    return collapse(std::move(out));
}

} // namespace qscope::qlang::detail
