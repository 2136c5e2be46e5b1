#include "roworder.h"

#include "protocol/columnops.h"
#include "protocol/format.h"
#include "protocol/formatdetail.h"

#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numeric>
#include <system_error>
#include <thread>
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

/// False when no cell of this vector type can hold the substring (a character outside its
/// alphabet): the column is skipped without formatting a cell.
bool couldContain(int type, const QByteArray &operand)
{
    const char *alphabet = cellAlphabet(type);
    if (!alphabet) return true;
    // the match ignores ASCII case: either case of a needle character may be in a cell
    for (char c : operand) {
        const char l = lower(c), u = (l >= 'a' && l <= 'z') ? char(l - 32) : l;
        if (!std::strchr(alphabet, l) && !std::strchr(alphabet, u)) return false;
    }
    return true;
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
    // a substring no cell of this type can hold: skip the column
    if (f.column < 0 && col.isVector() && !couldContain(type, f.operand)) return !cancelled(cancel);
    const ColumnTest test(shape, column, f, true);
    for (int64_t r = 0; r < n; ++r) {
        if ((r & (kPollEvery - 1)) == 0 && cancelled(cancel)) return false;
        if (!mask[size_t(r)] && test.passes(r)) mask[size_t(r)] = 1;
    }
    return true;
}

/// The 7 significant digits q shows of a float (\P 7: %.7g) in fixed notation, from the value
/// scaled by an exact power of ten and rounded, when that rounding is clear (not within 1e-6
/// of a tie: the scaled value is at most 2e-9 off) and the text is fixed-point (1e-3 <= |f| <
/// 999999); else of() is false and the caller uses std::to_chars.
struct Float7
{
    uint32_t value = 0; ///< the 7 significant digits, 1000000..9999999
    bool negative = false;
    int point = 0; ///< digits before the decimal point; <= 0: "0." then -point zeros
    int last = 6;  ///< the last digit shown (trailing zeros after the point dropped)

    static bool of(double f, Float7 &out)
    {
        static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
        static constexpr double kBounds[] = {1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
        const double a = std::fabs(f);
        if (!(a >= 1e-3 && a < 999999.0)) return false;
        int x = -3; // a's decimal exponent: 10^x <= a < 10^(x+1)
        while (x < 5 && a >= kBounds[x + 3])
            ++x;
        const double s = a * kPow10[6 - x];
        if (s < 1e6) return false;
        const double whole = double(uint64_t(s)); // s > 0: truncation is floor
        const double frac = s - whole;
        if (std::fabs(frac - 0.5) <= 1e-6) return false;
        out.value = uint32_t(whole) + (frac > 0.5 ? 1 : 0);
        if (out.value >= 10000000u) return false;
        out.negative = f < 0;
        out.point = x + 1;
        // trailing zeros after the point are not shown
        uint32_t v = out.value;
        out.last = 6;
        while (out.last >= std::max(out.point, 0) && v % 10 == 0) {
            v /= 10;
            --out.last;
        }
        return true;
    }

    /// The digits as characters.
    void digits(char *d) const
    {
        uint32_t v = value;
        for (int i = 6; i >= 0; --i) {
            d[i] = char('0' + v % 10);
            v /= 10;
        }
    }
};

/// A cell's text (exactly appendCell's: the tests compare them on random data) written into a
/// stack buffer, without a QByteArray or a switch over every type per cell, for the types an
/// any-column text filter formats by the million: integers, floats, temporals. A date part is
/// formatted once per distinct day. Nulls, infinities and rare types go through appendCell.
/// One per thread (it caches).
class CellWriter
{
public:
    static constexpr int kBufferSize = 80;

    explicit CellWriter(const Value &column)
        : m_column(column), m_type(column.type()), m_base(column.rawData())
    {}

    /// Whether write() has a fast path for this column (else filters format it as before).
    static bool handles(const Value &column)
    {
        if (!column.isVector()) return false;
        switch (column.type()) {
        case Boolean:
        case Byte:
        case Char:
        case Short:
        case Int:
        case Long:
        case Real:
        case Float:
        case Timestamp:
        case Timespan:
        case Date:
        case Minute:
        case Second:
        case Time:
            return true;
        default:
            return false;
        }
    }

    /// The text of element `row` into buf (kBufferSize bytes); returns its length.
    int write(int64_t row, char *buf)
    {
        char *p = buf;
        switch (m_type) {
        case Boolean:
            *p++ = load<uint8_t>(row) ? '1' : '0';
            return 1;
        case Char:
            *p++ = load<char>(row);
            return 1;
        case Byte: {
            static const char hex[] = "0123456789abcdef";
            const uint8_t b = load<uint8_t>(row);
            buf[0] = '0', buf[1] = 'x', buf[2] = hex[b >> 4], buf[3] = hex[b & 15];
            return 4;
        }
        case Short: {
            const int16_t x = load<int16_t>(row);
            if (x == qnull::h) break; // 0N
            writeInt(p, x);
            return int(p - buf);
        }
        case Int:
        case Long: {
            const int64_t x = m_type == Long ? load<int64_t>(row) : int64_t(load<int32_t>(row));
            if (isSpecial(x)) break;
            writeInt(p, x);
            return int(p - buf);
        }
        case Real:
        case Float: {
            const double f = m_type == Real ? double(load<float>(row)) : load<double>(row);
            if (!std::isfinite(f) || detail::displayPrecision() != 7) break;
            writeFloat7(p, f);
            return int(p - buf);
        }
        case Timestamp: {
            const int64_t ns = load<int64_t>(row);
            if (isSpecial(ns)) break;
            int64_t rem = ns % kNanosPerDay;
            if (rem < 0) rem += kNanosPerDay;
            const int64_t day = (ns - rem) / kNanosPerDay;
            writeDate(p, day);
            *p++ = 'D';
            writeClock(p, uint64_t(rem), 1000000000ull, 9, true);
            return int(p - buf);
        }
        case Timespan: {
            const int64_t ns = load<int64_t>(row);
            if (isSpecial(ns)) break;
            const uint64_t a = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
            if (ns < 0) *p++ = '-';
            writeInt(p, int64_t(a / uint64_t(kNanosPerDay)));
            *p++ = 'D';
            writeClock(p, a % uint64_t(kNanosPerDay), 1000000000ull, 9, true);
            return int(p - buf);
        }
        case Date: {
            const int64_t d = load<int32_t>(row);
            if (isSpecial(d)) break;
            writeDate(p, d);
            return int(p - buf);
        }
        case Minute:
        case Second:
        case Time: {
            const int64_t v = load<int32_t>(row);
            if (isSpecial(v)) break;
            const int64_t x = m_type == Minute ? v * 60 : v;
            const uint64_t a = x < 0 ? uint64_t(0) - uint64_t(x) : uint64_t(x);
            if (x < 0) *p++ = '-';
            if (m_type == Time)
                writeClock(p, a, 1000, 3, true);
            else
                writeClock(p, a, 1, 0, m_type == Second);
            return int(p - buf);
        }
        default:
            break;
        }
        // nulls, infinities, other types: as the grid formats them
        m_slow.resize(0);
        appendCell(m_slow, m_column, row);
        const int n = int(std::min<qsizetype>(m_slow.size(), kBufferSize));
        std::memcpy(buf, m_slow.constData(), size_t(n));
        return n;
    }

private:
    template<class T>
    T load(int64_t row) const
    {
        T v;
        std::memcpy(&v, m_base + size_t(row) * sizeof(T), sizeof(T));
        return v;
    }

    /// Null or an infinity of the column's integer width (appendElement writes 0N, 0W, -0W).
    bool isSpecial(int64_t x) const
    {
        if (storageOf(m_type) == Storage::Int64)
            return x == qnull::j || x == qnull::jInf || x == -qnull::jInf;
        return x == qnull::i || x == qnull::iInf || x == -qnull::iInf;
    }

    static void writeInt(char *&p, int64_t x)
    {
        char tmp[24];
        char *e = tmp + sizeof tmp, *q = e;
        uint64_t a = x < 0 ? uint64_t(0) - uint64_t(x) : uint64_t(x);
        do {
            *--q = char('0' + a % 10);
            a /= 10;
        } while (a);
        if (x < 0) *p++ = '-';
        std::memcpy(p, q, size_t(e - q));
        p += e - q;
    }

    static void writePadded(char *&p, uint64_t x, int width)
    {
        for (int i = width - 1; i >= 0; --i) {
            p[i] = char('0' + x % 10);
            x /= 10;
        }
        p += width;
    }

    /// appendClock: hh:mm:ss[.fraction], the hours at least two digits.
    static void writeClock(char *&p, uint64_t value, uint64_t perSecond, int digits, bool seconds)
    {
        const uint64_t total = value / perSecond, fraction = value % perSecond;
        const uint64_t hh = total / 3600;
        if (hh < 10) *p++ = '0';
        writeInt(p, int64_t(hh));
        *p++ = ':';
        writePadded(p, (total / 60) % 60, 2);
        if (seconds) {
            *p++ = ':';
            writePadded(p, total % 60, 2);
        }
        if (digits > 0) {
            *p++ = '.';
            writePadded(p, fraction, digits);
        }
    }

    /// yyyy.mm.dd of days since 2000.01.01, formatted once per distinct day in a row.
    void writeDate(char *&p, int64_t days)
    {
        if (days != m_day) {
            const int32_t d = int32_t(days);
            QByteArray text;
            if (int64_t(d) == days)
                detail::appendElement(text, Date, reinterpret_cast<const char *>(&d),
                                      detail::ElementStyle::Cell);
            else
                text = "0000.00.00";
            m_dateLength = int(std::min<qsizetype>(text.size(), sizeof m_date));
            std::memcpy(m_date, text.constData(), size_t(m_dateLength));
            m_day = days;
        }
        std::memcpy(p, m_date, size_t(m_dateLength));
        p += m_dateLength;
    }

    /// q's \P 7 text of a finite float (std::to_chars general, precision 7, as appendFloat).
    static void writeFloat7(char *&p, double f)
    {
        Float7 d;
        if (!Float7::of(f, d)) {
            p = std::to_chars(p, p + 48, f, std::chars_format::general, 7).ptr;
            return;
        }
        char digits[7];
        d.digits(digits);
        if (d.negative) *p++ = '-';
        if (d.point <= 0) {
            *p++ = '0';
            *p++ = '.';
            for (int i = d.point; i < 0; ++i)
                *p++ = '0';
            for (int i = 0; i <= d.last; ++i)
                *p++ = digits[i];
            return;
        }
        for (int i = 0; i < d.point; ++i)
            *p++ = digits[i];
        if (d.last >= d.point) {
            *p++ = '.';
            for (int i = d.point; i <= d.last; ++i)
                *p++ = digits[i];
        }
    }

    const Value &m_column;
    int m_type;
    const char *m_base;
    QByteArray m_slow;
    int64_t m_day = INT64_MIN;
    char m_date[16] = {};
    int m_dateLength = 0;
};

/// A substring (folded to lower case) in a cell's text, ignoring ASCII case.
bool containsFolded(const char *text, int length, const QByteArray &needle, bool fold)
{
    const int k = int(needle.size());
    const char *n = needle.constData();
    for (int i = 0; i + k <= length; ++i) {
        int j = 0;
        if (fold)
            while (j < k && lower(text[i + j]) == n[j])
                ++j;
        else
            while (j < k && text[i + j] == n[j])
                ++j;
        if (j == k) return true;
    }
    return false;
}

/// A needle of digits only (`123`) can match only inside a run of digits of a cell's text: the
/// digits of an integer, each field of a temporal, the two sides of a float's point. So a cell
/// matches if one of its runs does, and a run is tested without writing it: its digits are fed,
/// three at a time, to an automaton (KMP over the needle) whose state is how much of the
/// needle the digits so far end with.
class DigitMatcher
{
public:
    /// needle: 1..18 ASCII digits.
    explicit DigitMatcher(const QByteArray &needle) : m_k(int(needle.size()))
    {
        // one-digit steps by KMP's failure function, then three-digit steps composed of them
        std::vector<int> fail(size_t(m_k) + 1, 0);
        for (int i = 1, j = 0; i < m_k; ++i) {
            while (j > 0 && needle[i] != needle[j])
                j = fail[size_t(j)];
            if (needle[i] == needle[j]) ++j;
            fail[size_t(i) + 1] = j;
        }
        m_one.assign(size_t(m_k + 1) * 10, 0);
        for (int state = 0; state <= m_k; ++state) {
            for (int d = 0; d < 10; ++d) {
                int next = m_k; // the needle was seen: stay there
                if (state < m_k) {
                    int j = state;
                    while (j > 0 && needle[j] != char('0' + d))
                        j = fail[size_t(j)];
                    next = needle[j] == char('0' + d) ? j + 1 : 0;
                }
                m_one[size_t(state) * 10 + size_t(d)] = uint8_t(next);
            }
        }
        m_three.assign(size_t(m_k + 1) * 1000, 0);
        for (int state = 0; state <= m_k; ++state)
            for (int c = 0; c < 1000; ++c)
                m_three[size_t(state) * 1000 + size_t(c)] =
                    uint8_t(step(step(step(state, c / 100), c / 10 % 10), c % 10));
        for (int v = 0; v < 100; ++v)
            m_two[v] = step(step(0, v / 10), v % 10) == m_k;
    }

    int length() const { return m_k; }
    int step(int state, int digit) const { return m_one[size_t(state) * 10 + size_t(digit)]; }
    /// Three zero-padded digits (000..999).
    int step3(int state, unsigned chunk) const { return m_three[size_t(state) * 1000 + chunk]; }
    /// The run of the decimal digits of a (no leading zeros) holds the needle.
    bool inNumber(uint64_t a) const
    {
        unsigned chunks[7];
        int n = 0;
        while (a >= 1000) {
            chunks[n++] = unsigned(a % 1000);
            a /= 1000;
        }
        int state = 0;
        if (a >= 100)
            state = step3(0, unsigned(a));
        else if (a >= 10)
            state = step(step(0, int(a / 10)), int(a % 10));
        else
            state = step(0, int(a));
        while (n > 0)
            state = step3(state, chunks[--n]);
        return state == m_k;
    }
    /// A run of `width` digits (1..18), zero-padded.
    bool inPadded(uint64_t a, int width) const
    {
        unsigned chunks[6];
        const int full = width / 3;
        for (int i = full - 1; i >= 0; --i) {
            chunks[i] = unsigned(a % 1000);
            a /= 1000;
        }
        int state = 0;
        if (width % 3 == 2)
            state = step(step(0, int(a / 10)), int(a % 10));
        else if (width % 3 == 1)
            state = step(0, int(a));
        for (int i = 0; i < full; ++i)
            state = step3(state, chunks[i]);
        return state == m_k;
    }
    /// A two-digit zero-padded run (00..99).
    bool inTwo(unsigned v) const { return m_two[v]; }

private:
    int m_k;
    std::vector<uint8_t> m_one, m_three;
    bool m_two[100] = {};
};

/// Whether a cell holds a digits-only needle, by its runs of digits (DigitMatcher), for the
/// types a large result is made of: integers, floats, timestamps, timespans. Others, and nulls
/// and infinities, are written out (CellWriter) and searched. One per thread (it caches).
class DigitScanner
{
public:
    DigitScanner(const Value &column, const DigitMatcher &matcher, const QByteArray &needle)
        : m_writer(column), m_matcher(matcher), m_needle(needle), m_type(column.type()),
          m_base(column.rawData())
    {}

    bool matches(int64_t row)
    {
        switch (m_type) {
        case Short: {
            const int16_t x = load<int16_t>(row);
            if (x == qnull::h) break;
            return m_matcher.inNumber(x < 0 ? uint64_t(-int64_t(x)) : uint64_t(x));
        }
        case Int:
        case Long: {
            const int64_t x = m_type == Long ? load<int64_t>(row) : int64_t(load<int32_t>(row));
            if (x == qnull::j || x == qnull::jInf || x == -qnull::jInf || x == qnull::i ||
                x == qnull::iInf || x == -qnull::iInf)
                break;
            return m_matcher.inNumber(x < 0 ? uint64_t(0) - uint64_t(x) : uint64_t(x));
        }
        case Real:
        case Float: {
            const double f = m_type == Real ? double(load<float>(row)) : load<double>(row);
            Float7 d;
            if (!std::isfinite(f) || !Float7::of(f, d)) break;
            // the runs: the integer part ("0" below 1) and the shown fraction, zero-padded
            static constexpr uint32_t kPow10[] = {1,     10,     100,     1000,
                                                  10000, 100000, 1000000, 10000000};
            const int point = std::max(d.point, 0);
            const uint32_t whole = d.value / kPow10[7 - point];
            if (m_matcher.inNumber(whole)) return true;
            if (d.last < point) return false; // no fraction shown
            const uint32_t fraction = (d.value % kPow10[7 - point]) / kPow10[6 - d.last];
            return m_matcher.inPadded(fraction, d.last + 1 - d.point);
        }
        case Timestamp:
        case Timespan: {
            const int64_t ns = load<int64_t>(row);
            if (ns == qnull::j || ns == qnull::jInf || ns == -qnull::jInf) break;
            uint64_t rem;
            if (m_type == Timestamp) {
                // the date's runs (yyyy mm dd), once per day in a row
                int64_t r = ns % kNanosPerDay;
                if (r < 0) r += kNanosPerDay;
                if (dateMatches((ns - r) / kNanosPerDay)) return true;
                rem = uint64_t(r);
            } else {
                const uint64_t a = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
                if (m_matcher.inNumber(a / uint64_t(kNanosPerDay))) return true; // days
                rem = a % uint64_t(kNanosPerDay);
            }
            // hh:mm:ss.nnnnnnnnn (hours below 24: two digits)
            const uint64_t seconds = rem / 1000000000ull;
            if (m_matcher.length() <= 2 && (m_matcher.inTwo(unsigned(seconds / 3600)) ||
                                            m_matcher.inTwo(unsigned(seconds / 60 % 60)) ||
                                            m_matcher.inTwo(unsigned(seconds % 60))))
                return true;
            return m_matcher.inPadded(rem % 1000000000ull, 9);
        }
        default:
            break;
        }
        char buf[CellWriter::kBufferSize];
        const int length = m_writer.write(row, buf);
        return containsFolded(buf, length, m_needle, false);
    }

private:
    template<class T>
    T load(int64_t row) const
    {
        T v;
        std::memcpy(&v, m_base + size_t(row) * sizeof(T), sizeof(T));
        return v;
    }

    bool dateMatches(int64_t day)
    {
        if (day != m_day) {
            m_day = day;
            const int32_t d = int32_t(day);
            QByteArray text;
            if (int64_t(d) == day)
                detail::appendElement(text, Date, reinterpret_cast<const char *>(&d),
                                      detail::ElementStyle::Cell);
            else
                text = "0000.00.00";
            m_dayMatches = containsFolded(text.constData(), int(text.size()), m_needle, false);
        }
        return m_dayMatches;
    }

    CellWriter m_writer;
    const DigitMatcher &m_matcher;
    const QByteArray &m_needle;
    int m_type;
    const char *m_base;
    int64_t m_day = INT64_MIN;
    bool m_dayMatches = false;
};

/// The columns a substring could be in that CellWriter formats: searched over row ranges, a
/// thread per range (at most the cores, 4), each column's cells written into a stack buffer.
/// The rest (symbols, lists) are left to markColumn. Returns false if cancelled.
bool markWrittenColumns(const ResultShape &shape, const std::vector<int> &columns,
                        const RowFilter &f, std::vector<uint8_t> &mask,
                        const std::atomic<bool> *cancel)
{
    if (columns.empty()) return true;
    const QByteArray needle = f.operand.toLower();
    const bool fold =
        std::any_of(needle.begin(), needle.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    const int64_t n = int64_t(mask.size());
    std::atomic<bool> stopped = false;
    // digits only (the common search for a number): runs of digits tested without text
    const bool digits =
        !needle.isEmpty() && needle.size() <= 18 &&
        std::all_of(needle.begin(), needle.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::optional<DigitMatcher> matcher;
    if (digits) matcher.emplace(needle);
    const auto run = [&](int64_t begin, int64_t end) {
        char buf[CellWriter::kBufferSize];
        for (int c : columns) {
            const Value &column = shape.columns[size_t(c)].data;
            CellWriter writer(column);
            std::optional<DigitScanner> scanner;
            if (matcher) scanner.emplace(column, *matcher, needle);
            for (int64_t r = begin; r < end; ++r) {
                if ((r & (kPollEvery - 1)) == 0 && cancelled(cancel)) {
                    stopped = true;
                    return;
                }
                if (mask[size_t(r)]) continue;
                if (scanner) {
                    if (scanner->matches(r)) mask[size_t(r)] = 1;
                    continue;
                }
                const int length = writer.write(r, buf);
                if (containsFolded(buf, length, needle, fold)) mask[size_t(r)] = 1;
            }
        }
    };
    // 5-20 ns a cell: below a million cells a thread would not pay for itself
    const int64_t cells = n * int64_t(columns.size());
    const int threads =
        int(std::clamp<int64_t>(cells / 1000000, 1, std::clamp(QThread::idealThreadCount(), 1, 4)));
    std::vector<std::thread> workers;
    std::vector<std::pair<int64_t, int64_t>> here; // ranges no thread could be started for
    const int64_t step = (n + threads - 1) / threads;
    // whole blocks of 4096 rows: threads share at most the mask's cache line at a boundary
    const int64_t aligned = (step + kPollEvery - 1) / kPollEvery * kPollEvery;
    for (int t = 1; t < threads; ++t) {
        const int64_t begin = std::min(n, t * aligned), end = std::min(n, (t + 1) * aligned);
        try {
            workers.emplace_back(run, begin, end);
        } catch (const std::system_error &) {
            here.emplace_back(begin, end); // out of threads: done on this one
        }
    }
    run(0, std::min(n, aligned));
    for (const auto &[begin, end] : here)
        run(begin, end);
    for (std::thread &w : workers)
        w.join();
    return !stopped && !cancelled(cancel);
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
        // typed vectors first, formatted fast and in parallel; then symbols, lists and the rest
        // (CellWriter formats floats at \P 7, the precision of every thread but one inside a
        // ScopedDisplayPrecision)
        const bool writable = detail::displayPrecision() == 7;
        std::vector<int> written, others;
        for (int c = 0; c < shape.columnCount(); ++c) {
            const Value &col = shape.columns[size_t(c)].data;
            if (!writable || !CellWriter::handles(col) || filter.op != RowFilter::Op::Contains)
                others.push_back(c);
            else if (couldContain(shape.columnType(c), filter.operand))
                written.push_back(c);
        }
        if (!markWrittenColumns(shape, written, filter, mask, cancel)) return std::nullopt;
        for (int c : others)
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
