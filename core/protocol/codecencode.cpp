// The payload encoder: Value -> bytes, little-endian, exactly as kdb+'s -8! lays them out.
// The size is computed first (encodedPayloadSize) so the output is allocated once.

#include "codec.h"
#include "codecdetail.h"

#include <QtEndian>

namespace qscope {

namespace detail {
namespace {

static_assert(QSysInfo::ByteOrder == QSysInfo::LittleEndian,
              "the encoder writes host-order vectors; a big-endian host needs byte swaps here");

inline char *put8(char *p, uint8_t v)
{
    *p = char(v);
    return p + 1;
}
template<class T>
inline char *put(char *p, T v)
{
    std::memcpy(p, &v, sizeof v);
    return p + sizeof v;
}
inline char *putBytes(char *p, const char *s, size_t n)
{
    if (n) std::memcpy(p, s, n);
    return p + n;
}
inline char *putCString(char *p, const QByteArray &s)
{
    p = putBytes(p, s.constData(), size_t(s.size()));
    return put8(p, 0);
}
/// The operand of an iterator-derived function (isDerivedFunction): its one item.
inline Value derivedOperand(const Value &v)
{
    return v.items().empty() ? Value() : v.items().front();
}

int64_t symbolVectorBytes(const Value &v)
{
    const int64_t n = v.count();
    const auto &pool = v.symbolPool();
    int64_t total = n; // terminators
    const char *idx = v.rawData();
    for (int64_t i = 0; i < n; ++i) {
        uint32_t k;
        std::memcpy(&k, idx + size_t(i) * 4, 4);
        total += pool->strings[k].size();
    }
    return total;
}

char *encodeVector(char *p, const Value &v)
{
    const int type = v.type();
    const int64_t n = v.count();
    p = put8(p, uint8_t(type));
    p = put8(p, uint8_t(v.attr()));
    p = put<int32_t>(p, int32_t(n));
    if (type == Symbol) {
        const auto &strings = v.symbolPool()->strings;
        const char *idx = v.rawData();
        for (int64_t i = 0; i < n; ++i) {
            uint32_t k;
            std::memcpy(&k, idx + size_t(i) * 4, 4);
            p = putCString(p, strings[k]);
        }
        return p;
    }
    // Every element's bits as they are, NaN payloads included: q's -8! keeps a value's bits, and
    // a frame inspector or "send to another server" must not rewrite 0x7ff8.. as q's 0xfff8...
    return putBytes(p, v.rawData(), size_t(n) * size_t(elementSize(type)));
}

char *encodeAtom(char *p, const Value &v)
{
    const int type = v.type();
    p = put8(p, uint8_t(int8_t(type)));
    switch (-type) {
    case Symbol:
        return putCString(p, v.symbolValue());
    case Guid: {
        const auto g = v.guidValue();
        return putBytes(p, reinterpret_cast<const char *>(g.data()), 16);
    }
    case Real: { // bits as they are (see encodeVector)
        uint32_t b;
        const float f = v.realValue();
        std::memcpy(&b, &f, 4);
        return put<uint32_t>(p, b);
    }
    case Float:
    case Datetime: {
        uint64_t b;
        const double d = v.floatValue();
        std::memcpy(&b, &d, 8);
        return put<uint64_t>(p, b);
    }
    default:
        break;
    }
    switch (elementSize(type)) {
    case 1:
        return put8(p, uint8_t(v.rawInt()));
    case 2:
        return put<int16_t>(p, int16_t(v.rawInt()));
    case 4:
        return put<int32_t>(p, int32_t(v.rawInt()));
    default:
        return put<int64_t>(p, v.rawInt());
    }
}

} // namespace

char *encodeInto(char *p, const Value &v)
{
    const int type = v.type();
    if (v.isAtom()) return encodeAtom(p, v);
    if (v.isVector()) return encodeVector(p, v);
    if (isDerivedFunction(type)) {
        p = put8(p, uint8_t(type));
        return encodeInto(p, derivedOperand(v));
    }
    switch (type) {
    case List: {
        p = put8(p, List);
        p = put8(p, uint8_t(v.attr()));
        p = put<int32_t>(p, int32_t(v.count()));
        for (const Value &item : v.items())
            p = encodeInto(p, item);
        return p;
    }
    case Table:
        p = put8(p, Table);
        p = put8(p, uint8_t(v.attr()));
        p = put8(p, Dict);
        p = encodeInto(p, v.keys());
        return encodeInto(p, v.values());
    case Dict:
    case SortedDict:
        p = put8(p, uint8_t(type));
        p = encodeInto(p, v.keys());
        return encodeInto(p, v.values());
    case Lambda: {
        p = put8(p, Lambda);
        p = putCString(p, v.lambdaContext());
        const QByteArray &src = v.lambdaSource();
        p = put8(p, Char);
        p = put8(p, 0);
        p = put<int32_t>(p, int32_t(src.size()));
        return putBytes(p, src.constData(), size_t(src.size()));
    }
    case Projection:
    case Composition:
        p = put8(p, uint8_t(type));
        p = put<int32_t>(p, int32_t(v.items().size()));
        for (const Value &part : v.items())
            p = encodeInto(p, part);
        return p;
    case Error:
        p = put8(p, uint8_t(int8_t(Error)));
        return putCString(p, v.symbolValue());
    default: // 101, 102, 103
        p = put8(p, uint8_t(type));
        return put8(p, v.primitiveCode());
    }
}

bool encodable(const Value &v)
{
    if (v.isVector() || v.isList())
        if (v.count() > INT32_MAX) return false;
    if (hasItems(v.type())) {
        for (const Value &item : v.items())
            if (!encodable(item)) return false;
        return true;
    }
    switch (v.type()) {
    case Table:
    case Dict:
    case SortedDict:
        return encodable(v.keys()) && encodable(v.values());
    case Lambda:
        return v.lambdaSource().size() <= INT32_MAX;
    default:
        return true;
    }
}

} // namespace detail

int64_t encodedPayloadSize(const Value &v)
{
    const int type = v.type();
    if (v.isAtom()) {
        if (type == -Symbol) return 2 + v.symbolValue().size();
        return 1 + elementSize(type);
    }
    if (v.isVector()) {
        if (type == Symbol) return 6 + detail::symbolVectorBytes(v);
        return 6 + v.count() * elementSize(type);
    }
    if (isDerivedFunction(type)) return 1 + encodedPayloadSize(detail::derivedOperand(v));
    int64_t total = 0;
    switch (type) {
    case List:
        total = 6;
        for (const Value &item : v.items())
            total += encodedPayloadSize(item);
        return total;
    case Table:
        return 3 + encodedPayloadSize(v.keys()) + encodedPayloadSize(v.values());
    case Dict:
    case SortedDict:
        return 1 + encodedPayloadSize(v.keys()) + encodedPayloadSize(v.values());
    case Lambda:
        return 1 + v.lambdaContext().size() + 1 + 6 + v.lambdaSource().size();
    case Projection:
    case Composition:
        total = 5;
        for (const Value &part : v.items())
            total += encodedPayloadSize(part);
        return total;
    case Error:
        return 2 + v.symbolValue().size();
    default:
        return 2;
    }
}

QByteArray encodePayload(const Value &v)
{
    if (!detail::encodable(v)) return {};
    const int64_t n = encodedPayloadSize(v);
    QByteArray out = detail::allocateMessage(n);
    char *end = detail::encodeInto(out.data(), v);
    Q_ASSERT(end == out.constData() + n);
    Q_UNUSED(end);
    return out;
}

QByteArray encodeMessage(const Value &v, const EncodeOptions &options)
{
    if (!detail::encodable(v)) return {};
    const int64_t total = MessageHeader::kSize + encodedPayloadSize(v);
    if (total > detail::maxMessageSize(options.capability)) return {};
    QByteArray out = detail::allocateMessage(total);
    char *p = out.data();
    p[0] = 1;
    p[1] = char(options.type);
    p[2] = 0;
    detail::writeSizeField(p, total, true);
    char *end = detail::encodeInto(p + MessageHeader::kSize, v);
    Q_ASSERT(end == out.constData() + total);
    Q_UNUSED(end);
    if (options.compress) return compressMessage(out);
    return out;
}

} // namespace qscope
