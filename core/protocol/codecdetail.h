#pragma once
/// Internals shared by the codec's translation units: byte-order helpers and the size-field rules
/// of the 8-byte header. Not part of the public API (namespace qscope::detail).

#include "codec.h"

#include <QtEndian>

#include <cstdint>
#include <cstring>
#include <memory>

namespace qscope::detail {

/// Read an unsigned integer of width sizeof(T) at p (unaligned), in little- or big-endian order.
template<class T>
inline T loadUnsigned(const char *p, bool littleEndian)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (sizeof(T) > 1) {
        if (littleEndian)
            v = qFromLittleEndian(v);
        else
            v = qFromBigEndian(v);
    }
    return v;
}

/// Write v at p (unaligned) in the given order.
template<class T>
inline void storeUnsigned(char *p, T v, bool littleEndian)
{
    if constexpr (sizeof(T) > 1) {
        if (littleEndian)
            v = qToLittleEndian(v);
        else
            v = qToBigEndian(v);
    }
    std::memcpy(p, &v, sizeof v);
}

/// Largest message (bytes, header included) a capability allows: 2 GiB - 1 below capability 5,
/// 2^40 - 1 (size split over header byte 3 and bytes 4..7) from capability 5 on.
inline constexpr int64_t maxMessageSize(int capability)
{
    return capability >= 5 ? (int64_t(1) << 40) - 1 : int64_t(INT32_MAX);
}

/// The message size field: the low 32 bits sit in bytes 4..7 (sender's byte order) and, for
/// capability 5/6 "large" messages, bits 32..39 in header byte 3. Returns the full size.
inline int64_t readSizeField(const char *header, bool littleEndian)
{
    const uint32_t low = loadUnsigned<uint32_t>(header + 4, littleEndian);
    const auto high = uint8_t(header[3]);
    return int64_t(low) | (int64_t(high) << 32);
}

/// Write the size into bytes 4..7 and header byte 3 (see readSizeField). size must be < 2^40.
inline void writeSizeField(char *header, int64_t size, bool littleEndian)
{
    storeUnsigned<uint32_t>(header + 4, uint32_t(uint64_t(size) & 0xffffffffu), littleEndian);
    header[3] = char(uint8_t(uint64_t(size) >> 32));
}

/// Byte 2 of a compressed message: 1 = the uncompressed size follows the header as 4 bytes,
/// 2 = as 8 bytes (a capability-6 message whose uncompressed size reaches 4 GiB).
inline constexpr uint8_t kCompressed32 = 1;
inline constexpr uint8_t kCompressed64 = 2;

/// Large buffers (a decoded copy, an encoded or inflated message) are written once, start to end,
/// right after allocation; on Linux, first touch of fresh 4 KiB pages dominates that cost. These
/// helpers ask for transparent huge pages on buffers of 4 MiB and more (defined in
/// codecmemory.cpp); below that they are plain allocations.
Bytes allocateBytes(size_t n);
/// Advise huge pages for the 2 MiB-aligned interior of a freshly allocated, untouched buffer.
void adviseHugePages(char *data, size_t n);
/// A QByteArray of n uninitialised bytes, with adviseHugePages applied.
QByteArray allocateMessage(int64_t n);

/// Decode the value in [start, end) of base (which owner keeps alive; vectors may view it).
/// Error offsets are relative to base. Defined in codecdecode.cpp.
Decoded decodeRange(const char *base, int64_t start, int64_t end, bool littleEndian,
                    std::shared_ptr<const void> owner, const DecodeLimits &limits);

/// Write v's payload at p, which must have encodedPayloadSize(v) bytes; returns the end.
/// Little-endian. Defined in codecencode.cpp.
char *encodeInto(char *p, const Value &v);

/// Whether v can be encoded at all (every vector count fits the int32 count field).
bool encodable(const Value &v);

} // namespace qscope::detail
