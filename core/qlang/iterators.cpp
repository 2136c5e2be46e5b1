// Iterators: each ' over / scan \ each-prior ': each-right /: each-left \: and
// the keywords each over scan prior peach (code.kx.com/q/ref/iterators). Known
// verbs take whole-vector fast paths (+/ is sum, ,/ is raze ...); anything else
// applies item by item.
#include "qlang/arith.h"
#include "qlang/compare.h"
#include "qlang/interpreterstate.h"
#include "qlang/listops.h"
#include "qlang/vecutil.h"

namespace qscope::qlang::detail {

namespace {

bool isOp(const Value &f, int code)
{
    return f.type() == Operator && f.primitiveCode() == code;
}

Value builtinCall(InterpreterState &s, const char *name, const Value &x)
{
    return s.apply1(s.builtinNames.value(name), x);
}

Value eachMonadic(InterpreterState &s, const Value &f, const Value &x)
{
    if (x.isDict() && !x.isKeyedTable())
        return Value::dict(x.keys(), eachMonadic(s, f, x.values()));
    if (x.isAtom()) return s.apply1(f, x);
    if (x.isTable()) {
        std::vector<Value> out;
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(s.apply1(f, x.element(i)));
        return collapse(std::move(out));
    }
    if (!isList(x)) return s.apply1(f, x);
    const int64_t n = x.count();
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        out.push_back(s.apply1(f, x.element(i)));
    if (n == 0) return Value::list({});
    return collapse(std::move(out));
}

Value eachN(InterpreterState &s, const Value &f, std::span<const Value> args)
{
    int64_t n = -1;
    bool dictKeys = false;
    Value keys;
    for (const Value &a : args) {
        if (a.isDict() && !a.isKeyedTable()) {
            dictKeys = true;
            keys = a.keys();
        }
        if (isList(a) || a.isTable() || a.isDict()) {
            if (n >= 0 && a.count() != n) qthrow("length");
            n = a.count();
        }
    }
    if (n < 0) return s.apply(f, args);
    std::vector<Value> out;
    out.reserve(size_t(n));
    std::vector<Value> call(args.size());
    for (int64_t i = 0; i < n; ++i) {
        for (size_t k = 0; k < args.size(); ++k) {
            const Value &a = args[k];
            call[k] = a.isDict() ? itemAt(a.values(), i)
                                 : ((isList(a) || a.isTable()) ? a.element(i) : a);
        }
        out.push_back(s.apply(f, call));
    }
    const Value r = n ? collapse(std::move(out)) : Value::list({});
    return dictKeys ? Value::dict(keys, r) : r;
}

Value fold(InterpreterState &s, const Value &f, Value acc, const Value &x, bool scan,
           std::vector<Value> *trail)
{
    const int64_t n = x.count();
    for (int64_t i = 0; i < n; ++i) {
        acc = s.apply2(f, acc, itemAt(x, i));
        if (scan) trail->push_back(acc);
    }
    return acc;
}

Value converge(InterpreterState &s, const Value &f, const Value &x, bool scan)
{
    std::vector<Value> trail{x};
    Value prev = x;
    for (;;) {
        s.tick();
        const Value next = s.apply1(f, prev);
        if (match(next, prev) || match(next, x)) break;
        trail.push_back(next);
        prev = next;
    }
    return scan ? collapse(std::move(trail)) : prev;
}

Value overScan(InterpreterState &s, const Value &f, std::span<const Value> args, bool scan)
{
    const int v = s.valence(f);
    if (args.size() == 1) {
        const Value &x = args[0];
        if (v == 1 || !f.isFunction()) return converge(s, f, x, scan);
        // fast paths for verbs over whole vectors
        if (!scan) {
            if (isOp(f, 1) && x.isVector()) return builtinCall(s, "sum", x);
            if (isOp(f, 3) && x.isVector()) return builtinCall(s, "prd", x);
            if (isOp(f, 6) && x.isVector()) return builtinCall(s, "max", x);
            if (isOp(f, 5) && x.isVector()) return builtinCall(s, "min", x);
            if (isOp(f, 12) && x.isList()) {
                Value acc = Value::list({});
                bool allVec = true;
                for (const Value &i : x.items())
                    allVec = allVec && (i.isVector() || i.isAtom());
                if (allVec && x.count()) {
                    const int t = baseType(x.item(0).type());
                    bool same = true;
                    for (const Value &i : x.items())
                        same = same && baseType(i.type()) == t;
                    if (same && t != Symbol) {
                        int64_t total = 0;
                        for (const Value &i : x.items())
                            total += i.isAtom() ? 1 : i.count();
                        Value out = makeVec(t, total);
                        const int w = elementSize(t);
                        int64_t at = 0;
                        for (const Value &i : x.items()) {
                            const Value iv = enlistAtom(i);
                            std::memcpy(out.mutableData<char>() + at * w, iv.rawData(),
                                        size_t(iv.count() * w));
                            at += iv.count();
                        }
                        return out;
                    }
                }
            }
        } else {
            if (isOp(f, 1) && x.isVector()) return builtinCall(s, "__sums", x);
            if (isOp(f, 3) && x.isVector()) return builtinCall(s, "prds", x);
            if (isOp(f, 6) && x.isVector()) return builtinCall(s, "maxs", x);
            if (isOp(f, 5) && x.isVector()) return builtinCall(s, "mins", x);
        }
        if (x.isAtom()) return x;
        if (x.isDict() && !x.isKeyedTable()) {
            if (!scan) return overScan(s, f, std::vector<Value>{x.values()}, false);
            return Value::dict(x.keys(), overScan(s, f, std::vector<Value>{x.values()}, true));
        }
        const int64_t n = x.count();
        if (n == 0) {
            if (isOp(f, 1)) return Value::longAtom(0);
            if (isOp(f, 3)) return Value::longAtom(1);
            return x;
        }
        std::vector<Value> trail;
        Value acc = itemAt(x, 0);
        if (scan) trail.push_back(acc);
        acc = fold(s, f, acc, slice(x, 1, n - 1), scan, &trail);
        return scan ? collapse(std::move(trail)) : acc;
    }
    if (args.size() == 2) {
        const Value &x = args[0], &y = args[1];
        if (v == 1) {
            // n f/ x: n times; cond f/ x: while
            if (x.isAtom() && isIntegral(-x.type())) {
                const int64_t times = readI(x, 0);
                std::vector<Value> trail{y};
                Value acc = y;
                for (int64_t i = 0; i < times; ++i) {
                    s.tick();
                    acc = s.apply1(f, acc);
                    if (scan) trail.push_back(acc);
                }
                return scan ? collapse(std::move(trail)) : acc;
            }
            std::vector<Value> trail{y};
            Value acc = y;
            for (;;) {
                const Value c = s.apply1(x, acc);
                if (!c.isAtom()) qthrow("type");
                if (readI(c, 0) == 0) break;
                acc = s.apply1(f, acc);
                if (scan) trail.push_back(acc);
            }
            return scan ? collapse(std::move(trail)) : acc;
        }
        if (y.isAtom()) return s.apply2(f, x, y);
        std::vector<Value> trail;
        const Value acc = fold(s, f, x, y, scan, &trail);
        if (scan) return y.count() ? collapse(std::move(trail)) : Value::list({});
        return acc;
    }
    // multi-argument fold: f/[x;y;z]
    Value acc = args[0];
    int64_t n = -1;
    for (size_t k = 1; k < args.size(); ++k)
        if (!args[k].isAtom()) {
            if (n >= 0 && args[k].count() != n) qthrow("length");
            n = args[k].count();
        }
    if (n < 0) n = 1;
    std::vector<Value> trail;
    std::vector<Value> call(args.size());
    for (int64_t i = 0; i < n; ++i) {
        call[0] = acc;
        for (size_t k = 1; k < args.size(); ++k)
            call[k] = args[k].isAtom() ? args[k] : itemAt(args[k], i);
        acc = s.apply(f, call);
        if (scan) trail.push_back(acc);
    }
    return scan ? collapse(std::move(trail)) : acc;
}

Value eachPrior(InterpreterState &s, const Value &f, std::span<const Value> args)
{
    const bool seeded = args.size() == 2;
    const Value &x = seeded ? args[1] : args[0];
    if (!isList(x)) return seeded ? s.apply2(f, x, args[0]) : x;
    const int64_t n = x.count();
    if (!seeded) {
        if (isOp(f, 2)) return builtinCall(s, "deltas", x);
        if (isOp(f, 0)) return builtinCall(s, "__prev", x);
    }
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        if (i == 0) {
            if (seeded) {
                out.push_back(s.apply2(f, x.element(0), args[0]));
            } else if (isOp(f, 1) || isOp(f, 2) || isOp(f, 3) || isOp(f, 4) || isOp(f, 5) ||
                       isOp(f, 6)) {
                out.push_back(isOp(f, 4) ? arith(x.element(0), Value::longAtom(1), ArithOp::Div)
                                         : x.element(0));
            } else if (isOp(f, 8) || isOp(f, 9) || isOp(f, 10) || isOp(f, 15)) {
                out.push_back(s.apply2(f, x.element(0), nullLike(x)));
            } else {
                out.push_back(x.element(0));
            }
            continue;
        }
        out.push_back(s.apply2(f, x.element(i), x.element(i - 1)));
    }
    if (n == 0) return x;
    return collapse(std::move(out));
}

Value eachSide(InterpreterState &s, const Value &f, std::span<const Value> args, bool right)
{
    if (args.size() != 2) qthrow("rank");
    const Value &x = args[0], &y = args[1];
    const Value &over = right ? y : x;
    if (over.isAtom()) return s.apply2(f, x, y);
    if (over.isDict() && !over.isKeyedTable()) {
        std::vector<Value> out;
        for (int64_t i = 0; i < over.count(); ++i)
            out.push_back(right ? s.apply2(f, x, itemAt(over.values(), i))
                                : s.apply2(f, itemAt(over.values(), i), y));
        return Value::dict(over.keys(), collapse(std::move(out)));
    }
    const int64_t n = over.count();
    std::vector<Value> out;
    out.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i)
        out.push_back(right ? s.apply2(f, x, over.element(i)) : s.apply2(f, over.element(i), y));
    if (n == 0) return Value::list({});
    return collapse(std::move(out));
}

Value eachK(InterpreterState &s, const Value &f, const Value &x)
{
    return eachMonadic(s, f, x);
}
Value overK(InterpreterState &s, const Value &f, const Value &x)
{
    const Value a[1] = {x};
    return overScan(s, f, a, false);
}
Value scanK(InterpreterState &s, const Value &f, const Value &x)
{
    const Value a[1] = {x};
    return overScan(s, f, a, true);
}
Value priorK(InterpreterState &s, const Value &f, const Value &x)
{
    const Value a[1] = {x};
    return eachPrior(s, f, a);
}

} // namespace

Value InterpreterState::applyIterator(const Value &f, std::span<const Value> args)
{
    const Value &g = f.items().at(0);
    switch (f.type()) {
    case Each:
        if (args.size() == 1) return eachMonadic(*this, g, args[0]);
        return eachN(*this, g, args);
    case Over:
        return overScan(*this, g, args, false);
    case Scan:
        return overScan(*this, g, args, true);
    case EachPrior:
        return eachPrior(*this, g, args);
    case EachRight:
        return eachSide(*this, g, args, true);
    case EachLeft:
        return eachSide(*this, g, args, false);
    default:
        qthrow("nyi");
    }
}

void registerIterators(InterpreterState &s)
{
    s.reg("each", eachK);
    s.reg("peach", eachK);
    s.reg("over", overK);
    s.reg("scan", scanK);
    s.reg("prior", priorK);
}

} // namespace qscope::qlang::detail
