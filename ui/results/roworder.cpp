#include "roworder.h"

#include "protocol/columnops.h"
#include "protocol/format.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <type_traits>

namespace qscope {

namespace {

constexpr int64_t kPollEvery = 4096;

bool cancelled(const std::atomic<bool> *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

/// Case-insensitive (ASCII) substring test; needle already lower case.
bool containsFolded(const QByteArray &hay, const QByteArray &needle)
{
    if (needle.isEmpty()) return true;
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return lower(a) == b; });
    return it != hay.end();
}

/// A number of the column's element, nulls as -infinity (q orders nulls first).
double numberAt(const Value &col, int64_t row)
{
    const double v = numericAt(col, row);
    return std::isnan(v) ? -INFINITY : v;
}

bool compareOp(RowFilter::Op op, int c)
{
    switch (op) {
    case RowFilter::Op::Eq:
        return c == 0;
    case RowFilter::Op::Ne:
        return c != 0;
    case RowFilter::Op::Lt:
        return c < 0;
    case RowFilter::Op::Le:
        return c <= 0;
    case RowFilter::Op::Gt:
        return c > 0;
    case RowFilter::Op::Ge:
        return c >= 0;
    case RowFilter::Op::Contains:
        return false;
    }
    return false;
}

int threeWay(const QByteArray &a, const QByteArray &b)
{
    const int c = std::memcmp(a.constData(), b.constData(), size_t(std::min(a.size(), b.size())));
    if (c != 0) return c < 0 ? -1 : 1;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

/// Evaluates a filter on one column, with a per-symbol table for symbol columns.
class ColumnTest
{
public:
    /// reuseBuffer: format cells into one buffer (the typed engine); the comparator engine
    /// keeps its allocation per cell, so bench_grid's "before" figure stays the earlier code's.
    ColumnTest(const ResultShape &shape, int column, const RowFilter &f, bool reuseBuffer = false)
        : m_shape(shape), m_column(column), m_filter(f), m_reuseBuffer(reuseBuffer)
    {
        m_folded = f.operand.toLower();
        m_type = shape.columnType(column);
        if (shape.kind != ResultShape::Kind::Scalar && m_type == Symbol) {
            const Value &col = shape.columns[size_t(column)].data;
            const auto &pool = col.symbolPool()->strings;
            m_symbolPass.resize(pool.size());
            for (size_t i = 0; i < pool.size(); ++i)
                m_symbolPass[i] = textPasses(pool[i]);
        }
    }

    /// row < 0: the symbol -1 - row of the column's pool (its pass table entry).
    bool passes(int64_t row) const
    {
        if (row < 0) return m_symbolPass[size_t(-1 - row)];
        if (!m_symbolPass.empty())
            return m_symbolPass[m_shape.columns[size_t(m_column)].data.symIndex(row)];
        if (m_type == Symbol && m_shape.kind != ResultShape::Kind::Scalar)
            return false; // an empty pool: no symbols at all
        if (m_filter.numeric && m_filter.op != RowFilter::Op::Contains && isNumericType(m_type) &&
            m_type > 0) {
            const double v = numberAt(m_shape.columns[size_t(m_column)].data, row);
            const double n = m_filter.number;
            return compareOp(m_filter.op, v < n ? -1 : (v > n ? 1 : 0));
        }
        if (m_shape.kind == ResultShape::Kind::Scalar || !m_reuseBuffer)
            return textPasses(m_shape.cellText(m_column, row));
        // one buffer for every cell: a text filter formats millions of them
        m_cell.resize(0);
        appendCell(m_cell, m_shape.columns[size_t(m_column)].data, row);
        return textPasses(m_cell);
    }

private:
    bool textPasses(const QByteArray &text) const
    {
        if (m_filter.op == RowFilter::Op::Contains) return containsFolded(text, m_folded);
        return compareOp(m_filter.op, threeWay(text, m_filter.operand));
    }

    const ResultShape &m_shape;
    int m_column;
    const RowFilter &m_filter;
    QByteArray m_folded;
    bool m_reuseBuffer = false;
    mutable QByteArray m_cell;
    int m_type = 0;
    std::vector<char> m_symbolPass;
};

/// Orders source rows by one column; returns false if cancelled.
bool sortRows(const ResultShape &shape, const SortSpec &sort, std::vector<uint32_t> &rows,
              const std::atomic<bool> *cancel, OrderEngine engine)
{
    if (shape.kind == ResultShape::Kind::Scalar || sort.column < 0 ||
        sort.column >= int(shape.columns.size()))
        return true;
    const Value &col = shape.columns[size_t(sort.column)].data;
    if (engine == OrderEngine::Typed && canRadixGrade(col)) {
        auto graded = gradeRows(col, std::move(rows), sort.descending, cancel);
        if (!graded) return false; // cancelled (the column is gradable)
        rows = std::move(*graded);
        return !cancelled(cancel);
    }
    const char *base = col.rawData(); // once: the comparator runs ~n log n times
    int64_t comparisons = 0;
    bool stop = false;
    // Equal keys keep source order (the row index breaks ties), so std::sort gives what a
    // stable sort would without its buffer of n/2 rows. Polling inside the comparator keeps
    // cancel responsive for tens of millions of rows; once stopped, every comparison says "not
    // less", which std::sort's loops treat as a stop (they only advance on "less").
    auto run = [&](auto less) {
        auto guarded = [&](uint32_t a, uint32_t b) {
            if (stop) return false;
            if ((++comparisons & 0xffff) == 0 && cancelled(cancel)) {
                stop = true;
                return false;
            }
            if (less(a, b)) return !sort.descending;
            if (less(b, a)) return sort.descending;
            return a < b;
        };
        std::sort(rows.begin(), rows.end(), guarded);
    };
    const auto at = [base](auto zero, uint32_t i) {
        decltype(zero) v;
        std::memcpy(&v, base + size_t(i) * sizeof v, sizeof v);
        return v;
    };
    // Lists (and anything that is not a vector) sort by their cell text, below.
    switch (col.isVector() ? storageOf(col.type()) : Storage::Other) {
    case Storage::Boolean:
    case Storage::Byte:
    case Storage::Char:
        run([&](uint32_t a, uint32_t b) { return at(uint8_t(), a) < at(uint8_t(), b); });
        break;
    case Storage::Short:
        run([&](uint32_t a, uint32_t b) { return at(int16_t(), a) < at(int16_t(), b); });
        break;
    case Storage::Int32:
        run([&](uint32_t a, uint32_t b) { return at(int32_t(), a) < at(int32_t(), b); });
        break;
    case Storage::Int64:
        run([&](uint32_t a, uint32_t b) { return at(int64_t(), a) < at(int64_t(), b); });
        break;
    case Storage::Real:
        run([&](uint32_t a, uint32_t b) {
            const float x = at(float(), a), y = at(float(), b);
            return std::isnan(x) ? !std::isnan(y) : (!std::isnan(y) && x < y);
        });
        break;
    case Storage::Float:
        run([&](uint32_t a, uint32_t b) {
            const double x = at(double(), a), y = at(double(), b);
            return std::isnan(x) ? !std::isnan(y) : (!std::isnan(y) && x < y);
        });
        break;
    case Storage::Guid:
        run([&](uint32_t a, uint32_t b) {
            return std::memcmp(base + size_t(a) * 16, base + size_t(b) * 16, 16) < 0;
        });
        break;
    case Storage::Symbol: {
        const auto &pool = col.symbolPool()->strings;
        std::vector<uint32_t> byText(pool.size());
        std::iota(byText.begin(), byText.end(), 0u);
        std::sort(byText.begin(), byText.end(),
                  [&](uint32_t a, uint32_t b) { return threeWay(pool[a], pool[b]) < 0; });
        std::vector<uint32_t> rank(pool.size());
        for (uint32_t r = 0; r < byText.size(); ++r)
            rank[byText[r]] = r;
        run([&](uint32_t a, uint32_t b) {
            return rank[at(uint32_t(), a)] < rank[at(uint32_t(), b)];
        });
        break;
    }
    case Storage::Other: {
        // General lists (strings, nested values): compare their cell text, computed once.
        std::vector<QByteArray> keys(size_t(shape.rows));
        for (uint32_t r : rows) {
            keys[r] = shape.cellText(sort.column, r);
            if ((r & (kPollEvery - 1)) == 0 && cancelled(cancel)) return false;
        }
        run([&](uint32_t a, uint32_t b) { return threeWay(keys[a], keys[b]) < 0; });
        break;
    }
    }
    return !stop && !cancelled(cancel);
}

/// Characters a cell of this vector type can show: a substring holding any other character
/// cannot match the column, which is then skipped without formatting a cell.
const char *cellAlphabet(int type)
{
    switch (type) {
    case Boolean:
        return "01";
    case Byte:
        return "0123456789abcdefx"; // 0x2a
    case Short:
    case Int:
    case Long:
        return "0123456789-NWnw";
    case Real:
    case Float:
        return "0123456789.-+eNWnw";
    case Timestamp:
    case Month:
    case Date:
    case Datetime:
    case Timespan:
    case Minute:
    case Second:
    case Time:
        return "0123456789.:-DTNWnwZz";
    default:
        return nullptr; // any text
    }
}

/// A numeric condition (price>100) over a typed vector: one tight loop per element type.
template<typename T, bool HasNull = true>
void markNumeric(const Value &col, const RowFilter &f, std::vector<uint8_t> &mask, T null = T())
{
    const char *base = col.rawData();
    const int64_t n = int64_t(mask.size());
    const double x = f.number;
    for (int64_t r = 0; r < n; ++r) {
        T v;
        std::memcpy(&v, base + size_t(r) * sizeof(T), sizeof(T));
        double d;
        if constexpr (std::is_floating_point_v<T>)
            d = std::isnan(v) ? -INFINITY : double(v);
        else if constexpr (HasNull)
            d = v == null ? -INFINITY : double(v);
        else
            d = double(v);
        mask[size_t(r)] |= compareOp(f.op, d < x ? -1 : (d > x ? 1 : 0)) ? 1 : 0;
    }
}

/// The filter column by column over the typed data (a byte per row, or-ed over the columns a
/// substring is searched in); false if cancelled.
bool markColumn(const ResultShape &shape, int column, const RowFilter &f,
                std::vector<uint8_t> &mask, const std::atomic<bool> *cancel)
{
    const Value &col = shape.columns[size_t(column)].data;
    const int type = shape.columnType(column);
    const int64_t n = int64_t(mask.size());
    if (type == Symbol && col.isVector()) {
        const ColumnTest test(shape, column, f); // its pass table per distinct symbol
        const char *base = col.rawData();
        std::vector<char> pass(col.symbolPool()->strings.size());
        for (size_t i = 0; i < pass.size(); ++i)
            pass[i] = char(test.passes(-1 - int64_t(i)));
        for (int64_t r = 0; r < n; ++r) {
            uint32_t idx;
            std::memcpy(&idx, base + size_t(r) * 4, 4);
            mask[size_t(r)] |= uint8_t(pass[idx]);
        }
        return !cancelled(cancel);
    }
    if (f.column >= 0 && f.numeric && f.op != RowFilter::Op::Contains && col.isVector()) {
        switch (type) {
        case Boolean:
        case Byte:
            markNumeric<uint8_t, false>(col, f, mask); // booleans and bytes have no null
            return !cancelled(cancel);
        case Short:
            markNumeric<int16_t>(col, f, mask, qnull::h);
            return !cancelled(cancel);
        case Int:
            markNumeric<int32_t>(col, f, mask, qnull::i);
            return !cancelled(cancel);
        case Long:
            markNumeric<int64_t>(col, f, mask, qnull::j);
            return !cancelled(cancel);
        case Real:
            markNumeric<float>(col, f, mask, 0.0f);
            return !cancelled(cancel);
        case Float:
            markNumeric<double>(col, f, mask, 0.0);
            return !cancelled(cancel);
        default:
            break;
        }
    }
    if (f.column < 0 && col.isVector()) {
        // a substring no cell of this type can hold: skip the column
        if (const char *alphabet = cellAlphabet(type)) {
            // the match ignores ASCII case: either case of a needle character may be in a cell
            for (char c : f.operand) {
                const char l = lower(c), u = (l >= 'a' && l <= 'z') ? char(l - 32) : l;
                if (!std::strchr(alphabet, l) && !std::strchr(alphabet, u))
                    return !cancelled(cancel);
            }
        }
    }
    const ColumnTest test(shape, column, f, true);
    for (int64_t r = 0; r < n; ++r) {
        if ((r & (kPollEvery - 1)) == 0 && cancelled(cancel)) return false;
        if (!mask[size_t(r)] && test.passes(r)) mask[size_t(r)] = 1;
    }
    return true;
}

std::optional<std::vector<uint32_t>> filterTyped(const ResultShape &shape, const RowFilter &filter,
                                                 int64_t n, const std::atomic<bool> *cancel)
{
    std::vector<uint8_t> mask(static_cast<size_t>(n), 0);
    if (shape.kind == ResultShape::Kind::Scalar) {
        mask[0] = uint8_t(ColumnTest(shape, 0, filter).passes(0));
    } else if (filter.column >= 0) {
        if (!markColumn(shape, filter.column, filter, mask, cancel)) return std::nullopt;
    } else {
        for (int c = 0; c < shape.columnCount(); ++c)
            if (!markColumn(shape, c, filter, mask, cancel)) return std::nullopt;
    }
    const auto kept = std::count(mask.begin(), mask.end(), uint8_t(1));
    std::vector<uint32_t> rows;
    rows.reserve(size_t(kept));
    for (int64_t r = 0; r < n; ++r)
        if (mask[size_t(r)]) rows.push_back(uint32_t(r));
    return rows;
}

} // namespace

RowFilter RowFilter::parse(const QString &text, const ResultShape &shape, QString *error)
{
    RowFilter f;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) return f;
    static const QRegularExpression condition(
        QStringLiteral("^([A-Za-z_.][A-Za-z0-9_.]*)\\s*(<=|>=|<>|=|<|>|~)\\s*(.*)$"));
    const QRegularExpressionMatch m = condition.match(trimmed);
    if (m.hasMatch()) {
        const QByteArray name = m.captured(1).toUtf8();
        int column = -1;
        for (int c = 0; c < int(shape.columns.size()); ++c) {
            if (shape.columns[size_t(c)].name == name) column = c;
        }
        if (column >= 0) {
            const QString op = m.captured(2);
            f.column = column;
            f.op = op == QLatin1String("=")    ? Op::Eq
                   : op == QLatin1String("<>") ? Op::Ne
                   : op == QLatin1String("<")  ? Op::Lt
                   : op == QLatin1String("<=") ? Op::Le
                   : op == QLatin1String(">")  ? Op::Gt
                   : op == QLatin1String(">=") ? Op::Ge
                                               : Op::Contains;
            QString operand = m.captured(3).trimmed();
            // q spellings of a symbol or a string compare as their text
            if (operand.startsWith(QLatin1Char('`')))
                operand.remove(0, 1);
            else if (operand.size() >= 2 && operand.startsWith(QLatin1Char('"')) &&
                     operand.endsWith(QLatin1Char('"')))
                operand = operand.mid(1, operand.size() - 2);
            f.operand = operand.toUtf8();
            const int type = shape.columnType(column);
            if (f.op != Op::Contains && isNumericType(type) && type > 0) {
                QByteArray n = f.operand;
                if (!n.isEmpty() && QByteArrayLiteral("hijefb").contains(n.back()) && n.size() > 1)
                    n.chop(1);
                bool ok = false;
                f.number = n == "0N" || n == "0n" ? -INFINITY : n.toDouble(&ok);
                ok = ok || n == "0N" || n == "0n";
                if (!ok) {
                    if (error)
                        *error = QStringLiteral("'%1 is a %2 column: \"%3\" is not a number")
                                     .arg(QString::fromUtf8(name),
                                          qTypeDescription(type).section(QLatin1Char(','), 0, 0),
                                          operand);
                    return RowFilter();
                }
                f.numeric = true;
            }
            return f;
        }
    }
    f.operand = trimmed.toUtf8();
    return f;
}

std::optional<std::vector<uint32_t>> computeRowOrder(const ResultShape &shape, const SortSpec &sort,
                                                     const RowFilter &filter,
                                                     const std::atomic<bool> *cancel,
                                                     OrderEngine engine)
{
    const int64_t n = std::min<int64_t>(shape.rows, INT32_MAX);
    std::vector<uint32_t> rows;
    if (filter.isEmpty()) {
        rows.resize(size_t(n));
        std::iota(rows.begin(), rows.end(), 0u);
    } else if (engine == OrderEngine::Typed) {
        auto kept = filterTyped(shape, filter, n, cancel);
        if (!kept) return std::nullopt;
        rows = std::move(*kept);
    } else {
        std::vector<ColumnTest> tests;
        if (filter.column >= 0) {
            tests.emplace_back(shape, filter.column, filter);
        } else {
            for (int c = 0; c < shape.columnCount(); ++c)
                tests.emplace_back(shape, c, filter);
        }
        for (int64_t r = 0; r < n; ++r) {
            if ((r & (kPollEvery - 1)) == 0 && cancelled(cancel)) return std::nullopt;
            for (const ColumnTest &t : tests) {
                if (t.passes(r)) {
                    rows.push_back(uint32_t(r));
                    break;
                }
            }
        }
        rows.shrink_to_fit();
    }
    if (!sortRows(shape, sort, rows, cancel, engine)) return std::nullopt;
    return rows;
}

} // namespace qscope
