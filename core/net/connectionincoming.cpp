// Connection's reading side: bytes from the socket into frames (FrameReader), a large response
// held for consent, decoding (large frames on the pool, in order), oversize and out-of-memory
// handling, and dispatch of each frame in arrival order.

#include "connection.h"

#include <QIODevice>
#include <QThreadPool>
#include <QtEndian>

#include <cstring>

namespace qscope::detail {

namespace {

constexpr qint64 kProgressIntervalNs = 50'000'000; // ~20 progress signals per second

/// Uncompressed size of a message: bytes 8..11 of a compressed message hold it.
qint64 plainSizeOf(const QByteArray &frame, const MessageHeader &h)
{
    if (!h.compressed || frame.size() < 12) return frame.size();
    quint32 n;
    std::memcpy(&n, frame.constData() + 8, 4);
    if (!h.littleEndian) n = qFromBigEndian(n);
    return qint64(n);
}

} // namespace

void Connection::onReadyRead()
{
    // Held for consent: nothing is read, Qt's buffer fills (kReadChunkBytes) and TCP then makes
    // the server wait.
    if (!m_io || m_awaitingConsent) return;
    try {
        QByteArray bytes = m_io->readAll();
        if (bytes.isEmpty()) return;
        m_info.bytesIn += bytes.size();
        m_infoDirty = true;
        if (m_phase == Phase::Handshake) {
            const char capability = bytes[0];
            bytes.remove(0, 1);
            onLoginReply(capability);
        }
        if (m_phase != Phase::Open || bytes.isEmpty()) return;
        processIncoming(bytes);
    } catch (const std::bad_alloc &) {
        handleOutOfMemory("reading a message");
    }
}

bool Connection::holdForConsent()
{
    if (m_awaitingConsent) return true;
    if (m_options.confirmAboveBytes <= 0 || m_consentGiven || m_reader.error()) return false;
    const auto h = m_reader.pendingHeader();
    if (!h || h->type != MessageType::Response) return false;
    const auto bytes = m_reader.pendingMessageBytes();
    // Over the limit it is refused anyway (by the reader, at once): nothing to ask.
    if (!bytes || *bytes < m_options.confirmAboveBytes || *bytes > m_limits.maxMessageBytes)
        return false;
    takeDirect();
    // One sync request is on the wire at a time: this response is the front request's. A
    // subscription's answer is the feed's business, not a person's.
    if (!m_awaiting || m_awaiting->kind == OutRequest::Subscribe) return false;
    OutRequest &r = *m_awaiting;
    r.deadlineNs = 0; // the server has answered: no timeout while a person decides
    armTimeout();
    m_awaitingConsent = true;
    m_announcedBytes = *bytes;
    if (m_sink) m_sink->connectionSizeAnnounced(r.id, *bytes);
    return true;
}

void Connection::acceptLarge(RequestId id)
{
    if (!m_awaitingConsent || !m_awaiting || m_awaiting->id != id) return;
    m_awaitingConsent = false;
    m_consentGiven = true;
    try {
        processIncoming(QByteArray()); // what the reader holds already
    } catch (const std::bad_alloc &) {
        handleOutOfMemory("reading a message");
        return;
    }
    // Then what Qt buffered meanwhile; from there the socket reads on as usual.
    if (m_phase == Phase::Open && m_io && m_io->bytesAvailable() > 0) onReadyRead();
}

void Connection::processIncoming(const QByteArray &bytes)
{
    m_reader.feed(bytes);
    while (!holdForConsent()) {
        auto frame = m_reader.next();
        if (!frame) break;
        m_consentGiven = false; // consent is per frame
        Inbound in;
        in.seq = ++m_inboxSeq;
        in.header = *MessageHeader::parse(frame->constData(), frame->size(), nullptr);
        in.raw = std::move(*frame);
        if (m_inbox.empty() && in.raw.size() < kOffThreadDecodeBytes / 8) {
            // The common case (small frames, none waiting for a worker): decode and dispatch
            // at once, without queueing.
            in.decoded = decodeMessage(in.raw);
            dispatch(in);
            if (m_phase != Phase::Open) return; // dispatch may not leave the socket usable
            continue;
        }
        if (in.raw.size() >= kOffThreadDecodeBytes ||
            (in.header.compressed && in.raw.size() >= kOffThreadDecodeBytes / 8)) {
            // Decode on the worker pool so the other connections on this thread keep flowing;
            // the inbox keeps this connection's frames in arrival order meanwhile.
            const quint64 seq = in.seq;
            const QByteArray raw = in.raw;
            std::shared_ptr<ConnectionGuard> guard = m_guard;
            auto decode = tsanAcquiring(guard.get(), [guard, seq, raw] {
                Decoded d = decodeMessage(raw);
                guard->post([seq, d = std::move(d)](Connection &c) mutable {
                    c.onDecoded(seq, std::move(d));
                });
            });
            tsanRelease(guard.get());
            m_decodePool->start(std::move(decode));
        } else {
            in.decoded = decodeMessage(in.raw);
        }
        m_inbox.push_back(std::move(in));
    }
    drainInbox();
    if (m_phase != Phase::Open) return;
    if (m_reader.error()) {
        const DecodeError &e = *m_reader.error();
        if (e.kind != DecodeError::Malformed) {
            const auto h = m_reader.pendingHeader();
            handleOversize(e, h ? h->type : MessageType::Response);
            return;
        }
        handleLoss(NetError::Protocol,
                   QStringLiteral("protocol error at byte %1: %2").arg(e.offset).arg(e.message));
        return;
    }
    // Progress of the response being assembled, throttled.
    if (const auto h = m_reader.pendingHeader();
        h && h->type == MessageType::Response && m_awaiting && h->size >= kProgressMinimumBytes) {
        const qint64 now = m_clock.nsecsElapsed();
        if (now - m_lastProgressNs >= kProgressIntervalNs) {
            m_lastProgressNs = now;
            if (m_sink)
                m_sink->connectionProgress(m_awaiting->id, m_reader.pendingBytes(), h->size);
        }
    }
}

void Connection::onDecoded(quint64 seq, Decoded decoded)
{
    for (Inbound &in : m_inbox) {
        if (in.seq == seq) {
            in.decoded = std::move(decoded);
            break;
        }
    }
    try {
        drainInbox();
    } catch (const std::bad_alloc &) {
        handleOutOfMemory("handing over a message");
    }
}

void Connection::handleOversize(const DecodeError &e, MessageType type)
{
    // Frames that arrived whole before it are answered first (a large one may be decoding).
    if (!m_inbox.empty()) {
        m_deferredOversize = std::make_pair(e, type);
        return;
    }
    takeDirect();
    const bool response = type == MessageType::Response && m_awaiting;
    const QString what =
        response ? QStringLiteral("result") : QStringLiteral("message from the server");
    const QString limit = formatByteSize(m_limits.maxMessageBytes);
    QString text;
    if (e.kind == DecodeError::OverLimit)
        text = QStringLiteral("%1 of %2 exceeds this connection's limit of %3")
                   .arg(what, formatByteSize(e.messageBytes), limit);
    else if (e.messageBytes > 0)
        text = QStringLiteral("%1 of %2 could not be received: out of memory (this connection's "
                              "limit is %3)")
                   .arg(what, formatByteSize(e.messageBytes), limit);
    else
        text = QStringLiteral("a %1 could not be received: out of memory").arg(what);
    failOversize(NetError{NetError::TooLarge, text}, response);
}

void Connection::handleOutOfMemory(const char *where)
{
    takeDirect();
    const bool response = m_awaiting.has_value();
    const auto size = m_reader.pendingMessageBytes();
    const QString of = size ? QStringLiteral(" of %1").arg(formatByteSize(*size)) : QString();
    failOversize(
        NetError{NetError::TooLarge,
                 QStringLiteral("out of memory while %1%2 (this connection's limit is "
                                "%3)")
                     .arg(QLatin1String(where), of, formatByteSize(m_limits.maxMessageBytes))},
        response);
}

void Connection::failOversize(const NetError &error, bool response)
{
    if (!response) {
        // A push (a feed's update) over the limit: nobody asked for it, and a fresh socket
        // would likely get the next one just as big. The reconnect policy decides, with its
        // backoff, as for any loss; the queued requests wait for it or reopen the handle.
        if (m_sink) m_sink->connectionLimitExceeded(m_id, error);
        handleLoss(NetError::TooLarge, error.message);
        return;
    }
    // The rest of the answer is never read: the socket is reset, and the requests queued
    // behind go out on the new one, as after a timeout.
    const QString reset = QStringLiteral("; the connection was reset without reading it");
    noteError(error.message);
    if (m_awaiting) {
        const OutRequest r = std::move(*m_awaiting);
        m_awaiting.reset();
        failRequest(r, NetError{error.kind, error.message + reset});
    }
    if (m_sink) m_sink->connectionLimitExceeded(m_id, error);
    forceReconnect(error.message + QStringLiteral("; reconnecting"));
}

QString Connection::qErrorText(const QByteArray &word) const
{
    QString text = QString::fromUtf8(word);
    // kdb+ answers 'limit when a result would be over 2 GB and the client did not get
    // capability 6 (it cannot be sent at all then).
    if (word == "limit" && m_capability >= 0 && m_capability < 6)
        text += QStringLiteral(": the result is larger than 2 GB: this server would need "
                               "capability 6 to send it, and it granted capability %1")
                    .arg(m_capability);
    return text;
}

void Connection::drainInbox()
{
    while (!m_inbox.empty() && m_inbox.front().decoded) {
        Inbound in = std::move(m_inbox.front());
        m_inbox.pop_front();
        dispatch(in);
    }
    if (m_inbox.empty() && m_deferredOversize) {
        const auto oversize = *m_deferredOversize;
        m_deferredOversize.reset();
        handleOversize(oversize.first, oversize.second);
        return;
    }
    if (m_inbox.empty() && m_deferredLoss) {
        const auto loss = *m_deferredLoss;
        m_deferredLoss.reset();
        finishLoss(loss.first, loss.second);
    }
}

void Connection::dispatch(Inbound &in)
{
    // An answer may be to a request the manager's thread wrote directly.
    if (in.header.type == MessageType::Response) takeDirect();
    ++m_info.messagesIn;
    m_infoDirty = true;
    const Decoded &d = *in.decoded;
    if (m_tap->enabled()) {
        FrameRecord rec;
        rec.incoming = true;
        rec.messageType = quint8(in.header.type);
        rec.compressed = in.header.compressed;
        rec.wireBytes = in.raw.size();
        rec.decodedBytes = plainSizeOf(in.raw, in.header);
        rec.timestampNs = wallClockNs();
        if (in.header.type == MessageType::Response && m_awaiting)
            rec.roundTripNs = m_clock.nsecsElapsed() - m_awaiting->writtenNs;
        m_tap->add(std::move(rec), in.raw);
    }
    switch (in.header.type) {
    case MessageType::Response:
        handleResponse(in);
        break;
    case MessageType::Async:
        if (!d.ok()) {
            noteError(QStringLiteral("could not decode an async message: %1 (byte %2)")
                          .arg(d.error->message)
                          .arg(d.error->offset));
            return;
        }
        routeAsync(d.value, in.raw.size());
        break;
    case MessageType::Sync:
        if (!d.ok()) {
            noteError(QStringLiteral("could not decode a sync request from the server: %1")
                          .arg(d.error->message));
            // It still needs an answer, or the server waits forever.
            handleServerSync(Value::error(QByteArrayLiteral("decode")));
            return;
        }
        handleServerSync(d.value);
        break;
    }
}

} // namespace qscope::detail
