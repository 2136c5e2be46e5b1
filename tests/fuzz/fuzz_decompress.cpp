// libFuzzer target: decompressMessage on arbitrary compressed streams (must never read or write
// out of bounds), and compressMessage on arbitrary messages (must round-trip exactly).

#include "protocol/codec.h"

#include <QtEndian>

#include <cstdint>
#include <cstdlib>

using namespace qscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DecodeLimits limits;
    limits.maxMessageBytes = 16 << 20;
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));

    // 1. The input after a compressed header: its first 4 bytes are the claimed size.
    QByteArray compressed(8, '\0');
    compressed[0] = 1;
    compressed[1] = 2;
    compressed[2] = 1;
    compressed += body;
    qToLittleEndian<uint32_t>(uint32_t(compressed.size()), compressed.data() + 4);
    DecodeError error;
    const auto plain = decompressMessage(compressed, &error, limits);
    if (!plain && error.offset < 0) std::abort();
    if (plain && (plain->size() < 8 || plain->at(2) != 0)) std::abort();

    // 2. The input as an uncompressed message body: compressing then inflating gives it back.
    QByteArray message(8, '\0');
    message[0] = 1;
    message += body;
    qToLittleEndian<uint32_t>(uint32_t(message.size()), message.data() + 4);
    const QByteArray packed = compressMessage(message);
    if (packed != message) {
        if (packed.size() > message.size() / 2 || message.size() <= 2000)
            std::abort(); // kdb+'s rules: only over 2000 bytes, only if it halves
        const auto back = decompressMessage(packed, &error, limits);
        if (!back || *back != message) std::abort();
    }
    return 0;
}
