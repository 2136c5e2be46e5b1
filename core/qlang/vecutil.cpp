#include "qlang/vecutil.h"

#include "qlang/interpreterstate.h"

#include <QHash>

#include <algorithm>
#include <limits>

namespace qscope::qlang::detail {

int64_t intNullFor(int)
{
    return qnull::j;
}

double nanValue()
{
    double d;
    std::memcpy(&d, &qnull::fBits, sizeof d);
    return d;
}

Value atomFromI(int bt, int64_t x)
{
    if (bt == Real || bt == Float || bt == Datetime)
        return atomFromF(bt, x == qnull::j ? nanValue() : double(x));
    switch (elementSize(bt)) {
    case 2:
        return Value::atom(-bt, x == qnull::j ? qnull::h : int64_t(int16_t(x)));
    case 4:
        return Value::atom(-bt, x == qnull::j ? qnull::i : int64_t(int32_t(x)));
    case 1:
        if (bt == Boolean) return Value::boolean(x != 0);
        return Value::atom(-bt, int64_t(uint8_t(x)));
    default:
        return Value::atom(-bt, x);
    }
}

Value atomFromF(int bt, double x)
{
    if (bt == Real) return Value::real(float(x));
    if (bt == Float) return Value::floatAtom(x);
    if (bt == Datetime) return Value::temporalFloat(-Datetime, x);
    if (std::isnan(x)) return Value::nullOf(-bt);
    return atomFromI(bt, int64_t(x));
}

Value makeVec(int bt, int64_t n)
{
    if (n < 0) qthrow("domain");
    const int64_t w = bt == Symbol ? 4 : elementSize(bt);
    if (InterpreterState *s = currentState()) s->charge(n * (w ? w : 8));
    return Value::uninitialised(bt, n);
}

void setI(Value &vec, int64_t i, int64_t x)
{
    const int bt = vec.type();
    switch (elementSize(bt)) {
    case 1:
        vec.mutableData<uint8_t>()[i] = bt == Boolean ? uint8_t(x != 0) : uint8_t(x);
        break;
    case 2:
        vec.mutableData<int16_t>()[i] = x == qnull::j ? qnull::h : int16_t(x);
        break;
    case 4:
        vec.mutableData<int32_t>()[i] = x == qnull::j ? qnull::i : int32_t(x);
        break;
    default:
        vec.mutableData<int64_t>()[i] = x;
        break;
    }
}

void setF(Value &vec, int64_t i, double x)
{
    if (vec.type() == Real)
        vec.mutableData<float>()[i] = float(x);
    else
        vec.mutableData<double>()[i] = x;
}

Value longs(std::vector<int64_t> v)
{
    return Value::fromVector(Long, std::move(v));
}
Value bools(std::vector<uint8_t> v)
{
    return Value::fromVector(Boolean, std::move(v));
}

Value enlistAtom(const Value &atom)
{
    if (!atom.isAtom()) return atom;
    return vectorFromAtoms({atom});
}

Value enlist(const Value &x)
{
    if (x.isAtom()) return enlistAtom(x);
    return Value::list({x});
}

Value collapse(std::vector<Value> items)
{
    if (items.empty()) return Value::list({});
    const int t = items.front().type();
    if (!isAtomType(t)) return Value::list(std::move(items));
    for (const Value &v : items)
        if (v.type() != t) return Value::list(std::move(items));
    // charged as makeVec does, before the vector is made; symbols are not charged here
    if (t != -Symbol)
        if (InterpreterState *s = currentState()) s->charge(int64_t(items.size()) * elementSize(t));
    return vectorFromAtoms(items);
}

std::vector<Value> itemsOf(const Value &x)
{
    if (x.isList()) return x.items();
    std::vector<Value> out;
    if (x.isVector() || x.isTable()) {
        const int64_t n = x.count();
        out.reserve(size_t(n));
        for (int64_t i = 0; i < n; ++i)
            out.push_back(x.element(i));
        return out;
    }
    if (x.isDict()) return itemsOf(x.values());
    out.push_back(x);
    return out;
}

Value itemAt(const Value &x, int64_t i)
{
    if (x.isVector() || x.isList() || x.isTable()) return x.element(i);
    return x;
}

Value nullLike(const Value &x)
{
    const int t = x.type();
    if (isVectorType(t)) return Value::nullOf(-t);
    if (isAtomType(t)) return Value::nullOf(t);
    if (t == List && x.count() > 0) {
        const Value &f = x.item(0);
        if (f.isAtom()) return Value::nullOf(f.type());
        if (f.isVector()) return emptyLike(f);
    }
    if (t == Table) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items())
            cols.push_back(nullLike(c));
        return Value::dict(x.columnNames(), collapse(std::move(cols)));
    }
    return Value();
}

Value emptyLike(const Value &x)
{
    if (x.type() == Symbol) return Value::symbols(std::vector<QByteArray>{});
    if (x.isVector()) return Value::uninitialised(x.type(), 0);
    if (x.isTable()) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items())
            cols.push_back(emptyLike(c));
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    return Value::list({});
}

Value gather(const Value &x, const int64_t *idx, int64_t n)
{
    const int t = x.type();
    if (t == Table) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items())
            cols.push_back(gather(c, idx, n));
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    if (x.isKeyedTable()) return gather(unkey(x), idx, n);
    const int64_t cnt = x.count();
    if (t == List) {
        std::vector<Value> out;
        out.reserve(size_t(n));
        const Value nul = nullLike(x);
        for (int64_t k = 0; k < n; ++k) {
            const int64_t i = idx[k];
            out.push_back(i >= 0 && i < cnt ? x.item(i) : nul);
        }
        if (n == 0) return Value::list({});
        return collapse(std::move(out));
    }
    if (!x.isVector()) qthrow("type");
    // charged as makeVec does, before gatherRows allocates (4 bytes an index for symbols)
    if (InterpreterState *s = currentState()) s->charge(n * (t == Symbol ? 4 : elementSize(t)));
    return gatherRows(x, idx, n);
}

Value gather(const Value &x, const std::vector<int64_t> &idx)
{
    return gather(x, idx.data(), int64_t(idx.size()));
}

Value slice(const Value &x, int64_t start, int64_t n)
{
    const int64_t cnt = x.count();
    start = std::clamp<int64_t>(start, 0, cnt);
    n = std::clamp<int64_t>(n, 0, cnt - start);
    if (x.isVector() && x.type() != Symbol) {
        const int w = elementSize(x.type());
        Value out = makeVec(x.type(), n);
        if (n) std::memcpy(out.mutableData<char>(), x.rawData() + start * w, size_t(n * w));
        return out;
    }
    if (x.isList()) {
        std::vector<Value> out(x.items().begin() + start, x.items().begin() + start + n);
        return Value::list(std::move(out));
    }
    std::vector<int64_t> idx(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k)
        idx[size_t(k)] = start + k;
    return gather(x, idx);
}

int64_t poolIndex(const Value &symvec, const QByteArray &s)
{
    const auto &pool = symvec.symbolPool();
    if (!pool) return -1;
    const auto &strs = pool->strings;
    for (size_t i = 0; i < strs.size(); ++i)
        if (strs[i] == s) return int64_t(i);
    return -1;
}

Value symsOf(const std::vector<QByteArray> &s)
{
    return Value::symbols(s);
}

std::vector<QByteArray> symList(const Value &v)
{
    std::vector<QByteArray> out;
    if (v.type() == -Symbol) {
        out.push_back(v.symbolValue());
    } else if (v.type() == Symbol) {
        for (int64_t i = 0; i < v.count(); ++i)
            out.push_back(v.symAt(i));
    } else if (v.isList() && v.count() == 0) {
    } else {
        qthrow("type");
    }
    return out;
}

Value makeTable(const std::vector<QByteArray> &names, std::vector<Value> cols)
{
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

const Value &tableColumn(const Value &t, const QByteArray &name)
{
    const int i = t.columnIndex(name);
    if (i < 0) qthrow(name);
    return t.columns().item(i);
}

Value unkey(const Value &t)
{
    if (!t.isKeyedTable()) return t;
    const Value &k = t.keys();
    const Value &v = t.values();
    std::vector<Value> cols = k.columns().items();
    for (const Value &c : v.columns().items())
        cols.push_back(c);
    std::vector<QByteArray> names = symList(k.columnNames());
    for (const QByteArray &n : symList(v.columnNames()))
        names.push_back(n);
    return makeTable(names, std::move(cols));
}

bool isList(const Value &x)
{
    return x.isVector() || x.isList();
}

static Value mergeSyms(const Value &x, const Value &y)
{
    if (x.symbolPool() == y.symbolPool()) {
        std::vector<uint32_t> idx(size_t(x.count() + y.count()));
        for (int64_t i = 0; i < x.count(); ++i)
            idx[size_t(i)] = x.symIndex(i);
        for (int64_t i = 0; i < y.count(); ++i)
            idx[size_t(x.count() + i)] = y.symIndex(i);
        const int64_t n = int64_t(idx.size());
        return Value::symbols(x.symbolPool(), Bytes::fromVector(std::move(idx)), n);
    }
    auto pool = std::make_shared<SymbolPool>();
    if (x.symbolPool()) pool->strings = x.symbolPool()->strings;
    QHash<QByteArray, uint32_t> where;
    for (size_t i = 0; i < pool->strings.size(); ++i)
        where.insert(pool->strings[i], uint32_t(i));
    std::vector<uint32_t> idx(size_t(x.count() + y.count()));
    for (int64_t i = 0; i < x.count(); ++i)
        idx[size_t(i)] = x.symIndex(i);
    std::vector<int64_t> remap(y.symbolPool() ? y.symbolPool()->strings.size() : 0, -1);
    for (int64_t i = 0; i < y.count(); ++i) {
        const uint32_t s = y.symIndex(i);
        if (remap[s] < 0) {
            const QByteArray &str = y.symbolPool()->strings[s];
            auto it = where.constFind(str);
            if (it == where.cend()) {
                it = where.insert(str, uint32_t(pool->strings.size()));
                pool->strings.push_back(str);
            }
            remap[s] = *it;
        }
        idx[size_t(x.count() + i)] = uint32_t(remap[s]);
    }
    const int64_t n = int64_t(idx.size());
    return Value::symbols(std::move(pool), Bytes::fromVector(std::move(idx)), n);
}

Value join(const Value &x, const Value &y)
{
    if (x.isTable() && y.isTable()) {
        const auto xn = symList(x.columnNames());
        const auto yn = symList(y.columnNames());
        if (xn != yn) qthrow("mismatch");
        std::vector<Value> cols;
        for (size_t c = 0; c < xn.size(); ++c)
            cols.push_back(join(x.columns().item(int64_t(c)), y.columns().item(int64_t(c))));
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    const Value xl = x.isAtom() ? enlistAtom(x) : x;
    const Value yl = y.isAtom() ? enlistAtom(y) : y;
    if (xl.isVector() && yl.isVector() && xl.type() == yl.type()) {
        if (xl.type() == Symbol) return mergeSyms(xl, yl);
        const int w = elementSize(xl.type());
        Value out = makeVec(xl.type(), xl.count() + yl.count());
        if (xl.count()) std::memcpy(out.mutableData<char>(), xl.rawData(), size_t(xl.count() * w));
        if (yl.count())
            std::memcpy(out.mutableData<char>() + xl.count() * w, yl.rawData(),
                        size_t(yl.count() * w));
        return out;
    }
    if (xl.isList() && xl.count() == 0 && yl.isVector()) return yl;
    if (yl.isList() && yl.count() == 0 && xl.isVector()) return xl;
    if (!(isList(xl) || xl.isTable()) || !(isList(yl) || yl.isTable())) qthrow("type");
    std::vector<Value> out = itemsOf(xl);
    auto more = itemsOf(yl);
    out.insert(out.end(), more.begin(), more.end());
    if (xl.isList() || yl.isList()) return collapse(std::move(out));
    return Value::list(std::move(out));
}

} // namespace qscope::qlang::detail
