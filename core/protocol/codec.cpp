// Message framing: the 8-byte header, whole-message decode, and the login handshake.

#include "codec.h"
#include "codecdetail.h"

#include <new>

namespace qscope {

std::optional<MessageHeader> MessageHeader::parse(const char *p, int64_t n, DecodeError *error)
{
    auto fail = [error](const QString &message, int64_t offset) -> std::optional<MessageHeader> {
        if (error) {
            error->message = message;
            error->offset = offset;
        }
        return std::nullopt;
    };
    if (n < kSize) return fail(QStringLiteral("truncated header: %1 of 8 bytes").arg(n), n);
    const auto endian = uint8_t(p[0]);
    if (endian > 1) return fail(QStringLiteral("bad byte-order byte %1 (0 or 1)").arg(endian), 0);
    const auto type = uint8_t(p[1]);
    if (type > 2)
        return fail(QStringLiteral("bad message type %1 (0 async, 1 sync, 2 response)").arg(type),
                    1);
    const auto compressed = uint8_t(p[2]);
    if (compressed > detail::kCompressed64)
        return fail(QStringLiteral("bad compression byte %1").arg(compressed), 2);
    MessageHeader h;
    h.littleEndian = endian == 1;
    h.type = MessageType(type);
    h.compressed = compressed != 0;
    h.size = detail::readSizeField(p, h.littleEndian);
    // The smallest payload is two bytes (e.g. a boolean atom); a compressed message carries its
    // uncompressed size (4 or 8 bytes) and at least one flag byte.
    const int64_t minimum = !h.compressed                         ? kSize + 2
                            : compressed == detail::kCompressed32 ? kSize + 4 + 1
                                                                  : kSize + 8 + 1;
    if (h.size < minimum)
        return fail(
            QStringLiteral("message size %1 is below the minimum %2").arg(h.size).arg(minimum), 4);
    return h;
}

namespace {

Decoded decodeWhole(const QByteArray &message, const DecodeLimits &limits)
{
    Decoded d;
    DecodeError error;
    const auto header = MessageHeader::parse(message.constData(), message.size(), &error);
    if (!header) {
        d.error = error;
        return d;
    }
    d.header = *header;
    if (header->size != message.size()) {
        d.error = DecodeError{QStringLiteral("header says %1 bytes but the message has %2")
                                  .arg(header->size)
                                  .arg(message.size()),
                              4};
        return d;
    }
    if (header->size > limits.maxMessageBytes) {
        d.error = DecodeError{QStringLiteral("message of %1 bytes exceeds the limit of %2")
                                  .arg(header->size)
                                  .arg(limits.maxMessageBytes),
                              4, DecodeError::OverLimit, header->size};
        return d;
    }
    QByteArray plain = message;
    if (header->compressed) {
        auto inflated = decompressMessage(message, &error, limits);
        if (!inflated) {
            d.error = error;
            return d;
        }
        plain = std::move(*inflated);
    }
    auto owner = std::make_shared<const QByteArray>(std::move(plain));
    const char *base = owner->constData();
    const int64_t end = owner->size();
    Decoded body = detail::decodeRange(base, MessageHeader::kSize, end, header->littleEndian,
                                       std::move(owner), limits);
    d.value = std::move(body.value);
    if (body.error) {
        d.error = body.error;
        if (header->compressed)
            d.error->message += QStringLiteral(" (offset in the decompressed message)");
    }
    return d;
}

} // namespace

Decoded decodeMessage(const QByteArray &message, const DecodeLimits &limits)
{
    try {
        return decodeWhole(message, limits);
    } catch (const std::bad_alloc &) {
        // A message can be within the limit and still more than this process can hold now.
        Decoded d;
        d.error = DecodeError{
            QStringLiteral("out of memory decoding a message of %1 bytes").arg(message.size()), 0,
            DecodeError::OutOfMemory, message.size()};
        return d;
    }
}

Decoded decodePayload(const QByteArray &payload, bool littleEndian, const DecodeLimits &limits)
{
    if (payload.size() > limits.maxMessageBytes) {
        Decoded d;
        d.error = DecodeError{QStringLiteral("payload of %1 bytes exceeds the limit of %2")
                                  .arg(payload.size())
                                  .arg(limits.maxMessageBytes),
                              0};
        return d;
    }
    try {
        auto owner = std::make_shared<const QByteArray>(payload);
        const char *base = owner->constData();
        const int64_t end = owner->size();
        return detail::decodeRange(base, 0, end, littleEndian, std::move(owner), limits);
    } catch (const std::bad_alloc &) {
        Decoded d;
        d.error = DecodeError{
            QStringLiteral("out of memory decoding a payload of %1 bytes").arg(payload.size()), 0,
            DecodeError::OutOfMemory, payload.size()};
        return d;
    }
}

QByteArray encodeHandshake(const QByteArray &userPassword, int capability)
{
    QByteArray out = userPassword;
    out.append(char(uint8_t(capability)));
    out.append('\0');
    return out;
}

} // namespace qscope
