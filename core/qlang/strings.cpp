// Strings: string upper lower trim ltrim rtrim like ss ssr sv vs
// (code.kx.com/q/ref/string, /like, /ss, /sv, /vs, /trim, /lower).
#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include "protocol/format.h"

namespace qscope::qlang::detail {

namespace {

bool isString(const Value &v)
{
    return v.type() == Char || v.type() == -Char;
}

QByteArray textOf(const Value &s)
{
    if (s.type() == Char) return QByteArray(s.rawData(), int(s.count()));
    if (s.type() == -Char) return QByteArray(1, s.charValue());
    if (s.type() == -Symbol) return s.symbolValue();
    qthrow("type");
}

Value stringOf(const Value &x)
{
    if (x.type() == -Char) return Value::string(QByteArray(1, x.charValue()));
    if (x.type() == -Symbol) return Value::string(x.symbolValue());
    if (x.isAtom()) return Value::string(formatAtom(x));
    if (x.type() == Char) {
        std::vector<Value> out;
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(Value::string(QByteArray(1, x.rawData()[i])));
        return Value::list(std::move(out));
    }
    if (x.isVector()) {
        std::vector<Value> out;
        out.reserve(size_t(x.count()));
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(stringOf(x.element(i)));
        return Value::list(std::move(out));
    }
    if (x.isList()) {
        std::vector<Value> out;
        for (const Value &i : x.items())
            out.push_back(stringOf(i));
        return Value::list(std::move(out));
    }
    if (x.isDict()) return Value::dict(x.keys(), stringOf(x.values()));
    if (x.isTable()) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items())
            cols.push_back(stringOf(c));
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    if (x.type() == Lambda) return Value::string(x.lambdaSource());
    return Value::string(formatOneLine(x));
}

Value stringK(InterpreterState &, const Value &x)
{
    return stringOf(x);
}

template<class F>
Value mapText(const Value &x, F f)
{
    if (x.type() == Char) {
        QByteArray s(x.rawData(), int(x.count()));
        return Value::string(f(s));
    }
    if (x.type() == -Char) return Value::charAtom(f(QByteArray(1, x.charValue()))[0]);
    if (x.type() == -Symbol) return Value::symbol(f(x.symbolValue()));
    if (x.type() == Symbol) {
        std::vector<QByteArray> out;
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(f(x.symAt(i)));
        return Value::symbols(out);
    }
    if (x.isList()) {
        std::vector<Value> out;
        for (const Value &i : x.items())
            out.push_back(mapText(i, f));
        return Value::list(std::move(out));
    }
    if (x.isDict()) return Value::dict(x.keys(), mapText(x.values(), f));
    qthrow("type");
}

Value upperK(InterpreterState &, const Value &x)
{
    return mapText(x, [](const QByteArray &s) { return s.toUpper(); });
}
Value lowerK(InterpreterState &, const Value &x)
{
    return mapText(x, [](const QByteArray &s) { return s.toLower(); });
}
Value trimK(InterpreterState &, const Value &x)
{
    return mapText(x, [](const QByteArray &s) {
        int a = 0, b = int(s.size());
        while (a < b && s[a] == ' ')
            ++a;
        while (b > a && s[b - 1] == ' ')
            --b;
        return s.mid(a, b - a);
    });
}
Value ltrimK(InterpreterState &, const Value &x)
{
    return mapText(x, [](const QByteArray &s) {
        int a = 0;
        while (a < s.size() && s[a] == ' ')
            ++a;
        return s.mid(a);
    });
}
Value rtrimK(InterpreterState &, const Value &x)
{
    return mapText(x, [](const QByteArray &s) {
        int b = int(s.size());
        while (b > 0 && s[b - 1] == ' ')
            --b;
        return s.left(b);
    });
}

// q's like: * any run, ? any char, [abc] a set, [^abc] its complement
bool globMatch(const char *s, const char *se, const char *p, const char *pe)
{
    while (p < pe) {
        if (*p == '*') {
            ++p;
            if (p == pe) return true;
            for (const char *k = s; k <= se; ++k)
                if (globMatch(k, se, p, pe)) return true;
            return false;
        }
        if (s == se) return false;
        if (*p == '?') {
            ++p;
            ++s;
            continue;
        }
        if (*p == '[') {
            const char *q = p + 1;
            bool neg = false;
            if (q < pe && *q == '^') {
                neg = true;
                ++q;
            }
            bool hit = false;
            const char *start = q;
            while (q < pe && (*q != ']' || q == start)) {
                if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
                    hit = hit || (*s >= q[0] && *s <= q[2]);
                    q += 3;
                } else {
                    hit = hit || *s == *q;
                    ++q;
                }
            }
            if (q >= pe) qthrow("like");
            if (hit == neg) return false;
            p = q + 1;
            ++s;
            continue;
        }
        if (*p != *s) return false;
        ++p;
        ++s;
    }
    return s == se;
}

Value likeK(InterpreterState &, const Value &x, const Value &y)
{
    if (!isString(y)) qthrow("type");
    const QByteArray pat = textOf(y);
    auto one = [&](const QByteArray &s) {
        return globMatch(s.constData(), s.constData() + s.size(), pat.constData(),
                         pat.constData() + pat.size());
    };
    if (x.type() == Char || x.type() == -Char || x.type() == -Symbol)
        return Value::boolean(one(textOf(x)));
    if (x.type() == Symbol) {
        // match each distinct symbol once
        const auto &pool = x.symbolPool()->strings;
        std::vector<int8_t> memo(pool.size(), -1);
        const int64_t n = x.count();
        Value out = makeVec(Boolean, n);
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t s = x.symIndex(i);
            if (memo[s] < 0) memo[s] = one(pool[s]) ? 1 : 0;
            out.mutableData<uint8_t>()[i] = uint8_t(memo[s]);
        }
        return out;
    }
    if (x.isList()) {
        const int64_t n = x.count();
        Value out = makeVec(Boolean, n);
        for (int64_t i = 0; i < n; ++i) {
            const Value &it = x.item(i);
            if (!isString(it) && it.type() != -Symbol) qthrow("type");
            out.mutableData<uint8_t>()[i] = one(textOf(it));
        }
        return out;
    }
    qthrow("type");
}

Value ssK(InterpreterState &, const Value &x, const Value &y)
{
    const QByteArray s = textOf(x), p = textOf(y);
    if (p.isEmpty()) qthrow("length");
    std::vector<int64_t> out;
    for (int64_t i = s.indexOf(p); i >= 0; i = s.indexOf(p, i + p.size()))
        out.push_back(i);
    return longs(std::move(out));
}

Value ssrN(InterpreterState &, std::span<const Value> a)
{
    if (a.size() != 3) qthrow("rank");
    QByteArray s = textOf(a[0]);
    const QByteArray p = textOf(a[1]), r = textOf(a[2]);
    if (p.isEmpty()) qthrow("length");
    s.replace(p, r);
    return Value::string(s);
}

Value svK(InterpreterState &, const Value &x, const Value &y)
{
    if (isString(x) && y.isList()) {
        const QByteArray sep = textOf(x);
        QByteArray out;
        for (int64_t i = 0; i < y.count(); ++i) {
            if (i) out += sep;
            out += textOf(y.item(i));
        }
        return Value::string(out);
    }
    if (x.type() == -Symbol && x.symbolValue().isEmpty() && y.type() == Symbol) {
        QByteArray out;
        for (int64_t i = 0; i < y.count(); ++i) {
            if (i) out += '.';
            out += y.symAt(i);
        }
        return Value::symbol(out);
    }
    if (x.isAtom() && isIntegral(-x.type()) && y.isVector() && isIntegral(y.type())) {
        const int64_t b = readI(x, 0);
        int64_t acc = 0;
        for (int64_t i = 0; i < y.count(); ++i)
            acc = acc * b + readI(y, i);
        return Value::longAtom(acc);
    }
    if (x.isVector() && isIntegral(x.type()) && y.isVector() && x.count() == y.count()) {
        int64_t acc = 0;
        for (int64_t i = 0; i < y.count(); ++i)
            acc = acc * readI(x, i) + readI(y, i);
        return Value::longAtom(acc);
    }
    qthrow("type");
}

Value vsK(InterpreterState &, const Value &x, const Value &y)
{
    if (isString(x) && isString(y)) {
        const QByteArray sep = textOf(x), s = textOf(y);
        if (sep.isEmpty()) qthrow("length");
        std::vector<Value> out;
        int64_t start = 0;
        for (int64_t i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, start)) {
            out.push_back(Value::string(s.mid(start, i - start)));
            start = i + sep.size();
        }
        out.push_back(Value::string(s.mid(start)));
        return Value::list(std::move(out));
    }
    if (x.type() == -Symbol && x.symbolValue().isEmpty() && y.type() == -Symbol) {
        std::vector<QByteArray> parts;
        for (const QByteArray &p : y.symbolValue().split('.'))
            parts.push_back(p);
        return Value::symbols(parts);
    }
    // 0x0 vs i: the bytes of an integer, most significant first ("i"$0x0 vs .z.a is an
    // IPv4 address's parts; code.kx.com/q/ref/vs/#byte-vector)
    if (x.type() == -Byte && y.isAtom() &&
        (y.type() == -Short || y.type() == -Int || y.type() == -Long)) {
        const int width = y.type() == -Short ? 2 : y.type() == -Int ? 4 : 8;
        const uint64_t v = uint64_t(readI(y, 0));
        std::vector<uint8_t> bytes(size_t(width), 0);
        for (int i = 0; i < width; ++i)
            bytes[size_t(i)] = uint8_t(v >> (8 * (width - 1 - i)));
        return Value::fromVector(Byte, std::move(bytes));
    }
    if (x.isAtom() && isIntegral(-x.type()) && y.isAtom() && isIntegral(-y.type())) {
        const int64_t b = readI(x, 0);
        int64_t v = readI(y, 0);
        if (b < 2) qthrow("domain");
        std::vector<int64_t> digits;
        if (v == 0) digits.push_back(0);
        while (v > 0) {
            digits.insert(digits.begin(), v % b);
            v /= b;
        }
        return longs(std::move(digits));
    }
    qthrow("type");
}

} // namespace

void registerStrings(InterpreterState &s)
{
    s.regVerb(11, stringK, nullptr); // $x string
    s.alias("string", Value::primitive(UnaryPrimitive, 11));
    s.reg("upper", upperK);
    s.reg("lower", lowerK);
    s.reg("trim", trimK);
    s.reg("ltrim", ltrimK);
    s.reg("rtrim", rtrimK);
    s.reg("like", likeK);
    s.reg("ss", ssK);
    s.regN("ssr", 3, ssrN);
    s.reg("sv", svK);
    s.reg("vs", vsK);
}

} // namespace qscope::qlang::detail
