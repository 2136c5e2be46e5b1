// Numbers and temporals of q's literal syntax, and q's rules for typing a run of them.
#include "literalnumber.h"

#include "formatdetail.h"

#include <QList>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace qscope::detail {

namespace {

enum class Shape { Int, Float, Date, Timestamp, Datetime, Timespan, Clock, Null, Inf };

struct Classified
{
    Shape shape = Shape::Int;
    char suffix = 0; ///< explicit type letter, 0 if none
    bool negative = false;
    bool floatNull = false;        ///< 0n / 0w: the float family's own null and infinity
    bool untypedFloatNull = false; ///< 0n / 0w with no letter: any float-family vector's
    int64_t i = 0;                 ///< Int: the value
    double f = 0;                  ///< Int and Float: the value as a double
    bool monthOk = false;          ///< Float written yyyy.mm: also a month
    int64_t months = 0;
    int64_t days = 0;    ///< date part, or the day count of a timespan
    int64_t clockNs = 0; ///< time of day
    int clockParts = 0;  ///< 1 hh, 2 hh:mm, 3 hh:mm:ss
    int fracDigits = -1; ///< digits after the seconds' dot, -1 if no dot
};

/// Hours whose nanoseconds still fit in a long (q's timespan range is about 2.56 million h).
constexpr int64_t kMaxHours = 2562047;

/// a * b + c in int64, or false on overflow.
bool mulAdd(int64_t a, int64_t b, int64_t c, int64_t &out)
{
    int64_t m;
    return !__builtin_mul_overflow(a, b, &m) && !__builtin_add_overflow(m, c, &out);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool allDigits(const QByteArray &s)
{
    if (s.isEmpty()) return false;
    for (char c : s)
        if (!isDigit(c)) return false;
    return true;
}

int typeOfLetter(char c)
{
    switch (c) {
    case 'b':
        return Boolean;
    case 'g':
        return Guid;
    case 'x':
        return Byte;
    case 'h':
        return Short;
    case 'i':
        return Int;
    case 'j':
        return Long;
    case 'e':
        return Real;
    case 'f':
        return Float;
    case 'c':
        return Char;
    case 's':
        return Symbol;
    case 'p':
        return Timestamp;
    case 'm':
        return Month;
    case 'd':
        return Date;
    case 'z':
        return Datetime;
    case 'n':
        return Timespan;
    case 'u':
        return Minute;
    case 'v':
        return Second;
    case 't':
        return Time;
    default:
        return 0;
    }
}

bool parseInt(const QByteArray &digits, int64_t &out)
{
    if (!allDigits(digits)) return false;
    uint64_t v = 0;
    for (char c : digits) {
        if (v > (uint64_t(std::numeric_limits<int64_t>::max()) - uint64_t(c - '0')) / 10)
            return false;
        v = v * 10 + uint64_t(c - '0');
    }
    out = int64_t(v);
    return true;
}

/// dddd.dd.dd to days since 2000.01.01, checking the calendar.
bool parseDate(const QByteArray &s, int64_t &days)
{
    if (s.size() != 10 || s[4] != '.' || s[7] != '.') return false;
    int64_t y = 0, m = 0, d = 0;
    if (!parseInt(s.left(4), y) || !parseInt(s.mid(5, 2), m) || !parseInt(s.mid(8, 2), d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > 31) return false;
    int64_t cy;
    unsigned cm, cd;
    days = daysFromCivil(y, unsigned(m), unsigned(d));
    civilFromDays(days, cy, cm, cd);
    return cy == y && cm == unsigned(m) && cd == unsigned(d);
}

/// hh[:mm[:ss[.fffffffff]]] (hh any width) to ns since midnight. minParts: how many parts
/// must be present.
bool parseClock(const QByteArray &s, int minParts, Classified &c)
{
    c.clockParts = 0;
    c.clockNs = 0;
    c.fracDigits = -1;
    if (s.isEmpty()) return minParts == 0;
    QByteArray main = s;
    QByteArray frac;
    const qsizetype dot = s.indexOf('.');
    if (dot >= 0) {
        main = s.left(dot);
        frac = s.mid(dot + 1);
        if (!frac.isEmpty() && !allDigits(frac)) return false;
        if (frac.size() > 9) return false;
    }
    const QList<QByteArray> parts = main.split(':');
    if (parts.size() > 3 || parts.size() < minParts) return false;
    int64_t units[3] = {0, 0, 0};
    for (qsizetype k = 0; k < parts.size(); ++k) {
        if (!parseInt(parts[k], units[k])) return false;
        if (k > 0 && (parts[k].size() != 2 || units[k] > 59)) return false;
        if (k == 0 && units[k] > kMaxHours) return false;
    }
    if (dot >= 0 && parts.size() != 3) return false;
    c.clockParts = int(parts.size());
    int64_t ns = ((units[0] * 60 + units[1]) * 60 + units[2]) * 1000000000LL;
    if (dot >= 0) {
        c.fracDigits = int(frac.size());
        int64_t f = 0;
        if (!frac.isEmpty()) parseInt(frac, f);
        for (qsizetype k = frac.size(); k < 9; ++k)
            f *= 10;
        ns += f;
    }
    c.clockNs = ns;
    return true;
}

bool parseFloatText(const QByteArray &s, double &out)
{
    // [digits][.digits][e[+-]digits], at least one mantissa digit.
    qsizetype k = 0;
    int mantissaDigits = 0;
    while (k < s.size() && isDigit(s[k]))
        ++k, ++mantissaDigits;
    if (k < s.size() && s[k] == '.') {
        ++k;
        while (k < s.size() && isDigit(s[k]))
            ++k, ++mantissaDigits;
    }
    if (mantissaDigits == 0) return false;
    if (k < s.size() && s[k] == 'e') {
        ++k;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        const qsizetype expStart = k;
        while (k < s.size() && isDigit(s[k]))
            ++k;
        if (k == expStart) return false;
    }
    if (k != s.size()) return false;
    out = std::strtod(s.constData(), nullptr);
    return true;
}

std::optional<Classified> classify(const QByteArray &text, QString *error)
{
    Classified c;
    QByteArray body = text;
    if (body.startsWith('-')) {
        c.negative = true;
        body.remove(0, 1);
    }
    const auto bad = [&]() -> std::optional<Classified> {
        *error = QStringLiteral("invalid number or temporal '%1'").arg(QString::fromUtf8(text));
        return std::nullopt;
    };
    if (body.isEmpty()) return bad();
    // Nulls and infinities: 0N 0Nh .. 0n 0w 0W 0Wi 0we 0wz.
    if (body.size() >= 2 && body[0] == '0' &&
        (body[1] == 'N' || body[1] == 'W' || body[1] == 'n' || body[1] == 'w')) {
        const QByteArray rest = body.mid(2);
        const char kind = body[1];
        if (rest.size() > 1) return bad();
        c.shape = (kind == 'N' || kind == 'n') ? Shape::Null : Shape::Inf;
        if (kind == 'n' || kind == 'w') {
            c.floatNull = true;
            if (rest.isEmpty()) {
                c.suffix = 'f';
                c.untypedFloatNull = true;
            } else if (rest == "e" || rest == "z" || rest == "f")
                c.suffix = rest[0];
            else
                return bad();
        } else if (!rest.isEmpty()) {
            const char s = rest[0];
            const int t = typeOfLetter(s);
            const bool okNull =
                kind == 'N' && t != 0 && t != Boolean && t != Byte && t != Char && t != Symbol;
            const bool okInf = kind == 'W' && t != 0 && t != Boolean && t != Byte && t != Char &&
                               t != Symbol && t != Guid;
            if (!okNull && !okInf) return bad();
            c.suffix = s;
        }
        if (c.negative && c.shape == Shape::Null) return bad();
        return c;
    }
    // Bytes and booleans have their own tokens; anything else here is a number or temporal.
    const char last = body.back();
    if (body.size() > 1 && std::strchr("hijefpmdznuvt", last)) {
        c.suffix = last;
        body.chop(1);
    }
    if (const qsizetype d = body.indexOf('D'); d >= 0) {
        const QByteArray left = body.left(d);
        const QByteArray right = body.mid(d + 1);
        if (allDigits(left)) {
            c.shape = Shape::Timespan;
            if (!parseInt(left, c.days) || !parseClock(right, 0, c)) return bad();
            return c;
        }
        c.shape = Shape::Timestamp;
        if (c.negative || !parseDate(left, c.days) || !parseClock(right, 0, c)) return bad();
        return c;
    }
    if (const qsizetype t = body.indexOf('T'); t >= 0) {
        c.shape = Shape::Datetime;
        if (c.negative || !parseDate(body.left(t), c.days) || !parseClock(body.mid(t + 1), 0, c))
            return bad();
        return c;
    }
    if (body.contains(':')) {
        c.shape = Shape::Clock;
        if (!parseClock(body, 2, c)) return bad();
        return c;
    }
    if (body.size() == 10 && body[4] == '.' && body[7] == '.') {
        c.shape = Shape::Date;
        if (c.negative || !parseDate(body, c.days)) return bad();
        return c;
    }
    if (allDigits(body)) {
        c.shape = Shape::Int;
        if (!parseInt(body, c.i)) {
            *error = QStringLiteral("number out of range '%1'").arg(QString::fromUtf8(text));
            return std::nullopt;
        }
        c.f = double(c.i);
        if (c.negative) {
            c.i = -c.i;
            c.f = -c.f;
        }
        return c;
    }
    c.shape = Shape::Float;
    if (!parseFloatText(body, c.f)) return bad();
    if (c.negative) c.f = -c.f;
    if (body.size() == 7 && body[4] == '.' && allDigits(body.left(4)) && allDigits(body.mid(5))) {
        int64_t y = 0, m = 0;
        parseInt(body.left(4), y);
        parseInt(body.mid(5), m);
        if (m >= 1 && m <= 12 && !c.negative) {
            c.monthOk = true;
            c.months = (y - 2000) * 12 + (m - 1);
        }
    }
    return c;
}

/// The type a token implies without context: 0 for a plain integer, 0N or 0W.
int impliedType(const Classified &c)
{
    if (c.suffix) return typeOfLetter(c.suffix);
    switch (c.shape) {
    case Shape::Int:
    case Shape::Null:
    case Shape::Inf:
        return 0;
    case Shape::Float:
        return Float;
    case Shape::Date:
        return Date;
    case Shape::Timestamp:
        return Timestamp;
    case Shape::Datetime:
        return Datetime;
    case Shape::Timespan:
        return Timespan;
    case Shape::Clock:
        if (c.fracDigits > 3) return Timespan;
        if (c.fracDigits >= 0) return Time;
        return c.clockParts == 2 ? Minute : Second;
    }
    return 0;
}

/// Raw element of type t for a classified token: integer payload or double.
bool toRaw(const Classified &c, int t, int64_t &raw, double &fl, QString *error)
{
    const auto typeError = [&]() {
        *error = QStringLiteral("type");
        return false;
    };
    const bool floatFamily = t == Real || t == Float || t == Datetime;
    if (c.shape == Shape::Null || c.shape == Shape::Inf) {
        if (c.floatNull && !floatFamily) return typeError();
        if (c.suffix == 'g' && t != Guid) return typeError();
        if (c.shape == Shape::Null) {
            std::memcpy(&fl, &qnull::fBits, sizeof fl); // q's null is the negative NaN
            raw = t == Short ? qnull::h : (elementSize(t) == 8 ? qnull::j : qnull::i);
        } else {
            fl = c.negative ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
            const int64_t inf =
                t == Short ? qnull::hInf : (elementSize(t) == 8 ? qnull::jInf : qnull::iInf);
            raw = c.negative ? -inf : inf;
        }
        return true;
    }
    const int64_t ns = 1000000000LL;
    const int64_t sign = c.negative ? -1 : 1;
    switch (t) {
    case Short:
    case Int:
    case Long: {
        if (c.shape != Shape::Int) return typeError();
        raw = c.i;
        const int64_t lim = t == Short ? 32767 : (t == Int ? 2147483647LL : qnull::jInf);
        if (raw > lim || raw < -lim) {
            *error = QStringLiteral("number out of range for %1").arg(QLatin1String(typeName(t)));
            return false;
        }
        fl = double(raw);
        return true;
    }
    case Real:
    case Float:
        if (c.shape != Shape::Int && c.shape != Shape::Float) return typeError();
        fl = c.f;
        return true;
    case Month:
        if (c.shape == Shape::Float && c.monthOk) {
            raw = c.months;
            return true;
        }
        if (c.shape == Shape::Date) {
            int64_t y;
            unsigned m, d;
            civilFromDays(c.days, y, m, d);
            raw = (y - 2000) * 12 + (m - 1);
            return true;
        }
        return typeError();
    case Date:
        if (c.shape != Shape::Date) return typeError();
        raw = c.days;
        return true;
    case Timestamp:
        if (c.shape == Shape::Timestamp || c.shape == Shape::Date) {
            // Beyond the timestamp range (1707..2292) q gives the infinities, as its casts do.
            if (c.days > 106750 || c.days < -106750) {
                raw = c.days > 0 ? qnull::jInf : -qnull::jInf;
                return true;
            }
            if (!mulAdd(c.days, kNanosPerDay, c.clockNs, raw)) {
                *error = QStringLiteral("timestamp out of range");
                return false;
            }
            return true;
        }
        if (c.shape == Shape::Int && c.suffix == 'p') {
            if (c.i > kMaxHours || c.i < -kMaxHours) {
                *error = QStringLiteral("timestamp out of range");
                return false;
            }
            raw = c.i * 3600 * ns; // `2p` is 2 hours past 2000.01.01
            return true;
        }
        return typeError();
    case Datetime:
        if (c.shape == Shape::Datetime || c.shape == Shape::Date) {
            fl = double(c.days) + double(c.clockNs / 1000000) / 86400000.0;
            return true;
        }
        return typeError();
    case Timespan:
        if (c.shape == Shape::Timespan) {
            if (c.days > 106750) {
                *error = QStringLiteral("timespan out of range");
                return false;
            }
            if (!mulAdd(c.days, kNanosPerDay, c.clockNs, raw)) {
                *error = QStringLiteral("timespan out of range");
                return false;
            }
            raw *= sign;
            return true;
        }
        if (c.shape == Shape::Clock) {
            raw = sign * c.clockNs;
            return true;
        }
        if (c.shape == Shape::Int && c.suffix == 'n') {
            if (c.i > kMaxHours || c.i < -kMaxHours) {
                *error = QStringLiteral("timespan out of range");
                return false;
            }
            raw = c.i * 3600 * ns;
            return true;
        }
        return typeError();
    case Minute:
    case Second:
    case Time: {
        const int64_t unit = t == Minute ? 60 * ns : (t == Second ? ns : 1000000);
        if (c.shape == Shape::Clock) {
            if (c.clockNs % unit != 0 && t != Time) return typeError();
            raw = sign * (c.clockNs / unit);
            if (raw > qnull::iInf || raw < -qnull::iInf) {
                *error = QStringLiteral("%1 out of range").arg(QLatin1String(typeName(t)));
                return false;
            }
            return true;
        }
        if (c.shape == Shape::Int && c.suffix == typeChar(t)) {
            if (c.i > kMaxHours || c.i < -kMaxHours) {
                *error = QStringLiteral("%1 out of range").arg(QLatin1String(typeName(t)));
                return false;
            }
            raw = c.i * 3600 * ns / unit;
            if (raw > qnull::iInf || raw < -qnull::iInf) {
                *error = QStringLiteral("%1 out of range").arg(QLatin1String(typeName(t)));
                return false;
            }
            return true;
        }
        return typeError();
    }
    default:
        return typeError();
    }
}

Value atomOf(int t, int64_t raw, double fl)
{
    if (t == Real) return Value::real(float(fl));
    if (t == Float || t == Datetime) return Value::temporalFloat(-t, fl);
    if (t == Guid) return Value::nullOf(-Guid);
    return Value::atom(-t, raw);
}

} // namespace

int scanNumberToken(const QByteArray &text, int pos)
{
    const int n = int(text.size());
    int k = pos;
    if (k < n && text[k] == '-') ++k;
    if (k >= n) return 0;
    if (!(isDigit(text[k]) || (text[k] == '.' && k + 1 < n && isDigit(text[k + 1])))) return 0;
    while (k < n) {
        const char c = text[k];
        if (isDigit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z')) {
            ++k;
            continue;
        }
        // An exponent's sign: 1e-5, 2.5e+3.
        if ((c == '-' || c == '+') && k > pos && text[k - 1] == 'e' && k + 1 < n &&
            isDigit(text[k + 1])) {
            ++k;
            continue;
        }
        break;
    }
    return k - pos;
}

std::optional<Value> numbersToValue(const std::vector<NumberToken> &tokens, QString *error,
                                    int *errorPos)
{
    std::vector<Classified> cs;
    cs.reserve(tokens.size());
    for (const NumberToken &t : tokens) {
        auto c = classify(t.text, error);
        if (!c) {
            *errorPos = t.position;
            return std::nullopt;
        }
        cs.push_back(*c);
    }
    // q's rule: a suffix on the last item types the whole vector; otherwise the items' own
    // shapes decide, plain integers and untyped nulls following them (long if nothing else).
    int type = 0;
    if (cs.back().suffix && !(cs.back().untypedFloatNull && cs.size() > 1)) {
        type = typeOfLetter(cs.back().suffix);
    } else {
        // A bare 0n or 0w joins any vector of the float family: q writes a real vector with
        // an infinity as `0w 1.5e` and a datetime vector as `0w 2001.01.01T00:00:00.000`.
        size_t untyped = cs.size();
        for (size_t k = 0; k < cs.size(); ++k) {
            if (cs[k].untypedFloatNull) {
                untyped = std::min(untyped, k);
                continue;
            }
            const int t = impliedType(cs[k]);
            if (t == 0 || t == type) continue;
            if (type == 0) {
                type = t;
                continue;
            }
            *error = QStringLiteral("mixed types in a vector");
            *errorPos = tokens[k].position;
            return std::nullopt;
        }
        if (untyped < cs.size()) {
            if (type == 0) type = Float;
            if (type != Float && type != Real && type != Datetime) {
                *error = QStringLiteral("mixed types in a vector");
                *errorPos = tokens[untyped].position;
                return std::nullopt;
            }
        }
        if (type == 0) type = Long;
    }
    if (type == Guid && cs.size() == 1) return Value::nullOf(-Guid);
    for (size_t k = 0; k + 1 < cs.size(); ++k) {
        if (cs[k].untypedFloatNull && (type == Float || type == Real || type == Datetime)) continue;
        const int t = cs[k].suffix ? typeOfLetter(cs[k].suffix) : 0;
        if (t != 0 && t != type) {
            *error = QStringLiteral("mixed types in a vector");
            *errorPos = tokens[k].position;
            return std::nullopt;
        }
    }
    if (type == Boolean || type == Byte || type == Char || type == Symbol || type == Guid) {
        *error = QStringLiteral("type");
        *errorPos = tokens.front().position;
        return std::nullopt;
    }
    std::vector<int64_t> raws(cs.size());
    std::vector<double> fls(cs.size());
    for (size_t k = 0; k < cs.size(); ++k) {
        if (!toRaw(cs[k], type, raws[k], fls[k], error)) {
            *errorPos = tokens[k].position;
            return std::nullopt;
        }
    }
    if (cs.size() == 1) return atomOf(type, raws[0], fls[0]);
    const int64_t n = int64_t(cs.size());
    Value v = Value::uninitialised(type, n);
    char *out = v.mutableData<char>();
    const int w = elementSize(type);
    for (int64_t k = 0; k < n; ++k) {
        char *p = out + k * w;
        if (type == Real) {
            const float f = float(fls[size_t(k)]);
            std::memcpy(p, &f, 4);
        } else if (type == Float || type == Datetime) {
            std::memcpy(p, &fls[size_t(k)], 8);
        } else if (w == 2) {
            const int16_t x = int16_t(raws[size_t(k)]);
            std::memcpy(p, &x, 2);
        } else if (w == 4) {
            const int32_t x = int32_t(raws[size_t(k)]);
            std::memcpy(p, &x, 4);
        } else {
            std::memcpy(p, &raws[size_t(k)], 8);
        }
    }
    return v;
}

bool isByteOrBooleanToken(const QByteArray &tok)
{
    if (tok.startsWith("0x")) return true;
    if (tok.size() < 2 || !tok.endsWith('b')) return false;
    for (qsizetype k = 0; k + 1 < tok.size(); ++k)
        if (tok[k] != '0' && tok[k] != '1') return false;
    return true;
}

std::optional<Value> byteOrBooleanValue(const QByteArray &tok)
{
    if (!tok.startsWith("0x")) {
        const qsizetype n = tok.size() - 1;
        if (n == 1) return Value::boolean(tok[0] == '1');
        Value v = Value::uninitialised(Boolean, n);
        for (qsizetype k = 0; k < n; ++k)
            v.mutableData<char>()[k] = tok[k] == '1' ? 1 : 0;
        return v;
    }
    QByteArray digits = tok.mid(2);
    for (char h : digits)
        if (!std::isxdigit(static_cast<unsigned char>(h))) return std::nullopt;
    if (digits.size() % 2) digits.prepend('0');
    const QByteArray bytes = QByteArray::fromHex(digits);
    if (bytes.size() == 1 && tok.size() > 2) return Value::byte(uint8_t(bytes[0]));
    Value v = Value::uninitialised(Byte, bytes.size());
    if (!bytes.isEmpty())
        std::memcpy(v.mutableData<char>(), bytes.constData(), size_t(bytes.size()));
    return v;
}

std::optional<Value> numberAs(const QByteArray &text, int atomType)
{
    QString error;
    auto c = classify(text, &error);
    if (!c) return std::nullopt;
    int64_t raw = 0;
    double fl = 0;
    if (!toRaw(*c, -atomType, raw, fl, &error)) return std::nullopt;
    return atomOf(-atomType, raw, fl);
}

} // namespace qscope::detail
