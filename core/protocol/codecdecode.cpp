// The payload decoder: bytes -> Value. Every count is checked against the bytes present before
// anything is allocated; nesting is limited; errors carry the byte offset where they apply.

#include "codec.h"
#include "codecdetail.h"

#include <QtEndian>

#include <bit>
#include <cmath>
#include <memory>
#include <vector>

namespace qscope {

namespace detail {
namespace {

/// Interns the symbols of one message into one SymbolPool: open addressing over (hash, index),
/// so a vector of 1M symbols with 1,000 distinct ones costs a memchr, a hash and one probe each.
class SymbolInterner
{
public:
    explicit SymbolInterner(SymbolPool *pool) : m_pool(pool)
    {
        m_slots.assign(m_mask + 1, Slot{});
        m_short.assign(m_shortMask + 1, Slot{});
    }

    uint32_t intern(const char *s, size_t n)
    {
        const uint64_t h = hash(s, n);
        size_t i = size_t(h) & m_mask;
        for (;;) {
            Slot &slot = m_slots[i];
            if (slot.index == kEmpty) break;
            if (slot.hash == h) {
                const QByteArray &known = m_pool->strings[slot.index];
                if (size_t(known.size()) == n && std::memcmp(known.constData(), s, n) == 0)
                    return slot.index;
            }
            i = (i + 1) & m_mask;
        }
        const auto index = uint32_t(m_pool->strings.size());
        m_pool->strings.emplace_back(s, qsizetype(n));
        m_slots[i] = Slot{h, index};
        if (++m_used * 2 > m_mask + 1) grow();
        return index;
    }

    /// A symbol of at most 7 bytes, given as its bytes zero-padded to a little-endian word: the
    /// word alone identifies it (symbols hold no NUL), so no string compare is needed.
    uint32_t internShort(uint64_t key, const char *s, size_t n)
    {
        size_t i = size_t(mixShort(key)) & m_shortMask;
        for (;;) {
            const Slot &slot = m_short[i];
            if (slot.hash == key && slot.index != kEmpty) [[likely]]
                return slot.index;
            if (slot.index == kEmpty) return insertShort(i, key, s, n);
            i = (i + 1) & m_shortMask;
        }
    }

private:
    struct Slot
    {
        uint64_t hash = 0; // the full hash; for the short table, the key itself
        uint32_t index = kEmpty;
    };

    /// Murmur3's finaliser: every key bit reaches the low bits the table index uses ("sym12"
    /// and "sym13" differ only in a high byte of the key).
    static uint64_t mixShort(uint64_t k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdull;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ull;
        k ^= k >> 33;
        return k;
    }

    /// The first sighting of a short symbol (cold: once per distinct symbol).
    [[gnu::noinline]] uint32_t insertShort(size_t slot, uint64_t key, const char *s, size_t n)
    {
        const auto index = uint32_t(m_pool->strings.size());
        m_pool->strings.emplace_back(s, qsizetype(n));
        m_short[slot] = Slot{key, index};
        if (++m_shortUsed * 2 > m_shortMask + 1) growShort();
        return index;
    }

    void growShort()
    {
        std::vector<Slot> old = std::move(m_short);
        m_shortMask = m_shortMask * 2 + 1;
        m_short.assign(m_shortMask + 1, Slot{});
        for (const Slot &s : old) {
            if (s.index == kEmpty) continue;
            size_t i = size_t(mixShort(s.hash)) & m_shortMask;
            while (m_short[i].index != kEmpty)
                i = (i + 1) & m_shortMask;
            m_short[i] = s;
        }
    }
    static constexpr uint32_t kEmpty = 0xffffffffu;

    static uint64_t hash(const char *s, size_t n)
    {
        // 8 bytes at a time, mixed with a multiply-xorshift; symbols are short so this is a few
        // instructions for most of them.
        uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
        while (n >= 8) {
            uint64_t w;
            std::memcpy(&w, s, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 32;
            s += 8;
            n -= 8;
        }
        if (n) {
            uint64_t w = 0;
            std::memcpy(&w, s, n);
            h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
        }
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 32;
        return h;
    }

    void grow()
    {
        std::vector<Slot> old = std::move(m_slots);
        m_mask = m_mask * 2 + 1;
        m_slots.assign(m_mask + 1, Slot{});
        for (const Slot &s : old) {
            if (s.index == kEmpty) continue;
            size_t i = size_t(s.hash) & m_mask;
            while (m_slots[i].index != kEmpty)
                i = (i + 1) & m_mask;
            m_slots[i] = s;
        }
    }

    SymbolPool *m_pool;
    // Both tables start small and double when half full: most messages (a feed's upd, a
    // query's answer) hold a handful of distinct symbols, and a decoder is built per message.
    std::vector<Slot> m_slots; // symbols of 8 bytes and more
    size_t m_mask = 15;
    size_t m_used = 0;
    std::vector<Slot> m_short; // symbols of up to 7 bytes, keyed by their padded word
    size_t m_shortMask = 15;
    size_t m_shortUsed = 0;
};

/// One pass over one payload. `base` is the start of the buffer that offsets are reported
/// against (the message, header included, when decoding a message).
class Decoder
{
public:
    Decoder(const char *base, int64_t end, bool littleEndian, std::shared_ptr<const void> owner,
            const DecodeLimits &limits)
        : m_base(base), m_end(end), m_little(littleEndian), m_owner(std::move(owner)),
          m_limits(limits), m_pool(std::make_shared<SymbolPool>()), m_interner(m_pool.get())
    {
        m_pool->strings.reserve(8); // a small table's column names and syms: one allocation
    }

    bool run(int64_t start, Value &out)
    {
        m_pos = start;
        if (!value(out, 0)) return false;
        if (m_pos != m_end)
            return fail(
                QStringLiteral("%1 unexpected trailing byte(s) after the value").arg(m_end - m_pos),
                m_pos);
        return true;
    }

    DecodeError error;

private:
    bool fail(const QString &message, int64_t offset)
    {
        error.message = message;
        error.offset = offset;
        return false;
    }
    bool need(int64_t n, const char *what)
    {
        if (n < 0 || m_end - m_pos < n)
            return fail(QStringLiteral("truncated: %1 needs %2 byte(s), %3 left")
                            .arg(QLatin1String(what))
                            .arg(n)
                            .arg(m_end - m_pos),
                        m_pos);
        return true;
    }
    const char *here() const { return m_base + m_pos; }

    template<class T>
    T take()
    {
        T v = loadUnsigned<T>(here(), m_little);
        m_pos += int64_t(sizeof(T));
        return v;
    }

    /// A vector/list count: int32 on the wire, negative is malformed.
    bool count(int64_t &n)
    {
        if (!need(4, "a count")) return false;
        const auto c = int32_t(take<uint32_t>());
        if (c < 0) return fail(QStringLiteral("negative count %1").arg(c), m_pos - 4);
        n = c;
        return true;
    }

    bool attribute(Attr &a)
    {
        if (!need(1, "an attribute")) return false;
        const auto b = uint8_t(*here());
        if (b > 5) return fail(QStringLiteral("unknown attribute byte %1").arg(b), m_pos);
        ++m_pos;
        a = Attr(b);
        return true;
    }

    /// A null-terminated string (symbol atom, error text, lambda context).
    bool cstring(QByteArray &s, const char *what)
    {
        const void *z = std::memchr(here(), 0, size_t(m_end - m_pos));
        if (!z) return fail(QStringLiteral("unterminated %1").arg(QLatin1String(what)), m_pos);
        const int64_t n = static_cast<const char *>(z) - here();
        s = QByteArray(here(), qsizetype(n));
        m_pos += n + 1;
        return true;
    }

    bool value(Value &out, int depth);
    bool atom(int type, Value &out);
    bool vector(int type, Value &out);
    bool symbolVector(Attr attr, int64_t n, Value &out);
    bool list(int type, int depth, Value &out);

    const char *m_base;
    int64_t m_end;
    int64_t m_pos = 0;
    bool m_little;
    std::shared_ptr<const void> m_owner;
    DecodeLimits m_limits;
    std::shared_ptr<SymbolPool> m_pool; // filled while decoding, read-only once returned
    SymbolInterner m_interner;
};

bool Decoder::value(Value &out, int depth)
{
    if (depth > m_limits.maxDepth)
        return fail(QStringLiteral("nesting deeper than %1").arg(m_limits.maxDepth), m_pos);
    if (!need(1, "a type byte")) return false;
    const int64_t typeAt = m_pos;
    const auto type = int(int8_t(*here()));
    ++m_pos;
    if (type == 3 || type == -3) // no q type has code 3
        return fail(QStringLiteral("unknown type %1").arg(type), typeAt);
    if (type < 0 && type >= -Time) return atom(type, out);
    if (type > 0 && type <= Time) return vector(type, out);
    switch (type) {
    case List:
        return list(type, depth, out);
    case Error: {
        QByteArray text;
        if (!cstring(text, "error text")) return false;
        out = Value::error(std::move(text));
        return true;
    }
    case Table: {
        Attr attr;
        if (!attribute(attr)) return false;
        const int64_t dictAt = m_pos;
        if (!need(1, "the table's dict")) return false;
        if (int8_t(*here()) != Dict)
            return fail(QStringLiteral("a table (98) must hold a dict (99), found type %1")
                            .arg(int(int8_t(*here()))),
                        m_pos);
        ++m_pos;
        Value names, columns;
        if (!value(names, depth + 1)) return false;
        const int64_t columnsAt = m_pos;
        if (!value(columns, depth + 1)) return false;
        if (names.type() != Symbol)
            return fail(QStringLiteral("table column names must be a symbol vector"), dictAt + 1);
        if (columns.type() != List)
            return fail(QStringLiteral("table columns must be a general list"), columnsAt);
        if (columns.count() != names.count())
            return fail(QStringLiteral("table has %1 names but %2 columns")
                            .arg(names.count())
                            .arg(columns.count()),
                        columnsAt);
        int64_t rows = -1;
        for (const Value &c : columns.items()) {
            if (!c.isVector() && !c.isList())
                return fail(QStringLiteral("table column of type %1 is not a list").arg(c.type()),
                            columnsAt);
            if (rows >= 0 && c.count() != rows)
                return fail(QStringLiteral("table columns differ in length (%1 and %2)")
                                .arg(rows)
                                .arg(c.count()),
                            columnsAt);
            rows = c.count();
        }
        out = Value::table(std::move(names), std::move(columns), attr);
        return true;
    }
    case Dict:
    case SortedDict: {
        Value keys, values;
        if (!value(keys, depth + 1) || !value(values, depth + 1)) return false;
        out = Value::dict(std::move(keys), std::move(values), type == SortedDict);
        return true;
    }
    case Lambda: {
        QByteArray context;
        if (!cstring(context, "lambda context")) return false;
        const int64_t sourceAt = m_pos;
        Value source;
        if (!value(source, depth + 1)) return false;
        if (source.type() != Char)
            return fail(QStringLiteral("lambda source must be a char vector, found type %1")
                            .arg(source.type()),
                        sourceAt);
        out = Value::lambda(std::move(context),
                            QByteArray(source.rawData(), qsizetype(source.count())));
        return true;
    }
    case UnaryPrimitive:
    case Operator:
    case Iterator:
        if (!need(1, "a primitive code")) return false;
        out = Value::primitive(type, uint8_t(*here()));
        ++m_pos;
        return true;
    case Projection:
    case Composition:
        return list(type, depth, out);
    case Each:
    case Over:
    case Scan:
    case EachPrior:
    case EachRight:
    case EachLeft: {
        Value operand;
        if (!value(operand, depth + 1)) return false;
        out = Value::composite(type, {std::move(operand)});
        return true;
    }
    default:
        if (type >= 20 && type <= 76)
            return fail(QStringLiteral("enumeration type %1 cannot be sent over IPC").arg(type),
                        typeAt);
        return fail(QStringLiteral("unknown type %1").arg(type), typeAt);
    }
}

bool Decoder::atom(int type, Value &out)
{
    switch (-type) {
    case Symbol: {
        QByteArray s;
        if (!cstring(s, "symbol")) return false;
        out = Value::symbol(std::move(s));
        return true;
    }
    case Guid: {
        if (!need(16, "a guid")) return false;
        std::array<uint8_t, 16> g;
        std::memcpy(g.data(), here(), 16);
        m_pos += 16;
        out = Value::guid(g);
        return true;
    }
    default:
        break;
    }
    const int width = elementSize(type);
    if (!need(width, "an atom")) return false;
    switch (width) {
    case 1:
        out = Value::atom(type, uint8_t(*here()));
        ++m_pos;
        return true;
    case 2:
        out = Value::atom(type, int16_t(take<uint16_t>()));
        return true;
    case 4: {
        const uint32_t bits = take<uint32_t>();
        if (type == -Real) {
            float f;
            std::memcpy(&f, &bits, 4);
            out = Value::real(f);
        } else {
            out = Value::atom(type, int32_t(bits));
        }
        return true;
    }
    default: {
        const uint64_t bits = take<uint64_t>();
        if (type == -Float || type == -Datetime) {
            double d;
            std::memcpy(&d, &bits, 8);
            out = Value::temporalFloat(type, d);
        } else {
            out = Value::atom(type, int64_t(bits));
        }
        return true;
    }
    }
}

bool Decoder::vector(int type, Value &out)
{
    Attr attr;
    int64_t n;
    if (!attribute(attr) || !count(n)) return false;
    if (type == Symbol) return symbolVector(attr, n, out);
    const int width = elementSize(type);
    if (!need(n * width, "the vector's elements")) return false;
    const size_t bytes = size_t(n) * size_t(width);
    const bool swap =
        width > 1 && type != Guid && m_little != (QSysInfo::ByteOrder == QSysInfo::LittleEndian);
    if (!swap) {
        // Zero-copy: the vector views the message, which m_owner keeps alive.
        out = Value::vector(type, Bytes::view(m_owner, here(), bytes), n, attr);
    } else {
        Bytes b = allocateBytes(bytes);
        char *dst = b.mutableData();
        const char *src = here();
        for (int64_t i = 0; i < n; ++i) {
            const size_t o = size_t(i) * size_t(width);
            switch (width) {
            case 2:
                storeUnsigned<uint16_t>(dst + o, loadUnsigned<uint16_t>(src + o, false), true);
                break;
            case 4:
                storeUnsigned<uint32_t>(dst + o, loadUnsigned<uint32_t>(src + o, false), true);
                break;
            default:
                storeUnsigned<uint64_t>(dst + o, loadUnsigned<uint64_t>(src + o, false), true);
                break;
            }
        }
        out = Value::vector(type, std::move(b), n, attr);
    }
    m_pos += int64_t(bytes);
    return true;
}

bool Decoder::symbolVector(Attr attr, int64_t n, Value &out)
{
    // Each symbol takes at least its terminator, so n cannot exceed the bytes left.
    if (!need(n, "the symbols")) return false;
    Bytes indexes = allocateBytes(size_t(n) * sizeof(uint32_t));
    char *dst = indexes.mutableData();
    const char *p = here();
    const char *end = m_base + m_end;
    for (int64_t i = 0; i < n; ++i) {
        if (end - p >= 8) {
            // Most symbols are short: find the terminator within one word (the lowest zero
            // byte; the usual has-zero-byte trick is exact for the lowest one).
            const uint64_t w = loadUnsigned<uint64_t>(p, true);
            const uint64_t zeros = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
            if (zeros) {
                const auto len = size_t(std::countr_zero(zeros) >> 3);
                const uint64_t key = len ? w & (~uint64_t(0) >> (64 - 8 * len)) : 0;
                const uint32_t idx = m_interner.internShort(key, p, len);
                std::memcpy(dst + size_t(i) * 4, &idx, 4);
                p += len + 1;
                continue;
            }
        }
        const void *z = std::memchr(p, 0, size_t(end - p));
        if (!z)
            return fail(QStringLiteral("unterminated symbol %1 of %2").arg(i).arg(n), p - m_base);
        const auto *zc = static_cast<const char *>(z);
        const auto len = size_t(zc - p);
        uint32_t idx;
        if (len < 8) { // near the end of the buffer: same table as the fast path
            uint64_t key = 0;
            std::memcpy(&key, p, len);
            idx = m_interner.internShort(qFromLittleEndian(key), p, len);
        } else {
            idx = m_interner.intern(p, len);
        }
        std::memcpy(dst + size_t(i) * 4, &idx, 4);
        p = zc + 1;
    }
    m_pos = p - m_base;
    out = Value::symbols(m_pool, std::move(indexes), n, attr);
    return true;
}

bool Decoder::list(int type, int depth, Value &out)
{
    Attr attr = Attr::None;
    if (type == List && !attribute(attr)) return false;
    int64_t n;
    if (!count(n)) return false;
    // Every item takes at least two bytes (a type byte and one more), so a count the remaining
    // bytes cannot hold is rejected before reserving anything.
    if (n > (m_end - m_pos) / 2)
        return fail(
            QStringLiteral("count %1 exceeds the %2 byte(s) left").arg(n).arg(m_end - m_pos),
            m_pos - 4);
    std::vector<Value> items;
    items.reserve(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        Value v;
        if (!value(v, depth + 1)) return false;
        items.push_back(std::move(v));
    }
    out = type == List ? Value::list(std::move(items), attr)
                       : Value::composite(type, std::move(items));
    return true;
}

} // namespace

/// Decode [start, end) of base; offsets in errors are relative to base.
Decoded decodeRange(const char *base, int64_t start, int64_t end, bool littleEndian,
                    std::shared_ptr<const void> owner, const DecodeLimits &limits)
{
    Decoded d;
    Decoder dec(base, end, littleEndian, std::move(owner), limits);
    if (!dec.run(start, d.value)) {
        d.error = dec.error;
        d.value = Value();
    }
    return d;
}

} // namespace detail

} // namespace qscope
