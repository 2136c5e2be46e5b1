#include "demo/rdbtable.h"

#include "demo/columnutil.h"

#include <algorithm>
#include <cstring>

namespace qscope::detail {

RdbTable::RdbTable(QByteArray name, const std::vector<QByteArray> &columns,
                   const std::vector<int> &types)
    : m_name(std::move(name)), m_names(columns)
{
    for (int t : types) {
        Column c;
        c.type = t;
        c.width = t == Symbol ? int(sizeof(uint32_t)) : elementSize(t);
        c.buffer = std::make_shared<std::vector<char>>();
        if (t == Symbol) c.pool = std::make_shared<SymbolPool>();
        m_cols.push_back(std::move(c));
    }
}

Value RdbTable::columnValue(const Column &c, int64_t n) const
{
    const Bytes bytes = Bytes::view(c.buffer, c.buffer->data(), size_t(n) * size_t(c.width));
    if (c.type == Symbol) {
        // The pool is only ever replaced, never changed once a snapshot may see it.
        return Value::symbols(std::shared_ptr<const SymbolPool>(c.pool), bytes, n);
    }
    return Value::vector(c.type, bytes, n);
}

Value RdbTable::snapshot() const
{
    std::vector<Value> cols;
    cols.reserve(m_cols.size());
    for (size_t i = 0; i < m_cols.size(); ++i) {
        Value v = columnValue(m_cols[i], m_count);
        if (m_names[i] == "sym") v = v.withAttr(Attr::Grouped);
        cols.push_back(std::move(v));
    }
    return Value::table(Value::symbols(m_names), Value::list(std::move(cols)));
}

Value RdbTable::schema() const
{
    std::vector<Value> cols;
    for (size_t i = 0; i < m_cols.size(); ++i) {
        const int t = m_cols[i].type;
        Value v =
            t == Symbol ? Value::symbols(std::vector<QByteArray>{}) : Value::uninitialised(t, 0);
        if (m_names[i] == "sym") v = v.withAttr(Attr::Grouped);
        cols.push_back(std::move(v));
    }
    return Value::table(Value::symbols(m_names), Value::list(std::move(cols)));
}

void RdbTable::reserve(int64_t rows)
{
    if (rows <= m_capacity) return;
    const int64_t cap = std::max<int64_t>({rows, m_capacity * 2, 1024});
    for (Column &c : m_cols) {
        auto fresh = std::make_shared<std::vector<char>>(size_t(cap) * size_t(c.width));
        if (m_count > 0)
            std::memcpy(fresh->data(), c.buffer->data(), size_t(m_count) * size_t(c.width));
        c.buffer = std::move(fresh); // snapshots keep the old buffer alive
    }
    m_capacity = cap;
}

uint32_t RdbTable::internSymbol(Column &c, const QByteArray &s)
{
    const auto it = c.index.constFind(s);
    if (it != c.index.cend()) return *it;
    // Copy-on-add: a snapshot may be reading the old pool on another thread.
    auto fresh = std::make_shared<SymbolPool>(*c.pool);
    fresh->strings.push_back(s);
    const auto pos = uint32_t(fresh->strings.size() - 1);
    c.pool = std::move(fresh);
    c.index.insert(s, pos);
    return pos;
}

QByteArray RdbTable::append(const Value &rows)
{
    if (!rows.isTable()) return QByteArrayLiteral("type");
    const Value &names = rows.columnNames();
    if (names.count() != int64_t(m_names.size())) return QByteArrayLiteral("mismatch");
    std::vector<const Value *> src(m_names.size(), nullptr);
    for (size_t i = 0; i < m_names.size(); ++i) {
        const int at = rows.columnIndex(m_names[i]);
        if (at < 0) return QByteArrayLiteral("mismatch");
        src[i] = &rows.columns().item(at);
        if (src[i]->type() != m_cols[i].type) return QByteArrayLiteral("type");
    }
    const int64_t n = rows.count();
    if (n == 0) return {};
    reserve(m_count + n);
    for (size_t i = 0; i < m_cols.size(); ++i) {
        Column &c = m_cols[i];
        const Value &v = *src[i];
        char *dst = c.buffer->data() + size_t(m_count) * size_t(c.width);
        if (c.type == Symbol) {
            for (int64_t r = 0; r < n; ++r) {
                const uint32_t k = internSymbol(c, v.symAt(r));
                std::memcpy(dst + size_t(r) * sizeof k, &k, sizeof k);
            }
        } else {
            std::memcpy(dst, v.rawData(), size_t(n) * size_t(c.width));
        }
    }
    m_count += n;
    return {};
}

void RdbTable::clear()
{
    for (Column &c : m_cols) {
        c.buffer = std::make_shared<std::vector<char>>();
        if (c.type == Symbol) {
            c.pool = std::make_shared<SymbolPool>();
            c.index.clear();
        }
    }
    m_count = 0;
    m_capacity = 0;
}

Value RdbTable::rowsFromUpd(const Value &x, int64_t timeOfDay, QByteArray *error) const
{
    auto fail = [error](const char *word) {
        *error = QByteArray(word);
        return Value();
    };
    const size_t ncol = m_names.size();
    const bool timeFirst = !m_names.empty() && m_names[0] == "time" && m_cols[0].type == Timespan;
    std::vector<Value> cols;
    if (x.isTable()) {
        const bool hasTime = x.columnIndex("time") >= 0;
        if (x.columnNames().count() != int64_t(ncol) - (hasTime || !timeFirst ? 0 : 1))
            return fail("mismatch");
        for (size_t i = 0; i < ncol; ++i) {
            const int at = x.columnIndex(m_names[i]);
            if (at >= 0)
                cols.push_back(x.columns().item(at));
            else if (i == 0 && timeFirst && !hasTime)
                cols.push_back(Value::fromVector(
                    Timespan, std::vector<int64_t>(size_t(x.count()), timeOfDay)));
            else
                return fail("mismatch");
        }
    } else {
        if (!(x.isList() || x.isVector())) return fail("type");
        std::vector<Value> items = columnItems(x);
        if (items.empty()) return fail("length");
        const int firstType = items.front().type();
        const bool timeGiven = firstType == -Timespan || firstType == Timespan;
        if (!timeGiven && timeFirst) {
            // tick.q: one "n"$.z.P for the whole batch, as an atom or a vector of the row count.
            if (items.front().isAtom())
                items.insert(items.begin(), Value::atom(-Timespan, timeOfDay));
            else
                items.insert(
                    items.begin(),
                    Value::fromVector(
                        Timespan, std::vector<int64_t>(size_t(items.front().count()), timeOfDay)));
        }
        if (items.size() != ncol) return fail("length");
        const bool oneRow = items.front().isAtom();
        for (Value &v : items) {
            if (oneRow != v.isAtom()) return fail("length");
            if (oneRow)
                v = vectorFromAtoms({v});
            else if (v.isList() && v.count() > 0)
                v = vectorFromAtoms(columnItems(v)); // a general list of uniform atoms
        }
        cols = std::move(items);
    }
    const int64_t n = cols.front().count();
    for (size_t i = 0; i < ncol; ++i) {
        if (cols[i].type() != m_cols[i].type) return fail("type");
        if (cols[i].count() != n) return fail("length");
        cols[i] = cols[i].withAttr(Attr::None);
    }
    return Value::table(Value::symbols(m_names), Value::list(std::move(cols)));
}

} // namespace qscope::detail
