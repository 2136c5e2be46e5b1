// FrameReader: cuts a byte stream into whole messages. Runs on whichever thread owns it (the
// network thread in the engine); it is not shared between threads.

#include "codec.h"
#include "codecdetail.h"

namespace qscope {

FrameReader::FrameReader(DecodeLimits limits) : m_limits(limits) {}

void FrameReader::feed(const char *data, int64_t n)
{
    if (m_error || n <= 0) return;
    // Drop what next() has handed out before growing the buffer, so it never holds more than
    // one partial frame plus what just arrived.
    if (m_consumed > 0) {
        m_buffer.remove(0, qsizetype(m_consumed));
        m_consumed = 0;
    }
    // No reserve() from the header's claimed size: a peer could claim gigabytes and send a few
    // bytes. The buffer grows geometrically with what actually arrives.
    m_buffer.append(data, qsizetype(n));
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
    if (header->size > m_limits.maxMessageBytes) {
        m_error = DecodeError{QStringLiteral("message of %1 bytes exceeds the limit of %2")
                                  .arg(header->size)
                                  .arg(m_limits.maxMessageBytes),
                              m_consumed + 4};
        return std::nullopt;
    }
    if (avail < header->size) return std::nullopt;
    if (m_consumed == 0 && header->size == m_buffer.size()) {
        // The buffer is exactly one message: hand it over without a copy.
        QByteArray whole = std::move(m_buffer);
        m_buffer = QByteArray();
        return whole;
    }
    QByteArray frame(p, qsizetype(header->size));
    m_consumed += header->size;
    if (m_consumed == m_buffer.size()) {
        m_buffer.clear();
        m_consumed = 0;
    }
    return frame;
}

std::optional<MessageHeader> FrameReader::pendingHeader() const
{
    const int64_t avail = m_buffer.size() - m_consumed;
    if (m_error || avail < MessageHeader::kSize) return std::nullopt;
    return MessageHeader::parse(m_buffer.constData() + m_consumed, avail, nullptr);
}

int64_t FrameReader::pendingBytes() const
{
    return m_buffer.size() - m_consumed;
}

} // namespace qscope
