// Casts and parses: the $ verb (`int$x, "j"$x, "I"$"12", `$"abc", 5$"ab"
// padding), type, attr, and temporal field access (d.year, p.date, t.minute,
// d.week ...) used by qSQL (code.kx.com/q/ref/cast, /tok, /pad, /type).
#include "qlang/cast.h"
#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include "protocol/formatdetail.h"
#include "protocol/literalnumber.h"

#include <QHash>

#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

namespace qscope::qlang::detail {

using qscope::detail::civilFromDays;
using qscope::detail::daysFromCivil;

namespace {

bool allDigits(const QByteArray &s)
{
    if (s.isEmpty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

/// One token of q's number syntax, read by the protocol's literal scanner (the one reader of
/// numbers in qscope): 12, 1.5e, 0Nd, 2024.01.02D10:00, 0x2a, 101b.
std::optional<Value> numberToken(const QByteArray &text)
{
    if (qscope::detail::isByteOrBooleanToken(text)) return qscope::detail::byteOrBooleanValue(text);
    QString error;
    int at = 0;
    return qscope::detail::numbersToValue({{text, 0}}, &error, &at);
}

int typeFromChar(char c)
{
    static const char *codes = " bg xhijefcspmdznuvt";
    for (int i = 1; i < 20; ++i)
        if (codes[i] == c && c != ' ') return i;
    if (c == '*') return 0;
    return -1;
}

int typeFromName(const QByteArray &n)
{
    static const QHash<QByteArray, int> names = {
        {"boolean", Boolean}, {"guid", Guid},         {"byte", Byte},           {"short", Short},
        {"int", Int},         {"long", Long},         {"real", Real},           {"float", Float},
        {"char", Char},       {"symbol", Symbol},     {"timestamp", Timestamp}, {"month", Month},
        {"date", Date},       {"datetime", Datetime}, {"timespan", Timespan},   {"minute", Minute},
        {"second", Second},   {"time", Time}};
    auto it = names.constFind(n);
    if (it != names.cend()) return *it;
    if (n.size() == 1) return typeFromChar(n[0]);
    return -1;
}

QByteArray textOf(const Value &s)
{
    if (s.type() == Char) return QByteArray(s.rawData(), int(s.count()));
    if (s.type() == -Char) return QByteArray(1, s.charValue());
    qthrow("type");
}

// cast one atom or vector to base type bt
Value castValue(int bt, const Value &v)
{
    if (v.isList() && v.count() == 0) // `int$() is the typed empty list
        return bt == Symbol ? Value::symbols({}) : makeVec(bt, 0);
    if (v.isList() || v.isDict() || v.isTable())
        return pervasive1(v, [bt](const Value &x) { return castValue(bt, x); });
    const int from = baseType(v.type());
    if (from == bt) return v;
    if (bt == Symbol) {
        if (from == Char) {
            if (v.isAtom()) return Value::symbol(QByteArray(1, v.charValue()));
            return Value::symbol(QByteArray(v.rawData(), int(v.count())));
        }
        if (from == Symbol) return v;
        qthrow("type");
    }
    if (from == Symbol || from == Guid || bt == Guid) qthrow("type");
    if (!v.isAtom()) {
        const int64_t n = v.count();
        Value out = makeVec(bt, n);
        const bool numericPair = isNumericBase(from) && isNumericBase(bt);
        if (numericPair && isFloatBase(bt)) {
            for (int64_t i = 0; i < n; ++i)
                setF(out, i, readF(v, i));
            return out;
        }
        if (numericPair && !isFloatBase(from) && bt != Boolean) {
            for (int64_t i = 0; i < n; ++i)
                setI(out, i, readI(v, i));
            return out;
        }
        std::vector<Value> items;
        items.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i)
            items.push_back(castAtom(bt, v.element(i)));
        if (!n) return out;
        return collapse(std::move(items));
    }
    return castAtom(bt, v);
}

Value parseValue(int bt, const Value &s)
{
    if (s.type() == Char || s.type() == -Char) return parseAs(bt, textOf(s));
    if (s.isList() || s.isDict())
        return pervasive1(s, [bt](const Value &x) {
            if (x.type() == Char || x.type() == -Char) return parseAs(bt, textOf(x));
            qthrow("type");
        });
    if (s.isList()) {
        std::vector<Value> out;
        for (const Value &i : s.items())
            out.push_back(parseValue(bt, i));
        return collapse(std::move(out));
    }
    qthrow("type");
}

Value symbolsFromStrings(const Value &y)
{
    if (y.type() == Char || y.type() == -Char) return Value::symbol(textOf(y));
    if (y.type() == Symbol || y.type() == -Symbol) return y;
    if (y.isList()) {
        std::vector<QByteArray> out;
        bool allStrings = true;
        for (const Value &i : y.items())
            allStrings = allStrings && (i.type() == Char || i.type() == -Char);
        if (allStrings) {
            for (const Value &i : y.items())
                out.push_back(textOf(i));
            return Value::symbols(out);
        }
        std::vector<Value> items;
        for (const Value &i : y.items())
            items.push_back(symbolsFromStrings(i));
        return collapse(std::move(items));
    }
    if (y.isDict()) return Value::dict(y.keys(), symbolsFromStrings(y.values()));
    qthrow("type");
}

Value pad(int64_t n, const Value &y)
{
    const QByteArray s = textOf(y);
    const int64_t w = std::abs(n);
    QByteArray out;
    if (n >= 0)
        out = QByteArray(s + QByteArray(std::max<int64_t>(0, w - s.size()), ' ')).left(w);
    else
        out = QByteArray(QByteArray(std::max<int64_t>(0, w - s.size()), ' ') + s).right(w);
    return Value::string(out);
}

} // namespace

Value castTo(InterpreterState &s, const Value &x, const Value &y)
{
    int bt = -1;
    bool parse = false;
    if (x.type() == -Symbol) {
        const QByteArray &n = x.symbolValue();
        if (n.isEmpty()) return symbolsFromStrings(y);
        bt = typeFromName(n);
        if (bt < 0) {
            // enumeration against a list or keyed table: q gives an enum type;
            // symbols stand in
            auto target = s.lookup(n);
            if (!target) qthrow(n);
            Value domain = *target;
            if (domain.isKeyedTable()) domain = domain.keys().columns().item(0);
            if (domain.type() != Symbol) qthrow("type");
            const Value ys = y.type() == -Symbol ? enlistAtom(y) : y;
            if (ys.type() != Symbol) qthrow("type");
            for (int64_t i = 0; i < ys.count(); ++i) {
                bool found = false;
                for (int64_t k = 0; k < domain.count() && !found; ++k)
                    found = domain.symAt(k) == ys.symAt(i);
                if (!found) qthrow("cast");
            }
            return y;
        }
    } else if (x.type() == -Char) {
        const char c = x.charValue();
        if (std::isupper(uchar(c))) {
            parse = true;
            bt = typeFromChar(char(std::tolower(uchar(c))));
        } else {
            bt = typeFromChar(c);
        }
        if (c == 'S') return symbolsFromStrings(y);
    } else if (x.isAtom() && isIntegral(-x.type())) {
        const int64_t k = readI(x, 0);
        if (y.type() == Char || y.type() == -Char) return pad(k, y);
        if (x.type() == -Short) {
            bt = int(std::abs(k));
        } else if (y.isList()) {
            return pervasive1(y, [k](const Value &i) { return pad(k, i); });
        } else {
            qthrow("type");
        }
    } else if (x.isVector() || x.isList()) {
        // "SJ"$(...): one type per item
        if (x.count() != y.count()) qthrow("length");
        std::vector<Value> out;
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(castTo(s, itemAt(x, i), itemAt(y, i)));
        return Value::list(std::move(out));
    } else {
        qthrow("type");
    }
    if (bt < 0 || bt > Time) qthrow("type");
    if (bt == 0) return y;
    if (parse) return parseValue(bt, y);
    if (bt == Symbol && (y.type() == Char || y.type() == -Char || y.isList()))
        return symbolsFromStrings(y);
    return castValue(bt, y);
}

namespace {

Value dollarK(InterpreterState &s, const Value &x, const Value &y)
{
    return castTo(s, x, y);
}

Value typeK(InterpreterState &, const Value &x)
{
    return Value::shortAtom(int16_t(x.type()));
}

Value attrK(InterpreterState &, const Value &x)
{
    switch (x.attr()) {
    case Attr::Sorted:
        return Value::symbol("s");
    case Attr::Unique:
        return Value::symbol("u");
    case Attr::Parted:
        return Value::symbol("p");
    case Attr::Grouped:
        return Value::symbol("g");
    default:
        return Value::symbol(QByteArray());
    }
}

Value fieldOne(const QByteArray &f, const Value &v)
{
    const int bt = baseType(v.type());
    if (!isTemporal(bt)) qthrow(f);
    const int64_t n = v.isAtom() ? 1 : v.count();
    auto done = [&](Value out) { return v.isAtom() ? out.element(0) : out; };
    // nanoseconds since the epoch (points) or since midnight (spans)
    auto nanos = [&](int64_t i) -> int64_t {
        if (bt == Datetime) {
            const double d = readF(v, i);
            return std::isnan(d) ? qnull::j : std::llround(d * double(kNanosPerDay));
        }
        const int64_t r = readI(v, i);
        if (r == qnull::j) return r;
        switch (bt) {
        case Date:
            return r * kNanosPerDay;
        case Time:
            return r * 1000000;
        case Second:
            return r * 1000000000;
        case Minute:
            return r * 60000000000LL;
        case Month:
            return castAtom(Timestamp, Value::atom(-Month, r)).rawInt();
        default:
            return r;
        }
    };
    auto make = [&](int rt, auto fn) {
        Value out = makeVec(rt, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t ns = nanos(i);
            setI(out, i, ns == qnull::j ? qnull::j : fn(ns));
        }
        return done(out);
    };
    auto floorDiv = [](int64_t p, int64_t q) {
        return p / q - ((p % q != 0) && ((p < 0) != (q < 0)));
    };
    auto posMod = [](int64_t p, int64_t q) { return ((p % q) + q) % q; };
    auto ymd = [&](int64_t ns, int part) -> int64_t {
        int64_t y;
        unsigned m, d;
        civilFromDays(floorDiv(ns, kNanosPerDay), y, m, d);
        return part == 0 ? y : part == 1 ? int64_t(m) : int64_t(d);
    };
    const int64_t day = kNanosPerDay;
    if (f == "year") return make(Int, [&](int64_t ns) { return ymd(ns, 0); });
    if (f == "mm") return make(Int, [&](int64_t ns) { return ymd(ns, 1); });
    if (f == "dd") return make(Int, [&](int64_t ns) { return ymd(ns, 2); });
    if (f == "month")
        return make(Month, [&](int64_t ns) { return (ymd(ns, 0) - 2000) * 12 + ymd(ns, 1) - 1; });
    if (f == "date") return make(Date, [&](int64_t ns) { return floorDiv(ns, day); });
    if (f == "week")
        return make(Date, [&](int64_t ns) {
            const int64_t d = floorDiv(ns, day);
            return d - posMod(d - 2, 7);
        });
    if (f == "hh") return make(Int, [&](int64_t ns) { return posMod(ns, day) / 3600000000000LL; });
    if (f == "uu")
        return make(Int, [&](int64_t ns) { return posMod(ns, day) / 60000000000LL % 60; });
    if (f == "ss")
        return make(Int, [&](int64_t ns) { return posMod(ns, day) / 1000000000LL % 60; });
    if (f == "time") return make(Time, [&](int64_t ns) { return posMod(ns, day) / 1000000; });
    if (f == "minute")
        return make(Minute, [&](int64_t ns) { return posMod(ns, day) / 60000000000LL; });
    if (f == "second")
        return make(Second, [&](int64_t ns) { return posMod(ns, day) / 1000000000LL; });
    if (f == "timespan") return make(Timespan, [&](int64_t ns) { return posMod(ns, day); });
    qthrow(f);
}

Value fieldK(InterpreterState &, const Value &f, const Value &v)
{
    const QByteArray name = f.symbolValue();
    if (v.isList()) {
        std::vector<Value> out;
        for (const Value &i : v.items())
            out.push_back(fieldOne(name, i));
        return collapse(std::move(out));
    }
    return fieldOne(name, v);
}

} // namespace

void registerCast(InterpreterState &s)
{
    s.regVerb(11, nullptr, dollarK); // $ (string: strings family)
    s.regVerb(18, typeK, nullptr);   // @x type
    s.alias("type", Value::primitive(UnaryPrimitive, 18));
    s.reg("attr", attrK);
    s.reg("__field", fieldK, false);
}

Value castAtom(int bt, const Value &a)
{
    const int from = -a.type();
    if (from == bt) return a;
    if (bt == Float || bt == Real || bt == Datetime) {
        double d = readF(a, 0);
        if (from == Timestamp && bt == Datetime && !std::isnan(d)) d = d / double(kNanosPerDay);
        if (from == Date && bt == Datetime) d = readF(a, 0);
        return atomFromF(bt, d);
    }
    if (a.isNull() && from != Boolean && from != Byte && from != Char) return Value::nullOf(-bt);
    int64_t x;
    if (from == Float || from == Real || from == Datetime) {
        const double d = readF(a, 0);
        if (std::isinf(d))
            return atomFromI(bt, d > 0 ? (elementSize(bt) == 4 ? qnull::iInf : qnull::jInf)
                                       : (elementSize(bt) == 4 ? -qnull::iInf : -qnull::jInf));
        if (from == Datetime) {
            switch (bt) {
            case Timestamp:
                return Value::atom(-Timestamp, std::llround(d * double(kNanosPerDay)));
            case Date:
                return Value::atom(-Date, int64_t(std::floor(d)));
            default:
                break;
            }
        }
        if (bt == Boolean) return Value::boolean(d != 0);
        x = std::llround(d);
    } else {
        x = readI(a, 0);
    }
    const int64_t ns = kNanosPerDay;
    auto floorDiv = [](int64_t p, int64_t q) {
        return p / q - ((p % q != 0) && ((p < 0) != (q < 0)));
    };
    auto posMod = [](int64_t p, int64_t q) { return ((p % q) + q) % q; };
    auto monthOf = [&](int64_t days) {
        int64_t y;
        unsigned m, d;
        civilFromDays(days, y, m, d);
        return (y - 2000) * 12 + m - 1;
    };
    switch (from) {
    case Timestamp:
        switch (bt) {
        case Date:
            return Value::atom(-Date, floorDiv(x, ns));
        case Month:
            return Value::atom(-Month, monthOf(floorDiv(x, ns)));
        case Timespan:
            return Value::atom(-Timespan, posMod(x, ns));
        case Time:
            return Value::atom(-Time, posMod(x, ns) / 1000000);
        case Second:
            return Value::atom(-Second, posMod(x, ns) / 1000000000);
        case Minute:
            return Value::atom(-Minute, posMod(x, ns) / 60000000000LL);
        default:
            break;
        }
        break;
    case Date:
        switch (bt) {
        case Timestamp:
            return Value::atom(-Timestamp, x * ns);
        case Month:
            return Value::atom(-Month, monthOf(x));
        case Time:
        case Second:
        case Minute:
        case Timespan:
            qthrow("type");
        default:
            break;
        }
        break;
    case Month:
        if (bt == Date || bt == Timestamp) {
            const int64_t y = 2000 + floorDiv(x, 12);
            const int64_t d = daysFromCivil(y, unsigned(posMod(x, 12) + 1), 1);
            return bt == Date ? Value::atom(-Date, d) : Value::atom(-Timestamp, d * ns);
        }
        break;
    case Timespan:
        switch (bt) {
        case Time:
            return Value::atom(-Time, x / 1000000);
        case Second:
            return Value::atom(-Second, x / 1000000000);
        case Minute:
            return Value::atom(-Minute, x / 60000000000LL);
        default:
            break;
        }
        break;
    case Time:
        switch (bt) {
        case Timespan:
            return Value::atom(-Timespan, x * 1000000);
        case Second:
            return Value::atom(-Second, x / 1000);
        case Minute:
            return Value::atom(-Minute, x / 60000);
        default:
            break;
        }
        break;
    case Second:
        switch (bt) {
        case Timespan:
            return Value::atom(-Timespan, x * 1000000000);
        case Time:
            return Value::atom(-Time, x * 1000);
        case Minute:
            return Value::atom(-Minute, x / 60);
        default:
            break;
        }
        break;
    case Minute:
        switch (bt) {
        case Timespan:
            return Value::atom(-Timespan, x * 60000000000LL);
        case Time:
            return Value::atom(-Time, x * 60000);
        case Second:
            return Value::atom(-Second, x * 60);
        default:
            break;
        }
        break;
    default:
        break;
    }
    if (bt == Boolean) return Value::boolean(x != 0);
    if (bt == Char || bt == Byte) return Value::atom(-bt, int64_t(uint8_t(x)));
    if (isIntPayload(bt)) return atomFromI(bt, x);
    qthrow("type");
}

Value parseAs(int bt, const QByteArray &textIn)
{
    const QByteArray text = textIn.trimmed();
    if (bt == Symbol) return Value::symbol(textIn);
    if (bt == Char) qthrow("type");
    if (text.isEmpty()) return Value::nullOf(-bt);
    if (bt == Guid) {
        QByteArray hex = text;
        hex.replace('-', QByteArray());
        if (hex.size() != 32) return Value::nullOf(-Guid);
        for (char c : hex)
            if (!std::isxdigit(uchar(c))) return Value::nullOf(-Guid);
        const QByteArray raw = QByteArray::fromHex(hex);
        std::array<uint8_t, 16> g{};
        std::memcpy(g.data(), raw.constData(), 16);
        return Value::guid(g);
    }
    if (bt == Boolean) {
        const char c = text[0];
        return Value::boolean(c == '1' || c == 't' || c == 'T' || c == 'y' || c == 'Y');
    }
    if (bt == Date && text.size() == 8 && allDigits(text)) { // "D"$"20240102"
        const QByteArray dotted = text.left(4) + '.' + text.mid(4, 2) + '.' + text.mid(6);
        return qscope::detail::numberAs(dotted, -Date).value_or(Value::nullOf(-Date));
    }
    if (bt == Month && text.size() == 7) { // "M"$"2024.01"
        if (auto v = qscope::detail::numberAs(text, -Month)) return *v;
    }
    auto lit = numberToken(text);
    if (!lit || !lit->isAtom()) return Value::nullOf(-bt);
    const Value a = *lit;
    if (-a.type() == bt) return a;
    if (isTemporal(bt) && isTemporal(-a.type())) return castAtom(bt, a);
    if (isTemporal(bt) && a.type() == -Long) {
        if (bt == Date || bt == Month || bt == Timestamp || bt == Datetime)
            return Value::nullOf(-bt);
        return atomFromI(bt, a.rawInt());
    }
    if ((bt == Int || bt == Short || bt == Long || bt == Byte) && a.type() == -Float) {
        if (std::isnan(a.floatValue())) return Value::nullOf(-bt);
        return atomFromI(bt, int64_t(std::trunc(a.floatValue())));
    }
    if (isNumericBase(-a.type()) && isNumericBase(bt)) return castAtom(bt, a);
    return Value::nullOf(-bt);
}

} // namespace qscope::qlang::detail
