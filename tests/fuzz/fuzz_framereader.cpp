// libFuzzer target: FrameReader fed the input in chunks whose size comes from the input itself;
// every frame it yields must be exactly the stream's bytes at that point, and must decode or fail
// cleanly; no frame in assembly may claim more than the limit (compressed or not).

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
        if (reader.error()) {
            // Over the limit is named with the size it announced, which is over the limit.
            const DecodeError &e = *reader.error();
            if (e.kind == DecodeError::OverLimit && e.messageBytes <= limits.maxMessageBytes)
                std::abort();
            break;
        }
        if (reader.pendingBytes() != int64_t(fed) - delivered) std::abort();
        // A frame still being assembled never claims (even compressed) more than the limit.
        const auto plain = reader.pendingMessageBytes();
        if (plain && *plain > limits.maxMessageBytes) std::abort();
    }
    return 0;
}
