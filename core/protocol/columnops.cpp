#include "protocol/columnops.h"

#include <QHash>

#include <cmath>
#include <cstring>
#include <limits>

namespace qscope {

namespace {

double nanValue()
{
    double d;
    std::memcpy(&d, &qnull::fBits, sizeof d);
    return d;
}

bool isFloatStorage(int bt)
{
    return bt == Real || bt == Float || bt == Datetime;
}

/// Copies an atom's payload into one element of a vector of its type (little-endian: the low
/// bytes of the wide integer are the value).
void writeAtom(char *dst, const Value &a)
{
    const int t = -a.type();
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
        const int64_t v = a.rawInt();
        std::memcpy(dst, &v, size_t(elementSize(t)));
    }
}

int64_t emptySymbolIndex(const Value &symbols)
{
    const auto &pool = symbols.symbolPool();
    if (!pool) return -1;
    for (size_t i = 0; i < pool->strings.size(); ++i)
        if (pool->strings[i].isEmpty()) return int64_t(i);
    return -1;
}

Value gatherSymbols(const Value &x, const int64_t *rows, int64_t n)
{
    const int64_t cnt = x.count();
    std::vector<uint32_t> out(static_cast<size_t>(n));
    int64_t emptyIdx = -1;
    for (int64_t k = 0; k < n; ++k) {
        const int64_t i = rows[k];
        if (i >= 0 && i < cnt) {
            out[size_t(k)] = x.symIndex(i);
            continue;
        }
        if (emptyIdx < 0) emptyIdx = emptySymbolIndex(x);
        if (emptyIdx < 0) {
            // The pool is shared and immutable: build a new one that holds the empty symbol.
            std::vector<QByteArray> s(static_cast<size_t>(n));
            for (int64_t m = 0; m < n; ++m)
                s[size_t(m)] = rows[m] >= 0 && rows[m] < cnt ? x.symAt(rows[m]) : QByteArray();
            return Value::symbols(s);
        }
        out[size_t(k)] = uint32_t(emptyIdx);
    }
    return Value::symbols(x.symbolPool(), Bytes::fromVector(std::move(out)), n);
}

template<typename T>
int threeWay(T a, T b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

template<typename T>
int compareFloats(T a, T b)
{
    if (std::isnan(a)) return std::isnan(b) ? 0 : -1;
    if (std::isnan(b)) return 1;
    return threeWay(a, b);
}

} // namespace

int64_t elementRawInt(const Value &v, int64_t i)
{
    if (v.isAtom()) return v.rawInt();
    switch (elementSize(v.type())) {
    case 1:
        return int64_t(v.at<uint8_t>(i));
    case 2:
        return v.at<int16_t>(i);
    case 4:
        return v.at<int32_t>(i);
    default:
        return v.at<int64_t>(i);
    }
}

int64_t elementAsLong(const Value &v, int64_t i)
{
    const int bt = v.type() < 0 ? -v.type() : v.type();
    if (isFloatStorage(bt)) {
        const double d = elementAsDouble(v, i);
        if (std::isnan(d)) return qnull::j;
        return int64_t(std::llround(d));
    }
    const int64_t x = elementRawInt(v, i);
    switch (elementSize(bt)) {
    case 2:
        return x == qnull::h ? qnull::j : x;
    case 4:
        return x == qnull::i ? qnull::j : x;
    default:
        return x;
    }
}

double elementAsDouble(const Value &v, int64_t i)
{
    const int bt = v.type() < 0 ? -v.type() : v.type();
    if (bt == Real) return v.isAtom() ? double(v.realValue()) : double(v.at<float>(i));
    if (bt == Float || bt == Datetime) return v.isAtom() ? v.floatValue() : v.at<double>(i);
    const int64_t x = elementAsLong(v, i);
    if (x == qnull::j && bt != Boolean && bt != Byte && bt != Char) return nanValue();
    return double(x);
}

double numericAt(const Value &column, int64_t row)
{
    if (!column.isVector() || row < 0 || row >= column.count()) return nanValue();
    // elementAsDouble reads the element; only the integer infinities differ (0W is +inf here)
    int64_t inf = 0;
    switch (column.type()) {
    case Boolean:
    case Byte:
    case Real:
    case Float:
        return elementAsDouble(column, row);
    case Short:
        inf = qnull::hInf;
        break;
    case Int:
        inf = qnull::iInf;
        break;
    case Long:
        inf = qnull::jInf;
        break;
    default:
        return nanValue();
    }
    const int64_t raw = elementRawInt(column, row);
    if (raw == inf) return std::numeric_limits<double>::infinity();
    if (raw == -inf) return -std::numeric_limits<double>::infinity();
    return elementAsDouble(column, row);
}

Value gatherRows(const Value &column, const int64_t *rows, int64_t n)
{
    const int64_t cnt = column.count();
    if (column.isList()) {
        std::vector<Value> out;
        out.reserve(size_t(n));
        for (int64_t k = 0; k < n; ++k)
            out.push_back(rows[k] >= 0 && rows[k] < cnt ? column.item(rows[k]) : Value());
        return Value::list(std::move(out));
    }
    if (!column.isVector()) return column;
    if (column.type() == Symbol) return gatherSymbols(column, rows, n);
    const int t = column.type();
    const size_t w = size_t(elementSize(t));
    Value out = Value::uninitialised(t, n);
    char *dst = out.mutableData<char>();
    const char *src = column.rawData();
    char null[16];
    writeAtom(null, Value::nullOf(-t));
    for (int64_t k = 0; k < n; ++k) {
        const int64_t i = rows[k];
        std::memcpy(dst + size_t(k) * w, (i >= 0 && i < cnt) ? src + size_t(i) * w : null, w);
    }
    return out;
}

Value gatherRows(const Value &column, const std::vector<int64_t> &rows)
{
    return gatherRows(column, rows.data(), int64_t(rows.size()));
}

bool valuesMatch(const Value &a, const Value &b)
{
    if (a.type() != b.type()) return false;
    if (a.isList() && b.isList()) {
        if (a.count() != b.count()) return false;
        for (int64_t i = 0; i < a.count(); ++i)
            if (!valuesMatch(a.item(i), b.item(i))) return false;
        return true;
    }
    if (a.isVector() && a.type() == Symbol) {
        if (a.count() != b.count()) return false;
        if (a.symbolPool() == b.symbolPool())
            return std::memcmp(a.rawData(), b.rawData(), size_t(a.count()) * 4) == 0;
    }
    return a == b;
}

bool elementsMatch(const Value &x, int64_t i, const Value &y, int64_t j)
{
    if (x.type() == Symbol && y.type() == Symbol) {
        if (x.symbolPool() == y.symbolPool()) return x.symIndex(i) == y.symIndex(j);
        return x.symAt(i) == y.symAt(j);
    }
    if (x.isVector() && x.type() == y.type()) {
        if (x.type() == Float || x.type() == Real) {
            const double a = elementAsDouble(x, i), b = elementAsDouble(y, j);
            return a == b || (std::isnan(a) && std::isnan(b));
        }
        const int w = elementSize(x.type());
        return std::memcmp(x.rawData() + i * w, y.rawData() + j * w, size_t(w)) == 0;
    }
    const auto itemAt = [](const Value &v, int64_t k) {
        return v.isVector() || v.isList() || v.isTable() ? v.element(k) : v;
    };
    return valuesMatch(itemAt(x, i), itemAt(y, j));
}

uint64_t elementHash(const Value &x, int64_t i)
{
    const int t = x.type();
    if (t == Symbol) return qHash(x.symAt(i));
    if (x.isVector()) {
        const int w = elementSize(t);
        if (t == Float || t == Real) {
            const double d = elementAsDouble(x, i);
            if (std::isnan(d)) return 7;
            return qHash(QByteArray::fromRawData(reinterpret_cast<const char *>(&d), 8));
        }
        return qHash(QByteArray::fromRawData(x.rawData() + i * w, w));
    }
    if (t == List) {
        const Value &it = x.item(i);
        if (it.isVector()) {
            if (it.type() == Symbol) {
                uint64_t h = 17;
                for (int64_t k = 0; k < it.count(); ++k)
                    h = h * 31 + qHash(it.symAt(k));
                return h;
            }
            if (it.type() == Float || it.type() == Real) return uint64_t(it.count());
            return qHash(
                QByteArray::fromRawData(it.rawData(), int(it.count()) * elementSize(it.type())));
        }
        if (it.isAtom()) return elementHash(vectorFromAtoms({it}), 0);
        return uint64_t(it.type());
    }
    return 0;
}

int compareElements(const Value &column, int64_t a, int64_t b)
{
    switch (storageOf(column.type())) {
    case Storage::Boolean:
    case Storage::Byte:
    case Storage::Char:
        return threeWay(column.at<uint8_t>(a), column.at<uint8_t>(b));
    case Storage::Short:
        return threeWay(column.at<int16_t>(a), column.at<int16_t>(b));
    case Storage::Int32:
        return threeWay(column.at<int32_t>(a), column.at<int32_t>(b));
    case Storage::Int64:
        return threeWay(column.at<int64_t>(a), column.at<int64_t>(b));
    case Storage::Real:
        return compareFloats(column.at<float>(a), column.at<float>(b));
    case Storage::Float:
        return compareFloats(column.at<double>(a), column.at<double>(b));
    case Storage::Guid: {
        const int c = std::memcmp(column.rawData() + a * 16, column.rawData() + b * 16, 16);
        return threeWay(c, 0);
    }
    case Storage::Symbol: {
        if (column.symIndex(a) == column.symIndex(b)) return 0;
        const int c = std::memcmp(column.symAt(a).constData(), column.symAt(b).constData(),
                                  size_t(std::min(column.symAt(a).size(), column.symAt(b).size())));
        return c ? threeWay(c, 0) : threeWay(column.symAt(a).size(), column.symAt(b).size());
    }
    case Storage::Other:
        return 0;
    }
    return 0;
}

Value dictValue(const Value &d, QByteArrayView key)
{
    if (!d.isDict() || d.keys().type() != Symbol) return {};
    const Value &keys = d.keys();
    for (int64_t i = 0; i < keys.count(); ++i)
        if (keys.symAt(i) == key)
            return d.values().isList() ? d.values().item(i) : d.values().element(i);
    return {};
}

Value vectorFromAtoms(const std::vector<Value> &items)
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
    const size_t w = size_t(elementSize(-t));
    for (size_t i = 0; i < items.size(); ++i)
        writeAtom(p + i * w, items[i]);
    return out;
}

} // namespace qscope
