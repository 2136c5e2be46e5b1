#include "demo/democlient.h"

#include <QAbstractSocket>
#include <QLocalSocket>
#include <QSslSocket>

namespace qscope::detail {

namespace {

constexpr int kMaxHandshake = 1024;   // user:password can't be longer than this
constexpr int kMaxHttpHeader = 16384; // request line and headers
// A demo server bounds what one message may make it allocate.
constexpr int64_t kMaxMessage = int64_t(1) << 30;

DecodeLimits limits()
{
    DecodeLimits l;
    l.maxMessageBytes = kMaxMessage;
    return l;
}

} // namespace

DemoClient::DemoClient(QIODevice *device, const PeerInfo &peer, Hooks hooks, QObject *parent)
    : QObject(parent), m_device(device), m_peer(peer), m_hooks(std::move(hooks)), m_frames(limits())
{
    m_device->setParent(this);
    connect(m_device, &QIODevice::readyRead, this, &DemoClient::onReadyRead);
    connect(m_device, &QIODevice::bytesWritten, this, [this] {
        updateFigures();
        if (m_closeAfterWrite && queuedBytes() == 0) close();
    });
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_device)) {
        connect(tcp, &QAbstractSocket::disconnected, this, &DemoClient::finish);
        connect(tcp, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
            if (e != QAbstractSocket::RemoteHostClosedError && m_hooks.log)
                m_hooks.log(QStringLiteral("handle %1: socket error: %2")
                                .arg(m_peer.handle)
                                .arg(m_device->errorString()));
            finish();
        });
    } else if (auto *local = qobject_cast<QLocalSocket *>(m_device)) {
        connect(local, &QLocalSocket::disconnected, this, &DemoClient::finish);
        connect(local, &QLocalSocket::errorOccurred, this, [this] { finish(); });
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(m_device)) {
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            if (m_hooks.log && !errors.isEmpty())
                m_hooks.log(QStringLiteral("handle %1: TLS error: %2")
                                .arg(m_peer.handle)
                                .arg(errors.first().errorString()));
        });
    }
}

DemoClient::~DemoClient() = default;

qint64 DemoClient::queuedBytes() const
{
    qint64 n = m_device->bytesToWrite();
    if (auto *ssl = qobject_cast<QSslSocket *>(m_device)) n += ssl->encryptedBytesToWrite();
    return n;
}

void DemoClient::updateFigures()
{
    if (m_hooks.written) m_hooks.written(this);
}

void DemoClient::onReadyRead()
{
    if (m_state == State::Closed) return;
    const QByteArray bytes = m_device->readAll();
    switch (m_state) {
    case State::Greeting:
    case State::Handshake:
    case State::Http:
        m_pending += bytes;
        break;
    case State::AwaitingLogin:
        // A client sends nothing before our capability byte; keep what came early.
        m_frames.feed(bytes);
        return;
    case State::Open:
        m_frames.feed(bytes);
        break;
    case State::Closed:
        return;
    }
    if (m_state == State::Greeting) processGreeting();
    if (m_state == State::Handshake)
        processHandshake();
    else if (m_state == State::Http)
        processHttp();
    else if (m_state == State::Open)
        processFrames();
}

void DemoClient::processGreeting()
{
    static const QByteArray get = QByteArrayLiteral("GET ");
    const qsizetype n = std::min<qsizetype>(m_pending.size(), get.size());
    if (m_pending.left(n) == get.left(n) && !m_pending.contains('\0')) {
        if (n == get.size()) m_state = State::Http;
        return; // a prefix of "GET ": wait for more
    }
    m_state = State::Handshake;
}

void DemoClient::processHandshake()
{
    const qsizetype nul = m_pending.indexOf('\0');
    if (nul < 0) {
        if (m_pending.size() > kMaxHandshake) {
            if (m_hooks.log)
                m_hooks.log(
                    QStringLiteral("handle %1: handshake too long, closed").arg(m_peer.handle));
            close();
        }
        return;
    }
    QByteArray cred = m_pending.left(nul);
    const QByteArray rest = m_pending.mid(nul + 1);
    m_pending.clear();
    // The last byte before the NUL is the capability when it is not printable (kdb+ clients
    // send 0..6); clients older than v2.6 send none.
    int cap = 0;
    if (!cred.isEmpty() && uint8_t(cred.back()) < 32) {
        cap = uint8_t(cred.back());
        cred.chop(1);
    }
    m_capability = std::min(cap, 6);
    const qsizetype colon = cred.indexOf(':');
    m_peer.user = colon < 0 ? cred : cred.left(colon);
    m_peer.password = colon < 0 ? QByteArray() : cred.mid(colon + 1);
    m_state = State::AwaitingLogin;
    if (!rest.isEmpty()) m_frames.feed(rest);
    m_hooks.login(this);
    m_peer.password.clear();
}

void DemoClient::answerLogin(bool ok)
{
    if (m_state != State::AwaitingLogin) return;
    if (!ok) {
        close(); // kdb+ refuses a login by closing the socket
        return;
    }
    m_state = State::Open;
    m_device->write(QByteArray(1, char(m_capability)));
    processFrames(); // anything that arrived early
}

void DemoClient::processFrames()
{
    while (m_state == State::Open) {
        std::optional<QByteArray> raw = m_frames.next();
        if (m_frames.error()) {
            if (m_hooks.log)
                m_hooks.log(QStringLiteral("handle %1: bad message: %2, closed")
                                .arg(m_peer.handle)
                                .arg(m_frames.error()->message));
            close();
            return;
        }
        if (!raw) return;
        Decoded d = decodeMessage(*raw, limits());
        if (!d.ok()) {
            if (m_hooks.log)
                m_hooks.log(QStringLiteral("handle %1: undecodable message: %2 at byte %3, closed")
                                .arg(m_peer.handle)
                                .arg(d.error->message)
                                .arg(d.error->offset));
            close();
            return;
        }
        if (d.header.type == MessageType::Response) {
            if (m_hooks.log)
                m_hooks.log(QStringLiteral("handle %1: unexpected response message ignored")
                                .arg(m_peer.handle));
            continue;
        }
        m_hooks.message(this, d.header.type, d.value);
    }
}

void DemoClient::processHttp()
{
    const qsizetype end = m_pending.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_pending.size() > kMaxHttpHeader)
            writeRaw(QByteArrayLiteral("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                                       "Content-Length: 0\r\nConnection: close\r\n\r\n"),
                     true);
        return;
    }
    const QList<QByteArray> lines = m_pending.left(end).split('\n');
    const QList<QByteArray> request = lines.value(0).trimmed().split(' ');
    QByteArray auth;
    for (const QByteArray &l : lines) {
        if (l.toLower().startsWith("authorization:")) auth = l.mid(14).trimmed();
    }
    m_pending.clear();
    m_state = State::AwaitingLogin; // nothing more is read from an HTTP client
    if (request.size() < 2) {
        writeRaw(QByteArrayLiteral("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                   "Connection: close\r\n\r\n"),
                 true);
        return;
    }
    m_hooks.http(this, request[1], auth);
}

void DemoClient::deliver(const Value &v, MessageType type)
{
    if (m_state != State::Open) return;
    EncodeOptions o;
    o.type = type;
    o.compress = !m_peer.local; // kdb+ compresses only for non-local peers
    o.capability = m_capability >= 6 ? 6 : 3;
    QByteArray bytes = encodeMessage(v, o);
    if (bytes.isEmpty()) {
        // Not encodable (too large for the capability, or a value with no wire form).
        const bool tooBig = encodedPayloadSize(v) + 8 > (int64_t(1) << 31) - 1;
        if (m_hooks.log)
            m_hooks.log(QStringLiteral("handle %1: reply not encodable (%2)")
                            .arg(m_peer.handle)
                            .arg(tooBig ? QStringLiteral("limit") : QStringLiteral("type")));
        if (type != MessageType::Response) return;
        bytes = encodeMessage(Value::error(tooBig ? "limit" : "type"), o);
    }
    m_device->write(bytes);
    updateFigures();
}

void DemoClient::writeRaw(const QByteArray &bytes, bool closeAfter)
{
    if (m_state == State::Closed) return;
    m_device->write(bytes);
    if (closeAfter) {
        m_closeAfterWrite = true;
        if (queuedBytes() == 0) close();
    }
}

void DemoClient::close()
{
    shut(true);
}

void DemoClient::abort()
{
    shut(false);
}

void DemoClient::shut(bool flush)
{
    if (m_state == State::Closed) return;
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_device))
        flush ? tcp->disconnectFromHost() : tcp->abort(); // disconnect sends what is queued
    else if (auto *local = qobject_cast<QLocalSocket *>(m_device))
        flush ? local->disconnectFromServer() : local->abort();
    else
        m_device->close();
    finish();
}

void DemoClient::finish()
{
    if (m_finished) return;
    m_finished = true;
    m_state = State::Closed;
    if (m_hooks.closed) m_hooks.closed(this);
}

} // namespace qscope::detail
