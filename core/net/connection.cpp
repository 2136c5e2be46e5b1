// Connection: one q handle on a network thread. See connection.h for the shape; the comments
// here explain the ordering rules kdb+ imposes.

#include "connection.h"

#include "tlstrust.h"

#include "unixsocket.h"

#include "protocol/tableconcat.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QLocalSocket>
#include <QScopeGuard>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <cstring>

#if defined(Q_OS_LINUX)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace qscope::detail {

namespace {

constexpr qint64 kProgressIntervalNs = 50'000'000; // ~20 progress signals per second
constexpr int kFeedIntervalMs = 50;                // one FeedBatch per subscription per tick
// Updates up to this many rows are joined per tick; a bigger one already spreads its message's
// cost over its rows and passes as it came (no copy on the network thread).
constexpr int64_t kJoinMaxRows = 1024;
constexpr int kInfoIntervalMs = 250;                // registry counters refresh
constexpr qint64 kProgressMinimumBytes = 64 * 1024; // small responses need no progress bar

qint64 nowNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000;
}

/// Rows in an upd payload: a table, a keyed table, or a list of columns.
qint64 rowsOf(const Value &data)
{
    if (data.isTable() || data.isDict()) return data.count();
    if (data.isList() && data.count() > 0) {
        const Value &first = data.item(0);
        return first.isAtom() ? 1 : first.count();
    }
    return data.isVector() ? 1 : 0;
}

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

Connection::Connection(ConnectionId id, ConnectionOptions options, ConnectionSink *sink,
                       QThreadPool *decodePool, std::shared_ptr<FrameTap> tap)
    : m_id(id), m_options(std::move(options)), m_sink(sink), m_decodePool(decodePool),
      m_tap(std::move(tap)), m_guard(std::make_shared<ConnectionGuard>())
{
    m_guard->target = this;
    m_clock.start();
    m_guard->laneClock = m_clock;
    m_info.id = m_id;
    m_info.name = m_options.name;
    m_info.server = m_options.address.display();
    m_info.user = m_options.user;
    m_info.transport = !m_options.address.unixSocket.isEmpty() ? QStringLiteral("unix")
                       : m_options.address.tls                 ? QStringLiteral("tls")
                                                               : QStringLiteral("tcp");
    m_info.opened = QDateTime::currentDateTimeUtc();
    m_nextDelayMs = qMax(0, m_options.reconnect.initialDelayMs);
    m_limits.maxMessageBytes =
        m_options.maxMessageBytes > 0 ? m_options.maxMessageBytes : defaultMessageLimit();
    m_info.maxMessageBytes = m_limits.maxMessageBytes;
}

Connection::~Connection()
{
    shutLane(); // the manager's thread must not write to this socket any more
    QMutexLocker lock(&m_guard->mutex);
    m_guard->target = nullptr;
}

// ---- the direct lane -----------------------------------------------------------------------

bool ConnectionGuard::writeDirect(OutRequest &r)
{
#if defined(Q_OS_LINUX)
    if (r.kind != OutRequest::User || r.timeoutMs > 0) return false;     // a timeout needs a timer
    if (postsPending.load(std::memory_order_acquire) != 0) return false; // keep the call order
    if (MessageHeader::kSize + encodedPayloadSize(r.message) > kDirectMaxBytes) return false;
    if (!laneMutex.tryLock()) return false; // the network thread is writing: never wait for it
    bool postRemainder = false;
    {
        const auto unlock = qScopeGuard([this] { laneMutex.unlock(); });
        if (!laneOpen || laneFd < 0) return false;
        // Small messages are never compressed and encode the same at any capability.
        EncodeOptions o;
        o.type = MessageType::Sync;
        const QByteArray frame = encodeMessage(r.message, o);
        const ssize_t n =
            ::send(laneFd, frame.constData(), size_t(frame.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) return false; // full or failed: the network thread sees to it
        r.writtenNs = laneClock.nsecsElapsed();
        r.startNs = r.writtenNs;
        r.bytesOut = frame.size();
        laneOpen = false; // one sync request at a time: shut until this one is answered
        if (n < frame.size()) {
            // Part of the frame is on the wire: its tail goes out before anything else.
            laneRemainder = frame.mid(qsizetype(n));
            postRemainder = true;
        }
        laneSent.push_back(std::move(r));
    }
    if (postRemainder) post([](Connection &c) { c.writeLaneRemainder(); });
    return true;
#else
    Q_UNUSED(r);
    return false;
#endif
}

void Connection::takeDirect()
{
    QMutexLocker lane(&m_guard->laneMutex);
    takeDirectLocked();
}

void Connection::takeDirectLocked()
{
    std::vector<OutRequest> &sent = m_guard->laneSent;
    if (sent.empty()) return;
    for (OutRequest &r : sent) {
        ++m_info.messagesOut;
        m_info.bytesOut += r.bytesOut;
        r.deadlineNs = 0; // written directly only without a timeout
        m_inFlight.push_back(std::move(r));
    }
    sent.clear();
    m_infoDirty = true;
}

void Connection::updateLaneLocked()
{
#if defined(Q_OS_LINUX)
    ConnectionGuard &g = *m_guard;
    g.laneOpen = m_phase == Phase::Open && m_io && !m_options.address.tls && m_queued.empty() &&
                 !m_writingSync && m_inFlight.empty() && g.laneSent.empty() &&
                 m_io->bytesToWrite() == 0 && g.laneRemainder.isEmpty();
    if (g.laneOpen && g.laneFd < 0) {
        // Once per socket: the duplicate lives until the socket is torn down (shutLane).
        g.laneOpen = false;
        if (m_laneTried) return;
        m_laneTried = true;
        const qintptr fd = m_tcp ? m_tcp->socketDescriptor() : m_local->socketDescriptor();
        const int dup = fd < 0 ? -1 : ::fcntl(int(fd), F_DUPFD_CLOEXEC, 0);
        // The lane is a nicety: with many connections, leave half the descriptor limit free
        // for sockets (descriptors are numbered lowest first, so the number tells the use).
        rlimit rl{};
        const bool roomy = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
                           (rl.rlim_cur == RLIM_INFINITY || rlim_t(dup) < rl.rlim_cur / 2);
        if (dup >= 0 && !roomy) ::close(dup);
        g.laneFd = dup >= 0 && roomy ? dup : -1;
        g.laneOpen = g.laneFd >= 0;
    }
#endif
}

void Connection::shutLane()
{
    QMutexLocker lane(&m_guard->laneMutex);
    m_guard->laneOpen = false;
#if defined(Q_OS_LINUX)
    if (m_guard->laneFd >= 0) ::close(m_guard->laneFd);
#endif
    m_guard->laneFd = -1;
    m_guard->laneRemainder.clear();
    takeDirectLocked();
}

void Connection::writeLaneRemainder()
{
    if (!m_io) return;
    {
        QMutexLocker lane(&m_guard->laneMutex);
        takeDirectLocked();
        if (m_guard->laneRemainder.isEmpty()) return;
        m_io->write(m_guard->laneRemainder);
        m_guard->laneRemainder.clear();
    }
    pushToKernel();
    updateLane();
}

void Connection::updateLane()
{
    if (!m_io) return;
    QMutexLocker lane(&m_guard->laneMutex);
    updateLaneLocked();
}

// ---- lifecycle -----------------------------------------------------------------------------

void Connection::start()
{
    // Timers are created here, on the network thread, so they belong to it.
    m_connectTimer = new QTimer(this);
    m_connectTimer->setSingleShot(true);
    connect(m_connectTimer, &QTimer::timeout, this, &Connection::onConnectTimeout);
    m_timeoutTimer = new QTimer(this);
    m_timeoutTimer->setSingleShot(true);
    connect(m_timeoutTimer, &QTimer::timeout, this, &Connection::onQueryTimeout);
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &Connection::openSocket);
    m_feedTimer = new QTimer(this);
    m_feedTimer->setSingleShot(true);
    m_feedTimer->setTimerType(Qt::PreciseTimer);
    connect(m_feedTimer, &QTimer::timeout, this, &Connection::flushFeeds);
    m_infoTimer = new QTimer(this);
    m_infoTimer->setInterval(kInfoIntervalMs);
    connect(m_infoTimer, &QTimer::timeout, this, [this] {
        if (m_infoDirty) publishInfo();
    });
    m_infoTimer->start();
    openSocket();
}

void Connection::openSocket()
{
    teardownSocket();
    m_laneTried = false;
    m_reader = FrameReader(m_limits);
    m_awaitingConsent = false;
    m_consentGiven = false;
    m_deferredOversize.reset();
    m_capability = -1;
    m_phase = Phase::Connecting;
    if (m_state != ConnectionState::Reconnecting) setState(ConnectionState::Connecting, {});
    m_connectTimer->start(qMax(1, m_options.connectTimeoutMs));
    const ServerAddress &a = m_options.address;

    if (!a.unixSocket.isEmpty()) {
        QString error;
        const int fd = connectUnixSocket(a.unixSocket, &error);
        if (fd < 0) {
            // Report from the event loop, never re-entrantly from start() or a timer slot.
            QTimer::singleShot(0, this, [this, error] {
                if (m_phase == Phase::Connecting) handleLoss(NetError::ConnectFailed, error);
            });
            return;
        }
        m_local = new QLocalSocket(this);
        m_local->setReadBufferSize(kReadChunkBytes);
        m_local->setSocketDescriptor(fd, QLocalSocket::ConnectedState);
        m_io = m_local;
        connect(m_local, &QLocalSocket::readyRead, this, &Connection::onReadyRead);
        connect(m_local, &QLocalSocket::bytesWritten, this, &Connection::onBytesWritten);
        connect(m_local, &QLocalSocket::disconnected, this,
                [this] { onSocketGone(QStringLiteral("the server closed the connection")); });
        connect(m_local, &QLocalSocket::errorOccurred, this,
                [this](QLocalSocket::LocalSocketError e) {
                    if (e == QLocalSocket::PeerClosedError)
                        onSocketGone(QStringLiteral("the server closed the connection"));
                    else
                        onSocketGone(m_local ? m_local->errorString() : QString());
                });
        m_peerLocal = true;
        QTimer::singleShot(0, this, [this] {
            if (m_phase == Phase::Connecting && m_local) onTransportConnected();
        });
        return;
    }

    if (a.tls) {
        auto *ssl = new QSslSocket(this);
        m_tcp = ssl;
        connect(ssl, &QSslSocket::encrypted, this, &Connection::onTransportConnected);
        connect(ssl, &QSslSocket::sslErrors, this, &Connection::onSslErrors);
        if (const QString e = addCaFile(ssl, a.caFile); !e.isEmpty()) {
            QTimer::singleShot(0, this, [this, e] { handleLoss(NetError::Tls, e); });
            return;
        }
    } else {
        m_tcp = new QTcpSocket(this);
        connect(m_tcp, &QAbstractSocket::connected, this, &Connection::onTransportConnected);
    }
    m_io = m_tcp;
    m_tcp->setReadBufferSize(kReadChunkBytes);
    connect(m_tcp, &QIODevice::readyRead, this, &Connection::onReadyRead);
    connect(m_tcp, &QIODevice::bytesWritten, this, &Connection::onBytesWritten);
    connect(m_tcp, &QAbstractSocket::disconnected, this,
            [this] { onSocketGone(QStringLiteral("the server closed the connection")); });
    connect(m_tcp, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (!m_tcp) return;
        if (e == QAbstractSocket::RemoteHostClosedError)
            onSocketGone(QStringLiteral("the server closed the connection"));
        else if (e == QAbstractSocket::SslHandshakeFailedError && m_phase == Phase::Connecting)
            // Refused certificate (after onSslErrors) or no TLS peer: final, never retried.
            handleLoss(NetError::Tls, QStringLiteral("TLS: ") + m_tcp->errorString() +
                                          describeRefusedCertificate(
                                              static_cast<QSslSocket *>(m_tcp)->peerCertificate()));
        else
            onSocketGone(m_tcp->errorString());
    });
    if (a.tls)
        static_cast<QSslSocket *>(m_tcp)->connectToHostEncrypted(a.host, a.port);
    else
        m_tcp->connectToHost(a.host, a.port);
}

void Connection::onSslErrors(const QList<QSslError> &errors)
{
    auto *ssl = static_cast<QSslSocket *>(m_tcp);
    const QByteArray &trusted = m_options.address.trustedCertSha256;
    // Trust is per connection and per certificate: only this exact certificate, only for the
    // errors a self-signed certificate causes. Never a blanket ignore.
    if (!trusted.isEmpty()) {
        const QByteArray digest = ssl->peerCertificate().digest(QCryptographicHash::Sha256);
        const QByteArray want = trusted.size() == 32 ? trusted : QByteArray::fromHex(trusted);
        bool onlySelfSigned = true;
        for (const QSslError &e : errors) {
            switch (e.error()) {
            case QSslError::SelfSignedCertificate:
            case QSslError::SelfSignedCertificateInChain:
            case QSslError::UnableToGetLocalIssuerCertificate:
            case QSslError::UnableToVerifyFirstCertificate:
            case QSslError::CertificateUntrusted:
            case QSslError::HostNameMismatch:
                break;
            default:
                onlySelfSigned = false;
            }
        }
        if (digest == want && onlySelfSigned) {
            ssl->ignoreSslErrors(errors);
            return;
        }
    }
    QStringList text;
    for (const QSslError &e : errors)
        text << e.errorString();
    const QString reason = QStringLiteral("TLS: ") + text.join(QStringLiteral("; ")) +
                           describeRefusedCertificate(ssl->peerCertificate());
    // The handshake is aborted by Qt after this slot; report as a TLS failure.
    QTimer::singleShot(0, this, [this, reason] {
        if (m_phase == Phase::Connecting) handleLoss(NetError::Tls, reason);
    });
}

void Connection::onTransportConnected()
{
    if (m_phase != Phase::Connecting) return;
    if (m_tcp) {
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_peerLocal = m_tcp->peerAddress().isLoopback() || m_options.address.isLocal();
    }
    m_phase = Phase::Handshake;
    const QByteArray login = (m_options.user + QLatin1Char(':') + m_options.password).toUtf8();
    const QByteArray hello = encodeHandshake(
        m_options.user.isEmpty() && m_options.password.isEmpty() ? QByteArray() : login,
        m_options.capability);
    m_io->write(hello);
    pushToKernel();
    m_info.bytesOut += hello.size();
}

void Connection::onLoginReply(char capability)
{
    m_connectTimer->stop();
    m_phase = Phase::Open;
    m_capability = quint8(capability);
    m_info.capability = m_capability;
    const bool wasReconnect = m_everOpened;
    m_everOpened = true;
    m_attempt = 0;
    m_nextDelayMs = qMax(0, m_options.reconnect.initialDelayMs);
    m_info.lastError.clear();
    setState(ConnectionState::Open,
             wasReconnect ? QStringLiteral("reconnected") : QStringLiteral("connected"));
    resubscribe();
    writePending();
    updateLane();
}

void Connection::onBytesWritten()
{
    // Qt emptied its buffer (an async burst, or a flush): the lane may open again.
    updateLane();
}

void Connection::onConnectTimeout()
{
    if (m_phase != Phase::Connecting && m_phase != Phase::Handshake) return;
    const QString reason =
        m_phase == Phase::Connecting
            ? QStringLiteral("no connection within %1 ms").arg(m_options.connectTimeoutMs)
            : QStringLiteral("no login reply within %1 ms").arg(m_options.connectTimeoutMs);
    handleLoss(NetError::ConnectFailed, reason);
}

void Connection::onSocketGone(const QString &reason)
{
    // disconnected and errorOccurred both arrive for one loss; the first one wins.
    if (!m_io || m_phase == Phase::Waiting || m_phase == Phase::Closed || m_phase == Phase::Idle)
        return;
    if (m_phase == Phase::Handshake) {
        // kdb+ refuses a login by closing the socket without a reply byte.
        handleLoss(NetError::AccessDenied,
                   QStringLiteral("access denied: %1 closed the connection during login "
                                  "(wrong user or password?)")
                       .arg(serverText()));
        return;
    }
    handleLoss(m_phase == Phase::Connecting ? NetError::ConnectFailed : NetError::Disconnected,
               reason);
}

void Connection::teardownSocket()
{
    shutLane();
    if (m_io) {
        m_io->disconnect(this);
        if (m_tcp) m_tcp->abort();
        if (m_local) m_local->abort();
        m_io->deleteLater();
    }
    m_io = nullptr;
    m_tcp = nullptr;
    m_local = nullptr;
}

void Connection::handleLoss(NetError::Kind kind, const QString &reason)
{
    if (m_phase == Phase::Closed || m_phase == Phase::Waiting) return;
    teardownSocket();
    m_connectTimer->stop();
    m_timeoutTimer->stop();
    m_phase = Phase::Waiting;
    // Frames that arrived whole before the loss are still answers: let them be dispatched
    // (a large one may be decoding on the pool) before the rest are failed.
    if (!m_inbox.empty()) {
        m_deferredLoss = std::make_pair(kind, reason);
        return;
    }
    finishLoss(kind, reason);
}

void Connection::finishLoss(NetError::Kind kind, const QString &reason)
{
    flushFeeds();
    noteError(reason);
    const QString where = serverText();
    NetError lost{
        kind == NetError::Protocol ? NetError::Protocol : NetError::Disconnected,
        QStringLiteral("connection to %1 lost while the query was running: %2").arg(where, reason)};
    failInFlight(lost, lost);
    m_serverRepliesOwed = 0;

    const ReconnectPolicy &p = m_options.reconnect;
    const bool retry = kind != NetError::AccessDenied && kind != NetError::Tls &&
                       (m_everOpened || p.retryFirstConnect) &&
                       (p.attempts < 0 || m_attempt < p.attempts);
    if (retry) {
        ++m_attempt;
        const int delay = m_nextDelayMs;
        int next = p.backoff ? p.backoff(delay) : delay * 2;
        m_nextDelayMs = std::clamp(next, 0, qMax(0, p.maxDelayMs));
        for (auto it = m_subs.begin(); it != m_subs.end(); ++it)
            if (it->everSubscribed && it->gapReason.isEmpty()) it->gapReason = reason;
        setState(ConnectionState::Reconnecting,
                 QStringLiteral("%1; reconnecting in %2 ms (attempt %3%4)")
                     .arg(reason)
                     .arg(delay)
                     .arg(m_attempt)
                     .arg(p.attempts < 0 ? QString() : QStringLiteral(" of %1").arg(p.attempts)));
        m_reconnectTimer->start(delay);
        return;
    }
    m_phase = Phase::Closed;
    NetError::Kind queuedKind = kind;
    if (kind == NetError::Disconnected && !m_everOpened) queuedKind = NetError::ConnectFailed;
    failQueued(
        NetError{queuedKind, kind == NetError::AccessDenied
                                 ? QStringLiteral("access denied")
                                 : QStringLiteral("not connected to %1: %2").arg(where, reason)});
    const bool failed = !m_everOpened || kind == NetError::AccessDenied || kind == NetError::Tls ||
                        kind == NetError::ConnectFailed;
    if (kind == NetError::AccessDenied) m_info.lastError = QStringLiteral("access denied");
    setState(failed ? ConnectionState::Failed : ConnectionState::Closed, reason);
}

void Connection::forceReconnect(const QString &reason)
{
    // kdb+ answers strictly in order, so once one answer is abandoned the socket cannot be
    // trusted to line up again: drop it and start a fresh one at once.
    teardownSocket();
    m_inbox.clear();
    m_deferredLoss.reset();
    m_timeoutTimer->stop();
    m_serverRepliesOwed = 0;
    flushFeeds();
    for (auto it = m_subs.begin(); it != m_subs.end(); ++it)
        if (it->everSubscribed && it->gapReason.isEmpty()) it->gapReason = reason;
    setState(ConnectionState::Reconnecting, reason);
    openSocket();
}

void Connection::shutdown(bool notify)
{
    if (!notify) m_sink = nullptr;
    if (m_reconnectTimer) m_reconnectTimer->stop();
    if (m_connectTimer) m_connectTimer->stop();
    if (m_timeoutTimer) m_timeoutTimer->stop();
    if (m_infoTimer) m_infoTimer->stop();
    teardownSocket();
    m_inbox.clear();
    m_deferredLoss.reset();
    flushFeeds();
    m_inFlight.clear();
    m_queued.clear();
    m_phase = Phase::Closed;
    m_info.closed = QDateTime::currentDateTimeUtc();
    setState(ConnectionState::Closed, QStringLiteral("closed"));
}

void Connection::setState(ConnectionState state, const QString &detail)
{
    m_state = state;
    m_info.state = state;
    if (state == ConnectionState::Closed || state == ConnectionState::Failed) {
        if (!m_info.closed.isValid()) m_info.closed = QDateTime::currentDateTimeUtc();
    } else {
        m_info.closed = QDateTime();
    }
    if (m_sink) m_sink->connectionState(m_id, state, detail);
    publishInfo();
}

void Connection::noteError(const QString &error)
{
    m_info.lastError = error;
    m_infoDirty = true;
}

void Connection::publishInfo()
{
    takeDirect();
    m_infoDirty = false;
    int pending = int(m_inFlight.size());
    for (const OutRequest &r : m_queued)
        if (r.kind != OutRequest::Async) ++pending;
    m_info.pendingQueries = pending;
    if (m_sink) m_sink->connectionInfo(m_info);
}

// ---- requests ------------------------------------------------------------------------------

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
    return !m_inFlight.empty();
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
    m_inFlight.push_back(std::move(r));
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
        rec.timestampNs = nowNs();
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
    // Only the head of the in-flight queue runs a clock (see writeRequest).
    const qint64 earliest = m_inFlight.empty() ? 0 : m_inFlight.front().deadlineNs;
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
    const qint64 now = m_clock.nsecsElapsed();
    auto it = std::find_if(m_inFlight.begin(), m_inFlight.end(), [now](const OutRequest &r) {
        return r.deadlineNs && r.deadlineNs <= now;
    });
    if (it == m_inFlight.end()) {
        armTimeout();
        return;
    }
    const RequestId expired = it->id;
    const int ms = it->timeoutMs;
    std::deque<OutRequest> inFlight;
    inFlight.swap(m_inFlight);
    for (const OutRequest &r : inFlight) {
        if (r.id == expired && r.kind != OutRequest::Subscribe)
            failRequest(r, NetError{NetError::Timeout,
                                    QStringLiteral("no response within %1 ms. kdb+ answers in "
                                                   "order, so a late answer would poison the "
                                                   "connection: it was dropped and is "
                                                   "reconnecting (the server may still be "
                                                   "running the query)")
                                        .arg(ms)});
        else
            failRequest(r, NetError{NetError::Disconnected,
                                    QStringLiteral("connection dropped because an earlier query "
                                                   "timed out after %1 ms")
                                        .arg(ms)});
    }
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
    const auto it = std::find_if(m_inFlight.begin(), m_inFlight.end(),
                                 [id](const OutRequest &r) { return r.id == id; });
    if (it == m_inFlight.end()) return; // already answered: nothing to cancel
    const bool refused = m_awaitingConsent && it == m_inFlight.begin();
    std::deque<OutRequest> inFlight;
    inFlight.swap(m_inFlight);
    for (const OutRequest &r : inFlight) {
        if (r.id == id && refused)
            failRequest(r, NetError{NetError::Cancelled,
                                    QStringLiteral("refused a result of %1: qscope dropped the "
                                                   "connection without reading it and is "
                                                   "reconnecting")
                                        .arg(formatByteSize(m_announcedBytes))});
        else if (r.id == id)
            failRequest(r, NetError{NetError::Cancelled,
                                    QStringLiteral("cancelled. kdb+ cannot stop a running query, "
                                                   "so qscope dropped the connection and is "
                                                   "reconnecting; the server may still finish "
                                                   "the work")});
        else
            failRequest(r, NetError{NetError::Disconnected,
                                    QStringLiteral("connection dropped to cancel another query")});
    }
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

void Connection::failInFlight(const NetError &front, const NetError &others)
{
    takeDirect();
    std::deque<OutRequest> inFlight;
    inFlight.swap(m_inFlight);
    bool first = true;
    for (const OutRequest &r : inFlight) {
        failRequest(r, first ? front : others);
        first = false;
    }
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

// ---- subscriptions -------------------------------------------------------------------------

Value Connection::subscribeMessage(const Subscription &s) const
{
    // .u.sub[`table;`sym1`sym2] ; ` for all tables, ` (an empty symbol) for all syms.
    std::vector<Value> items;
    items.push_back(Value::symbol(QByteArrayLiteral(".u.sub")));
    items.push_back(Value::symbol(s.table));
    if (s.syms.isEmpty()) {
        items.push_back(Value::symbol(QByteArray()));
    } else {
        std::vector<QByteArray> syms(s.syms.begin(), s.syms.end());
        items.push_back(Value::symbols(syms));
    }
    return Value::list(std::move(items));
}

void Connection::subscribe(SubscriptionId sub, const QByteArray &table,
                           const QList<QByteArray> &syms)
{
    m_subs.insert(sub, Subscription{table, syms, false, {}});
    OutRequest r;
    r.kind = OutRequest::Subscribe;
    r.sub = sub;
    r.description =
        ".u.sub[`" + table + ";" + (syms.isEmpty() ? QByteArray("`") : "`" + syms.join('`')) + "]";
    r.timeoutMs = 0;
    submit(std::move(r));
}

void Connection::unsubscribe(SubscriptionId sub)
{
    // kdb-tick has no unsubscribe call over IPC (.u.del runs on close): stop routing here.
    const auto b = m_batches.find(sub);
    if (b != m_batches.end()) {
        closeRun(*b);
        if (b->batch.messages > 0 && m_sink) m_sink->connectionFeed({std::move(b->batch)});
        m_batches.erase(b);
    }
    m_subs.remove(sub);
}

void Connection::resubscribe()
{
    std::vector<OutRequest> resubs;
    for (auto it = m_subs.begin(); it != m_subs.end(); ++it) {
        // Its .u.sub may still be queued: the first one, or one from an earlier reconnect that
        // was lost with the socket before its turn came (they go out one at a time).
        const SubscriptionId id = it.key();
        const bool queued =
            std::any_of(m_queued.begin(), m_queued.end(), [id](const OutRequest &r) {
                return r.kind == OutRequest::Subscribe && r.sub == id;
            });
        if (queued) continue;
        OutRequest r;
        r.kind = OutRequest::Subscribe;
        r.sub = it.key();
        resubs.push_back(std::move(r));
    }
    // Ahead of the requests that waited for the connection, in subscription order.
    m_queued.insert(m_queued.begin(), std::make_move_iterator(resubs.begin()),
                    std::make_move_iterator(resubs.end()));
}

void Connection::flushFeeds()
{
    if (m_feedTimer) m_feedTimer->stop();
    if (m_batches.isEmpty()) return;
    QList<FeedBatch> out;
    out.reserve(m_batches.size());
    for (auto it = m_batches.begin(); it != m_batches.end(); ++it) {
        closeRun(*it);
        if (it->batch.messages == 0) continue;
        if (const auto s = m_subs.find(it.key()); s != m_subs.end())
            s->lastBatchMessages = qsizetype(it->batch.messages);
        out.append(std::move(it->batch));
    }
    // The decoded messages die here, on the thread that made them; the batches move on.
    m_batches.clear();
    if (!out.isEmpty() && m_sink) m_sink->connectionFeed(std::move(out));
}

void Connection::closeRun(PendingFeed &pending)
{
    if (pending.run.empty()) return;
    FeedBatch &b = pending.batch;
    Value joined = pending.run.size() == 1 ? pending.run.front()
                                           : concatTables(std::span<const Value>(pending.run));
    if (joined.isGenericNull()) {
        // Not expected (a run holds one layout), but never lose an update: keep them as they came.
        for (Value &u : pending.run) {
            b.updates.append(std::move(u));
            b.tables.append(pending.runTable);
            b.updateMessages.append(1);
        }
    } else {
        b.updates.append(std::move(joined));
        b.tables.append(pending.runTable);
        b.updateMessages.append(qint64(pending.run.size()));
    }
    pending.run.clear();
}

void Connection::addUpdate(PendingFeed &pending, const QByteArray &table, const Value &data)
{
    std::vector<Value> &run = pending.run;
    const bool joinable = data.isTable() && data.count() <= kJoinMaxRows;
    if (!run.empty() && (pending.runTable != table || !joinable || !sameLayout(run.front(), data)))
        closeRun(pending);
    if (joinable) {
        if (run.empty()) pending.runTable = table;
        run.push_back(data);
        return;
    }
    // A column list (a feed handler's upd) or a big table is passed on as it came.
    pending.batch.updates.append(data);
    pending.batch.tables.append(table);
    pending.batch.updateMessages.append(1);
}

// ---- incoming ------------------------------------------------------------------------------

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
    if (m_inFlight.empty() || m_inFlight.front().kind == OutRequest::Subscribe) return false;
    OutRequest &r = m_inFlight.front();
    r.deadlineNs = 0; // the server has answered: no timeout while a person decides
    armTimeout();
    m_awaitingConsent = true;
    m_announcedBytes = *bytes;
    if (m_sink) m_sink->connectionSizeAnnounced(r.id, *bytes);
    return true;
}

void Connection::acceptLarge(RequestId id)
{
    if (!m_awaitingConsent || m_inFlight.empty() || m_inFlight.front().id != id) return;
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
    if (const auto h = m_reader.pendingHeader(); h && h->type == MessageType::Response &&
                                                 !m_inFlight.empty() &&
                                                 h->size >= kProgressMinimumBytes) {
        const qint64 now = m_clock.nsecsElapsed();
        if (now - m_lastProgressNs >= kProgressIntervalNs) {
            m_lastProgressNs = now;
            if (m_sink)
                m_sink->connectionProgress(m_inFlight.front().id, m_reader.pendingBytes(), h->size);
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
    const bool response = type == MessageType::Response && !m_inFlight.empty();
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
    const bool response = !m_inFlight.empty();
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
    std::deque<OutRequest> inFlight;
    inFlight.swap(m_inFlight);
    bool first = true;
    for (const OutRequest &r : inFlight) {
        if (first)
            failRequest(r, NetError{error.kind, error.message + reset});
        else
            failRequest(r, NetError{NetError::Disconnected,
                                    QStringLiteral("connection reset: ") + error.message});
        first = false;
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
        rec.timestampNs = nowNs();
        if (in.header.type == MessageType::Response && !m_inFlight.empty())
            rec.roundTripNs = m_clock.nsecsElapsed() - m_inFlight.front().writtenNs;
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
    if (m_inFlight.empty()) {
        noteError(QStringLiteral("a response arrived with no request waiting; ignored"));
        return;
    }
    OutRequest r = std::move(m_inFlight.front());
    m_inFlight.pop_front();
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

void Connection::routeAsync(const Value &v, qint64 wireBytes)
{
    if (v.isList() && v.count() >= 2 && v.item(0).type() == -Symbol) {
        const QByteArray &name = v.item(0).symbolValue();
        if (name == "upd" && v.count() >= 3 && v.item(1).type() == -Symbol) {
            const QByteArray &table = v.item(1).symbolValue();
            const Value &data = v.item(2);
            bool routed = false;
            for (auto it = m_subs.constBegin(); it != m_subs.constEnd(); ++it) {
                if (!it->table.isEmpty() && it->table != table) continue;
                PendingFeed &pending = m_batches[it.key()];
                FeedBatch &b = pending.batch;
                if (b.messages == 0) {
                    // A new batch: its run as big as the last batch, so it grows once.
                    b.subscription = it.key();
                    b.table = table;
                    pending.run.reserve(size_t(it->lastBatchMessages));
                } else if (!b.table.isEmpty() && b.table != table) {
                    b.table = QByteArray(); // several tables in one batch: see `tables`
                }
                addUpdate(pending, table, data);
                ++b.messages;
                b.rows += rowsOf(data);
                b.bytes += wireBytes;
                routed = true;
            }
            if (routed) {
                if (!m_feedTimer->isActive()) m_feedTimer->start(kFeedIntervalMs);
                return;
            }
        } else if (name == ".u.end" && !m_subs.isEmpty()) {
            flushFeeds(); // rows of the old day go out before its end
            for (auto it = m_subs.constBegin(); it != m_subs.constEnd(); ++it)
                if (m_sink) m_sink->connectionEndOfDay(it.key(), v.item(1));
            return;
        }
    }
    if (m_sink) m_sink->connectionPushed(m_id, v);
}

void Connection::handleServerSync(const Value &v)
{
    if (m_sink) m_sink->connectionServerRequest(m_id, v);
    if (m_options.acceptServerSyncRequests && !v.isError()) {
        ++m_serverRepliesOwed; // the app answers through replyToServer, in order
        return;
    }
    const QByteArray frame = encodeMessage(
        Value::error(QByteArrayLiteral("qscope: sync requests from the server are not accepted")),
        EncodeOptions{MessageType::Response, false, qMax(0, m_capability)});
    writeFrame(frame, MessageType::Response, frame.size());
}

} // namespace qscope::detail
