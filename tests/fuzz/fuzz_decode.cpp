// libFuzzer target: decodeMessage / decodePayload on arbitrary bytes. Whatever decodes must
// re-encode, and the re-encoding must be a fixed point (encode(decode(encode(v))) == encode(v)).

#include "protocol/codec.h"

#include <cstdint>
#include <cstdlib>

using namespace qscope;

namespace {

void roundTrip(const Value &v)
{
    const QByteArray once = encodePayload(v);
    if (once.isEmpty())
        return; // not encodable: cannot happen for decoded values of fuzz-sized inputs
    if (encodedPayloadSize(v) != once.size()) std::abort();
    const Decoded back = decodePayload(once);
    if (!back.ok()) std::abort();
    if (encodePayload(back.value) != once) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DecodeLimits limits;
    limits.maxMessageBytes = 64 << 20;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Decoded m = decodeMessage(bytes, limits);
    if (m.ok())
        roundTrip(m.value);
    else if (m.error->offset < 0)
        std::abort(); // every error must say where
    for (bool little : {true, false}) {
        const Decoded p = decodePayload(bytes, little, limits);
        if (p.ok())
            roundTrip(p.value);
        else if (p.error->offset < 0 || p.error->offset > int64_t(size))
            std::abort();
    }
    return 0;
}
