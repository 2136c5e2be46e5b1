// Arithmetic verbs and maths: + - * % & | neg abs sqrt exp log floor ceiling
// signum reciprocal mod div xexp xlog xbar. Type promotion follows
// code.kx.com/q/ref/add (b x h -> i, then i j e f); integer arithmetic wraps on
// nulls as kdb+ does (0N+1 is -0W); floats follow IEEE.
#include "qlang/arith.h"

#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include <cmath>

namespace qscope::qlang::detail {

namespace {

int numRank(int bt)
{
    switch (bt) {
    case Boolean:
        return 0;
    case Byte:
        return 1;
    case Short:
        return 2;
    case Int:
        return 3;
    case Long:
        return 4;
    case Real:
        return 5;
    case Float:
        return 6;
    default:
        return -1;
    }
}

struct Plan
{
    int rt = 0;     // result base type
    int64_t sx = 1; // scale of x into the result domain
    int64_t sy = 1;
};

Plan plan(int tx, int ty, ArithOp op)
{
    Plan p;
    const int rx = numRank(tx), ry = numRank(ty);
    if (rx >= 0 && ry >= 0) {
        if (op == ArithOp::Div) {
            p.rt =
                (tx == Real && (ty == Real || ry <= 4)) || (ty == Real && rx <= 4) ? Float : Float;
            return p;
        }
        if (op == ArithOp::Min || op == ArithOp::Max) {
            p.rt = rx >= ry ? tx : ty;
            return p;
        }
        const int r = std::max(rx, ry);
        if (r == 6)
            p.rt = Float;
        else if (r == 5)
            p.rt = Real;
        else if (r == 4)
            p.rt = Long;
        else if (r == 3)
            p.rt = Int;
        else if (r == 2)
            p.rt = Short;
        else
            p.rt = Int;
        return p;
    }
    const bool xt = isTemporal(tx), yt = isTemporal(ty);
    if (op == ArithOp::Min || op == ArithOp::Max) {
        if (tx == ty)
            p.rt = tx;
        else if ((tx == Char && ty == Char))
            p.rt = Char;
        else if (xt && ry >= 0 && ry <= 4)
            p.rt = tx;
        else if (yt && rx >= 0 && rx <= 4)
            p.rt = ty;
        return p;
    }
    if (op == ArithOp::Div) {
        if ((xt || yt) && (xt ? tx : ty) != Datetime && (rx >= 0 || ry >= 0 || tx == ty))
            p.rt = Float;
        if (tx == Datetime || ty == Datetime) p.rt = Float;
        return p;
    }
    if (xt && ry >= 0 && ry <= 4) {
        if (op == ArithOp::Mul && tx != Timespan && tx != Time && tx != Second && tx != Minute)
            return p;
        p.rt = tx;
        return p;
    }
    if (yt && rx >= 0 && rx <= 4) {
        if (op == ArithOp::Sub) return p; // 1 - 2000.01.01 is 'type
        if (op == ArithOp::Mul && ty != Timespan && ty != Time && ty != Second && ty != Minute)
            return p;
        p.rt = ty;
        return p;
    }
    if (tx == Datetime || ty == Datetime) {
        if ((rx >= 0 || ry >= 0) && op != ArithOp::Mul)
            p.rt = Datetime;
        else if (tx == ty && op == ArithOp::Sub)
            p.rt = Float;
        return p;
    }
    if ((xt && (rx >= 5 || ry >= 5)) || (yt && (rx >= 5 || ry >= 5))) {
        p.rt = Float;
        return p;
    }
    if (!xt || !yt || op == ArithOp::Mul) return p;
    if (tx == ty) {
        if (op == ArithOp::Sub) {
            switch (tx) {
            case Date:
            case Month:
                p.rt = Int;
                return p;
            case Timestamp:
                p.rt = Timespan;
                return p;
            default:
                p.rt = tx;
                return p;
            }
        }
        if (tx == Timespan || tx == Time || tx == Second || tx == Minute) p.rt = tx;
        return p;
    }
    // mixed temporal: a point plus a span gives a timestamp
    const bool xPoint = tx == Timestamp || tx == Date;
    const bool yPoint = ty == Timestamp || ty == Date;
    if (xPoint && yPoint) return p;
    if (xPoint || yPoint) {
        if (op == ArithOp::Sub && yPoint) return p;
        p.rt = Timestamp;
        p.sx = nanosPerUnit(tx);
        p.sy = nanosPerUnit(ty);
        return p;
    }
    // span + span of different units: timespan
    p.rt = Timespan;
    p.sx = nanosPerUnit(tx);
    p.sy = nanosPerUnit(ty);
    return p;
}

inline int64_t wrapOp(ArithOp op, int64_t a, int64_t b)
{
    switch (op) {
    case ArithOp::Add:
        return int64_t(uint64_t(a) + uint64_t(b));
    case ArithOp::Sub:
        return int64_t(uint64_t(a) - uint64_t(b));
    case ArithOp::Mul:
        return int64_t(uint64_t(a) * uint64_t(b));
    case ArithOp::Min:
        return a < b ? a : b;
    case ArithOp::Max:
        return a > b ? a : b;
    default:
        return 0;
    }
}

inline double fOp(ArithOp op, double a, double b)
{
    switch (op) {
    case ArithOp::Add:
        return a + b;
    case ArithOp::Sub:
        return a - b;
    case ArithOp::Mul:
        return a * b;
    case ArithOp::Div:
        return a / b;
    case ArithOp::Min:
        if (std::isnan(a) || std::isnan(b)) return nanValue();
        return a < b ? a : b;
    case ArithOp::Max:
        if (std::isnan(a)) return b;
        if (std::isnan(b)) return a;
        return a > b ? a : b;
    }
    return 0;
}

// Reads element i of v (atom broadcast) into the result's integer domain.
inline int64_t readInto(const Value &v, int64_t i, int vt, int rt, int64_t scale)
{
    const int64_t k = v.isAtom() ? 0 : i;
    if (elementSize(vt) == elementSize(rt) && scale == 1 && vt != Boolean && vt != Byte)
        return rawI(v, k);
    const int64_t x = readI(v, k);
    if (x == qnull::j || scale == 1) return x;
    return x * scale;
}

Value arithKernel(const Value &x, const Value &y, ArithOp op)
{
    const int tx = baseType(x.type()), ty = baseType(y.type());
    const Plan p = plan(tx, ty, op);
    if (!p.rt) qthrow("type");
    const bool atom = x.isAtom() && y.isAtom();
    const int64_t n = atom ? 1 : (x.isAtom() ? y.count() : x.count());
    currentState() ? currentState()->tick() : void();
    Value out = makeVec(p.rt, n);
    if (p.rt == Float || p.rt == Real || p.rt == Datetime) {
        if (p.rt == Float && tx == Float && ty == Float) {
            double *o = out.mutableData<double>();
            const double xa = x.isAtom() ? x.floatValue() : 0, ya = y.isAtom() ? y.floatValue() : 0;
            for (int64_t i = 0; i < n; ++i)
                o[i] =
                    fOp(op, x.isAtom() ? xa : x.at<double>(i), y.isAtom() ? ya : y.at<double>(i));
        } else {
            for (int64_t i = 0; i < n; ++i)
                setF(out, i, fOp(op, readF(x, x.isAtom() ? 0 : i), readF(y, y.isAtom() ? 0 : i)));
        }
    } else if (p.rt == Long && tx == Long && ty == Long) {
        int64_t *o = out.mutableData<int64_t>();
        const int64_t xa = x.isAtom() ? x.rawInt() : 0, ya = y.isAtom() ? y.rawInt() : 0;
        for (int64_t i = 0; i < n; ++i)
            o[i] =
                wrapOp(op, x.isAtom() ? xa : x.at<int64_t>(i), y.isAtom() ? ya : y.at<int64_t>(i));
    } else {
        const int w = elementSize(p.rt);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t a = readInto(x, i, tx, p.rt, p.sx);
            const int64_t b = readInto(y, i, ty, p.rt, p.sy);
            int64_t r;
            if ((op == ArithOp::Min || op == ArithOp::Max) || (p.sx == 1 && p.sy == 1))
                r = wrapOp(op, a, b);
            else
                r = (a == qnull::j || b == qnull::j) ? qnull::j : wrapOp(op, a, b);
            if (w == 4)
                out.mutableData<int32_t>()[i] = int32_t(r);
            else if (w == 2)
                out.mutableData<int16_t>()[i] = int16_t(r);
            else if (w == 1)
                out.mutableData<uint8_t>()[i] = uint8_t(r);
            else
                out.mutableData<int64_t>()[i] = r;
        }
    }
    return atom ? out.element(0) : out;
}

template<class F>
Value floatMap(const Value &x, int rtIfReal, F f)
{
    return pervasive1(x, [&](const Value &v) {
        const int bt = baseType(v.type());
        if (!isNumericBase(bt) && !isTemporal(bt)) qthrow("type");
        const int rt = bt == Real ? rtIfReal : Float;
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(rt, n);
        for (int64_t i = 0; i < n; ++i)
            setF(out, i, f(readF(v, i)));
        return v.isAtom() ? out.element(0) : out;
    });
}

Value negK(InterpreterState &, const Value &x)
{
    return pervasive1(x, [](const Value &v) {
        const int bt = baseType(v.type());
        if (bt == Boolean || bt == Byte)
            return arithKernel(Value::longAtom(0), v, ArithOp::Sub).type() == -Long
                       ? arithKernel(Value::intAtom(0), v, ArithOp::Sub)
                       : arithKernel(Value::intAtom(0), v, ArithOp::Sub);
        if (bt == Float || bt == Real || bt == Datetime) {
            const int64_t n = v.isAtom() ? 1 : v.count();
            Value out = makeVec(bt, n);
            for (int64_t i = 0; i < n; ++i)
                setF(out, i, -readF(v, i));
            return v.isAtom() ? out.element(0) : out;
        }
        if (!isIntPayload(bt) || bt == Char) qthrow("type");
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(bt, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t r = rawI(v, i);
            setI(out, i, elementSize(bt) == 8 ? int64_t(0 - uint64_t(r)) : -r);
        }
        return v.isAtom() ? out.element(0) : out;
    });
}

Value absK(InterpreterState &, const Value &x)
{
    return pervasive1(x, [](const Value &v) {
        int bt = baseType(v.type());
        if (bt == Float || bt == Real) {
            const int64_t n = v.isAtom() ? 1 : v.count();
            Value out = makeVec(bt, n);
            for (int64_t i = 0; i < n; ++i)
                setF(out, i, std::fabs(readF(v, i)));
            return v.isAtom() ? out.element(0) : out;
        }
        if (!isIntegral(bt)) qthrow("type");
        const int rt = (bt == Boolean || bt == Byte) ? Int : bt;
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(rt, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t r = readI(v, i);
            setI(out, i, r == qnull::j ? r : (r < 0 ? -r : r));
        }
        return v.isAtom() ? out.element(0) : out;
    });
}

Value roundK(const Value &x, bool up)
{
    return pervasive1(x, [up](const Value &v) {
        const int bt = baseType(v.type());
        if (isIntegral(bt)) {
            if (bt == Boolean || bt == Byte) qthrow("type");
            return v;
        }
        if (bt != Float && bt != Real) qthrow("type");
        const int rt = bt == Real ? Int : Long;
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(rt, n);
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(v, i);
            if (std::isnan(d))
                setI(out, i, qnull::j);
            else if (std::isinf(d))
                setI(out, i,
                     rt == Int ? (d > 0 ? qnull::iInf : -qnull::iInf)
                               : (d > 0 ? qnull::jInf : -qnull::jInf));
            else {
                // q rounds within a tolerance of 1e-14 before flooring
                const double f =
                    up ? std::ceil(d - 1e-14 * std::fabs(d)) : std::floor(d + 1e-14 * std::fabs(d));
                setI(out, i, int64_t(f));
            }
        }
        return v.isAtom() ? out.element(0) : out;
    });
}

/// floor (Up false) and ceiling (Up true).
template<bool Up>
Value roundVerb(InterpreterState &, const Value &x)
{
    return roundK(x, Up);
}

Value signumK(InterpreterState &, const Value &x)
{
    return pervasive1(x, [](const Value &v) {
        const int bt = baseType(v.type());
        if (!isNumericBase(bt) && !isTemporal(bt)) qthrow("type");
        const int64_t n = v.isAtom() ? 1 : v.count();
        Value out = makeVec(Int, n);
        for (int64_t i = 0; i < n; ++i) {
            if (isFloatBase(bt)) {
                const double d = readF(v, i);
                out.mutableData<int32_t>()[i] = std::isnan(d) ? -1 : (d > 0) - (d < 0);
            } else {
                const int64_t r = readI(v, i);
                out.mutableData<int32_t>()[i] = r == qnull::j ? -1 : (r > 0) - (r < 0);
            }
        }
        return v.isAtom() ? out.element(0) : out;
    });
}

Value sqrtK(InterpreterState &, const Value &x)
{
    return floatMap(x, Float, [](double d) { return d < 0 ? nanValue() : std::sqrt(d); });
}
Value expK(InterpreterState &, const Value &x)
{
    return floatMap(x, Float, [](double d) { return std::exp(d); });
}
Value logK(InterpreterState &, const Value &x)
{
    return floatMap(x, Float, [](double d) { return d < 0 ? nanValue() : std::log(d); });
}
Value reciprocalK(InterpreterState &, const Value &x)
{
    return floatMap(x, Float, [](double d) { return 1.0 / d; });
}

/// The dyadic builtin of one arithmetic verb (+ - * % & |).
template<ArithOp Op>
Value arithVerb(InterpreterState &, const Value &x, const Value &y)
{
    return arith(x, y, Op);
}

// x mod y / x div y: floor semantics with the divisor's sign
Value modDiv(const Value &x, const Value &y, bool isDiv)
{
    return pervasive2(x, y, [isDiv](const Value &a, const Value &b) {
        const int ta = baseType(a.type()), tb = baseType(b.type());
        if (!isNumericBase(ta) || !isNumericBase(tb)) {
            if (isTemporal(ta) && isIntegral(tb)) {
                // temporal mod: raw arithmetic in the left type
            } else {
                qthrow("type");
            }
        }
        const bool fl = isFloatBase(ta) || isFloatBase(tb);
        const bool atom = a.isAtom() && b.isAtom();
        const int64_t n = atom ? 1 : (a.isAtom() ? b.count() : a.count());
        int rt;
        if (fl)
            rt = Float;
        else if (isTemporal(ta))
            rt = isDiv ? Int : ta;
        else
            rt = numRank(ta) >= numRank(tb) ? (numRank(ta) < 3 ? Int : ta)
                                            : (numRank(tb) < 3 ? Int : tb);
        if (isDiv && !fl && rt != Long) rt = numRank(ta) == 4 || numRank(tb) == 4 ? Long : Int;
        Value out = makeVec(rt, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t ia = a.isAtom() ? 0 : i, ib = b.isAtom() ? 0 : i;
            if (fl) {
                const double p = readF(a, ia), q = readF(b, ib);
                const double fdiv = std::floor(p / q);
                setF(out, i, isDiv ? fdiv : p - q * fdiv);
            } else {
                const int64_t p = readI(a, ia), q = readI(b, ib);
                if (p == qnull::j || q == qnull::j || q == 0) {
                    setI(out, i,
                         isDiv && q == 0 && p != qnull::j
                             ? (p == 0 ? qnull::j : (p > 0 ? qnull::jInf : -qnull::jInf))
                             : (q == 0 && !isDiv ? p : qnull::j));
                    continue;
                }
                int64_t d = p / q;
                if ((p % q != 0) && ((p < 0) != (q < 0))) --d;
                setI(out, i, isDiv ? d : p - q * d);
            }
        }
        return atom ? out.element(0) : out;
    });
}

Value modK(InterpreterState &, const Value &x, const Value &y)
{
    return modDiv(x, y, false);
}
Value divIntK(InterpreterState &, const Value &x, const Value &y)
{
    return modDiv(x, y, true);
}

Value xexpK(InterpreterState &, const Value &x, const Value &y)
{
    return pervasive2(x, y, [](const Value &a, const Value &b) {
        if (!isNumericBase(baseType(a.type())) || !isNumericBase(baseType(b.type())))
            qthrow("type");
        const bool atom = a.isAtom() && b.isAtom();
        const int64_t n = atom ? 1 : (a.isAtom() ? b.count() : a.count());
        Value out = makeVec(Float, n);
        for (int64_t i = 0; i < n; ++i)
            setF(out, i, std::pow(readF(a, a.isAtom() ? 0 : i), readF(b, b.isAtom() ? 0 : i)));
        return atom ? out.element(0) : out;
    });
}

Value xlogK(InterpreterState &, const Value &x, const Value &y)
{
    return pervasive2(x, y, [](const Value &a, const Value &b) {
        if (!isNumericBase(baseType(a.type())) || !isNumericBase(baseType(b.type())))
            qthrow("type");
        const bool atom = a.isAtom() && b.isAtom();
        const int64_t n = atom ? 1 : (a.isAtom() ? b.count() : a.count());
        Value out = makeVec(Float, n);
        for (int64_t i = 0; i < n; ++i)
            setF(out, i,
                 std::log(readF(b, b.isAtom() ? 0 : i)) / std::log(readF(a, a.isAtom() ? 0 : i)));
        return atom ? out.element(0) : out;
    });
}

// x xbar y: y rounded down to a multiple of x, in y's type
// (code.kx.com/q/ref/xbar)
Value xbarK(InterpreterState &, const Value &x, const Value &y)
{
    return pervasive2(x, y, [](const Value &a, const Value &b) {
        const int ta = baseType(a.type()), tb = baseType(b.type());
        const bool atom = a.isAtom() && b.isAtom();
        const int64_t n = atom ? 1 : (a.isAtom() ? b.count() : a.count());
        if (isFloatBase(ta) || isFloatBase(tb)) {
            const int rt = isFloatBase(tb) ? tb : Float;
            Value out = makeVec(rt, n);
            for (int64_t i = 0; i < n; ++i) {
                const double p = readF(a, a.isAtom() ? 0 : i), q = readF(b, b.isAtom() ? 0 : i);
                setF(out, i, p * std::floor(q / p + 1e-12));
            }
            return atom ? out.element(0) : out;
        }
        if (!(isIntPayload(ta) && isIntPayload(tb)) || ta == Char || tb == Char) qthrow("type");
        int64_t scale = 1;
        if (isTemporal(ta) && isTemporal(tb) && ta != tb)
            scale = nanosPerUnit(ta) / std::max<int64_t>(1, nanosPerUnit(tb));
        const int rt = (tb == Boolean || tb == Byte || tb == Short) ? Int : tb;
        const int resultType = isTemporal(tb) ? tb : (numRank(ta) > numRank(rt) ? ta : rt);
        Value out = makeVec(resultType, n);
        for (int64_t i = 0; i < n; ++i) {
            const int64_t p = readI(a, a.isAtom() ? 0 : i) * scale,
                          q = readI(b, b.isAtom() ? 0 : i);
            if (q == qnull::j || p == qnull::j || p == 0) {
                setI(out, i, qnull::j);
                continue;
            }
            int64_t d = q / p;
            if ((q % p != 0) && ((q < 0) != (p < 0))) --d;
            setI(out, i, d * p);
        }
        return atom ? out.element(0) : out;
    });
}

} // namespace

Value arith(const Value &x, const Value &y, ArithOp op)
{
    return pervasive2(x, y, [op](const Value &a, const Value &b) { return arithKernel(a, b, op); });
}

void registerArith(InterpreterState &s)
{
    // monadic forms of the verbs: -x neg, %x reciprocal (q uses reciprocal), _x
    // floor
    s.regVerb(1, nullptr, arithVerb<ArithOp::Add>); // + (flip is set by the dict family)
    s.regVerb(2, negK, arithVerb<ArithOp::Sub>);
    s.regVerb(3, nullptr, arithVerb<ArithOp::Mul>); // * (first is set by the list family)
    s.regVerb(4, reciprocalK, arithVerb<ArithOp::Div>);
    s.regVerb(5, nullptr, arithVerb<ArithOp::Min>);
    s.regVerb(6, nullptr, arithVerb<ArithOp::Max>);
    s.alias("neg", Value::primitive(UnaryPrimitive, 2));
    s.alias("reciprocal", Value::primitive(UnaryPrimitive, 4));
    s.alias("and", Value::primitive(Operator, 5), true);
    s.alias("or", Value::primitive(Operator, 6), true);
    s.reg("abs", absK);
    s.reg("floor", roundVerb<false>);
    s.reg("ceiling", roundVerb<true>);
    s.reg("signum", signumK);
    s.reg("sqrt", sqrtK);
    s.reg("exp", expK);
    s.reg("log", logK);
    s.reg("mod", modK);
    s.reg("div", divIntK);
    s.reg("xexp", xexpK);
    s.reg("xlog", xlogK);
    s.reg("xbar", xbarK);
}

} // namespace qscope::qlang::detail
