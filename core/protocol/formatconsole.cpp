// The console form (show, .Q.s): q's own layout rules from .Q.s, .Q.S and .Q.s2 in q.k.
//
// - an atom, vector or error is one line in the one-line form (-3!);
// - a function shows its text, line by line;
// - a list, dict or table goes through s2: dicts as `key| value` lines, tables as header, rule
//   of '-' and rows, a list of equal-length simple lists as an aligned matrix, any other list
//   one item per line in the one-line form. Table and dict cells are q's `string` of the
//   element, so nulls show empty;
// - at most height-2 lines (less header and rule for tables), the rest replaced by a `..`
//   line, and each line cut to width-1 characters, ending in `..` when cut.
#include "format.h"
#include "formatdetail.h"

#include <QList>

#include <algorithm>
#include <cstring>
#include <vector>

namespace qscope {
namespace detail {
namespace {

using Lines = std::vector<QByteArray>;

/// q's \C display size bound: s2 formats at most this many items of a list or columns.
constexpr int64_t kMaxItems = 1000;

struct Console
{
    int64_t lineMax; // width - 1: longer lines are cut
    int64_t rowsMax; // height - 2

    Lines s2(const Value &x) const;
    Lines vectorStrings(const Value &x) const;
    QByteArray s1(const Value &x) const
    {
        QByteArray out;
        appendOneLine(out, x, lineMax);
        return out;
    }
};

/// tab[1]: rows of cells padded to each column's widest cell, joined by one space.
Lines tabulate(const std::vector<Lines> &rows)
{
    std::vector<int64_t> widths;
    for (const Lines &r : rows) {
        if (widths.size() < r.size()) widths.resize(r.size(), 0);
        for (size_t c = 0; c < r.size(); ++c)
            widths[c] = std::max<int64_t>(widths[c], r[c].size());
    }
    Lines out;
    out.reserve(rows.size());
    for (const Lines &r : rows) {
        QByteArray line;
        for (size_t c = 0; c < widths.size(); ++c) {
            if (c) line.append(' ');
            const QByteArray &cell = c < r.size() ? r[c] : QByteArray();
            line.append(cell);
            line.append(QByteArray(widths[c] - cell.size(), ' '));
        }
        out.push_back(std::move(line));
    }
    return out;
}

/// t0: pad a dict side that has fewer lines than the other (a keyed table's key or value side)
/// with a blank line and a rule, as if it had a header.
void padHeader(Lines &x, size_t want)
{
    if (x.size() >= want) return;
    const qsizetype w = x.empty() ? 0 : x.front().size();
    x.insert(x.begin(), QByteArray(w, '-'));
    x.insert(x.begin(), QByteArray(w, ' '));
}

Lines Console::vectorStrings(const Value &x) const
{
    const int t = x.type();
    const int64_t n = std::min(x.count(), kMaxItems);
    Lines out;
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        QByteArray s;
        if (t == Symbol)
            s = x.symAt(i);
        else
            appendStringElement(s, t, elementPtr(x, i));
        out.push_back(std::move(s));
    }
    return out;
}

Lines Console::s2(const Value &x) const
{
    const int t = x.type();
    if (x.isDict()) {
        Lines keys = s2(x.keys());
        Lines vals = s2(x.values());
        padHeader(keys, vals.size());
        padHeader(vals, keys.size());
        int64_t w = 0;
        for (const QByteArray &k : keys)
            w = std::max<int64_t>(w, k.size());
        Lines out;
        const size_t n = std::min(keys.size(), vals.size());
        for (size_t i = 0; i < n; ++i) {
            QByteArray line = keys[i];
            line.append(QByteArray(w - line.size(), ' '));
            line.append("| ");
            line.append(vals[i]);
            out.push_back(std::move(line));
        }
        return out;
    }
    if (t == Table) {
        const Value &names = x.columnNames();
        const auto &cols = x.columns().items();
        const size_t ncols = size_t(std::min<int64_t>(int64_t(cols.size()), kMaxItems));
        std::vector<Lines> colLines;
        colLines.reserve(ncols);
        for (size_t c = 0; c < ncols; ++c)
            colLines.push_back(s2(cols[c]));
        std::vector<Lines> rows;
        Lines header;
        for (size_t c = 0; c < ncols; ++c)
            header.push_back(names.symAt(int64_t(c)));
        rows.push_back(std::move(header));
        const size_t nrows = colLines.empty() ? 0 : colLines.front().size();
        for (size_t r = 0; r < nrows; ++r) {
            Lines row;
            for (size_t c = 0; c < ncols; ++c)
                row.push_back(r < colLines[c].size() ? colLines[c][r] : QByteArray());
            rows.push_back(std::move(row));
        }
        Lines lines = tabulate(rows);
        lines.insert(lines.begin() + 1, QByteArray(lines.front().size(), '-'));
        return lines;
    }
    if (x.count() == 0 && (x.isList() || x.isVector())) return {};
    if (x.isFunction() || x.isAtom() || x.isError() || t > 76) return {s1(x)};
    if (x.isVector()) return vectorStrings(x);
    // A general list: one item per line, unless it is a matrix of equal-length simple lists.
    const auto &items = x.items();
    bool perLine = false;
    int firstType = items.front().type();
    bool oneType = true;
    const int64_t firstCount = items.front().count();
    for (const Value &item : items) {
        const int it = item.type();
        if (it > 97 || it < 0 || item.isDict()) perLine = true;
        if (it != firstType) oneType = false;
        if (item.count() != firstCount) perLine = true;
    }
    if (!perLine && oneType && (firstType == Boolean || firstType == Byte || firstType == Char))
        perLine = true;
    if (perLine) {
        Lines out;
        out.reserve(items.size());
        for (const Value &item : items)
            out.push_back(s1(item));
        return out;
    }
    std::vector<Lines> rows;
    rows.reserve(items.size());
    for (const Value &item : items)
        rows.push_back(s2(item));
    return tabulate(rows);
}

/// The first n items (rows, entries) of a list, vector, dict or table: what fits the console.
Value takeFirst(const Value &v, int64_t n)
{
    n = std::clamp<int64_t>(n, 0, v.count());
    if (v.isList()) {
        const auto &items = v.items();
        return Value::list(std::vector<Value>(items.begin(), items.begin() + n), v.attr());
    }
    if (v.type() == Symbol) {
        std::vector<QByteArray> syms;
        syms.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i)
            syms.push_back(v.symAt(i));
        return Value::symbols(syms, v.attr());
    }
    if (v.isVector()) {
        Value out = Value::uninitialised(v.type(), n, v.attr());
        if (n > 0)
            std::memcpy(out.mutableData<char>(), v.rawData(),
                        size_t(n) * size_t(elementSize(v.type())));
        return out;
    }
    if (v.isDict())
        return Value::dict(takeFirst(v.keys(), n), takeFirst(v.values(), n),
                           v.type() == SortedDict);
    if (v.isTable()) {
        std::vector<Value> cols;
        for (const Value &c : v.columns().items())
            cols.push_back(takeFirst(c, n));
        return Value::table(v.columnNames(), Value::list(std::move(cols)), v.attr());
    }
    return v;
}

bool isTableLike(const Value &v)
{
    return v.isTable() || v.isKeyedTable();
}

} // namespace
} // namespace detail

QByteArray formatConsole(const Value &v, const FormatOptions &options)
{
    using namespace detail;
    if (v.isGenericNull()) return {};
    const ScopedDisplayPrecision precision(options.precision);
    // q's \c accepts sizes from 10 up; smaller requests behave as 10.
    const int64_t height = std::max(10, options.height);
    const int64_t width = std::max(10, options.width);
    const Console console{width - 1, height - 2};

    Lines lines;
    const int t = v.type();
    if (v.isAtom() || v.isVector() || v.isError() || (t > 0 && t < 77)) {
        lines.push_back(console.s1(v));
    } else if (v.isFunction()) {
        for (const QByteArray &line : formatOneLine(v).split('\n'))
            lines.push_back(line);
    } else {
        const int64_t n = console.rowsMax - (isTableLike(v) ? 2 : 0);
        const int64_t count = v.count();
        const bool cut = n < count;
        const int64_t shown = std::max<int64_t>(0, n - (cut ? 1 : 0));
        Value part = v;
        if (cut) part = takeFirst(v, shown);
        lines = console.s2(part);
        if (cut) lines.push_back("..");
    }
    QByteArray out;
    for (QByteArray &line : lines) {
        if (line.size() > console.lineMax) {
            line.truncate(console.lineMax - 2);
            line.append("..");
        }
        out.append(line);
        out.append('\n');
    }
    return out;
}

} // namespace qscope
