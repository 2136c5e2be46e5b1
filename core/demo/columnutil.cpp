#include "demo/columnutil.h"

#include <cstring>

namespace qscope::detail {

std::vector<Value> columnItems(const Value &x)
{
    if (x.isList()) return x.items();
    std::vector<Value> out;
    if (x.isVector()) {
        out.reserve(size_t(x.count()));
        for (int64_t i = 0; i < x.count(); ++i)
            out.push_back(x.element(i));
    }
    return out;
}

namespace {

void writeAtom(char *dst, const Value &a)
{
    const int t = -a.type();
    const int w = elementSize(t);
    if (t == Guid) {
        const auto g = a.guidValue();
        std::memcpy(dst, g.data(), 16);
    } else if (t == Real) {
        const float f = a.realValue();
        std::memcpy(dst, &f, 4);
    } else if (t == Float || t == Datetime) {
        const double f = a.floatValue();
        std::memcpy(dst, &f, 8);
    } else {
        const int64_t v = a.rawInt(); // little-endian: the low bytes are the value
        std::memcpy(dst, &v, size_t(w));
    }
}

} // namespace

Value enlistedAtom(const Value &atom)
{
    return collapseAtoms({atom});
}

Value collapseAtoms(const std::vector<Value> &items)
{
    if (items.empty() || !items.front().isAtom()) return Value::list(items);
    const int t = items.front().type();
    for (const Value &v : items)
        if (v.type() != t) return Value::list(items);
    if (t == -Symbol) {
        std::vector<QByteArray> s;
        s.reserve(items.size());
        for (const Value &v : items)
            s.push_back(v.symbolValue());
        return Value::symbols(s);
    }
    Value out = Value::uninitialised(-t, int64_t(items.size()));
    char *p = out.mutableData<char>();
    const int w = elementSize(-t);
    for (size_t i = 0; i < items.size(); ++i)
        writeAtom(p + i * size_t(w), items[i]);
    return out;
}

Value gatherRows(const Value &x, const std::vector<int64_t> &idx)
{
    const auto n = int64_t(idx.size());
    if (x.isList()) {
        std::vector<Value> out;
        out.reserve(idx.size());
        for (int64_t i : idx)
            out.push_back(x.item(i));
        return Value::list(std::move(out));
    }
    if (x.type() == Symbol) {
        std::vector<uint32_t> k;
        k.reserve(idx.size());
        for (int64_t i : idx)
            k.push_back(x.symIndex(i));
        return Value::symbols(x.symbolPool(), Bytes::fromVector(std::move(k)), n);
    }
    const int w = elementSize(x.type());
    Value out = Value::uninitialised(x.type(), n);
    char *p = out.mutableData<char>();
    const char *src = x.rawData();
    for (int64_t r = 0; r < n; ++r)
        std::memcpy(p + size_t(r) * size_t(w), src + size_t(idx[size_t(r)]) * size_t(w), size_t(w));
    return out;
}

} // namespace qscope::detail
