#include "demo/outgoinghandles.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QHostInfo>
#include <QTcpSocket>
#include <QTimer>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace qscope::detail {

namespace {

constexpr int kOpenMillis = 5000;
/// A small receive window, so a subscriber that stops reading backs its publisher up within
/// seconds (a kernel's auto-tuned window would swallow minutes of a demo feed first).
constexpr int kReceiveBuffer = 16 * 1024;
constexpr int kPaceMillis = 100;

struct Address
{
    QByteArray host = "127.0.0.1";
    quint16 port = 0;
    QByteArray credentials;
    int timeout = kOpenMillis;
    bool ok = false;
};

Address parseAddress(const Value &x)
{
    Address a;
    Value target = x;
    if (x.type() == 0 && x.count() == 2) {
        const Value t = x.item(1);
        if (t.type() != -Int && t.type() != -Long) return a;
        a.timeout = int(std::clamp<int64_t>(t.rawInt(), 1, 600000));
        target = x.item(0);
    }
    if (target.type() == -Int || target.type() == -Long) {
        a.port = quint16(target.rawInt());
        a.ok = target.rawInt() > 0 && target.rawInt() < 65536;
        return a;
    }
    QByteArray s;
    if (target.type() == -Symbol)
        s = target.symbolValue();
    else if (target.type() == Char)
        s = QByteArray(target.rawData(), qsizetype(target.count()));
    else
        return a;
    if (!s.startsWith(':')) return a;
    // :host:port[:user[:password]]; an empty host is this machine, as in q.
    const QList<QByteArray> parts = s.mid(1).split(':');
    if (parts.size() < 2) return a;
    if (!parts[0].isEmpty()) a.host = parts[0];
    bool ok = false;
    const int port = parts[1].toInt(&ok);
    if (!ok || port <= 0 || port > 65535) return a;
    a.port = quint16(port);
    if (parts.size() > 2) a.credentials = parts.mid(2).join(':');
    a.ok = true;
    return a;
}

/// A connected, blocking-free descriptor with the small receive window, or -1.
int connectSocket(const QByteArray &host, quint16 port, int timeoutMs)
{
    QHostAddress addr(QString::fromLatin1(host));
    if (addr.isNull()) {
        const QHostInfo info = QHostInfo::fromName(QString::fromLatin1(host));
        for (const QHostAddress &a : info.addresses())
            if (a.protocol() == QAbstractSocket::IPv4Protocol) {
                addr = a;
                break;
            }
    }
    if (addr.protocol() != QAbstractSocket::IPv4Protocol) return -1;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    const int rcv = kReceiveBuffer;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(addr.toIPv4Address());
    if (::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, timeoutMs) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
        err != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

OutgoingHandles::OutgoingHandles(Incoming incoming, Closed closed, Figures figures)
    : m_incoming(std::move(incoming)), m_closed(std::move(closed)), m_figures(std::move(figures))
{
    m_pace = new QTimer(this);
    connect(m_pace, &QTimer::timeout, this, &OutgoingHandles::paceTick);
}

OutgoingHandles::~OutgoingHandles()
{
    const QList<int> hs = m_handles.keys();
    for (int h : hs)
        close(h);
}

Value OutgoingHandles::open(const Value &x)
{
    const Address a = parseAddress(x);
    if (!a.ok) return Value::error("type");
    const int fd = connectSocket(a.host, a.port, a.timeout);
    if (fd < 0) return Value::error("hop");
    auto handle = std::make_shared<Handle>();
    auto *s = new QTcpSocket(this);
    if (!s->setSocketDescriptor(fd)) {
        ::close(fd);
        delete s;
        return Value::error("hop");
    }
    handle->socket = s;
    // q's handshake: the reply byte is the capability agreed; a close instead refuses.
    s->write(encodeHandshake(a.credentials, 3));
    QElapsedTimer t;
    t.start();
    while (s->bytesAvailable() < 1) {
        const qint64 left = a.timeout - t.elapsed();
        if (left <= 0 || s->state() != QAbstractSocket::ConnectedState ||
            !s->waitForReadyRead(int(left))) {
            if (s->bytesAvailable() >= 1) break;
            delete s;
            return Value::error(t.elapsed() >= a.timeout ? "timeout" : "access");
        }
    }
    char cap = 0;
    s->getChar(&cap);
    handle->capability = uint8_t(cap);
    // Bounded, so an unread subscription stays in the kernel and backs the publisher up.
    s->setReadBufferSize(kReceiveBuffer);
    const int h = fd;
    m_handles.insert(h, handle);
    connect(s, &QTcpSocket::readyRead, this, [this, h] {
        if (!m_inSync && m_rate == 0) readAvailable(h, -1);
    });
    connect(s, &QTcpSocket::bytesWritten, this, [this, h] { report(h); });
    connect(s, &QTcpSocket::disconnected, this, [this, h] { gone(h); });
    report(h);
    return Value::intAtom(h);
}

void OutgoingHandles::readAvailable(int h, qint64 budget)
{
    const auto handle = m_handles.value(h);
    if (!handle) return;
    const QByteArray bytes = budget < 0 ? handle->socket->readAll() : handle->socket->read(budget);
    if (bytes.isEmpty()) return;
    handle->frames.feed(bytes);
    std::vector<Value> async;
    std::optional<Value> stray;
    drainFrames(h, &async, &stray); // an answer nobody waits for is dropped, as kdb+ does
    for (const Value &v : async) {
        m_incoming(h, v);
        if (!m_handles.contains(h)) return; // q closed it meanwhile
    }
}

void OutgoingHandles::drainFrames(int h, std::vector<Value> *async, std::optional<Value> *answer)
{
    const auto handle = m_handles.value(h);
    if (!handle) return;
    while (std::optional<QByteArray> raw = handle->frames.next()) {
        const Decoded d = decodeMessage(*raw);
        if (!d.ok()) continue;
        if (d.header.type == MessageType::Response && !answer->has_value())
            *answer = d.value;
        else if (d.header.type != MessageType::Response)
            async->push_back(d.value);
    }
}

Value OutgoingHandles::sync(int h, const Value &msg, int maxMillis)
{
    const auto handle = m_handles.value(h);
    if (!handle) return Value::error("Bad file descriptor");
    EncodeOptions o;
    o.type = MessageType::Sync;
    o.capability = handle->capability >= 6 ? 6 : 3;
    QTcpSocket *s = handle->socket;
    s->write(encodeMessage(msg, o));
    report(h);
    // q blocks on h msg until the answer: so does this interpreter thread (never the GUI).
    m_inSync = true;
    std::vector<Value> async;
    std::optional<Value> answer;
    QElapsedTimer t;
    t.start();
    while (!answer) {
        handle->frames.feed(s->readAll());
        drainFrames(h, &async, &answer);
        if (answer) break;
        const qint64 left = maxMillis - t.elapsed();
        if (left <= 0) break;
        if (s->state() != QAbstractSocket::ConnectedState) break;
        if (s->bytesToWrite() > 0)
            s->waitForBytesWritten(int(std::min<qint64>(left, 50)));
        else
            s->waitForReadyRead(int(std::min<qint64>(left, 50)));
    }
    m_inSync = false;
    // Updates that came in while q waited run after the answer, in the order they came.
    if (!async.empty())
        QTimer::singleShot(0, this, [this, h, async] {
            for (const Value &v : async)
                if (m_handles.contains(h)) m_incoming(h, v);
        });
    if (s->state() != QAbstractSocket::ConnectedState && !answer) {
        QTimer::singleShot(0, this, [this, h] { gone(h); });
        return Value::error("Connection reset by peer"); // q's words when the peer dies
    }
    if (!answer) return Value::error("timeout");
    report(h);
    return *answer;
}

void OutgoingHandles::async(int h, const Value &msg)
{
    const auto handle = m_handles.value(h);
    if (!handle) return;
    EncodeOptions o;
    o.type = MessageType::Async;
    o.capability = handle->capability >= 6 ? 6 : 3;
    handle->socket->write(encodeMessage(msg, o));
    report(h);
}

void OutgoingHandles::close(int h)
{
    const auto handle = m_handles.take(h);
    if (!handle) return;
    handle->socket->disconnect(this);
    handle->socket->abort();
    handle->socket->deleteLater();
    if (m_figures) m_figures(h, -1);
}

void OutgoingHandles::gone(int h)
{
    if (!m_handles.contains(h)) return;
    close(h);
    if (m_closed) m_closed(h);
}

void OutgoingHandles::report(int h)
{
    const auto handle = m_handles.value(h);
    if (handle && m_figures) m_figures(h, handle->socket->bytesToWrite());
}

void OutgoingHandles::setReadRate(qint64 bytesPerSecond)
{
    m_rate = std::max<qint64>(0, bytesPerSecond);
    if (m_rate > 0)
        m_pace->start(kPaceMillis);
    else {
        m_pace->stop();
        const QList<int> hs = m_handles.keys();
        for (int h : hs)
            readAvailable(h, -1);
    }
}

void OutgoingHandles::paceTick()
{
    const qint64 budget = std::max<qint64>(1, m_rate * kPaceMillis / 1000);
    const QList<int> hs = m_handles.keys();
    for (int h : hs)
        readAvailable(h, budget);
}

} // namespace qscope::detail
