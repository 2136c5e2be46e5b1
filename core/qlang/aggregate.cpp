// Aggregations and running aggregations: sum prd min max avg med dev var sdev
// svar wavg wsum all any sums prds mins maxs deltas ratios differ mavg msum
// mcount mmin mmax (code.kx.com/q/ref/sum, /avg, /max, /med, /var, /dev, /wavg,
// /sums, /deltas). Integer sums are long, avg is float, and nulls are skipped
// as kdb+ does.
#include "qlang/arith.h"
#include "qlang/compare.h"
#include "qlang/interpreterstate.h"
#include "qlang/pervasive.h"

#include <algorithm>
#include <cmath>

namespace qscope::qlang::detail {

namespace {

template<class F>
Value overColumns(const Value &x, F f)
{
    // aggregations of a table give a dict of column results; of a dict, of its
    // values
    if (x.isTable()) {
        std::vector<Value> vals;
        for (const Value &c : x.columns().items())
            vals.push_back(f(c));
        return Value::dict(x.columnNames(), collapse(std::move(vals)));
    }
    if (x.isKeyedTable()) return overColumns(x.values(), f);
    if (x.isDict()) return f(x.values());
    return f(x);
}

Value foldList(const Value &x, ArithOp op)
{
    // a general list of lists: item-wise fold
    if (!x.count()) return Value::longAtom(0);
    Value acc = x.item(0);
    for (int64_t i = 1; i < x.count(); ++i)
        acc = arith(acc, x.item(i), op);
    return acc;
}

bool isSpan(int bt)
{
    return bt == Timespan || bt == Time || bt == Second || bt == Minute;
}

Value sumOne(const Value &x)
{
    if (x.isAtom()) {
        if (x.type() == -Symbol || x.type() == -Guid) qthrow("type");
        return x;
    }
    if (x.isList()) return foldList(x, ArithOp::Add);
    const int bt = x.type();
    const int64_t n = x.count();
    if (bt == Float || bt == Real) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(x, i);
            if (!std::isnan(d)) s += d;
        }
        return bt == Real ? Value::real(float(s)) : Value::floatAtom(s);
    }
    if (isIntegral(bt) || isSpan(bt)) {
        int64_t s = 0;
        if (bt == Long) {
            for (int64_t i = 0; i < n; ++i) {
                const int64_t v = x.at<int64_t>(i);
                if (v != qnull::j) s = int64_t(uint64_t(s) + uint64_t(v));
            }
        } else {
            for (int64_t i = 0; i < n; ++i) {
                const int64_t v = readI(x, i);
                if (v != qnull::j) s = int64_t(uint64_t(s) + uint64_t(v));
            }
        }
        return isSpan(bt) ? atomFromI(bt, s) : Value::longAtom(s);
    }
    if (bt == Datetime) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i)
            if (!std::isnan(readF(x, i))) s += readF(x, i);
        return Value::temporalFloat(-Datetime, s);
    }
    qthrow("type");
}

Value prdOne(const Value &x)
{
    if (x.isAtom()) return x;
    if (x.isList()) return foldList(x, ArithOp::Mul);
    const int bt = x.type();
    const int64_t n = x.count();
    if (bt == Float || bt == Real) {
        double s = 1;
        for (int64_t i = 0; i < n; ++i)
            if (!std::isnan(readF(x, i))) s *= readF(x, i);
        return bt == Real ? Value::real(float(s)) : Value::floatAtom(s);
    }
    if (!isIntegral(bt)) qthrow("type");
    int64_t s = 1;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t v = readI(x, i);
        if (v != qnull::j) s = int64_t(uint64_t(s) * uint64_t(v));
    }
    return Value::longAtom(s);
}

Value extremeOne(const Value &x, bool isMax)
{
    if (x.isAtom()) return x;
    if (x.isList()) return foldList(x, isMax ? ArithOp::Max : ArithOp::Min);
    const int bt = x.type();
    const int64_t n = x.count();
    if (bt == Symbol || bt == Guid) qthrow("type");
    if (isFloatBase(bt)) {
        double best = isMax ? -INFINITY : INFINITY;
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(x, i);
            if (!std::isnan(d)) best = isMax ? std::max(best, d) : std::min(best, d);
        }
        return atomFromF(bt, best);
    }
    if (bt == Boolean || bt == Byte || bt == Char) {
        int best = isMax ? 0 : 255;
        if (bt == Boolean && !isMax) best = 1;
        for (int64_t i = 0; i < n; ++i) {
            const int v = x.at<uint8_t>(i);
            best = isMax ? std::max(best, v) : std::min(best, v);
        }
        return Value::atom(-bt, best);
    }
    const int w = elementSize(bt);
    const int64_t inf = w == 2 ? qnull::hInf : w == 4 ? qnull::iInf : qnull::jInf;
    int64_t best = isMax ? -inf : inf;
    bool any = false;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t v = readI(x, i);
        if (v == qnull::j) continue;
        any = true;
        best = isMax ? std::max(best, v) : std::min(best, v);
    }
    (void)any;
    return atomFromI(bt, best);
}

std::vector<double> nonNullDoubles(const Value &x)
{
    std::vector<double> v;
    const int64_t n = x.count();
    v.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        const double d = readF(x, i);
        if (!std::isnan(d)) v.push_back(d);
    }
    return v;
}

void requireNumeric(const Value &x)
{
    const int bt = baseType(x.type());
    if (!isNumericBase(bt) && !isTemporal(bt)) qthrow("type");
}

Value avgOne(const Value &x)
{
    if (x.isList()) {
        if (!x.count()) return Value::floatAtom(nanValue());
        return arith(foldList(x, ArithOp::Add), Value::floatAtom(double(x.count())), ArithOp::Div);
    }
    requireNumeric(x);
    if (x.isAtom()) return Value::floatAtom(readF(x, 0));
    double s = 0;
    int64_t c = 0;
    const int64_t n = x.count();
    if (x.type() == Float) {
        for (int64_t i = 0; i < n; ++i) {
            const double d = x.at<double>(i);
            if (!std::isnan(d)) {
                s += d;
                ++c;
            }
        }
    } else {
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(x, i);
            if (!std::isnan(d)) {
                s += d;
                ++c;
            }
        }
    }
    return Value::floatAtom(c ? s / double(c) : nanValue());
}

Value medOne(const Value &x)
{
    requireNumeric(x);
    if (x.isAtom()) return Value::floatAtom(readF(x, 0));
    std::vector<double> v = nonNullDoubles(x);
    if (v.empty()) return Value::floatAtom(nanValue());
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return Value::floatAtom(v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2);
}

double variance(const Value &x, bool sample)
{
    requireNumeric(x);
    const std::vector<double> v = nonNullDoubles(x.isAtom() ? enlistAtom(x) : x);
    const double n = double(v.size());
    if (v.empty() || (sample && v.size() < 2)) return nanValue();
    double mean = 0;
    for (double d : v)
        mean += d;
    mean /= n;
    double ss = 0;
    for (double d : v)
        ss += (d - mean) * (d - mean);
    return ss / (sample ? n - 1 : n);
}

Value sumK(InterpreterState &, const Value &x)
{
    return overColumns(x, sumOne);
}
Value prdK(InterpreterState &, const Value &x)
{
    return overColumns(x, prdOne);
}
Value maxK(InterpreterState &, const Value &x)
{
    return overColumns(x, [](const Value &c) { return extremeOne(c, true); });
}
Value minK(InterpreterState &, const Value &x)
{
    return overColumns(x, [](const Value &c) { return extremeOne(c, false); });
}
Value avgK(InterpreterState &, const Value &x)
{
    return overColumns(x, avgOne);
}
Value medK(InterpreterState &, const Value &x)
{
    return overColumns(x, medOne);
}
Value varK(InterpreterState &, const Value &x)
{
    return overColumns(x, [](const Value &c) { return Value::floatAtom(variance(c, false)); });
}
Value devK(InterpreterState &, const Value &x)
{
    return overColumns(
        x, [](const Value &c) { return Value::floatAtom(std::sqrt(variance(c, false))); });
}
Value svarK(InterpreterState &, const Value &x)
{
    return overColumns(x, [](const Value &c) { return Value::floatAtom(variance(c, true)); });
}
Value sdevK(InterpreterState &, const Value &x)
{
    return overColumns(
        x, [](const Value &c) { return Value::floatAtom(std::sqrt(variance(c, true))); });
}

Value wavgK(InterpreterState &, const Value &w, const Value &x)
{
    if (w.isAtom() && x.isAtom()) return Value::floatAtom(readF(x, 0));
    if (w.isVector() && x.isVector() && w.count() != x.count()) qthrow("length");
    requireNumeric(w);
    requireNumeric(x);
    const int64_t n = w.isAtom() ? x.count() : w.count();
    double sw = 0, swx = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double a = readF(w, w.isAtom() ? 0 : i), b = readF(x, x.isAtom() ? 0 : i);
        if (std::isnan(a) || std::isnan(b)) continue;
        sw += a;
        swx += a * b;
    }
    return Value::floatAtom(swx / sw);
}

Value wsumK(InterpreterState &, const Value &w, const Value &x)
{
    return sumOne(arith(w, x, ArithOp::Mul));
}

Value allK(InterpreterState &, const Value &x)
{
    const Value z = compare(x.isDict() ? x.values() : x, Value::longAtom(0), CmpOp::Ne);
    if (z.isAtom()) return z;
    for (int64_t i = 0; i < z.count(); ++i)
        if (!z.at<uint8_t>(i)) return Value::boolean(false);
    return Value::boolean(true);
}

Value anyK(InterpreterState &, const Value &x)
{
    const Value z = compare(x.isDict() ? x.values() : x, Value::longAtom(0), CmpOp::Ne);
    if (z.isAtom()) return z;
    for (int64_t i = 0; i < z.count(); ++i)
        if (z.at<uint8_t>(i)) return Value::boolean(true);
    return Value::boolean(false);
}

// running aggregations over a vector (or columns of a table / values of a dict)
template<class F>
Value running(const Value &x, F f)
{
    if (x.isTable()) return pervasive1(x, [&](const Value &c) { return running(c, f); });
    if (x.isDict()) return Value::dict(x.keys(), running(x.values(), f));
    return f(x);
}

Value scanArith(const Value &x, ArithOp op)
{
    if (x.isAtom()) return x;
    if (x.isList()) {
        std::vector<Value> out;
        Value acc;
        for (int64_t i = 0; i < x.count(); ++i) {
            acc = i ? arith(acc, x.item(i), op) : x.item(i);
            out.push_back(acc);
        }
        return x.count() ? collapse(std::move(out)) : x;
    }
    const int bt = x.type();
    if (!isNumericBase(bt) && !isSpan(bt) &&
        !((op == ArithOp::Min || op == ArithOp::Max) && isTemporal(bt)))
        qthrow("type");
    const int64_t n = x.count();
    if (isFloatBase(bt)) {
        Value out = makeVec(bt, n);
        double acc = op == ArithOp::Mul ? 1 : 0;
        bool started = false;
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(x, i);
            if (op == ArithOp::Add || op == ArithOp::Mul) {
                if (!std::isnan(d)) acc = op == ArithOp::Add ? acc + d : acc * d;
            } else if (!std::isnan(d)) {
                acc = !started ? d : (op == ArithOp::Max ? std::max(acc, d) : std::min(acc, d));
                started = true;
            } else if (!started) {
                acc = nanValue();
            }
            setF(out, i, acc);
        }
        return out;
    }
    int rt = bt;
    if (op == ArithOp::Add || op == ArithOp::Mul)
        rt = (bt == Boolean || bt == Byte || bt == Short) ? Int : bt;
    Value out = makeVec(rt, n);
    int64_t acc = op == ArithOp::Mul ? 1 : 0;
    bool started = false;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t v = readI(x, i);
        if (op == ArithOp::Add || op == ArithOp::Mul) {
            if (v != qnull::j)
                acc = op == ArithOp::Add ? int64_t(uint64_t(acc) + uint64_t(v))
                                         : int64_t(uint64_t(acc) * uint64_t(v));
        } else if (v != qnull::j) {
            acc = !started ? v : (op == ArithOp::Max ? std::max(acc, v) : std::min(acc, v));
            started = true;
        } else if (!started) {
            acc = qnull::j;
        }
        setI(out, i, acc);
    }
    return out;
}

Value sumsK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) { return scanArith(v, ArithOp::Add); });
}
Value prdsK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) { return scanArith(v, ArithOp::Mul); });
}
Value maxsK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) { return scanArith(v, ArithOp::Max); });
}
Value minsK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) { return scanArith(v, ArithOp::Min); });
}

Value priorOf(const Value &x, const Value &seed)
{
    // x shifted right by one, seed first
    const int64_t n = x.count();
    std::vector<int64_t> idx(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        idx[size_t(i)] = i - 1;
    Value p = gather(x, idx);
    if (n && seed.isAtom()) {
        std::vector<Value> items = itemsOf(p);
        items[0] = seed;
        Value c = collapse(std::move(items));
        if (c.type() == p.type())
            p = c;
        else
            p = c;
    }
    return p;
}

Value deltasK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) {
        if (v.isAtom()) return v;
        if (!v.count()) return v;
        const int bt = v.type();
        if (isTemporal(bt) && !isSpan(bt)) {
            // a point minus its prior; the first item minus the epoch
            const Value d =
                arith(v,
                      gather(v,
                             [&] {
                                 std::vector<int64_t> idx(static_cast<size_t>(v.count()));
                                 for (int64_t i = 0; i < v.count(); ++i)
                                     idx[size_t(i)] = i ? i - 1 : 0;
                                 return idx;
                             }()),
                      ArithOp::Sub);
            return d;
        }
        const Value zero = isFloatBase(bt) ? atomFromF(bt, 0) : atomFromI(bt, 0);
        return arith(v, priorOf(v, zero), ArithOp::Sub);
    });
}

Value ratiosK(InterpreterState &, const Value &x)
{
    return running(x, [](const Value &v) {
        if (v.isAtom() || !v.count()) return v;
        requireNumeric(v);
        const int64_t n = v.count();
        Value out = makeVec(Float, n);
        for (int64_t i = 0; i < n; ++i)
            setF(out, i, i ? readF(v, i) / readF(v, i - 1) : readF(v, 0));
        return out;
    });
}

Value differK(InterpreterState &, const Value &x)
{
    if (!isList(x)) return Value::boolean(true);
    const int64_t n = x.count();
    Value out = makeVec(Boolean, n);
    for (int64_t i = 0; i < n; ++i)
        out.mutableData<uint8_t>()[i] = i == 0 || !matchElem(x, i, x, i - 1);
    return out;
}

template<class F>
Value moving(const Value &w, const Value &x, F f)
{
    if (!w.isAtom() || !isIntegral(-w.type())) qthrow("type");
    const int64_t k = readI(w, 0);
    if (k <= 0) qthrow("domain");
    if (!x.isVector()) qthrow("type");
    return f(k, x);
}

Value msumK(InterpreterState &, const Value &w, const Value &x)
{
    return moving(w, x, [](int64_t k, const Value &v) {
        const int64_t n = v.count();
        if (isFloatBase(v.type())) {
            Value out = makeVec(Float, n);
            double s = 0;
            for (int64_t i = 0; i < n; ++i) {
                const double d = readF(v, i);
                s += std::isnan(d) ? 0 : d;
                if (i >= k) {
                    const double o = readF(v, i - k);
                    s -= std::isnan(o) ? 0 : o;
                }
                setF(out, i, s);
            }
            return out;
        }
        Value out = makeVec(Long, n);
        int64_t s = 0;
        for (int64_t i = 0; i < n; ++i) {
            const int64_t d = readI(v, i);
            s += d == qnull::j ? 0 : d;
            if (i >= k) {
                const int64_t o = readI(v, i - k);
                s -= o == qnull::j ? 0 : o;
            }
            setI(out, i, s);
        }
        return out;
    });
}

Value mcountK(InterpreterState &, const Value &w, const Value &x)
{
    return moving(w, x, [](int64_t k, const Value &v) {
        const int64_t n = v.count();
        const Value nm = nullMask(v);
        Value out = makeVec(Long, n);
        int64_t c = 0;
        for (int64_t i = 0; i < n; ++i) {
            c += !nm.at<uint8_t>(i);
            if (i >= k) c -= !nm.at<uint8_t>(i - k);
            setI(out, i, c);
        }
        return out;
    });
}

Value mavgK(InterpreterState &, const Value &w, const Value &x)
{
    return moving(w, x, [](int64_t k, const Value &v) {
        const int64_t n = v.count();
        Value out = makeVec(Float, n);
        double s = 0;
        int64_t c = 0;
        for (int64_t i = 0; i < n; ++i) {
            const double d = readF(v, i);
            if (!std::isnan(d)) {
                s += d;
                ++c;
            }
            if (i >= k) {
                const double o = readF(v, i - k);
                if (!std::isnan(o)) {
                    s -= o;
                    --c;
                }
            }
            setF(out, i, c ? s / double(c) : nanValue());
        }
        return out;
    });
}

Value mextreme(const Value &w, const Value &x, bool isMax)
{
    return moving(w, x, [isMax](int64_t k, const Value &v) {
        const int64_t n = v.count();
        std::vector<Value> out;
        out.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i)
            out.push_back(
                extremeOne(slice(v, std::max<int64_t>(0, i - k + 1), std::min(k, i + 1)), isMax));
        return collapse(std::move(out));
    });
}

Value mmaxK(InterpreterState &, const Value &w, const Value &x)
{
    return mextreme(w, x, true);
}
Value mminK(InterpreterState &, const Value &w, const Value &x)
{
    return mextreme(w, x, false);
}

Value corCov(const Value &x, const Value &y, bool cor)
{
    requireNumeric(x);
    requireNumeric(y);
    if (x.count() != y.count()) qthrow("length");
    const int64_t n = x.count();
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int64_t c = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double a = readF(x, i), b = readF(y, i);
        if (std::isnan(a) || std::isnan(b)) continue;
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
        ++c;
    }
    const double mx = sx / double(c), my = sy / double(c);
    const double cov = sxy / double(c) - mx * my;
    if (!cor) return Value::floatAtom(cov);
    const double vx = sxx / double(c) - mx * mx, vy = syy / double(c) - my * my;
    return Value::floatAtom(cov / std::sqrt(vx * vy));
}

Value corK(InterpreterState &, const Value &x, const Value &y)
{
    return corCov(x, y, true);
}
Value covK(InterpreterState &, const Value &x, const Value &y)
{
    return corCov(x, y, false);
}

} // namespace

void registerAggregate(InterpreterState &s)
{
    s.reg("sum", sumK);
    s.reg("prd", prdK);
    s.reg("max", maxK);
    s.reg("min", minK);
    s.reg("avg", avgK);
    s.reg("med", medK);
    s.reg("var", varK);
    s.reg("dev", devK);
    s.reg("svar", svarK);
    s.reg("sdev", sdevK);
    s.reg("all", allK);
    s.reg("any", anyK);
    s.reg("__sums", sumsK);
    s.alias("sums", Value::composite(Scan, {Value::primitive(Operator, 1)})); // +\ as kdb+ has it
    s.reg("prds", prdsK);
    s.reg("maxs", maxsK);
    s.reg("mins", minsK);
    s.reg("deltas", deltasK);
    s.reg("ratios", ratiosK);
    s.reg("differ", differK);
    s.reg("wavg", wavgK);
    s.reg("wsum", wsumK);
    s.reg("msum", msumK);
    s.reg("mcount", mcountK);
    s.reg("mavg", mavgK);
    s.reg("mmax", mmaxK);
    s.reg("mmin", mminK);
    s.reg("cor", corK);
    s.reg("cov", covK);
}

} // namespace qscope::qlang::detail
