// Connection's request pipeline: requests queued, written one sync request at a time, timed,
// cancelled, failed, and matched to their answers.

#include "connection.h"

#include <QLocalSocket>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace qscope::detail {

void Connection::submit(OutRequest request)
{
    if (m_phase == Phase::Open) {
        // Keep the order users asked in: anything still queued goes first.
        m_queued.push_back(std::move(request));
        writePending();
        m_infoDirty = true;
        return;
    }
    if (m_phase == Phase::Closed) {
        if (request.kind == OutRequest::Async) {
            noteError(QStringLiteral("not connected: an async message was dropped"));
            return;
        }
        // A request on a closed or failed handle tries again, with a fresh reconnect budget.
        m_queued.push_back(std::move(request));
        m_attempt = 0;
        m_nextDelayMs = qMax(0, m_options.reconnect.initialDelayMs);
        m_everOpened = false;
        setState(ConnectionState::Connecting, QStringLiteral("reconnecting for a new request"));
        openSocket();
        return;
    }
    m_queued.push_back(std::move(request));
    m_infoDirty = true;
}

bool Connection::syncInFlight()
{
    takeDirect();
    return m_awaiting.has_value();
}

void Connection::writePending()
{
    // One sync request on the wire at a time, as q's own blocking client: a server may defer
    // an answer (-30!) and answer a later request first, so answers match requests only when
    // each request waits for the answer before it. Async messages behind no waiting sync go at
    // once.
    while (m_phase == Phase::Open && !m_queued.empty()) {
        if (m_queued.front().kind != OutRequest::Async && syncInFlight()) break;
        OutRequest r = std::move(m_queued.front());
        m_queued.pop_front();
        writeRequest(std::move(r));
    }
}

QByteArray Connection::encodeSync(const Value &v) const
{
    EncodeOptions o;
    o.type = MessageType::Sync;
    o.compress = !m_peerLocal; // kdb+ never compresses to loopback or unix peers
    o.capability = qMax(0, m_capability);
    return encodeMessage(v, o);
}

void Connection::writeRequest(OutRequest r)
{
    if (r.kind == OutRequest::Async) {
        if (r.asyncPlain.isEmpty()) {
            // A single send: encode here, compressed for a remote peer as kdb+ does.
            EncodeOptions o;
            o.type = MessageType::Async;
            o.compress = !m_peerLocal;
            o.capability = qMax(0, m_capability);
            const QByteArray frame = encodeMessage(r.message, o);
            writeFrame(frame, MessageType::Async,
                       MessageHeader::kSize + encodedPayloadSize(r.message));
            return;
        }
        const QByteArray &frame =
            !m_peerLocal && !r.asyncPacked.isEmpty() ? r.asyncPacked : r.asyncPlain;
        writeFrame(frame, MessageType::Async, r.asyncPlain.size());
        return;
    }
    Value message;
    switch (r.kind) {
    case OutRequest::User:
        message = r.message;
        break;
    case OutRequest::Flush:
        // The chaser h"": writeFrame hands everything buffered to the kernel ahead of it.
        message = Value::string(QByteArray());
        break;
    case OutRequest::File:
        message = Value::string(r.statements[r.nextStatement].text);
        break;
    case OutRequest::Subscribe: {
        const auto it = m_subs.constFind(r.sub);
        if (it == m_subs.constEnd()) return; // unsubscribed meanwhile
        message = subscribeMessage(*it);
        break;
    }
    case OutRequest::Async:
        break;
    }
    const QByteArray frame = encodeSync(message);
    // Until r is in flight the lane must stay shut, also if a flush inside the write reports
    // bytesWritten at once (onBytesWritten reopens an idle lane).
    m_writingSync = true;
    writeFrame(frame, MessageType::Sync, MessageHeader::kSize + encodedPayloadSize(message));
    m_writingSync = false;
    if (m_phase != Phase::Open) {
        // The write failed and the loss was handled during it: this one never went out.
        failRequest(
            r,
            NetError{
                NetError::Disconnected,
                QStringLiteral("connection to %1 lost while sending the query").arg(serverText())});
        return;
    }
    r.writtenNs = m_clock.nsecsElapsed();
    if (r.startNs == 0) r.startNs = r.writtenNs;
    r.bytesOut += frame.size();
    // The clock starts now: the server can start on it (nothing of ours is ahead of it).
    startDeadline(r, r.writtenNs);
    m_awaiting = std::move(r);
    m_infoDirty = true;
    armTimeout();
}

void Connection::startDeadline(OutRequest &r, qint64 nowNs) const
{
    r.deadlineNs = r.timeoutMs > 0 ? nowNs + qint64(r.timeoutMs) * 1'000'000 : 0;
}

void Connection::writeFrame(const QByteArray &frame, MessageType type, qint64 plainBytes)
{
    if (!m_io) return; // lost while answering an earlier frame of the same read
    {
        // Requests written directly are ahead of this frame on the wire, and so in the queue.
        // Into Qt's buffer, under the lane's lock; the lane stays shut until that buffer is
        // empty again.
        QMutexLocker lane(&m_guard->laneMutex);
        takeDirectLocked();
        m_guard->laneOpen = false;
        if (!m_guard->laneRemainder.isEmpty()) {
            m_io->write(m_guard->laneRemainder);
            m_guard->laneRemainder.clear();
        }
        m_io->write(frame);
    }
    // A sync request or a response has someone waiting: send it now rather than on the next
    // pass of the event loop (async messages may coalesce). Outside the lock: a failing write
    // reports at once, and the loss handling takes the lock itself.
    if (type != MessageType::Async) pushToKernel();
    updateLane();
    ++m_info.messagesOut;
    m_info.bytesOut += frame.size();
    m_infoDirty = true;
    if (m_tap->enabled()) {
        FrameRecord rec;
        rec.incoming = false;
        rec.messageType = quint8(type);
        rec.compressed = frame.size() > 2 && frame[2] != 0;
        rec.wireBytes = frame.size();
        rec.decodedBytes = plainBytes;
        rec.timestampNs = wallClockNs();
        m_tap->add(std::move(rec), frame);
    }
}

void Connection::pushToKernel()
{
    if (m_tcp)
        m_tcp->flush();
    else if (m_local)
        m_local->flush();
}

void Connection::armTimeout()
{
    const qint64 earliest = m_awaiting ? m_awaiting->deadlineNs : 0;
    if (!earliest) {
        m_timeoutTimer->stop();
        return;
    }
    const qint64 ms = qMax<qint64>(0, (earliest - m_clock.nsecsElapsed() + 999'999) / 1'000'000);
    m_timeoutTimer->start(int(qMin<qint64>(ms, std::numeric_limits<int>::max())));
}

void Connection::onQueryTimeout()
{
    takeDirect();
    if (!m_awaiting || !m_awaiting->deadlineNs || m_awaiting->deadlineNs > m_clock.nsecsElapsed()) {
        armTimeout();
        return;
    }
    const OutRequest expired = std::move(*m_awaiting);
    m_awaiting.reset();
    const int ms = expired.timeoutMs;
    failRequest(expired, NetError{NetError::Timeout,
                                  QStringLiteral("no response within %1 ms. kdb+ answers in "
                                                 "order, so a late answer would poison the "
                                                 "connection: it was dropped and is "
                                                 "reconnecting (the server may still be "
                                                 "running the query)")
                                      .arg(ms)});
    noteError(QStringLiteral("query timed out after %1 ms").arg(ms));
    forceReconnect(QStringLiteral("query timed out after %1 ms; reconnecting").arg(ms));
}

void Connection::cancel(RequestId id)
{
    takeDirect();
    const auto queued = std::find_if(m_queued.begin(), m_queued.end(),
                                     [id](const OutRequest &r) { return r.id == id; });
    if (queued != m_queued.end()) {
        OutRequest r = std::move(*queued);
        m_queued.erase(queued);
        failRequest(r,
                    NetError{NetError::Cancelled, QStringLiteral("cancelled before it was sent")});
        m_infoDirty = true;
        return;
    }
    if (!m_awaiting || m_awaiting->id != id) return; // already answered: nothing to cancel
    const OutRequest r = std::move(*m_awaiting);
    m_awaiting.reset();
    if (m_awaitingConsent)
        failRequest(r, NetError{NetError::Cancelled,
                                QStringLiteral("refused a result of %1: qscope dropped the "
                                               "connection without reading it and is "
                                               "reconnecting")
                                    .arg(formatByteSize(m_announcedBytes))});
    else
        failRequest(r, NetError{NetError::Cancelled,
                                QStringLiteral("cancelled. kdb+ cannot stop a running query, "
                                               "so qscope dropped the connection and is "
                                               "reconnecting; the server may still finish "
                                               "the work")});
    forceReconnect(QStringLiteral("dropped to cancel a query; reconnecting"));
}

void Connection::failRequest(const OutRequest &r, const NetError &error)
{
    if (r.kind == OutRequest::Subscribe || r.kind == OutRequest::Async) return;
    QueryResult res;
    res.id = r.id;
    res.connection = m_id;
    res.query = r.description;
    res.error = error;
    res.bytesIn = r.bytesIn;
    res.bytesOut = r.bytesOut;
    res.elapsedNs = r.startNs ? m_clock.nsecsElapsed() - r.startNs : 0;
    if (m_sink) m_sink->connectionResult(std::move(res));
}

void Connection::failAwaiting(const NetError &error)
{
    takeDirect();
    if (!m_awaiting) return;
    const OutRequest r = std::move(*m_awaiting);
    m_awaiting.reset();
    failRequest(r, error);
    m_infoDirty = true;
}

void Connection::failQueued(const NetError &error)
{
    std::deque<OutRequest> queued;
    queued.swap(m_queued);
    for (const OutRequest &r : queued)
        failRequest(r, error);
    m_infoDirty = true;
}

void Connection::replyToServer(const Value &reply)
{
    if (m_serverRepliesOwed <= 0 || m_phase != Phase::Open) {
        noteError(QStringLiteral("reply to the server dropped: no sync request is waiting"));
        return;
    }
    --m_serverRepliesOwed;
    EncodeOptions o;
    o.type = MessageType::Response;
    o.compress = !m_peerLocal;
    o.capability = qMax(0, m_capability);
    const QByteArray frame = encodeMessage(reply, o);
    writeFrame(frame, MessageType::Response, frame.size());
}

void Connection::handleResponse(Inbound &in)
{
    answer(in);
    // The answer is in: the next sync request may go out, or the lane open again.
    if (m_phase != Phase::Open) return;
    writePending();
    updateLane();
}

void Connection::answer(Inbound &in)
{
    const Decoded &d = *in.decoded;
    if (!m_awaiting) {
        noteError(QStringLiteral("a response arrived with no request waiting; ignored"));
        return;
    }
    OutRequest r = std::move(*m_awaiting);
    m_awaiting.reset();
    m_infoDirty = true;
    armTimeout();
    r.bytesIn += in.raw.size();
    const qint64 total = in.raw.size();
    if (total >= kProgressMinimumBytes && m_sink) m_sink->connectionProgress(r.id, total, total);

    if (r.kind == OutRequest::Subscribe) {
        const auto it = m_subs.find(r.sub);
        if (it == m_subs.end()) return;
        const Value schema = d.ok() ? d.value : Value::error(d.error->message.toUtf8());
        if (schema.isError())
            noteError(QStringLiteral(".u.sub failed: '") + QString::fromUtf8(schema.symbolValue()));
        const bool gap = it->everSubscribed;
        it->everSubscribed = true;
        if (m_sink) {
            m_sink->connectionSubscribed(r.sub, schema);
            if (gap)
                m_sink->connectionFeedGap(
                    r.sub, it->gapReason.isEmpty() ? QStringLiteral("reconnected") : it->gapReason);
        }
        it->gapReason.clear();
        return;
    }

    QueryResult res;
    res.id = r.id;
    res.connection = m_id;
    res.query = r.description;
    res.bytesOut = r.bytesOut;
    res.bytesIn = r.bytesIn;
    res.elapsedNs = m_clock.nsecsElapsed() - r.startNs;
    if (!d.ok() && d.error->kind != DecodeError::Malformed) {
        // Received whole (the stream is in step) but too big to decode here.
        res.error = NetError{NetError::TooLarge,
                             QStringLiteral("result of %1 could not be decoded: %2")
                                 .arg(formatByteSize(d.error->messageBytes), d.error->message)};
    } else if (!d.ok()) {
        res.error = NetError{NetError::Protocol,
                             QStringLiteral("could not decode the response: %1 (byte %2)")
                                 .arg(d.error->message)
                                 .arg(d.error->offset)};
    } else if (d.value.isError()) {
        res.error = NetError{NetError::QError, qErrorText(d.value.symbolValue())};
    } else {
        res.value = d.value;
    }

    if (r.kind == OutRequest::File) {
        const ScriptStatement &st = r.statements[r.nextStatement];
        if (res.error) {
            // Name the line, as \l does when a script fails.
            res.query = r.path.toUtf8() + ':' + QByteArray::number(st.line) + ": " + st.text;
        } else if (r.nextStatement + 1 < r.statements.size()) {
            ++r.nextStatement;
            if (m_phase == Phase::Open) {
                writeRequest(std::move(r));
                return;
            }
            const ScriptStatement &next = r.statements[r.nextStatement];
            res.value = Value();
            res.query = r.path.toUtf8() + ':' + QByteArray::number(next.line) + ": " + next.text;
            res.error = NetError{NetError::Disconnected,
                                 QStringLiteral("connection to %1 lost before the rest of the "
                                                "script was sent")
                                     .arg(serverText())};
        }
    }
    if (m_sink) m_sink->connectionResult(std::move(res));
}

} // namespace qscope::detail
