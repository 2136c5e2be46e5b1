#include "qlang/numlit.h"

#include "qlang/vecutil.h"

#include <QList>

#include <cmath>

namespace qscope::qlang::detail {

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468 - kEpochOffsetDays;
}

void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d)
{
    z += 719468 + kEpochOffsetDays;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = int64_t(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

namespace {

bool allDigits(const QByteArray &s)
{
    if (s.isEmpty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

int typeOfSuffix(char c)
{
    switch (c) {
    case 'b':
        return Boolean;
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
    case 'g':
        return Guid;
    default:
        return 0;
    }
}

std::optional<int64_t> parseDate(const QByteArray &s)
{
    if (s.size() != 10 || s[4] != '.' || s[7] != '.') return std::nullopt;
    const QByteArray y = s.left(4), m = s.mid(5, 2), d = s.mid(8, 2);
    if (!allDigits(y) || !allDigits(m) || !allDigits(d)) return std::nullopt;
    const int mm = m.toInt(), dd = d.toInt();
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return std::nullopt;
    const int64_t days = daysFromCivil(y.toInt(), unsigned(mm), unsigned(dd));
    int64_t yy;
    unsigned m2, d2;
    civilFromDays(days, yy, m2, d2);
    if (int(m2) != mm || int(d2) != dd) return std::nullopt;
    return days;
}

// hh:mm[:ss[.fffffffff]] -> nanoseconds; parts: 2 (hh:mm), 3 (with seconds), 4
// (with fraction)
std::optional<int64_t> parseClock(const QByteArray &s, int *parts)
{
    const QList<QByteArray> f = s.split(':');
    if (f.size() < 2 || f.size() > 3) return std::nullopt;
    if (!allDigits(f[0]) || !allDigits(f[1]) || f[1].size() != 2 || f[0].size() > 2)
        return std::nullopt;
    const int64_t h = f[0].toLongLong(), mi = f[1].toLongLong();
    if (mi > 59) return std::nullopt;
    int64_t ns = (h * 3600 + mi * 60) * 1000000000LL;
    *parts = 2;
    if (f.size() == 3) {
        QByteArray sec = f[2];
        QByteArray frac;
        const int dot = int(sec.indexOf('.'));
        if (dot >= 0) {
            frac = sec.mid(dot + 1);
            sec = sec.left(dot);
            *parts = 4;
        } else {
            *parts = 3;
        }
        if (!allDigits(sec) || sec.size() != 2 || sec.toInt() > 59) return std::nullopt;
        ns += sec.toLongLong() * 1000000000LL;
        if (!frac.isEmpty()) {
            if (!allDigits(frac) || frac.size() > 9) return std::nullopt;
            const QByteArray pad = frac + QByteArray(9 - frac.size(), '0');
            ns += pad.toLongLong();
        }
    }
    return ns;
}

std::optional<Value> parseTemporalToken(const QByteArray &s, int suffixType)
{
    const int dpos = int(s.indexOf('D'));
    if (dpos >= 0) {
        const QByteArray left = s.left(dpos), right = s.mid(dpos + 1);
        int parts = 0;
        int64_t ns = 0;
        if (!right.isEmpty()) {
            auto c = right.contains(':') ? parseClock(right, &parts) : std::nullopt;
            if (!c) {
                if (!allDigits(right)) return std::nullopt;
                c = right.toLongLong() * 3600000000000LL;
            }
            ns = *c;
        }
        if (auto d = parseDate(left)) return Value::atom(-Timestamp, *d * kNanosPerDay + ns);
        if (allDigits(left)) {
            const int64_t days = left.toLongLong();
            return Value::atom(-Timespan, days * kNanosPerDay + ns);
        }
        return std::nullopt;
    }
    const int tpos = int(s.indexOf('T'));
    if (tpos >= 0) {
        auto d = parseDate(s.left(tpos));
        int parts = 0;
        auto c =
            tpos + 1 < s.size() ? parseClock(s.mid(tpos + 1), &parts) : std::optional<int64_t>(0);
        if (!d || !c) return std::nullopt;
        return Value::temporalFloat(-Datetime, double(*d) + double(*c) / double(kNanosPerDay));
    }
    if (auto d = parseDate(s)) return Value::atom(-Date, *d);
    if (s.size() == 7 && s[4] == '.' && allDigits(s.left(4)) && allDigits(s.mid(5))) {
        const int m = s.mid(5).toInt();
        if (m < 1 || m > 12) return std::nullopt;
        return Value::atom(-Month, (s.left(4).toLongLong() - 2000) * 12 + m - 1);
    }
    if (s.contains(':')) {
        int parts = 0;
        auto c = parseClock(s, &parts);
        if (!c) return std::nullopt;
        const int64_t ns = *c;
        int t = parts == 2 ? Minute : parts == 3 ? Second : Time;
        if (suffixType) t = suffixType;
        switch (t) {
        case Minute:
            return Value::atom(-Minute, ns / 60000000000LL);
        case Second:
            return Value::atom(-Second, ns / 1000000000LL);
        case Time:
            return Value::atom(-Time, ns / 1000000LL);
        case Timespan:
            return Value::atom(-Timespan, ns);
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<NumLit> parseNumber(const QByteArray &tokIn)
{
    QByteArray tok = tokIn;
    if (tok.isEmpty()) return std::nullopt;
    bool neg = false;
    if (tok.startsWith('-')) {
        neg = true;
        tok = tok.mid(1);
        if (tok.isEmpty()) return std::nullopt;
    }
    if (tok.startsWith("0x") && !neg) {
        const QByteArray hex = tok.mid(2);
        for (char c : hex)
            if (!std::isxdigit(uchar(c))) return std::nullopt;
        if (hex.size() <= 2)
            return NumLit{Value::byte(uint8_t(hex.isEmpty() ? 0 : hex.toUInt(nullptr, 16))), true};
        const QByteArray raw = QByteArray::fromHex(hex.size() % 2 ? "0" + hex : hex);
        std::vector<uint8_t> v(raw.begin(), raw.end());
        return NumLit{Value::fromVector(Byte, std::move(v)), true};
    }
    if (tok.endsWith('b') && !neg) {
        const QByteArray bits = tok.chopped(1);
        bool ok = !bits.isEmpty();
        for (char c : bits)
            ok = ok && (c == '0' || c == '1');
        if (ok) {
            if (bits.size() == 1) return NumLit{Value::boolean(bits[0] == '1'), true};
            std::vector<uint8_t> v;
            for (char c : bits)
                v.push_back(c == '1');
            return NumLit{Value::fromVector(Boolean, std::move(v)), true};
        }
    }
    if (tok.size() >= 2 && tok[0] == '0' &&
        (tok[1] == 'N' || tok[1] == 'W' || tok[1] == 'n' || tok[1] == 'w')) {
        const char k = tok[1];
        if (tok.size() > 3) return std::nullopt;
        if (k == 'n' || k == 'w') {
            if (tok.size() != 2) return std::nullopt;
            const double d = k == 'n' ? nanValue() : (neg ? -INFINITY : INFINITY);
            return NumLit{Value::floatAtom(d), true};
        }
        const int t = tok.size() == 3 ? typeOfSuffix(tok[2]) : Long;
        if (!t) return std::nullopt;
        if (k == 'N') {
            if (neg) return std::nullopt;
            if (t == Symbol || t == Char || t == Boolean || t == Byte) return std::nullopt;
            return NumLit{Value::nullOf(-t), tok.size() == 3};
        }
        switch (t) {
        case Short:
            return NumLit{Value::shortAtom(neg ? -qnull::hInf : qnull::hInf), true};
        case Real:
            return NumLit{Value::real(neg ? -INFINITY : INFINITY), true};
        case Float:
            return NumLit{Value::floatAtom(neg ? -INFINITY : INFINITY), true};
        case Datetime:
            return NumLit{Value::temporalFloat(-Datetime, neg ? -INFINITY : INFINITY), true};
        case Boolean:
        case Byte:
        case Char:
        case Symbol:
        case Guid:
            return std::nullopt;
        default:
            if (elementSize(t) == 4)
                return NumLit{Value::atom(-t, neg ? -qnull::iInf : qnull::iInf), true};
            return NumLit{Value::atom(-t, neg ? -qnull::jInf : qnull::jInf), tok.size() == 3};
        }
    }
    if (tok.contains(':') || tok.count('.') >= 2 || tok.contains('D') ||
        (tok.endsWith('m') && tok.contains('.'))) {
        QByteArray body = tok;
        int st = 0;
        const char last = body.back();
        if (!std::isdigit(uchar(last)) && last != 'D') {
            st = typeOfSuffix(last);
            if (!st) return std::nullopt;
            body.chop(1);
        }
        auto v = parseTemporalToken(body, st == Month ? 0 : st);
        if (!v) return std::nullopt;
        Value out = *v;
        if (st && st != -out.type()) out = castAtom(st, out);
        if (neg) {
            if (out.type() == -Datetime)
                out = Value::temporalFloat(-Datetime, -out.floatValue());
            else
                out = atomFromI(-out.type(), -out.rawInt());
        }
        return NumLit{out, true};
    }
    QByteArray body = tok;
    int st = 0;
    const char last = body.back();
    if (std::isalpha(uchar(last))) {
        st = typeOfSuffix(last);
        if (!st || st == Symbol || st == Char || st == Guid) return std::nullopt;
        body.chop(1);
        if (body.isEmpty()) return std::nullopt;
    }
    const bool isFloatText = body.contains('.') || body.contains('e') || body.contains('E');
    if (!isFloatText) {
        if (!allDigits(body)) return std::nullopt;
        bool ok = false;
        const qlonglong x = body.toLongLong(&ok);
        if (!ok) return std::nullopt;
        const int64_t v = neg ? -int64_t(x) : int64_t(x);
        if (!st) return NumLit{Value::longAtom(v), false};
        switch (st) {
        case Real:
            return NumLit{Value::real(float(v)), true};
        case Float:
            return NumLit{Value::floatAtom(double(v)), true};
        case Datetime:
            return NumLit{Value::temporalFloat(-Datetime, double(v)), true};
        case Boolean:
        case Byte:
            return std::nullopt;
        default:
            return NumLit{atomFromI(st, v), true};
        }
    }
    for (char c : body)
        if (!(std::isdigit(uchar(c)) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'))
            return std::nullopt;
    bool ok = false;
    double d = body.toDouble(&ok);
    if (!ok) return std::nullopt;
    if (neg) d = -d;
    if (!st || st == Float) return NumLit{Value::floatAtom(d), st != 0};
    if (st == Real) return NumLit{Value::real(float(d)), true};
    return std::nullopt;
}

std::optional<Value> parseNumberVector(const std::vector<QByteArray> &tokens)
{
    std::vector<NumLit> lits;
    for (const QByteArray &t : tokens) {
        auto l = parseNumber(t);
        if (!l) return std::nullopt;
        lits.push_back(*l);
    }
    if (lits.size() == 1) return lits[0].value;
    for (const NumLit &l : lits)
        if (!l.value.isAtom()) return std::nullopt;
    int target = 0;
    const char last = tokens.back().back();
    if (std::isalpha(uchar(last)) && lits.back().explicitType) target = -lits.back().value.type();
    if (!target)
        for (const NumLit &l : lits)
            if (l.explicitType && l.value.type() != -Float) {
                target = -l.value.type();
                break;
            }
    bool anyFloat = false;
    for (const NumLit &l : lits)
        anyFloat = anyFloat || l.value.type() == -Float;
    if (!target) target = anyFloat ? Float : Long;
    std::vector<Value> atoms;
    for (const NumLit &l : lits) {
        Value a = l.value;
        if (-a.type() != target) {
            if (l.explicitType && !a.isNull() && isTemporal(-a.type()) != isTemporal(target))
                return std::nullopt;
            a = castAtom(target, a);
        }
        atoms.push_back(a);
    }
    return collapse(std::move(atoms));
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
    if (bt == Date && text.size() == 8 && allDigits(text)) {
        if (auto d = parseDate(text.left(4) + '.' + text.mid(4, 2) + '.' + text.mid(6)))
            return Value::atom(-Date, *d);
        return Value::nullOf(-Date);
    }
    if (bt == Month && text.size() == 7) {
        if (auto v = parseNumber(text + 'm')) return v->value;
    }
    auto lit = parseNumber(text);
    if (!lit || !lit->value.isAtom()) return Value::nullOf(-bt);
    const Value a = lit->value;
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
