// Comparison verbs and predicates: = <> < > <= >= ~ not null
// (code.kx.com/q/ref/comparison). Nulls sort lowest; 0n equals 0n; a date
// compares with a timestamp at midnight.
#include "qlang/compare.h"

#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include <cmath>

namespace qscope::qlang::detail {

namespace {

inline bool applyCmp(CmpOp op, int c)
{
    switch (op) {
    case CmpOp::Eq:
        return c == 0;
    case CmpOp::Ne:
        return c != 0;
    case CmpOp::Lt:
        return c < 0;
    case CmpOp::Gt:
        return c > 0;
    case CmpOp::Le:
        return c <= 0;
    case CmpOp::Ge:
        return c >= 0;
    }
    return false;
}

inline int cmpF(double a, double b)
{
    const bool na = std::isnan(a), nb = std::isnan(b);
    if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
    return a < b ? -1 : (a > b ? 1 : 0);
}

Value cmpKernel(const Value &x, const Value &y, CmpOp op)
{
    const int tx = baseType(x.type()), ty = baseType(y.type());
    const bool atom = x.isAtom() && y.isAtom();
    const int64_t n = atom ? 1 : (x.isAtom() ? y.count() : x.count());
    Value out = makeVec(Boolean, n);
    uint8_t *o = out.mutableData<uint8_t>();
    const int64_t xs = x.isAtom() ? 0 : 1, ys = y.isAtom() ? 0 : 1;
    if (tx == Symbol || ty == Symbol) {
        if (tx != ty) qthrow("type");
        if ((op == CmpOp::Eq || op == CmpOp::Ne) && (x.isAtom() != y.isAtom())) {
            const Value &vec = x.isAtom() ? y : x;
            const Value &at = x.isAtom() ? x : y;
            const int64_t pi = poolIndex(vec, at.symbolValue());
            const bool eq = op == CmpOp::Eq;
            for (int64_t i = 0; i < n; ++i)
                o[i] = uint8_t((pi >= 0 && vec.symIndex(i) == uint32_t(pi)) == eq);
        } else {
            for (int64_t i = 0; i < n; ++i) {
                const QByteArray &a = x.isAtom() ? x.symbolValue() : x.symAt(i);
                const QByteArray &b = y.isAtom() ? y.symbolValue() : y.symAt(i);
                o[i] = applyCmp(op, a < b ? -1 : (b < a ? 1 : 0));
            }
        }
    } else if (tx == Guid || ty == Guid) {
        if (tx != ty) qthrow("type");
        const Value xv = enlistAtom(x), yv = enlistAtom(y);
        for (int64_t i = 0; i < n; ++i) {
            const int c = std::memcmp(xv.rawData() + 16 * i * xs, yv.rawData() + 16 * i * ys, 16);
            o[i] = applyCmp(op, c < 0 ? -1 : (c > 0 ? 1 : 0));
        }
    } else {
        const bool xok = isNumOrTemporal(tx) || tx == Char;
        const bool yok = isNumOrTemporal(ty) || ty == Char;
        if (!xok || !yok) qthrow("type");
        if (isFloatBase(tx) || isFloatBase(ty)) {
            double scx = 1, scy = 1;
            if (tx == Datetime && ty == Timestamp) scy = 1.0 / double(kNanosPerDay);
            if (ty == Datetime && tx == Timestamp) scx = 1.0 / double(kNanosPerDay);
            if (tx == Float && ty == Float) {
                const double ya = y.isAtom() ? y.floatValue() : 0;
                for (int64_t i = 0; i < n; ++i)
                    o[i] = applyCmp(op, cmpF(x.isAtom() ? x.floatValue() : x.at<double>(i),
                                             y.isAtom() ? ya : y.at<double>(i)));
            } else {
                for (int64_t i = 0; i < n; ++i)
                    o[i] = applyCmp(op, cmpF(readF(x, i * xs) * scx, readF(y, i * ys) * scy));
            }
        } else {
            int64_t sx = 1, sy = 1;
            if (tx != ty && isTemporal(tx) && isTemporal(ty)) {
                if (tx == Month || ty == Month) qthrow("type");
                sx = nanosPerUnit(tx);
                sy = nanosPerUnit(ty);
            }
            if (tx == Long && ty == Long && !x.isAtom()) {
                const int64_t ya = y.isAtom() ? y.rawInt() : 0;
                for (int64_t i = 0; i < n; ++i) {
                    const int64_t a = x.at<int64_t>(i), b = y.isAtom() ? ya : y.at<int64_t>(i);
                    o[i] = applyCmp(op, a < b ? -1 : (a > b ? 1 : 0));
                }
            } else {
                for (int64_t i = 0; i < n; ++i) {
                    int64_t a = readI(x, i * xs), b = readI(y, i * ys);
                    if (sx != 1 && a != qnull::j && a != qnull::jInf && a != -qnull::jInf) a *= sx;
                    if (sy != 1 && b != qnull::j && b != qnull::jInf && b != -qnull::jInf) b *= sy;
                    o[i] = applyCmp(op, a < b ? -1 : (a > b ? 1 : 0));
                }
            }
        }
    }
    return atom ? out.element(0) : out;
}

/// The dyadic builtin of one comparison (= <> < > <= >=).
template<CmpOp Op>
Value compareVerb(InterpreterState &, const Value &x, const Value &y)
{
    return compare(x, y, Op);
}

Value matchK(InterpreterState &, const Value &x, const Value &y)
{
    return Value::boolean(match(x, y));
}

Value notK(InterpreterState &, const Value &x)
{
    return pervasive1(x, [](const Value &v) {
        const int bt = baseType(v.type());
        if (bt == Symbol || bt == Guid) qthrow("type");
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(Boolean, n);
        uint8_t *o = out.mutableData<uint8_t>();
        if (isFloatBase(bt)) {
            for (int64_t i = 0; i < n; ++i)
                o[i] = readF(v, i) == 0;
        } else if (bt == Boolean && !v.isAtom()) {
            for (int64_t i = 0; i < n; ++i)
                o[i] = v.at<uint8_t>(i) == 0;
        } else {
            for (int64_t i = 0; i < n; ++i)
                o[i] = rawI(v, i) == 0;
        }
        return v.isAtom() ? out.element(0) : out;
    });
}

} // namespace

Value nullMask(const Value &v)
{
    const int bt = baseType(v.type());
    const int64_t n = v.isAtom() ? 1 : v.count();
    Value out = makeVec(Boolean, n);
    uint8_t *o = out.mutableData<uint8_t>();
    if (v.isAtom()) {
        o[0] = v.isNull();
        return out.element(0);
    }
    switch (bt) {
    case Boolean:
    case Byte:
        for (int64_t i = 0; i < n; ++i)
            o[i] = 0;
        break;
    case Char:
        for (int64_t i = 0; i < n; ++i)
            o[i] = v.at<char>(i) == ' ';
        break;
    case Symbol: {
        const int64_t e = poolIndex(v, QByteArray());
        for (int64_t i = 0; i < n; ++i)
            o[i] = e >= 0 && v.symIndex(i) == uint32_t(e);
        break;
    }
    case Guid:
        for (int64_t i = 0; i < n; ++i) {
            const char *p = v.rawData() + 16 * i;
            bool z = true;
            for (int k = 0; k < 16; ++k)
                z = z && p[k] == 0;
            o[i] = z;
        }
        break;
    case Real:
    case Float:
    case Datetime:
        for (int64_t i = 0; i < n; ++i)
            o[i] = std::isnan(readF(v, i));
        break;
    default:
        for (int64_t i = 0; i < n; ++i)
            o[i] = readI(v, i) == qnull::j;
    }
    return out;
}

namespace {

Value nullK(InterpreterState &, const Value &x)
{
    if (x.isGenericNull()) return Value::boolean(true);
    if (x.isFunction()) return Value::boolean(false);
    return pervasive1(x, [](const Value &v) { return nullMask(v); });
}

} // namespace

Value compare(const Value &x, const Value &y, CmpOp op)
{
    return pervasive2(x, y, [op](const Value &a, const Value &b) { return cmpKernel(a, b, op); });
}

void registerCompare(InterpreterState &s)
{
    s.regVerb(8, nullptr, compareVerb<CmpOp::Eq>);  // = (group: list family)
    s.regVerb(9, nullptr, compareVerb<CmpOp::Lt>);  // < (iasc: list family)
    s.regVerb(10, nullptr, compareVerb<CmpOp::Gt>); // > (idesc: list family)
    s.regVerb(15, notK, matchK);                    // ~
    s.regVerb(7, nullK, nullptr);                   // ^ monadic is null
    s.alias("not", Value::primitive(UnaryPrimitive, 15));
    s.alias("null", Value::primitive(UnaryPrimitive, 7));
    s.reg("<=", compareVerb<CmpOp::Le>, false);
    s.reg(">=", compareVerb<CmpOp::Ge>, false);
    s.reg("<>", compareVerb<CmpOp::Ne>, false);
}

} // namespace qscope::qlang::detail
