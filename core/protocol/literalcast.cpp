// Casts ($) of literal values and q's tok, plus building vectors from atoms.
#include "literalcast.h"

#include "formatdetail.h"
#include "literalnumber.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>

namespace qscope::detail {

namespace {

int typeFromName(const QByteArray &name)
{
    for (int t = 1; t <= Time; ++t)
        if (t != 3 && name == typeName(t)) return t;
    return 0;
}

int typeFromLetter(char c)
{
    for (int t = 1; t <= Time; ++t)
        if (t != 3 && typeChar(t) == c) return t;
    return 0;
}

bool isIntLike(int t)
{
    return t == Boolean || t == Byte || t == Short || t == Int || t == Long || t == Char;
}

bool isPoint(int t)
{
    return t == Timestamp || t == Month || t == Date || t == Datetime;
}
bool isDuration(int t)
{
    return t == Timespan || t == Minute || t == Second || t == Time;
}

int64_t unitNs(int t)
{
    switch (t) {
    case Minute:
        return 60000000000LL;
    case Second:
        return 1000000000LL;
    case Time:
        return 1000000LL;
    default:
        return 1;
    }
}

int64_t floorDiv(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Integer payload of an atom, with its null/infinity state.
struct Num
{
    bool isFloat = false;
    double f = 0;
    int64_t i = 0;
    bool null = false;
    int inf = 0; // +1 / -1
};

Num numOf(const Value &a)
{
    Num n;
    const int t = -a.type();
    n.null = a.isNull() && t != Char && t != Symbol && t != Guid;
    if (t == Real || t == Float || t == Datetime) {
        n.isFloat = true;
        n.f = t == Real ? double(a.realValue()) : a.floatValue();
        if (std::isinf(n.f)) n.inf = n.f < 0 ? -1 : 1;
        return n;
    }
    n.i = a.rawInt();
    if (t == Short && (n.i == qnull::hInf || n.i == -qnull::hInf))
        n.inf = n.i < 0 ? -1 : 1;
    else if (storageOf(t) == Storage::Int32 && (n.i == qnull::iInf || n.i == -qnull::iInf))
        n.inf = n.i < 0 ? -1 : 1;
    else if (storageOf(t) == Storage::Int64 && (n.i == qnull::jInf || n.i == -qnull::jInf))
        n.inf = n.i < 0 ? -1 : 1;
    n.f = double(n.i);
    return n;
}

Value intAtomOf(int t, int64_t x)
{
    switch (storageOf(t)) {
    case Storage::Boolean:
        return Value::boolean(x != 0);
    case Storage::Byte:
        return Value::byte(uint8_t(x));
    case Storage::Char:
        return Value::charAtom(char(x));
    case Storage::Short:
        return Value::shortAtom(int16_t(x));
    case Storage::Int32:
        return Value::atom(-t, int32_t(x));
    default:
        return Value::atom(-t, x);
    }
}

Value infOf(int t, int sign)
{
    if (t == Real) return Value::real(sign * std::numeric_limits<float>::infinity());
    if (t == Float || t == Datetime)
        return Value::temporalFloat(-t, sign * std::numeric_limits<double>::infinity());
    const int64_t inf =
        t == Short ? qnull::hInf : (storageOf(t) == Storage::Int64 ? qnull::jInf : qnull::iInf);
    return intAtomOf(t, sign * inf);
}

/// A point in time as ns since 2000.01.01, or a duration in ns.
int64_t toNs(int s, const Num &n)
{
    switch (s) {
    case Timestamp:
    case Timespan:
        return n.i;
    case Date:
        return n.i * kNanosPerDay;
    case Month: {
        const int64_t y = 2000 + floorDiv(n.i, 12);
        const unsigned m = unsigned(n.i - floorDiv(n.i, 12) * 12 + 1);
        return daysFromCivil(y, m, 1) * kNanosPerDay;
    }
    case Datetime:
        return int64_t(std::llround(n.f * 86400000.0)) * 1000000;
    default:
        return n.i * unitNs(s);
    }
}

std::optional<Value> fromNs(int t, int s, int64_t ns)
{
    switch (t) {
    case Timestamp:
    case Timespan:
        return Value::atom(-t, ns);
    case Date:
        return Value::atom(-Date, floorDiv(ns, kNanosPerDay));
    case Month: {
        int64_t y;
        unsigned m, d;
        civilFromDays(floorDiv(ns, kNanosPerDay), y, m, d);
        return Value::atom(-Month, (y - 2000) * 12 + (m - 1));
    }
    case Datetime:
        return Value::temporalFloat(-Datetime, double(floorDiv(ns, 1000000)) / 86400000.0);
    default: {
        // minute/second/time from a point in time take its time of day.
        if (isPoint(s)) ns -= floorDiv(ns, kNanosPerDay) * kNanosPerDay;
        return Value::atom(-t, int32_t(floorDiv(ns, unitNs(t))));
    }
    }
}

std::optional<Value> castAtom(int t, const Value &a, QString *error)
{
    const int s = -a.type();
    if (s == t) return a;
    const auto typeError = [&]() -> std::optional<Value> {
        *error = QStringLiteral("type");
        return std::nullopt;
    };
    if (t == Guid || s == Guid || s == Symbol || t == Symbol) return typeError();
    const Num n = numOf(a);
    if (n.null) return Value::nullOf(-t);
    if (t == Boolean) return Value::boolean(n.isFloat ? n.f != 0 : n.i != 0);
    if (n.inf && t != Boolean && t != Byte && t != Char) return infOf(t, n.inf);
    if (t == Real || t == Float) {
        const double f = n.isFloat ? n.f : double(n.i);
        return t == Real ? Value::real(float(f)) : Value::floatAtom(f);
    }
    if (isIntLike(t)) {
        if (n.isFloat) return intAtomOf(t, std::llround(n.f));
        return intAtomOf(t, n.i);
    }
    // Temporal targets.
    if (isIntLike(s) || s == Real || s == Float) {
        if (t == Datetime) return Value::temporalFloat(-Datetime, n.isFloat ? n.f : double(n.i));
        return intAtomOf(t, n.isFloat ? std::llround(n.f) : n.i);
    }
    if ((isPoint(s) || isDuration(s)) && (isPoint(t) || isDuration(t))) {
        if (isPoint(t) && isDuration(s) && s != Timespan) return typeError();
        // Dates and datetimes beyond the nanosecond range (1707..2292) become q's infinities
        // as timestamps and keep their calendar meaning otherwise.
        const double days = s == Date       ? double(n.i)
                            : s == Month    ? double(n.i) * 30.5
                            : s == Datetime ? n.f
                                            : 0.0;
        if (days > 106750 || days < -106750) {
            if (t == Timestamp || t == Timespan) return infOf(t, days > 0 ? 1 : -1);
            if (t == Date && s == Datetime) return Value::atom(-Date, int64_t(std::floor(n.f)));
            if (t == Datetime && s == Date) return Value::temporalFloat(-Datetime, double(n.i));
            if (t == Month && s == Date) {
                int64_t y;
                unsigned m, d;
                civilFromDays(n.i, y, m, d);
                return Value::atom(-Month, (y - 2000) * 12 + (m - 1));
            }
            return typeError();
        }
        return fromNs(t, s, toNs(s, n));
    }
    return typeError();
}

std::optional<Value> parseGuid(const QByteArray &text)
{
    QByteArray hex = text;
    if (hex.size() == 36) {
        if (hex[8] != '-' || hex[13] != '-' || hex[18] != '-' || hex[23] != '-')
            return std::nullopt;
        hex.remove(23, 1).remove(18, 1).remove(13, 1).remove(8, 1);
    }
    if (hex.size() != 32) return std::nullopt;
    for (char c : hex)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    const QByteArray bytes = QByteArray::fromHex(hex);
    std::array<uint8_t, 16> g{};
    std::memcpy(g.data(), bytes.constData(), 16);
    return Value::guid(g);
}

/// tok of one string: q gives the type's null for text it cannot read.
Value tokAtom(int t, const QByteArray &text)
{
    const QByteArray s = text.trimmed();
    switch (t) {
    case Symbol:
        return Value::symbol(text);
    case Char:
        return Value::charAtom(text.isEmpty() ? ' ' : text[0]);
    case Guid:
        return parseGuid(s).value_or(Value::nullOf(-Guid));
    case Boolean:
        return Value::boolean(!s.isEmpty() && std::strchr("1tTyY", s[0]) != nullptr);
    case Byte: {
        bool ok = false;
        const uint v = (s.startsWith("0x") ? s.mid(2) : s).toUInt(&ok, 16);
        return Value::byte(ok ? uint8_t(v) : 0);
    }
    default: {
        if (auto v = numberAs(s, -t)) return *v;
        // tok reads a plain number into a float or temporal type too: "F"$"1" is 1f.
        if (auto j = numberAs(s, -Long)) {
            QString ignored;
            if (auto c = castAtom(t, *j, &ignored)) return *c;
        }
        return Value::nullOf(-t);
    }
    }
}

} // namespace

std::optional<int> castTarget(const Value &left, bool *tok)
{
    *tok = false;
    if (left.type() == -Symbol) {
        const QByteArray &name = left.symbolValue();
        if (name.isEmpty()) {
            *tok = true;
            return Symbol;
        }
        if (const int t = typeFromName(name)) return t;
        return std::nullopt;
    }
    if (left.type() == -Char) {
        const char c = left.charValue();
        if (c >= 'A' && c <= 'Z') {
            *tok = true;
            if (const int t = typeFromLetter(char(c - 'A' + 'a'))) return t;
            return std::nullopt;
        }
        if (const int t = typeFromLetter(c)) return t;
        return std::nullopt;
    }
    if (left.type() == -Short || left.type() == -Int || left.type() == -Long) {
        const int64_t x = left.rawInt();
        const int64_t a = x < 0 ? -x : x;
        if (a >= 1 && a <= Time && a != 3) return int(a);
    }
    return std::nullopt;
}

std::optional<Value> castValue(int target, bool tok, const Value &x, QString *error)
{
    if (tok) {
        if (x.type() == Char) return tokAtom(target, QByteArray(x.rawData(), int(x.count())));
        if (x.type() == -Char) return tokAtom(target, QByteArray(1, x.charValue()));
        if (x.isList()) {
            std::vector<Value> out;
            out.reserve(x.items().size());
            for (const Value &item : x.items()) {
                auto v = castValue(target, true, item, error);
                if (!v) return std::nullopt;
                out.push_back(std::move(*v));
            }
            if (out.empty()) return castValue(target, false, x, error);
            return collapse(std::move(out));
        }
        if (target == Symbol && x.type() == -Symbol) return x;
        *error = QStringLiteral("type");
        return std::nullopt;
    }
    if (x.isList() && x.count() == 0) {
        if (target == Symbol) return Value::symbols(std::vector<QByteArray>{});
        return Value::uninitialised(target, 0);
    }
    if (target == Symbol && x.type() == Char)
        return Value::symbol(QByteArray(x.rawData(), int(x.count())));
    if (x.isAtom()) return castAtom(target, x, error);
    if (x.isVector() || x.isList()) {
        const int64_t n = x.count();
        if (x.type() == target) return x;
        std::vector<Value> out;
        out.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i) {
            auto v = castValue(target, false, x.element(i), error);
            if (!v) return std::nullopt;
            out.push_back(std::move(*v));
        }
        if (n == 0)
            return target == Symbol ? Value::symbols(std::vector<QByteArray>{})
                                    : Value::uninitialised(target, 0);
        Value v = collapse(std::move(out));
        return v;
    }
    if (x.isDict())
        if (auto vals = castValue(target, false, x.values(), error))
            return Value::dict(x.keys(), *vals, x.type() == SortedDict);
    *error = QStringLiteral("type");
    return std::nullopt;
}

std::optional<Value> parseAtomText(int type, const QByteArray &text)
{
    return tokAtom(type, text);
}

Value collapse(std::vector<Value> items)
{
    if (items.empty()) return Value::list({});
    // q makes a list of dictionaries with the same symbol keys a table (one row per dict).
    if (items.size() > 1 && items.front().type() == Dict && items.front().keys().type() == Symbol &&
        !items.front().isKeyedTable()) {
        const Value &keys = items.front().keys();
        bool conform = true;
        for (const Value &d : items)
            if (d.type() != Dict || !(d.keys() == keys) || d.values().count() != keys.count()) {
                conform = false;
                break;
            }
        if (conform) {
            std::vector<Value> cols;
            for (int64_t c = 0; c < keys.count(); ++c) {
                std::vector<Value> col;
                col.reserve(items.size());
                for (const Value &d : items)
                    col.push_back(d.values().element(c));
                cols.push_back(collapse(std::move(col)));
            }
            return Value::table(keys, Value::list(std::move(cols)));
        }
    }
    const int t = items.front().type();
    bool same = isAtomType(t);
    for (const Value &v : items)
        if (v.type() != t) {
            same = false;
            break;
        }
    if (!same) return Value::list(std::move(items));
    const int64_t n = int64_t(items.size());
    if (t == -Symbol) {
        std::vector<QByteArray> syms;
        syms.reserve(items.size());
        for (const Value &v : items)
            syms.push_back(v.symbolValue());
        return Value::symbols(syms);
    }
    Value out = Value::uninitialised(-t, n);
    char *p = out.mutableData<char>();
    const int w = elementSize(-t);
    char buf[16];
    for (int64_t i = 0; i < n; ++i)
        std::memcpy(p + i * w, atomBytes(items[size_t(i)], buf), size_t(w));
    return out;
}

} // namespace qscope::detail
