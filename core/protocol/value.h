#pragma once
/// The q value model: one cheap, immutable, refcounted handle for every q type.
///
/// Columnar: a vector is one typed buffer (`Bytes`), never a list of atoms. A decoded vector may
/// view the bytes of the message it came from without copying; the message stays alive as long as
/// any value viewing it. Elements of a viewed buffer may be unaligned, so read them with `at<T>()`
/// (a memcpy the compiler turns into one load), not through a typed pointer.
///
/// Symbol vectors are interned: a vector of uint32 indexes into a shared pool of distinct strings,
/// so a grid formats each distinct symbol once and a filter compares integers.
///
/// Thread-safety: a Value is immutable after construction; copies may be read from any thread.

#include "qtypes.h"

#include <QByteArray>

#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace qscope {

class Value;

/// Shared read-only bytes: either owned, or a view into a buffer some owner keeps alive.
class Bytes
{
public:
    Bytes() = default;
    /// Owned, uninitialised storage of n bytes; write through mutableData() before sharing.
    static Bytes allocate(size_t n);
    /// A view of [data, data+n) kept alive by owner.
    static Bytes view(std::shared_ptr<const void> owner, const char *data, size_t n);
    static Bytes fromByteArray(QByteArray bytes);
    template<class T>
    static Bytes fromVector(std::vector<T> &&v)
    {
        auto holder = std::make_shared<std::vector<T>>(std::move(v));
        const char *p = reinterpret_cast<const char *>(holder->data());
        const size_t n = holder->size() * sizeof(T);
        return view(std::move(holder), p, n);
    }

    const char *data() const { return m_data; }
    size_t size() const { return m_size; }
    /// Only for storage made by allocate() and not yet shared.
    char *mutableData() { return const_cast<char *>(m_data); }

private:
    std::shared_ptr<const void> m_owner;
    const char *m_data = nullptr;
    size_t m_size = 0;
};

/// The distinct strings of one or more symbol vectors. Immutable once shared.
struct SymbolPool
{
    std::vector<QByteArray> strings;
};

namespace detail {
struct Node
{
    virtual ~Node() = default;
};
} // namespace detail

class Value
{
public:
    /// The generic null `::` (type 101, code 0).
    Value() = default;

    // ---- construction ---------------------------------------------------------------------
    static Value boolean(bool b);
    static Value guid(const std::array<uint8_t, 16> &g);
    static Value byte(uint8_t x);
    static Value shortAtom(int16_t x);
    static Value intAtom(int32_t x);
    static Value longAtom(int64_t x);
    static Value real(float x);
    static Value floatAtom(double x);
    static Value charAtom(char c);
    static Value symbol(QByteArray s);
    /// Any atom whose payload is an integer of the type's width (b g excluded): x h i j, temporal
    /// int types (p m d n u v t), boolean, byte, char. Datetime (-15) takes temporalFloat.
    static Value atom(int type, int64_t raw);
    static Value temporalFloat(int type, double raw); // datetime -15, also -8/-9
    static Value nullOf(int atomType);                // q's typed null for an atom type

    /// A fixed-width vector over bytes (count elements of elementSize(type)).
    static Value vector(int type, Bytes bytes, int64_t count, Attr attr = Attr::None);
    template<class T>
    static Value fromVector(int type, std::vector<T> v, Attr attr = Attr::None)
    {
        const int64_t n = int64_t(v.size() * sizeof(T)) / elementSize(type);
        return vector(type, Bytes::fromVector(std::move(v)), n, attr);
    }
    /// Uninitialised fixed-width vector of n elements; fill through mutableData<T>() at once.
    static Value uninitialised(int type, int64_t n, Attr attr = Attr::None);
    static Value string(QByteArray s, Attr attr = Attr::None); // char vector
    static Value symbols(const std::vector<QByteArray> &syms, Attr attr = Attr::None);
    /// Symbol vector over an existing pool: indexes are uint32, count of them.
    static Value symbols(std::shared_ptr<const SymbolPool> pool, Bytes indexes, int64_t count,
                         Attr attr = Attr::None);
    static Value list(std::vector<Value> items, Attr attr = Attr::None);
    static Value dict(Value keys, Value values, bool sorted = false);
    /// A table: names is a symbol vector, columns a general list of equal-count columns.
    static Value table(Value names, Value columns, Attr attr = Attr::None);
    static Value keyedTable(Value keyTable, Value valueTable) { return dict(keyTable, valueTable); }
    static Value lambda(QByteArray context, QByteArray source);
    /// 101 unary primitive, 102 operator, 103 iterator: one code byte.
    static Value primitive(int type, uint8_t code);
    /// 104..111: projection (function then args, elided args as primitive(101, 0xff)),
    /// composition, and the iterator-derived functions (one part: the operand).
    static Value composite(int type, std::vector<Value> parts);
    static Value error(QByteArray text);
    /// `::` elided argument of a projection (type 101 code 0xff), and the generic null.
    static Value elided() { return primitive(UnaryPrimitive, 0xff); }
    static Value identity() { return Value(); }

    Value withAttr(Attr a) const;

    // ---- inspection ------------------------------------------------------------------------
    int type() const { return m_type; }
    Attr attr() const { return Attr(m_attr); }
    bool isAtom() const { return isAtomType(m_type); }
    bool isVector() const { return isVectorType(m_type); }
    bool isList() const { return m_type == List; }
    bool isDict() const { return m_type == Dict || m_type == SortedDict; }
    bool isTable() const { return m_type == Table; }
    bool isKeyedTable() const;
    bool isFunction() const { return isFunctionType(m_type); }
    bool isError() const { return m_type == Error; }
    bool isGenericNull() const { return m_type == UnaryPrimitive && m_atom.b[0] == 0; }
    /// q's `null` for atoms (typed nulls, NaN); false for non-atoms.
    bool isNull() const;
    /// Elements (vector/list), keys (dict), rows (table), 1 for atoms and functions.
    int64_t count() const;

    // atoms
    bool boolean() const { return m_atom.b[0] != 0; }
    uint8_t byteValue() const { return m_atom.b[0]; }
    char charValue() const { return char(m_atom.b[0]); }
    int16_t shortValue() const { return int16_t(m_atom.j); }
    int32_t intValue() const { return int32_t(m_atom.j); }
    int64_t longValue() const { return m_atom.j; }
    float realValue() const
    {
        float f;
        std::memcpy(&f, m_atom.b, sizeof f);
        return f;
    }
    double floatValue() const { return m_atom.f; }
    std::array<uint8_t, 16> guidValue() const;
    const QByteArray &symbolValue() const; // symbol atom, also error text and lambda source
    /// Integer payload of an int-like atom (b x h i j c p m d n u v t), sign-extended.
    int64_t rawInt() const { return m_atom.j; }

    // vectors
    const char *rawData() const;
    template<class T>
    T at(int64_t i) const
    {
        T v;
        std::memcpy(&v, rawData() + size_t(i) * sizeof(T), sizeof(T));
        return v;
    }
    template<class T>
    T *mutableData()
    {
        return reinterpret_cast<T *>(const_cast<char *>(rawData()));
    }
    const QByteArray &symAt(int64_t i) const;
    uint32_t symIndex(int64_t i) const { return at<uint32_t>(i); }
    const std::shared_ptr<const SymbolPool> &symbolPool() const;
    /// Element i as a value: an atom for vectors, the item for lists, a row dict for tables.
    Value element(int64_t i) const;

    // lists and composites
    const std::vector<Value> &items() const; // general list items, or function parts
    const Value &item(int64_t i) const { return items()[size_t(i)]; }

    // dicts and tables
    const Value &keys() const;   // dict keys; table: column names
    const Value &values() const; // dict values; table: column list
    const Value &columnNames() const { return keys(); }
    const Value &columns() const { return values(); }
    int columnIndex(const QByteArray &name) const; // -1 if absent

    // functions
    const QByteArray &lambdaContext() const;
    const QByteArray &lambdaSource() const { return symbolValue(); }
    uint8_t primitiveCode() const { return m_atom.b[0]; }

    /// q's match (`~`): same type, attributes ignored except as q does, same elements.
    friend bool operator==(const Value &a, const Value &b);

private:
    int8_t m_type = UnaryPrimitive;
    uint8_t m_attr = 0;
    union Atom {
        int64_t j;
        double f;
        uint8_t b[16];
    } m_atom{};
    std::shared_ptr<const detail::Node> m_node;
};

} // namespace qscope
