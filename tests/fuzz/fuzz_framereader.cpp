// libFuzzer target: FrameReader fed the input in chunks whose size comes from the input itself;
// every frame it yields must be exactly the stream's bytes at that point, and must decode or fail
// cleanly.

#include "protocol/codec.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

using namespace qscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    DecodeLimits limits;
    limits.maxMessageBytes = 16 << 20;
    FrameReader reader(limits);
    const auto *stream = reinterpret_cast<const char *>(data);
    const size_t chunk = 1 + data[0] % 64;
    size_t fed = 1;
    int64_t delivered = 1; // stream offset of the next frame
    while (fed < size) {
        const size_t n = std::min(chunk, size - fed);
        reader.feed(stream + fed, int64_t(n));
        fed += n;
        while (auto frame = reader.next()) {
            if (frame->size() < 8 || delivered + frame->size() > int64_t(fed)) std::abort();
            if (QByteArray(stream + delivered, frame->size()) != *frame) std::abort();
            delivered += frame->size();
            const Decoded d = decodeMessage(*frame, limits);
            if (!d.ok() && d.error->offset < 0) std::abort();
        }
        if (reader.error()) break;
        if (reader.pendingBytes() != int64_t(fed) - delivered) std::abort();
    }
    return 0;
}
