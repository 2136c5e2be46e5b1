#pragma once
/// q type codes, attributes, nulls and infinities: the facts every layer shares.
/// Temporal values are kept as q keeps them: counts from 2000.01.01 (days, months, ns, ms...).

#include <cstdint>
#include <limits>

namespace qscope {

/// q's type byte. Atoms are the negatives of their vector codes.
enum QType : int8_t {
    List = 0,
    Boolean = 1,
    Guid = 2,
    Byte = 4,
    Short = 5,
    Int = 6,
    Long = 7,
    Real = 8,
    Float = 9,
    Char = 10,
    Symbol = 11,
    Timestamp = 12,
    Month = 13,
    Date = 14,
    Datetime = 15,
    Timespan = 16,
    Minute = 17,
    Second = 18,
    Time = 19,
    // 20..76 are enumerations (anymap 77, mapped 78..96 are not sent over IPC)
    Table = 98,
    Dict = 99,
    Lambda = 100,
    UnaryPrimitive = 101,
    Operator = 102,
    Iterator = 103,
    Projection = 104,
    Composition = 105,
    Each = 106,       // f'
    Over = 107,       // f/
    Scan = 108,       // f\ .
    EachPrior = 109,  // f':
    EachRight = 110,  // f/:
    EachLeft = 111,   // f\:
    SortedDict = 127, // a dict whose keys carry `s#; on the wire type 127
    Error = -128,
};

/// Vector attributes, as the byte after the type on the wire.
enum class Attr : uint8_t { None = 0, Sorted = 1, Unique = 2, Parted = 3, Grouped = 5 };

/// Width in bytes of one element of a fixed-width vector type; 0 for others.
constexpr int elementSize(int type)
{
    switch (type < 0 ? -type : type) {
    case Boolean:
    case Byte:
    case Char:
        return 1;
    case Guid:
        return 16;
    case Short:
        return 2;
    case Int:
    case Real:
    case Month:
    case Date:
    case Minute:
    case Second:
    case Time:
        return 4;
    case Long:
    case Float:
    case Timestamp:
    case Datetime:
    case Timespan:
        return 8;
    default:
        return 0;
    }
}

/// How one element of a type is stored, for atoms and vectors alike (the sign of the type is
/// ignored). Switch on storageOf(type) rather than listing the types again: the temporal types
/// are stored as their integer or float; Real and Int32 are both 4 bytes and Boolean, Byte and
/// Char 1 byte, but they are read differently.
enum class Storage : uint8_t {
    Boolean, // b
    Guid,    // g
    Byte,    // x
    Short,   // h
    Int32,   // i m d u v t
    Int64,   // j p n
    Real,    // e
    Float,   // f z
    Char,    // c
    Symbol,  // s: a uint32 pool index in a vector, the text in an atom
    Other,   // general lists, tables, dicts, functions, enumerations, type 3
};

constexpr Storage storageOf(int type)
{
    switch (type < 0 ? -type : type) {
    case Boolean:
        return Storage::Boolean;
    case Guid:
        return Storage::Guid;
    case Byte:
        return Storage::Byte;
    case Short:
        return Storage::Short;
    case Int:
    case Month:
    case Date:
    case Minute:
    case Second:
    case Time:
        return Storage::Int32;
    case Long:
    case Timestamp:
    case Timespan:
        return Storage::Int64;
    case Real:
        return Storage::Real;
    case Float:
    case Datetime:
        return Storage::Float;
    case Char:
        return Storage::Char;
    case Symbol:
        return Storage::Symbol;
    default:
        return Storage::Other;
    }
}

namespace detail {
/// elementSize and storageOf are two views of one fact: a compile error if they drift apart.
constexpr bool storageAgreesWithSize()
{
    // bytes per element, in Storage's order
    constexpr int width[] = {1, 16, 1, 2, 4, 8, 4, 8, 1, 0, 0};
    for (int t = -Time; t <= Time; ++t)
        if (elementSize(t) != width[int(storageOf(t))]) return false;
    return true;
}
static_assert(storageAgreesWithSize());
} // namespace detail

constexpr bool isAtomType(int type)
{
    return type < 0 && type >= -Time;
}
constexpr bool isVectorType(int type)
{
    return type > 0 && type <= Time;
}
constexpr bool isTemporal(int type)
{
    const int t = type < 0 ? -type : type;
    return t >= Timestamp && t <= Time;
}
constexpr bool isFunctionType(int type)
{
    return type >= Lambda && type <= EachLeft;
}
/// The types whose payload is a sequence of values (Value::items()): the general list, and the
/// functions built from parts (projection, composition, the iterator-derived forms).
constexpr bool hasItems(int type)
{
    return type == List || (type >= Projection && type <= EachLeft);
}
/// f' f/ f\ f': f/: f\: (106..111): an iterator applied to one operand, the value's only item.
constexpr bool isDerivedFunction(int type)
{
    return type >= Each && type <= EachLeft;
}

namespace qnull {
inline constexpr int16_t h = std::numeric_limits<int16_t>::min();
inline constexpr int32_t i = std::numeric_limits<int32_t>::min();
inline constexpr int64_t j = std::numeric_limits<int64_t>::min();
inline constexpr int16_t hInf = std::numeric_limits<int16_t>::max();
inline constexpr int32_t iInf = std::numeric_limits<int32_t>::max();
inline constexpr int64_t jInf = std::numeric_limits<int64_t>::max();
/// q's float and real nulls are the negative quiet NaN; these are their bit patterns.
inline constexpr uint64_t fBits = 0xfff8000000000000ull;
inline constexpr uint32_t eBits = 0xffc00000u;
} // namespace qnull

/// Days between 1970.01.01 and q's epoch 2000.01.01.
inline constexpr int64_t kEpochOffsetDays = 10957;
inline constexpr int64_t kNanosPerDay = 86400000000000LL;

} // namespace qscope
