// Connection: one q handle on a network thread. See connection.h for the shape; the comments
// explain the ordering rules kdb+ imposes. This file: the transport and the handshake (open,
// TLS, login, loss, reconnect, close). The rest, by responsibility: connectionlane.cpp (the
// direct write lane), connectionrequests.cpp (the request pipeline), connectionincoming.cpp
// (reading and dispatching frames), connectionfeeds.cpp (subscriptions and pushed messages).

#include "connection.h"

#include "tlstrust.h"

#include "unixsocket.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostAddress>
#include <QLocalSocket>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>

namespace qscope::detail {

namespace {

constexpr int kInfoIntervalMs = 250; // registry counters refresh

} // namespace

qint64 Connection::wallClockNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000;
}

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
    failAwaiting(lost);
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
    m_awaiting.reset();
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
    int pending = m_awaiting ? 1 : 0;
    for (const OutRequest &r : m_queued)
        if (r.kind != OutRequest::Async) ++pending;
    m_info.pendingQueries = pending;
    if (m_sink) m_sink->connectionInfo(m_info);
}

} // namespace qscope::detail
