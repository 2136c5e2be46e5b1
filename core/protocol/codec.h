#pragma once
/// kdb+ IPC framing, payload encoding/decoding and compression. Pure code: no sockets, no QObject.
///
/// Message layout (8-byte header, then payload):
///   byte 0  endianness (1 = little), byte 1 message type (0 async, 1 sync, 2 response),
///   byte 2  compressed flag (1 = compressed), byte 3 high bits of size for capability-6 messages,
///   bytes 4..7 total message size including the header (uint32 in the sender's byte order).

#include "value.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>

namespace qscope {

enum class MessageType : uint8_t { Async = 0, Sync = 1, Response = 2 };

/// A protocol error is data: what went wrong and where (byte offset into the message).
struct DecodeError
{
    /// Why it failed: the bytes are wrong, or well formed but bigger than the limit allows, or
    /// than this process could allocate.
    enum Kind { Malformed, OverLimit, OutOfMemory };

    QString message;
    int64_t offset = -1;
    Kind kind = Malformed;
    int64_t messageBytes = 0; ///< OverLimit, OutOfMemory: the (uncompressed) size announced
};

struct MessageHeader
{
    bool littleEndian = true;
    MessageType type = MessageType::Async;
    bool compressed = false;
    int64_t size = 0; // whole message, header included (as on the wire, compressed if compressed)

    static constexpr int kSize = 8;
    /// Parse the first 8 bytes. nullopt and error set if malformed.
    static std::optional<MessageHeader> parse(const char *p, int64_t n, DecodeError *error);
};

struct DecodeLimits
{
    /// Largest message accepted, decompressed, header included. The engine sets it per
    /// connection (ConnectionOptions::maxMessageBytes); this default is for tools and tests.
    int64_t maxMessageBytes = int64_t(16) << 30;
    int maxDepth = 1000; ///< nesting depth of lists/dicts
};

struct EncodeOptions
{
    MessageType type = MessageType::Async;
    bool compress = false; ///< apply kdb+'s rules (over 2000 bytes, keep if < half)
    int capability = 3;    ///< 6 allows messages over 4 GiB (size high bits in byte 3)
};

/// Decode a complete message (header + payload); decompresses if flagged. The returned value may
/// view `message` without copying (it keeps the buffer alive).
struct Decoded
{
    MessageHeader header;
    Value value;
    std::optional<DecodeError> error;
    bool ok() const { return !error.has_value(); }
};
/// Never throws: a message this process cannot allocate room for fails with kind OutOfMemory.
Decoded decodeMessage(const QByteArray &message, const DecodeLimits &limits = {});
/// Decode a payload with no header (little-endian unless told otherwise).
Decoded decodePayload(const QByteArray &payload, bool littleEndian = true,
                      const DecodeLimits &limits = {});

/// Encode a whole message: header + payload (compressed per options).
QByteArray encodeMessage(const Value &v, const EncodeOptions &options = {});
/// Encode just the payload bytes (no header), little-endian.
QByteArray encodePayload(const Value &v);
/// Bytes the payload of v takes, without encoding it.
int64_t encodedPayloadSize(const Value &v);

/// kdb+'s compression (as -18!): returns the compressed message, or the input unchanged if the
/// message is 2000 bytes or smaller, or if compressing would not halve it.
QByteArray compressMessage(const QByteArray &message);
/// Inflate a compressed message (header included) into the uncompressed message, checking every
/// bound. nullopt and error set on malformed input, an uncompressed size over the limit
/// (OverLimit, checked before anything is allocated), or an allocation failure (OutOfMemory).
std::optional<QByteArray> decompressMessage(const QByteArray &message, DecodeError *error,
                                            const DecodeLimits &limits = {});

/// Incremental framer for a byte stream: feed() what arrived, then next() yields whole messages.
/// A plain class: no sockets, no QObject (qredisclient's ResponseParser). Bytes of a frame being
/// assembled are counted so a caller can show progress.
///
/// Sizes are checked against the limit as soon as they can be read, before the frame's bytes
/// are kept: the header's size, and for a compressed frame the uncompressed size after it. The
/// buffer only ever holds what actually arrived (a peer could claim gigabytes and send a few
/// bytes). Allocation failure is an error (kind OutOfMemory), never an exception.
class FrameReader
{
public:
    explicit FrameReader(DecodeLimits limits = {});
    void feed(const char *data, int64_t n);
    void feed(const QByteArray &bytes) { feed(bytes.constData(), bytes.size()); }
    /// The next complete raw message (header included, still compressed if it was), if any.
    std::optional<QByteArray> next();
    /// Set once the stream is broken (bad header, size over the limit, out of memory); nothing
    /// further is read. kind says which; messageBytes the size announced.
    const std::optional<DecodeError> &error() const { return m_error; }
    /// Progress of the frame being assembled: its header, bytes so far, total announced. The
    /// header stays readable after an error (which frame was over the limit).
    std::optional<MessageHeader> pendingHeader() const;
    int64_t pendingBytes() const;
    /// The uncompressed size (header included) of the frame being assembled, once known: at
    /// once for a plain frame, after the 4 or 8 size bytes for a compressed one.
    std::optional<int64_t> pendingMessageBytes() const;

private:
    /// Check the frame at m_consumed against the limits; sets m_error and returns false if not.
    bool admissible(const MessageHeader &h, int64_t avail);

    DecodeLimits m_limits;
    QByteArray m_buffer;
    int64_t m_consumed = 0;
    std::optional<DecodeError> m_error;
};

/// Login handshake: "user:password" + capability byte + NUL. The server replies one byte: the
/// capability it agrees to (min of both), or closes the socket to refuse.
QByteArray encodeHandshake(const QByteArray &userPassword, int capability = 3);

} // namespace qscope
