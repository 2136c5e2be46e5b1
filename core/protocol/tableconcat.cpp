#include "tableconcat.h"

#include <QHash>

#include <algorithm>
#include <cstring>

namespace qscope::detail {
namespace {

bool joinableColumn(const Value &c)
{
    return c.isList() || (c.isVector() && (c.type() == Symbol || elementSize(c.type()) > 0));
}

/// Rows of a table: the length of its first column (Value::count() of a table copies that
/// column's handle, which adds up over thousands of one-row tables).
int64_t rowsOf(const Value &table)
{
    const auto &cols = table.columns().items();
    return cols.empty() ? 0 : cols.front().count();
}

/// A fixed-width vector in storage of its own (a decoded one views its message).
Value ownedCopy(const Value &v)
{
    const size_t n = size_t(v.count()) * size_t(elementSize(v.type()));
    Bytes b = Bytes::allocate(n);
    if (n) std::memcpy(b.mutableData(), v.rawData(), n);
    return Value::vector(v.type(), std::move(b), v.count(), v.attr());
}

/// One output column, filled part by part.
class ColumnJoiner
{
public:
    ColumnJoiner(int type, int64_t total) : m_type(type)
    {
        if (type == List) {
            m_items.reserve(size_t(total));
        } else if (type == Symbol) {
            m_pool = std::make_shared<SymbolPool>();
            m_syms.reserve(size_t(total));
        } else {
            m_fixed = Value::uninitialised(type, total);
            m_dst = m_fixed.mutableData<char>();
            m_width = size_t(elementSize(type));
        }
    }

    void append(const Value &column, int64_t begin, int64_t end)
    {
        if (m_type == List) {
            for (int64_t i = begin; i < end; ++i) {
                const Value &x = column.item(i);
                // A string column: copy each string, which else views its message.
                if (x.type() == Char)
                    m_items.push_back(Value::string(QByteArray(x.rawData(), qsizetype(x.count()))));
                else if (x.type() > 0 && elementSize(x.type()) > 0)
                    m_items.push_back(ownedCopy(x)); // a nested column (an order book's levels)
                else
                    m_items.push_back(x);
            }
        } else if (m_type == Symbol) {
            appendSymbols(column, begin, end);
        } else {
            const size_t n = size_t(end - begin) * m_width;
            if (n) std::memcpy(m_dst, column.rawData() + size_t(begin) * m_width, n);
            m_dst += n;
        }
    }

    Value finish()
    {
        if (m_type == List) return Value::list(std::move(m_items));
        if (m_type == Symbol) {
            const auto n = int64_t(m_syms.size());
            return Value::symbols(std::move(m_pool), Bytes::fromVector(std::move(m_syms)), n);
        }
        return std::move(m_fixed);
    }

private:
    uint32_t intern(const QByteArray &s)
    {
        auto it = m_index.constFind(s);
        if (it != m_index.cend()) return *it;
        const auto i = uint32_t(m_pool->strings.size());
        m_pool->strings.push_back(s);
        m_index.insert(s, i);
        return i;
    }

    void appendSymbols(const Value &column, int64_t begin, int64_t end)
    {
        // Per source pool: its index -> ours, filled as met. A decoded message has a pool of its
        // own, of a few strings; a big pool shared by many tables is looked up by string instead.
        const SymbolPool *p = column.symbolPool().get();
        const bool small = p && p->strings.size() <= 64;
        if (small && p != m_mapped) {
            m_mapped = p;
            m_remap.assign(p->strings.size(), -1);
        }
        for (int64_t i = begin; i < end; ++i) {
            const uint32_t s = column.symIndex(i);
            if (small && s < m_remap.size()) {
                int64_t &m = m_remap[s];
                if (m < 0) m = intern(p->strings[s]);
                m_syms.push_back(uint32_t(m));
            } else {
                m_syms.push_back(intern(column.symAt(i)));
            }
        }
    }

    int m_type;
    // fixed width
    Value m_fixed;
    char *m_dst = nullptr;
    size_t m_width = 0;
    // symbols
    std::shared_ptr<SymbolPool> m_pool;
    QHash<QByteArray, uint32_t> m_index;
    std::vector<uint32_t> m_syms;
    const SymbolPool *m_mapped = nullptr;
    std::vector<int64_t> m_remap;
    // general list
    std::vector<Value> m_items;
};

/// concatRows once the layouts are known to match.
Value joinChecked(std::span<const TableRows> parts)
{
    const Value &first = parts.front().table;
    std::vector<std::pair<int64_t, int64_t>> ranges;
    ranges.reserve(parts.size());
    int64_t total = 0;
    for (const TableRows &p : parts) {
        const int64_t n = rowsOf(p.table);
        const int64_t end = p.end < 0 ? n : std::min(p.end, n);
        if (p.begin < 0 || p.begin > end) return {};
        ranges.emplace_back(p.begin, end);
        total += end - p.begin;
    }
    const auto &firstCols = first.columns().items();
    std::vector<ColumnJoiner> out;
    out.reserve(firstCols.size());
    for (const Value &c : firstCols)
        out.emplace_back(c.type(), total);
    for (size_t i = 0; i < parts.size(); ++i) {
        const auto &cols = parts[i].table.columns().items();
        for (size_t c = 0; c < out.size(); ++c)
            out[c].append(cols[c], ranges[i].first, ranges[i].second);
    }
    std::vector<Value> cols;
    cols.reserve(out.size());
    for (ColumnJoiner &j : out)
        cols.push_back(j.finish());
    // The names too are rebuilt: a decoded name vector belongs to its message.
    std::vector<QByteArray> names;
    for (int64_t c = 0; c < first.columnNames().count(); ++c)
        names.push_back(first.columnNames().symAt(c));
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

} // namespace

bool sameLayout(const Value &a, const Value &b)
{
    if (!a.isTable() || !b.isTable()) return false;
    const Value &an = a.columnNames();
    const Value &bn = b.columnNames();
    const auto &ac = a.columns().items();
    const auto &bc = b.columns().items();
    if (ac.size() != bc.size() || an.count() != int64_t(ac.size()) ||
        bn.count() != int64_t(bc.size()))
        return false;
    for (size_t i = 0; i < ac.size(); ++i) {
        if (ac[i].type() != bc[i].type() || !joinableColumn(ac[i])) return false;
        if (an.symAt(int64_t(i)) != bn.symAt(int64_t(i))) return false;
    }
    return true;
}

Value concatRows(std::span<const TableRows> parts)
{
    if (parts.empty()) return {};
    for (const TableRows &p : parts)
        if (!sameLayout(parts.front().table, p.table)) return {};
    return joinChecked(parts);
}

Value concatTables(std::span<const Value> tables)
{
    std::vector<TableRows> parts;
    parts.reserve(tables.size());
    for (const Value &t : tables)
        parts.push_back(TableRows{t, 0, -1});
    return concatRows(parts);
}

std::vector<Value> coalesceTables(std::vector<Value> tables)
{
    std::vector<Value> out;
    std::vector<TableRows> run;
    auto flush = [&] {
        Value joined = run.size() > 1 ? joinChecked(run) : Value();
        if (joined.isTable()) {
            out.push_back(std::move(joined));
        } else {
            for (TableRows &p : run)
                out.push_back(std::move(p.table));
        }
        run.clear();
    };
    for (Value &t : tables) {
        if (!run.empty() && !sameLayout(run.front().table, t)) flush();
        run.push_back(TableRows{std::move(t), 0, -1});
    }
    if (!run.empty()) flush();
    return out;
}

} // namespace qscope::detail
