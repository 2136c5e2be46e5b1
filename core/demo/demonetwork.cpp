#include "demo/demonetwork.h"

#include "demo/democlient.h"
#include "demo/demoengine.h"
#include "net/tsanannotate.h"
#include "net/unixsocket.h"

#include <QFile>
#include <QLocalSocket>
#include <QSocketNotifier>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace qscope::detail {

namespace {

/// A QTcpServer that hands over the raw descriptor, so the first byte can be peeked before
/// choosing a plain or a TLS socket.
class DescriptorServer : public QTcpServer
{
public:
    std::function<void(qintptr)> onDescriptor;

protected:
    void incomingConnection(qintptr fd) override { onDescriptor(fd); }
};

} // namespace

DemoNetwork::DemoNetwork(const DemoOptions &options, std::shared_ptr<DemoShared> shared)
    : m_options(options), m_shared(std::move(shared))
{}

DemoNetwork::~DemoNetwork() = default;

void DemoNetwork::log(const QString &line) const
{
    if (m_shared->log) m_shared->log(line);
}

template<class F>
void DemoNetwork::toEngine(F &&f)
{
    QMutexLocker lock(&m_shared->mutex);
    DemoEngine *engine = m_shared->engine;
    if (!engine) return;
    postQueued(engine, [engine, f = std::forward<F>(f)] { f(engine); });
}

bool DemoNetwork::init(QString *error)
{
    auto fail = [error](const QString &text) {
        if (error) *error = text;
        return false;
    };
    if (!m_options.tlsCert.isEmpty() || !m_options.tlsKey.isEmpty()) {
        if (m_options.tlsCert.isEmpty() || m_options.tlsKey.isEmpty())
            return fail(QStringLiteral("TLS needs both a certificate and a key"));
        if (!QSslSocket::supportsSsl())
            return fail(QStringLiteral("TLS is not available (no OpenSSL backend)"));
        QFile cf(m_options.tlsCert), kf(m_options.tlsKey);
        if (!cf.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1: %2").arg(cf.fileName(), cf.errorString()));
        if (!kf.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1: %2").arg(kf.fileName(), kf.errorString()));
        const QByteArray certPem = cf.readAll();
        const QByteArray keyPem = kf.readAll();
        const QList<QSslCertificate> certs = QSslCertificate::fromData(certPem, QSsl::Pem);
        if (certs.isEmpty() || certs.first().isNull())
            return fail(QStringLiteral("%1 holds no PEM certificate").arg(cf.fileName()));
        m_cert = certs.first();
        for (QSsl::KeyAlgorithm alg : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            m_key = QSslKey(keyPem, alg, QSsl::Pem);
            if (!m_key.isNull()) break;
        }
        if (m_key.isNull())
            return fail(QStringLiteral("%1 holds no PEM private key").arg(kf.fileName()));
        m_tls = true;
    }

    auto *server = new DescriptorServer;
    server->setParent(this);
    server->onDescriptor = [this](qintptr fd) { acceptTcp(fd); };
    m_tcp = server;
    const QHostAddress addr = m_options.bindAddress.isEmpty() ? QHostAddress(QHostAddress::Any)
                                                              : QHostAddress(m_options.bindAddress);
    if (addr.isNull())
        return fail(QStringLiteral("bad bind address %1").arg(m_options.bindAddress));
    // Qt's default backlog of 50 overflows when a client opens hundreds of connections at once;
    // the kernel then drops SYNs and the clients retry after 1, 3, 7, 15 s... (the kernel caps it
    // at net.core.somaxconn).
    m_tcp->setListenBacklogSize(1024);
    if (!m_tcp->listen(addr, m_options.port))
        return fail(QStringLiteral("cannot listen on port %1: %2")
                        .arg(m_options.port)
                        .arg(m_tcp->errorString()));
    m_port = m_tcp->serverPort();
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->port = m_port;
    }

    if (m_options.unixSocket) {
        QString err;
        const QString name = QStringLiteral("@/tmp/kx.%1").arg(m_port);
        m_unixFd = listenUnixSocket(name, &err);
        if (m_unixFd < 0) {
            // Not fatal: TCP still serves (another process may hold the name).
            log(QStringLiteral("unix socket %1 not available: %2").arg(name, err));
        } else {
            m_unixNotifier = new QSocketNotifier(m_unixFd, QSocketNotifier::Read, this);
            connect(m_unixNotifier, &QSocketNotifier::activated, this, &DemoNetwork::acceptUnix);
        }
    }
    log(QStringLiteral("listening on port %1%2%3")
            .arg(m_port)
            .arg(m_tls ? QStringLiteral(" (plain and TLS)") : QString())
            .arg(m_unixFd >= 0 ? QStringLiteral(" and @/tmp/kx.%1").arg(m_port) : QString()));
    return true;
}

void DemoNetwork::shutdown()
{
    if (m_tcp) m_tcp->close();
    if (m_unixNotifier) {
        m_unixNotifier->setEnabled(false);
        delete m_unixNotifier;
        m_unixNotifier = nullptr;
    }
    if (m_unixFd >= 0) {
        ::close(m_unixFd);
        m_unixFd = -1;
    }
    for (auto it = m_unclassified.begin(); it != m_unclassified.end(); ++it) {
        delete it.value();
        ::close(it.key());
    }
    m_unclassified.clear();
    const QList<DemoClient *> clients = m_clients.values();
    m_clients.clear();
    for (DemoClient *c : clients)
        delete c; // aborts the socket; the engine is stopping too
    delete m_tcp;
    m_tcp = nullptr;
}

void DemoNetwork::acceptTcp(qintptr fd)
{
    if (m_options.socketSendBuffer > 0) {
        // A bounded kernel buffer: what a slow reader leaves unread shows in .z.W within
        // seconds instead of after megabytes of auto-tuned kernel memory.
        const int b = m_options.socketSendBuffer;
        ::setsockopt(int(fd), SOL_SOCKET, SO_SNDBUF, &b, sizeof b);
    }
    if (!m_tls) {
        auto *s = new QTcpSocket;
        if (!s->setSocketDescriptor(fd)) {
            log(QStringLiteral("accept failed: %1").arg(s->errorString()));
            delete s;
            ::close(int(fd));
            return;
        }
        PeerInfo p;
        p.handle = int(fd);
        bool v4 = false;
        const quint32 ip = s->peerAddress().toIPv4Address(&v4);
        p.ipv4 = v4 ? ip : 0;
        p.local = s->peerAddress().isLoopback();
        p.family = 't';
        adopt(s, p);
        return;
    }
    // TLS and plain on one port: wait for the first byte without consuming it.
    auto *n = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this);
    m_unclassified.insert(int(fd), n);
    connect(n, &QSocketNotifier::activated, this, [this, fd, n] { classify(int(fd), n); });
}

void DemoNetwork::classify(int fd, QSocketNotifier *notifier)
{
    char first = 0;
    const ssize_t got = ::recv(fd, &first, 1, MSG_PEEK);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    m_unclassified.remove(fd);
    notifier->setEnabled(false);
    notifier->deleteLater();
    if (got <= 0) {
        ::close(fd); // closed before saying anything
        return;
    }
    const bool tls = uint8_t(first) == 0x16; // TLS record type 22: handshake (ClientHello)
    QTcpSocket *s = nullptr;
    if (tls) {
        auto *ssl = new QSslSocket;
        ssl->setLocalCertificate(m_cert);
        ssl->setPrivateKey(m_key);
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        s = ssl;
    } else {
        s = new QTcpSocket;
    }
    if (!s->setSocketDescriptor(fd)) {
        log(QStringLiteral("accept failed: %1").arg(s->errorString()));
        delete s;
        ::close(fd);
        return;
    }
    PeerInfo p;
    p.handle = fd;
    bool v4 = false;
    const quint32 ip = s->peerAddress().toIPv4Address(&v4);
    p.ipv4 = v4 ? ip : 0;
    p.local = s->peerAddress().isLoopback();
    p.family = 't';
    p.tls = tls;
    adopt(s, p);
    if (tls) static_cast<QSslSocket *>(s)->startServerEncryption();
}

void DemoNetwork::acceptUnix()
{
    const int fd = ::accept4(m_unixFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            log(QStringLiteral("unix accept failed: %1")
                    .arg(QString::fromLocal8Bit(strerror(errno))));
        return;
    }
    auto *s = new QLocalSocket;
    if (!s->setSocketDescriptor(fd, QLocalSocket::ConnectedState, QIODevice::ReadWrite)) {
        log(QStringLiteral("unix accept failed: %1").arg(s->errorString()));
        delete s;
        ::close(fd);
        return;
    }
    PeerInfo p;
    p.handle = fd;
    p.ipv4 = 0x7f000001; // a Unix socket peer is this host
    p.local = true;
    p.family = 'u';
    adopt(s, p);
}

void DemoNetwork::adopt(QIODevice *device, PeerInfo peer)
{
    // Replies are small and latency-bound: no Nagle delay (a 40 ms stall per reply otherwise).
    if (auto *tcp = qobject_cast<QAbstractSocket *>(device))
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    peer.serial = m_nextSerial++;
    DemoClient::Hooks hooks;
    hooks.log = [this](const QString &l) { log(l); };
    hooks.login = [this](DemoClient *c) {
        const PeerInfo p = c->peer();
        toEngine([p](DemoEngine *e) { e->login(p); });
    };
    hooks.message = [this](DemoClient *c, MessageType type, const Value &v) {
        const int h = c->peer().handle;
        toEngine([h, type, v](DemoEngine *e) { e->message(h, type, v); });
    };
    hooks.http = [this](DemoClient *c, const QByteArray &path, const QByteArray &auth) {
        const int h = c->peer().handle;
        const quint64 serial = c->peer().serial;
        log(QStringLiteral("handle %1: HTTP GET %2").arg(h).arg(QString::fromUtf8(path)));
        toEngine([h, serial, path, auth](DemoEngine *e) { e->httpGet(h, serial, path, auth); });
    };
    hooks.written = [this](DemoClient *c) {
        QMutexLocker lock(&m_shared->mutex);
        const auto it = m_shared->sockets.find(c->peer().handle);
        if (it != m_shared->sockets.end()) it->queuedBytes = c->queuedBytes();
    };
    hooks.closed = [this](DemoClient *c) {
        const int h = c->peer().handle;
        const bool wasOpen = m_clients.value(h) == c;
        if (wasOpen) m_clients.remove(h);
        {
            QMutexLocker lock(&m_shared->mutex);
            m_shared->sockets.remove(h);
        }
        log(QStringLiteral("handle %1: closed").arg(h));
        toEngine([h](DemoEngine *e) { e->closed(h); });
        c->deleteLater();
    };
    auto *c = new DemoClient(device, peer, std::move(hooks), this);
    m_clients.insert(peer.handle, c);
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->sockets.insert(peer.handle, SocketFigures{0, peer.family});
    }
    log(QStringLiteral("handle %1: connection from %2 (%3%4)")
            .arg(peer.handle)
            .arg(peer.family == 'u' ? QStringLiteral("unix socket")
                                    : QHostAddress(peer.ipv4).toString())
            .arg(peer.family == 'u' ? QStringLiteral("uds") : QStringLiteral("tcp"))
            .arg(peer.tls ? QStringLiteral(", tls") : QString()));
}

DemoClient *DemoNetwork::client(int handle, quint64 serial) const
{
    DemoClient *c = m_clients.value(handle);
    return c && c->peer().serial == serial ? c : nullptr;
}

void DemoNetwork::deliver(int handle, quint64 serial, const Value &v, MessageType type)
{
    if (DemoClient *c = client(handle, serial)) c->deliver(v, type);
}

void DemoNetwork::sendRaw(int handle, quint64 serial, const QByteArray &bytes, bool closeAfter)
{
    if (DemoClient *c = client(handle, serial)) c->writeRaw(bytes, closeAfter);
}

void DemoNetwork::closeClient(int handle, quint64 serial)
{
    if (DemoClient *c = client(handle, serial)) c->abort();
}

void DemoNetwork::loginAnswered(int handle, quint64 serial, bool ok)
{
    DemoClient *c = client(handle, serial);
    if (!c) return;
    const QString user = QString::fromUtf8(c->peer().user);
    c->answerLogin(ok);
    if (ok)
        log(QStringLiteral("handle %1: logged in as '%2', capability %3")
                .arg(handle)
                .arg(user)
                .arg(c->capability()));
}

} // namespace qscope::detail
