// kdb+'s IPC compression (what -18! and a remote kdb+ apply), byte-identical to kdb+'s output,
// and a fully bounds-checked decompressor (kdb+ itself trusts compressed input).
//
// Compressed message layout:
//   bytes 0..7   header, byte 2 = 1 (or 2, see below), size = compressed total
//   bytes 8..11  uncompressed total size, header included (byte 2 = 2: 8 bytes, 8..15)
//   then groups: one flag byte, then 8 items; bit k of the flag (LSB first) says item k is
//     0: one literal byte
//     1: a back-reference: one byte h (a hash slot) then one byte n; copy 2 + n bytes from the
//        position the hash slot holds.
// Both sides keep a 256-entry table of positions keyed by (byte[p] ^ byte[p+1]). The encoder
// records each literal's position one step late and a match's start at once; the decoder
// records every output position up to two before the current one, skipping the tail of each
// match. These two rules give the same table at every step, which is what makes it work.

#include "codec.h"
#include "codecdetail.h"

#include <algorithm>
#include <array>
#include <new>

namespace qscope {

namespace {

constexpr int64_t kCompressThreshold = 2000;

} // namespace

QByteArray compressMessage(const QByteArray &message)
{
    const int64_t t = message.size();
    if (t <= kCompressThreshold) return message;
    const auto *in = reinterpret_cast<const uint8_t *>(message.constData());
    if (in[0] > 1 || in[2] != 0) // not a well-formed uncompressed message: leave it alone
        return message;
    const bool little = in[0] == 1;
    const bool wide = t > int64_t(UINT32_MAX); // uncompressed size needs 8 bytes (capability 6)
    const int64_t dataStart = MessageHeader::kSize + (wide ? 8 : 4);

    const int64_t e = t / 2; // output capacity: keep the result only if it fits in half
    QByteArray outBytes = detail::allocateMessage(e);
    auto *out = reinterpret_cast<uint8_t *>(outBytes.data());

    std::array<int64_t, 256> table{};
    int64_t c = dataStart; // position of the current flag byte
    int64_t d = c;         // next output byte
    int64_t s = MessageHeader::kSize;
    int64_t s0 = 0; // literal position whose table entry is still to be recorded
    unsigned h0 = 0, h = 0;
    unsigned flags = 0;
    unsigned bit = 0;
    for (; s < t; bit = (bit << 1) & 0xff) {
        if (bit == 0) {
            if (d > e - 17) return message; // would not halve it
            bit = 1;
            out[c] = uint8_t(flags);
            c = d++;
            flags = 0;
        }
        bool literal = s > t - 3;
        int64_t p = 0;
        if (!literal) {
            h = unsigned(in[s] ^ in[s + 1]);
            p = table[h];
            literal = p == 0 || in[s] != in[p];
        }
        if (s0 > 0) {
            table[h0] = s0;
            s0 = 0;
        }
        if (literal) {
            h0 = h;
            s0 = s;
            out[d++] = in[s++];
        } else {
            table[h] = s;
            flags |= bit;
            p += 2;
            s += 2;
            const int64_t r = s;
            const int64_t q = std::min(s + 255, t);
            while (in[p] == in[s] && ++s < q)
                ++p;
            out[d++] = uint8_t(h);
            out[d++] = uint8_t(s - r);
        }
    }
    out[c] = uint8_t(flags);

    char *o = outBytes.data();
    o[0] = char(in[0]);
    o[1] = char(in[1]);
    o[2] = char(wide ? detail::kCompressed64 : detail::kCompressed32);
    detail::writeSizeField(o, d, little);
    if (wide)
        detail::storeUnsigned<uint64_t>(o + 8, uint64_t(t), little);
    else
        detail::storeUnsigned<uint32_t>(o + 8, uint32_t(t), little);
    outBytes.truncate(qsizetype(d));
    return outBytes;
}

std::optional<QByteArray> decompressMessage(const QByteArray &message, DecodeError *error,
                                            const DecodeLimits &limits)
{
    auto fail = [error](const QString &text, int64_t offset,
                        DecodeError::Kind kind = DecodeError::Malformed,
                        int64_t bytes = 0) -> std::optional<QByteArray> {
        if (error) {
            error->message = text;
            error->offset = offset;
            error->kind = kind;
            error->messageBytes = bytes;
        }
        return std::nullopt;
    };
    const int64_t inSize = message.size();
    const char *raw = message.constData();
    DecodeError headerError;
    const auto header = MessageHeader::parse(raw, inSize, &headerError);
    if (!header) return fail(headerError.message, headerError.offset);
    if (!header->compressed) return fail(QStringLiteral("message is not compressed"), 2);
    if (header->size != inSize)
        return fail(QStringLiteral("header says %1 bytes but the message has %2")
                        .arg(header->size)
                        .arg(inSize),
                    4);
    const bool little = header->littleEndian;
    const bool wide = uint8_t(raw[2]) == detail::kCompressed64;
    const int64_t dataStart = MessageHeader::kSize + (wide ? 8 : 4);
    if (inSize < dataStart + 1) return fail(QStringLiteral("truncated compressed message"), inSize);
    const int64_t usize = wide ? int64_t(detail::loadUnsigned<uint64_t>(raw + 8, little))
                               : int64_t(detail::loadUnsigned<uint32_t>(raw + 8, little));
    if (usize < MessageHeader::kSize + 2)
        return fail(QStringLiteral("uncompressed size %1 is too small").arg(usize), 8);
    if (usize > limits.maxMessageBytes)
        return fail(QStringLiteral("uncompressed size %1 exceeds the limit of %2")
                        .arg(usize)
                        .arg(limits.maxMessageBytes),
                    8, DecodeError::OverLimit, usize);
    // Each input byte yields at most 257 output bytes: a larger claim is corrupt, and checking
    // it here keeps a tiny message from making us allocate gigabytes.
    if ((usize - MessageHeader::kSize) > (inSize - dataStart) * 257)
        return fail(QStringLiteral("uncompressed size %1 is impossible for %2 compressed bytes")
                        .arg(usize)
                        .arg(inSize),
                    8);

    QByteArray result;
    try {
        result = detail::allocateMessage(usize);
    } catch (const std::bad_alloc &) {
        return fail(
            QStringLiteral("out of memory: cannot allocate %1 bytes to decompress into").arg(usize),
            8, DecodeError::OutOfMemory, usize);
    }
    auto *dst = reinterpret_cast<uint8_t *>(result.data());
    const auto *src = reinterpret_cast<const uint8_t *>(raw);
    std::memset(dst, 0, MessageHeader::kSize);

    std::array<int64_t, 256> table{};
    int64_t s = MessageHeader::kSize; // output position
    int64_t p = s;                    // next output position to enter in the table
    int64_t d = dataStart;            // input position
    const int64_t inEnd = inSize;
    unsigned flags = 0;
    unsigned bit = 0;
    while (s < usize) {
        if (bit == 0) {
            if (d >= inEnd)
                return fail(QStringLiteral("compressed stream ends early (%1 of %2 bytes out)")
                                .arg(s)
                                .arg(usize),
                            d);
            flags = src[d++];
            bit = 1;
        }
        if (flags & bit) {
            if (inEnd - d < 2)
                return fail(QStringLiteral("compressed stream ends inside a back-reference"), d);
            const int64_t r = table[src[d]];
            if (r == 0)
                return fail(QStringLiteral("back-reference to empty hash slot %1").arg(src[d]), d);
            const int64_t n = src[d + 1];
            if (usize - s < 2 + n)
                return fail(QStringLiteral("back-reference of %1 bytes overruns the %2-byte "
                                           "message")
                                .arg(2 + n)
                                .arg(usize),
                            d);
            d += 2;
            // r <= s - 2 always (entries are recorded two behind), so the first two bytes never
            // overlap; the rest may (a run), and is copied forwards byte by byte then.
            dst[s] = dst[r];
            dst[s + 1] = dst[r + 1];
            const int64_t s2 = s + 2;
            while (p < s2 - 1) {
                table[dst[p] ^ dst[p + 1]] = p;
                ++p;
            }
            const int64_t from = r + 2;
            if (from + n <= s2) {
                std::memcpy(dst + s2, dst + from, size_t(n));
            } else if (s2 - from >= 8 && s2 + n + 8 <= usize) {
                // A run whose source overlaps its destination by 8 bytes or more: each 8-byte
                // load only reads bytes already written. The last store may spill up to 7
                // bytes past the run, inside the buffer; later output overwrites them.
                for (int64_t m = 0; m < n; m += 8) {
                    uint64_t w;
                    std::memcpy(&w, dst + from + m, 8);
                    std::memcpy(dst + s2 + m, &w, 8);
                }
            } else {
                for (int64_t m = 0; m < n; ++m)
                    dst[s2 + m] = dst[from + m];
            }
            s = p = s2 + n;
        } else {
            if (d >= inEnd)
                return fail(QStringLiteral("compressed stream ends inside a literal"), d);
            dst[s++] = src[d++];
            while (p < s - 1) {
                table[dst[p] ^ dst[p + 1]] = p;
                ++p;
            }
        }
        bit = (bit << 1) & 0xff;
    }
    if (d != inEnd)
        return fail(QStringLiteral("%1 unused byte(s) after the compressed stream").arg(inEnd - d),
                    d);
    char *o = result.data();
    o[0] = raw[0];
    o[1] = raw[1];
    o[2] = 0;
    detail::writeSizeField(o, usize, little);
    return result;
}

} // namespace qscope
