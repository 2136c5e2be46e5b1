// FrameReader: cuts a byte stream into whole messages. Runs on whichever thread owns it (the
// network thread in the engine); it is not shared between threads.

#include "codec.h"
#include "codecdetail.h"

#include <new>

namespace qscope {

namespace {

/// Where a compressed frame's compressed stream starts, after its uncompressed size.
int64_t compressedDataStart(const char *header)
{
    return MessageHeader::kSize + (uint8_t(header[2]) == detail::kCompressed64 ? 8 : 4);
}

/// The uncompressed size a compressed frame claims (bytes 8..11 or 8..15).
int64_t claimedPlainSize(const char *frame, bool littleEndian)
{
    if (uint8_t(frame[2]) != detail::kCompressed64)
        return int64_t(detail::loadUnsigned<uint32_t>(frame + 8, littleEndian));
    const auto wide = detail::loadUnsigned<uint64_t>(frame + 8, littleEndian);
    return wide > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(wide); // over any limit
}

} // namespace

FrameReader::FrameReader(DecodeLimits limits) : m_limits(limits) {}

void FrameReader::feed(const char *data, int64_t n)
{
    if (m_error || n <= 0) return;
    try {
        // Drop what next() has handed out before growing the buffer, so it never holds more
        // than one partial frame plus what just arrived.
        if (m_consumed > 0) {
            m_buffer.remove(0, qsizetype(m_consumed));
            m_consumed = 0;
        }
        // No reserve() from the header's claimed size: a peer could claim gigabytes and send a
        // few bytes. The buffer grows geometrically with what actually arrives.
        m_buffer.append(data, qsizetype(n));
    } catch (const std::bad_alloc &) {
        const auto plain = pendingMessageBytes();
        m_error = DecodeError{QStringLiteral("out of memory while receiving a message (%1 bytes "
                                             "buffered)")
                                  .arg(m_buffer.size()),
                              m_consumed, DecodeError::OutOfMemory, plain.value_or(0)};
        m_buffer = QByteArray();
        m_consumed = 0;
    }
}

bool FrameReader::admissible(const MessageHeader &h, int64_t avail)
{
    const char *p = m_buffer.constData() + m_consumed;
    auto overLimit = [&](int64_t size, int64_t offset) {
        m_error = DecodeError{QStringLiteral("message of %1 bytes exceeds the limit of %2")
                                  .arg(size)
                                  .arg(m_limits.maxMessageBytes),
                              m_consumed + offset, DecodeError::OverLimit, size};
        return false;
    };
    if (h.size > m_limits.maxMessageBytes) return overLimit(h.size, 4);
    if (!h.compressed) return true;
    const int64_t dataStart = compressedDataStart(p);
    if (avail < dataStart) return true; // the uncompressed size has not arrived yet
    const int64_t plain = claimedPlainSize(p, h.littleEndian);
    if (plain > m_limits.maxMessageBytes) return overLimit(plain, 8);
    // Each compressed byte yields at most 257 bytes (see compression.cpp): a larger claim is a
    // corrupt frame, not a big one.
    if (plain - MessageHeader::kSize > (h.size - dataStart) * 257) {
        m_error = DecodeError{QStringLiteral("uncompressed size %1 is impossible for %2 "
                                             "compressed bytes")
                                  .arg(plain)
                                  .arg(h.size),
                              m_consumed + 8};
        return false;
    }
    return true;
}

std::optional<QByteArray> FrameReader::next()
{
    if (m_error) return std::nullopt;
    const int64_t avail = m_buffer.size() - m_consumed;
    if (avail < MessageHeader::kSize) return std::nullopt;
    DecodeError error;
    const char *p = m_buffer.constData() + m_consumed;
    const auto header = MessageHeader::parse(p, avail, &error);
    if (!header) {
        error.offset += m_consumed;
        m_error = error;
        return std::nullopt;
    }
    if (!admissible(*header, avail)) return std::nullopt;
    if (avail < header->size) return std::nullopt;
    if (m_consumed == 0 && header->size == m_buffer.size()) {
        // The buffer is exactly one message: hand it over without a copy.
        QByteArray whole = std::move(m_buffer);
        m_buffer = QByteArray();
        return whole;
    }
    QByteArray frame;
    try {
        frame = QByteArray(p, qsizetype(header->size));
    } catch (const std::bad_alloc &) {
        m_error = DecodeError{
            QStringLiteral("out of memory copying a message of %1 bytes").arg(header->size),
            m_consumed, DecodeError::OutOfMemory, header->size};
        return std::nullopt;
    }
    m_consumed += header->size;
    if (m_consumed == m_buffer.size()) {
        m_buffer.clear();
        m_consumed = 0;
    }
    return frame;
}

std::optional<MessageHeader> FrameReader::pendingHeader() const
{
    // Also after an error: an oversize frame's header stays, to say what it was.
    const int64_t avail = m_buffer.size() - m_consumed;
    if (avail < MessageHeader::kSize) return std::nullopt;
    return MessageHeader::parse(m_buffer.constData() + m_consumed, avail, nullptr);
}

int64_t FrameReader::pendingBytes() const
{
    return m_buffer.size() - m_consumed;
}

std::optional<int64_t> FrameReader::pendingMessageBytes() const
{
    const auto h = pendingHeader();
    if (!h) return std::nullopt;
    if (!h->compressed) return h->size;
    const char *p = m_buffer.constData() + m_consumed;
    if (pendingBytes() < compressedDataStart(p)) return std::nullopt;
    return claimedPlainSize(p, h->littleEndian);
}

} // namespace qscope
