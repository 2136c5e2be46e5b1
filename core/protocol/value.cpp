#include "value.h"

#include <QHash>

#include <cmath>
#include <cstdlib>
#include <new>

namespace qscope {

namespace detail {
namespace {

struct OwnedBuffer
{
    /// Throws std::bad_alloc when the memory is not there, as `new` would: the receive path turns
    /// that into an error for the one request (NetError::TooLarge) instead of a write through null.
    explicit OwnedBuffer(size_t n) : data(static_cast<char *>(std::malloc(n ? n : 1)))
    {
        if (!data) throw std::bad_alloc();
    }
    ~OwnedBuffer() { std::free(data); }
    OwnedBuffer(const OwnedBuffer &) = delete;
    OwnedBuffer &operator=(const OwnedBuffer &) = delete;
    char *data;
};

struct VectorNode : Node
{
    Bytes bytes;
    int64_t count = 0;
    std::shared_ptr<const SymbolPool> pool; // symbol vectors only
};

struct ListNode : Node
{
    std::vector<Value> items;
};

struct PairNode : Node
{
    Value first;
    Value second;
};

struct TextNode : Node
{
    QByteArray text;
    QByteArray context; // lambda only
};

const QByteArray &emptyBytes()
{
    static const QByteArray empty;
    return empty;
}

const std::vector<Value> &emptyItems()
{
    static const std::vector<Value> empty;
    return empty;
}

const Value &nullValue()
{
    static const Value v;
    return v;
}

const std::shared_ptr<const SymbolPool> &emptyPool()
{
    static const std::shared_ptr<const SymbolPool> p = std::make_shared<SymbolPool>();
    return p;
}

} // namespace
} // namespace detail

using namespace detail;

Bytes Bytes::allocate(size_t n)
{
    auto buf = std::make_shared<OwnedBuffer>(n);
    const char *p = buf->data;
    return view(std::move(buf), p, n);
}

Bytes Bytes::view(std::shared_ptr<const void> owner, const char *data, size_t n)
{
    Bytes b;
    b.m_owner = std::move(owner);
    b.m_data = data;
    b.m_size = n;
    return b;
}

Bytes Bytes::fromByteArray(QByteArray bytes)
{
    auto holder = std::make_shared<QByteArray>(std::move(bytes));
    const char *p = holder->constData();
    const size_t n = size_t(holder->size());
    return view(std::move(holder), p, n);
}

// ---- atoms ---------------------------------------------------------------------------------

Value Value::atom(int type, int64_t raw)
{
    // A real converts from the integer directly: through double it could round twice.
    if (type == -Real) return real(float(raw));
    if (type == -Float || type == -Datetime) return temporalFloat(type, double(raw));
    Value v;
    v.m_type = int8_t(type);
    v.m_atom.j = raw;
    return v;
}

Value Value::temporalFloat(int type, double raw)
{
    if (type == -Real) return real(float(raw));
    Value v;
    v.m_type = int8_t(type);
    v.m_atom.f = raw;
    return v;
}

Value Value::boolean(bool b)
{
    return atom(-Boolean, b ? 1 : 0);
}
Value Value::byte(uint8_t x)
{
    return atom(-Byte, x);
}
Value Value::shortAtom(int16_t x)
{
    return atom(-Short, x);
}
Value Value::intAtom(int32_t x)
{
    return atom(-Int, x);
}
Value Value::longAtom(int64_t x)
{
    return atom(-Long, x);
}
Value Value::charAtom(char c)
{
    return atom(-Char, uint8_t(c));
}

Value Value::real(float x)
{
    Value v;
    v.m_type = -Real;
    std::memcpy(v.m_atom.b, &x, sizeof x);
    return v;
}

Value Value::floatAtom(double x)
{
    Value v;
    v.m_type = -Float;
    v.m_atom.f = x;
    return v;
}

Value Value::guid(const std::array<uint8_t, 16> &g)
{
    Value v;
    v.m_type = -Guid;
    std::memcpy(v.m_atom.b, g.data(), 16);
    return v;
}

std::array<uint8_t, 16> Value::guidValue() const
{
    std::array<uint8_t, 16> g{};
    std::memcpy(g.data(), m_atom.b, 16);
    return g;
}

Value Value::symbol(QByteArray s)
{
    Value v;
    v.m_type = -Symbol;
    auto node = std::make_shared<TextNode>();
    node->text = std::move(s);
    v.m_node = std::move(node);
    return v;
}

Value Value::error(QByteArray text)
{
    Value v = symbol(std::move(text));
    v.m_type = int8_t(Error);
    return v;
}

Value Value::nullOf(int atomType)
{
    if (!isAtomType(atomType)) return Value();
    switch (storageOf(atomType)) {
    case Storage::Boolean:
        return boolean(false);
    case Storage::Guid:
        return guid({});
    case Storage::Byte:
        return byte(0);
    case Storage::Short:
        return shortAtom(qnull::h);
    case Storage::Int32:
        return atom(atomType, qnull::i);
    case Storage::Int64:
        return atom(atomType, qnull::j);
    case Storage::Real: {
        float f;
        std::memcpy(&f, &qnull::eBits, sizeof f);
        return real(f);
    }
    case Storage::Float: {
        double d;
        std::memcpy(&d, &qnull::fBits, sizeof d);
        return temporalFloat(atomType, d);
    }
    case Storage::Char:
        return charAtom(' ');
    case Storage::Symbol:
        return symbol({});
    case Storage::Other:
        break;
    }
    return Value();
}

bool Value::isNull() const
{
    if (!isAtom()) return false;
    switch (storageOf(m_type)) {
    case Storage::Guid: {
        for (uint8_t b : m_atom.b)
            if (b) return false;
        return true;
    }
    case Storage::Short:
        return int16_t(m_atom.j) == qnull::h;
    case Storage::Int32:
        return int32_t(m_atom.j) == qnull::i;
    case Storage::Int64:
        return m_atom.j == qnull::j;
    case Storage::Real:
        return std::isnan(realValue());
    case Storage::Float:
        return std::isnan(m_atom.f);
    case Storage::Char:
        return m_atom.b[0] == ' ';
    case Storage::Symbol:
        return symbolValue().isEmpty();
    default:
        return false; // booleans and bytes have no null
    }
}

// ---- vectors -------------------------------------------------------------------------------

Value Value::vector(int type, Bytes bytes, int64_t count, Attr attr)
{
    Value v;
    v.m_type = int8_t(type);
    v.m_attr = uint8_t(attr);
    auto node = std::make_shared<VectorNode>();
    node->bytes = std::move(bytes);
    node->count = count;
    v.m_node = std::move(node);
    return v;
}

Value Value::uninitialised(int type, int64_t n, Attr attr)
{
    const size_t width = type == Symbol ? sizeof(uint32_t) : size_t(elementSize(type));
    Value v = vector(type, Bytes::allocate(size_t(n) * width), n, attr);
    if (type == Symbol)
        std::static_pointer_cast<VectorNode>(std::const_pointer_cast<Node>(v.m_node))->pool =
            emptyPool();
    return v;
}

Value Value::string(QByteArray s, Attr attr)
{
    const int64_t n = s.size();
    return vector(Char, Bytes::fromByteArray(std::move(s)), n, attr);
}

Value Value::symbols(const std::vector<QByteArray> &syms, Attr attr)
{
    auto pool = std::make_shared<SymbolPool>();
    std::vector<uint32_t> idx;
    idx.reserve(syms.size());
    QHash<QByteArray, uint32_t> seen;
    for (const QByteArray &s : syms) {
        auto it = seen.constFind(s);
        if (it == seen.cend()) {
            it = seen.insert(s, uint32_t(pool->strings.size()));
            pool->strings.push_back(s);
        }
        idx.push_back(*it);
    }
    const int64_t n = int64_t(idx.size());
    return symbols(std::move(pool), Bytes::fromVector(std::move(idx)), n, attr);
}

Value Value::symbols(std::shared_ptr<const SymbolPool> pool, Bytes indexes, int64_t count,
                     Attr attr)
{
    Value v;
    v.m_type = Symbol;
    v.m_attr = uint8_t(attr);
    auto node = std::make_shared<VectorNode>();
    node->bytes = std::move(indexes);
    node->count = count;
    node->pool = std::move(pool);
    v.m_node = std::move(node);
    return v;
}

const char *Value::rawData() const
{
    if (!isVector() || !m_node) return nullptr;
    return static_cast<const VectorNode *>(m_node.get())->bytes.data();
}

const QByteArray &Value::symAt(int64_t i) const
{
    const auto *node = static_cast<const VectorNode *>(m_node.get());
    return node->pool->strings[at<uint32_t>(i)];
}

const std::shared_ptr<const SymbolPool> &Value::symbolPool() const
{
    if (m_type != Symbol || !m_node) return emptyPool();
    return static_cast<const VectorNode *>(m_node.get())->pool;
}

// ---- lists, dicts, tables, functions --------------------------------------------------------

Value Value::list(std::vector<Value> items, Attr attr)
{
    Value v;
    v.m_type = List;
    v.m_attr = uint8_t(attr);
    auto node = std::make_shared<ListNode>();
    node->items = std::move(items);
    v.m_node = std::move(node);
    return v;
}

Value Value::composite(int type, std::vector<Value> parts)
{
    Value v = list(std::move(parts));
    v.m_type = int8_t(type);
    return v;
}

Value Value::dict(Value keys, Value values, bool sorted)
{
    Value v;
    v.m_type = int8_t(sorted ? SortedDict : Dict);
    auto node = std::make_shared<PairNode>();
    node->first = std::move(keys);
    node->second = std::move(values);
    v.m_node = std::move(node);
    return v;
}

Value Value::table(Value names, Value columns, Attr attr)
{
    Value v = dict(std::move(names), std::move(columns));
    v.m_type = Table;
    v.m_attr = uint8_t(attr);
    return v;
}

Value Value::lambda(QByteArray context, QByteArray source)
{
    Value v;
    v.m_type = Lambda;
    auto node = std::make_shared<TextNode>();
    node->text = std::move(source);
    node->context = std::move(context);
    v.m_node = std::move(node);
    return v;
}

Value Value::primitive(int type, uint8_t code)
{
    Value v;
    v.m_type = int8_t(type);
    v.m_atom.b[0] = code;
    return v;
}

Value Value::withAttr(Attr a) const
{
    Value v = *this;
    v.m_attr = uint8_t(a);
    return v;
}

bool Value::isKeyedTable() const
{
    return m_type == Dict && keys().isTable() && values().isTable();
}

int64_t Value::count() const
{
    if (isVector()) return static_cast<const VectorNode *>(m_node.get())->count;
    if (m_type == List) return int64_t(static_cast<const ListNode *>(m_node.get())->items.size());
    if (isDict()) return keys().count();
    if (m_type == Table) {
        const Value &cols = columns();
        return cols.count() ? cols.element(0).count() : 0;
    }
    return 1;
}

const QByteArray &Value::symbolValue() const
{
    if (m_node && (m_type == -Symbol || m_type == Error || m_type == Lambda))
        return static_cast<const TextNode *>(m_node.get())->text;
    return emptyBytes();
}

const QByteArray &Value::lambdaContext() const
{
    if (m_node && m_type == Lambda) return static_cast<const TextNode *>(m_node.get())->context;
    return emptyBytes();
}

const std::vector<Value> &Value::items() const
{
    if (m_node && hasItems(m_type)) return static_cast<const ListNode *>(m_node.get())->items;
    return emptyItems();
}

const Value &Value::keys() const
{
    if (m_node && (isDict() || m_type == Table))
        return static_cast<const PairNode *>(m_node.get())->first;
    return nullValue();
}

const Value &Value::values() const
{
    if (m_node && (isDict() || m_type == Table))
        return static_cast<const PairNode *>(m_node.get())->second;
    return nullValue();
}

int Value::columnIndex(const QByteArray &name) const
{
    const Value &names = m_type == Table ? keys() : Value();
    for (int64_t i = 0; i < names.count(); ++i)
        if (names.symAt(i) == name) return int(i);
    return -1;
}

Value Value::element(int64_t i) const
{
    if (m_type == List) return item(i);
    if (m_type == Symbol) return symbol(symAt(i));
    if (isVector()) {
        switch (storageOf(m_type)) {
        case Storage::Guid: {
            std::array<uint8_t, 16> g;
            std::memcpy(g.data(), rawData() + i * 16, 16);
            return guid(g);
        }
        case Storage::Boolean:
        case Storage::Byte:
        case Storage::Char:
            return atom(-m_type, at<uint8_t>(i));
        case Storage::Short:
            return atom(-m_type, at<int16_t>(i));
        case Storage::Int32:
            return atom(-m_type, at<int32_t>(i));
        case Storage::Real:
            return real(at<float>(i));
        case Storage::Float:
            return temporalFloat(-m_type, at<double>(i));
        default:
            return atom(-m_type, at<int64_t>(i));
        }
    }
    if (m_type == Table) {
        const Value &cols = columns();
        std::vector<Value> row;
        row.reserve(size_t(cols.count()));
        for (const Value &c : cols.items())
            row.push_back(c.element(i));
        return dict(columnNames(), list(std::move(row)));
    }
    return *this;
}

// ---- match ---------------------------------------------------------------------------------

bool operator==(const Value &a, const Value &b)
{
    if (a.m_type != b.m_type) return false;
    const int t = a.m_type;
    if (isAtomType(t)) {
        if (t == -Symbol) return a.symbolValue() == b.symbolValue();
        if (t == -Real)
            return (std::isnan(a.realValue()) && std::isnan(b.realValue())) ||
                   a.realValue() == b.realValue();
        if (t == -Float || t == -Datetime)
            return (std::isnan(a.m_atom.f) && std::isnan(b.m_atom.f)) || a.m_atom.f == b.m_atom.f;
        if (t == -Guid) return std::memcmp(a.m_atom.b, b.m_atom.b, 16) == 0;
        return a.m_atom.j == b.m_atom.j;
    }
    if (isVectorType(t)) {
        const int64_t n = a.count();
        if (n != b.count()) return false;
        if (t == Symbol) {
            for (int64_t i = 0; i < n; ++i)
                if (a.symAt(i) != b.symAt(i)) return false;
            return true;
        }
        if (t == Real || t == Float || t == Datetime) {
            for (int64_t i = 0; i < n; ++i)
                if (!(a.element(i) == b.element(i))) return false;
            return true;
        }
        return std::memcmp(a.rawData(), b.rawData(), size_t(n) * size_t(elementSize(t))) == 0;
    }
    if (hasItems(t)) return a.items() == b.items();
    switch (t) {
    case Dict:
    case SortedDict:
    case Table:
        return a.keys() == b.keys() && a.values() == b.values();
    case Lambda:
        return a.lambdaSource() == b.lambdaSource() && a.lambdaContext() == b.lambdaContext();
    case Error:
        return a.symbolValue() == b.symbolValue();
    default:
        return a.m_atom.b[0] == b.m_atom.b[0];
    }
}

} // namespace qscope
