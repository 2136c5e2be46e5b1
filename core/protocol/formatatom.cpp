// q's text for single elements: numbers with q's precision, temporals, nulls and infinities.
#include "formatdetail.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace qscope::detail {

namespace {

template<class T>
T load(const char *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void append2(QByteArray &out, int64_t x)
{
    out.append(char('0' + (x / 10) % 10));
    out.append(char('0' + x % 10));
}

void appendPadded(QByteArray &out, int64_t x, int width)
{
    // Zero-padded non-negative decimal (q's fixed-width date and clock fields).
    char buf[24];
    char *e = buf + sizeof buf;
    char *p = e;
    uint64_t a = x < 0 ? 0 : uint64_t(x);
    do {
        *--p = char('0' + a % 10);
        a /= 10;
    } while (a);
    while (e - p < width)
        *--p = '0';
    out.append(p, e - p);
}

int64_t floorDiv(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// yyyy.mm.dd for days since 2000.01.01; out-of-range dates as q shows them: 0000.00.00.
void appendDate(QByteArray &out, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civilFromDays(days, y, m, d);
    if (y < 1 || y > 9999) {
        out.append("0000.00.00");
        return;
    }
    appendPadded(out, y, 4);
    out.append('.');
    append2(out, m);
    out.append('.');
    append2(out, d);
}

/// hh:mm:ss[.fraction] of a non-negative count of `unit`s per second (digits = fraction width).
void appendClock(QByteArray &out, uint64_t value, uint64_t perSecond, int digits, bool seconds)
{
    const uint64_t totalSeconds = value / perSecond;
    const uint64_t fraction = value % perSecond;
    const uint64_t hh = totalSeconds / 3600;
    if (hh < 10) out.append('0');
    appendInt(out, int64_t(hh));
    out.append(':');
    append2(out, int64_t((totalSeconds / 60) % 60));
    if (seconds) {
        out.append(':');
        append2(out, int64_t(totalSeconds % 60));
    }
    if (digits > 0) {
        out.append('.');
        appendPadded(out, int64_t(fraction), digits);
    }
}

void appendTimestamp(QByteArray &out, int64_t ns)
{
    // Remainder first: days * kNanosPerDay alone overflows near the type's limits.
    int64_t rem = ns % kNanosPerDay;
    if (rem < 0) rem += kNanosPerDay;
    appendDate(out, floorDiv(ns, kNanosPerDay));
    out.append('D');
    appendClock(out, uint64_t(rem), 1000000000ull, 9, true);
}

void appendTimespan(QByteArray &out, int64_t ns)
{
    uint64_t a = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
    if (ns < 0) out.append('-');
    const uint64_t perDay = uint64_t(kNanosPerDay);
    appendInt(out, int64_t(a / perDay));
    out.append('D');
    appendClock(out, a % perDay, 1000000000ull, 9, true);
}

void appendMonth(QByteArray &out, int32_t months)
{
    const int64_t y = 2000 + floorDiv(months, 12);
    const int64_t m = int64_t(months) - floorDiv(months, 12) * 12 + 1;
    if (y < 1 || y > 9999) {
        out.append("0000.00");
        return;
    }
    appendPadded(out, y, 4);
    out.append('.');
    append2(out, m);
}

void appendDatetime(QByteArray &out, double days)
{
    // q shows a datetime to the millisecond, rounding the fraction of a day.
    const double msD = std::round(days * 86400000.0);
    int64_t y = 0;
    unsigned m = 0, d = 0;
    int64_t ms = 0, day = 0;
    if (msD > -9.0e17 && msD < 9.0e17) {
        ms = int64_t(msD);
        day = floorDiv(ms, 86400000);
        civilFromDays(day, y, m, d);
    }
    if (y < 1 || y > 9999) {
        out.append("0000.00.00T00:00:00.000");
        return;
    }
    appendDate(out, day);
    out.append('T');
    appendClock(out, uint64_t(ms - day * 86400000), 1000, 3, true);
}

void appendSignedClock(QByteArray &out, int64_t v, uint64_t perSecond, int digits, bool seconds)
{
    uint64_t a = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    if (v < 0) out.append('-');
    appendClock(out, a, perSecond, digits, seconds);
}

const char kHex[] = "0123456789abcdef";

} // namespace

char typeChar(int type)
{
    static const char chars[] = " bg xhijefcspmdznuvt";
    const int t = type < 0 ? -type : type;
    if (t >= 1 && t <= 19) return chars[t];
    return 0;
}

const char *typeName(int type)
{
    switch (type < 0 ? -type : type) {
    case Boolean:
        return "boolean";
    case Guid:
        return "guid";
    case Byte:
        return "byte";
    case Short:
        return "short";
    case Int:
        return "int";
    case Long:
        return "long";
    case Real:
        return "real";
    case Float:
        return "float";
    case Char:
        return "char";
    case Symbol:
        return "symbol";
    case Timestamp:
        return "timestamp";
    case Month:
        return "month";
    case Date:
        return "date";
    case Datetime:
        return "datetime";
    case Timespan:
        return "timespan";
    case Minute:
        return "minute";
    case Second:
        return "second";
    case Time:
        return "time";
    default:
        return "";
    }
}

const char *attrPrefix(Attr a)
{
    switch (a) {
    case Attr::Sorted:
        return "`s#";
    case Attr::Unique:
        return "`u#";
    case Attr::Parted:
        return "`p#";
    case Attr::Grouped:
        return "`g#";
    default:
        return "";
    }
}

void civilFromDays(int64_t days, int64_t &y, unsigned &m, unsigned &d)
{
    // Howard Hinnant's days_from_civil inverse, shifted to q's epoch.
    int64_t z = days + kEpochOffsetDays + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yy + (m <= 2 ? 1 : 0);
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468 - kEpochOffsetDays;
}

void appendInt(QByteArray &out, int64_t x)
{
    char buf[24];
    char *e = buf + sizeof buf;
    char *p = e;
    uint64_t a = x < 0 ? uint64_t(0) - uint64_t(x) : uint64_t(x);
    do {
        *--p = char('0' + a % 10);
        a /= 10;
    } while (a);
    if (x < 0) *--p = '-';
    out.append(p, e - p);
}

namespace {

/// Shortest round-trip text (std::to_chars without a precision) in plain decimals where that
/// reads naturally, 1e-05 <= |x| < 1e17 (123456789.123, 0.0001), else in scientific form
/// (1e+20, 1.5e-07). libstdc++'s `general` switches to scientific from 1e+06 on, as %g does.
template<class T>
void appendShortest(QByteArray &out, T x)
{
    if (x == 0 && std::signbit(x)) {
        // "-0" reads back as the integer 0 in JSON readers and q's integer syntax.
        out.append("-0.0");
        return;
    }
    char buf[64];
    const T a = x < 0 ? -x : x;
    const bool fixed = a == 0 || (a >= T(1e-5) && a < T(1e17));
    const auto r = std::to_chars(buf, buf + sizeof buf, x,
                                 fixed ? std::chars_format::fixed : std::chars_format::scientific);
    out.append(buf, r.ptr - buf);
}

} // namespace

namespace {
thread_local int t_displayPrecision = 7;
} // namespace

int displayPrecision()
{
    return t_displayPrecision;
}

ScopedDisplayPrecision::ScopedDisplayPrecision(int digits) : m_previous(t_displayPrecision)
{
    t_displayPrecision = digits <= 0 ? kExactPrecision : std::min(digits, 17);
}

ScopedDisplayPrecision::~ScopedDisplayPrecision()
{
    t_displayPrecision = m_previous;
}

void appendFloat(QByteArray &out, double f, int precision)
{
    if (precision == kExactPrecision) {
        appendShortest(out, f);
        return;
    }
    // std::to_chars with a precision formats exactly as printf's %.*g, without its cost.
    char buf[48];
    const auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::general, precision);
    out.append(buf, r.ptr - buf);
}

void appendRealExact(QByteArray &out, float f)
{
    appendShortest(out, f);
}

void appendEscapedChar(QByteArray &out, unsigned char c)
{
    switch (c) {
    case '"':
        out.append("\\\"");
        return;
    case '\\':
        out.append("\\\\");
        return;
    case '\n':
        out.append("\\n");
        return;
    case '\r':
        out.append("\\r");
        return;
    case '\t':
        out.append("\\t");
        return;
    default:
        break;
    }
    if (c < 32 || c >= 127) {
        out.append('\\');
        out.append(char('0' + (c >> 6)));
        out.append(char('0' + ((c >> 3) & 7)));
        out.append(char('0' + (c & 7)));
        return;
    }
    out.append(char(c));
}

void appendQuoted(QByteArray &out, const char *p, int64_t n)
{
    out.append('"');
    for (int64_t i = 0; i < n; ++i)
        appendEscapedChar(out, static_cast<unsigned char>(p[i]));
    out.append('"');
}

void appendGuid(QByteArray &out, const unsigned char *g)
{
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.append('-');
        out.append(kHex[g[i] >> 4]);
        out.append(kHex[g[i] & 15]);
    }
}

void appendElement(QByteArray &out, int type, const char *p, ElementStyle style, bool exact)
{
    const Storage storage = storageOf(type);
    switch (storage) {
    case Storage::Boolean:
        out.append(load<uint8_t>(p) ? '1' : '0');
        return;
    case Storage::Guid:
        appendGuid(out, reinterpret_cast<const unsigned char *>(p));
        return;
    case Storage::Byte: {
        const uint8_t b = load<uint8_t>(p);
        out.append(kHex[b >> 4]);
        out.append(kHex[b & 15]);
        return;
    }
    case Storage::Short: {
        // q has no display for short infinity: 0Wh shows as 32767h.
        const int16_t x = load<int16_t>(p);
        if (x == qnull::h)
            out.append("0N");
        else
            appendInt(out, x);
        return;
    }
    case Storage::Char:
        if (style == ElementStyle::Cell)
            out.append(*p);
        else
            appendEscapedChar(out, static_cast<unsigned char>(*p));
        return;
    case Storage::Int32:
    case Storage::Int64: {
        const bool wide = storage == Storage::Int64;
        const int64_t x = wide ? load<int64_t>(p) : int64_t(load<int32_t>(p));
        const int64_t nul = wide ? qnull::j : int64_t(qnull::i);
        const int64_t inf = wide ? qnull::jInf : int64_t(qnull::iInf);
        if (x == nul) {
            out.append("0N");
            return;
        }
        if (x == inf || x == -inf) {
            out.append(x < 0 ? "-0W" : "0W");
            return;
        }
        switch (type) {
        case Long:
        case Int:
            appendInt(out, x);
            return;
        case Timestamp:
            appendTimestamp(out, x);
            return;
        case Timespan:
            appendTimespan(out, x);
            return;
        case Month:
            appendMonth(out, int32_t(x));
            return;
        case Date:
            appendDate(out, x);
            return;
        case Minute:
            appendSignedClock(out, x * 60, 1, 0, false);
            return;
        case Second:
            appendSignedClock(out, x, 1, 0, true);
            return;
        default:
            appendSignedClock(out, x, 1000, 3, true);
            return;
        }
    }
    case Storage::Real:
    case Storage::Float: {
        const double f = storage == Storage::Real ? double(load<float>(p)) : load<double>(p);
        if (std::isnan(f)) {
            // The float null is 0n; real and datetime nulls show as 0N (0Ne, 0Nz as atoms).
            out.append(type == Float ? "0n" : "0N");
            return;
        }
        if (std::isinf(f)) {
            out.append(f < 0 ? "-0w" : "0w");
            return;
        }
        if (type == Datetime)
            appendDatetime(out, f);
        else if (exact && storage == Storage::Real)
            appendRealExact(out, load<float>(p));
        else
            appendFloat(out, f, exact ? kExactPrecision : displayPrecision());
        return;
    }
    default:
        return;
    }
}

bool isNullElement(int type, const char *p)
{
    switch (storageOf(type)) {
    case Storage::Short:
        return load<int16_t>(p) == qnull::h;
    case Storage::Int32:
        return load<int32_t>(p) == qnull::i;
    case Storage::Int64:
        return load<int64_t>(p) == qnull::j;
    case Storage::Real:
        return std::isnan(load<float>(p));
    case Storage::Float:
        return std::isnan(load<double>(p));
    default:
        return false; // booleans and bytes have no null; char and guid nulls have text
    }
}

void appendStringElement(QByteArray &out, int type, const char *p)
{
    if (!isNullElement(type, p)) appendElement(out, type, p, ElementStyle::Cell);
}

bool elementShowsType(int type, const char *p, bool exact)
{
    switch (type) {
    case Float: {
        const double f = load<double>(p);
        if (std::isnan(f) || std::isinf(f)) return true;
        QByteArray s;
        appendFloat(s, f, exact ? kExactPrecision : displayPrecision());
        for (char c : s)
            if (c == '.' || c == 'e') return true;
        return false;
    }
    case Timestamp:
    case Timespan: {
        const int64_t x = load<int64_t>(p);
        return x != qnull::j && x != qnull::jInf && x != -qnull::jInf;
    }
    case Datetime: {
        const double f = load<double>(p);
        return !std::isnan(f) && !std::isinf(f);
    }
    case Date:
    case Minute:
    case Second:
    case Time: {
        const int32_t x = load<int32_t>(p);
        return x != qnull::i && x != qnull::iInf && x != -qnull::iInf;
    }
    case Long:
        return true;
    default:
        return false; // b x h i e m always carry their suffix
    }
}

const char *atomBytes(const Value &atom, char *buf)
{
    std::memset(buf, 0, 16);
    const auto put = [buf](auto x) { std::memcpy(buf, &x, sizeof x); };
    switch (storageOf(atom.type())) {
    case Storage::Guid:
        put(atom.guidValue());
        break;
    case Storage::Boolean:
    case Storage::Byte:
    case Storage::Char:
        put(atom.byteValue());
        break;
    case Storage::Short:
        put(atom.shortValue());
        break;
    case Storage::Int32:
        put(atom.intValue());
        break;
    case Storage::Real:
        put(atom.realValue());
        break;
    case Storage::Float:
        put(atom.floatValue());
        break;
    default:
        put(atom.longValue());
        break;
    }
    return buf;
}

} // namespace qscope::detail
