// The engine is safe with any server, and cancel means it (issues #16 and #14):
//   - a per-connection limit on incoming messages, checked against the header (and a compressed
//     frame's uncompressed size) before the bytes are kept; over it the request fails with
//     NetError::TooLarge and the connection is reset, and the requests behind it go on;
//   - "confirm size": a response over confirmAboveBytes waits for acceptLarge or cancel;
//   - capability 6 asked for, what the server granted recorded, kdb+'s 'limit explained;
//   - cancel: on the wire the socket really closes (the server sees it) and reopens; queued, the
//     connection stays; nothing waits forever; an answer never arrives after a cancel.

#include "fakeqserver.h"

#include "demo/demoserver.h"
#include "net/connectionmanager.h"
#include "net/descriptorlimit.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <QDir>

#include <functional>

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

/// Generous: the tests also run under sanitizers on a loaded machine; a pass is immediate.
constexpr int kWaitMs = 20000;

struct Results
{
    explicit Results(ConnectionManager &m)
    {
        QObject::connect(&m, &ConnectionManager::resultReady, &m, [this](const QueryResult &r) {
            byId.insert(r.id, r);
            ++deliveries[r.id];
        });
    }
    bool has(RequestId id) const { return byId.contains(id); }
    QueryResult get(RequestId id) const { return byId.value(id); }
    QHash<RequestId, QueryResult> byId;
    QHash<RequestId, int> deliveries;
};

ConnectionOptions tcpOptions(quint16 port)
{
    ConnectionOptions o;
    o.name = QStringLiteral("safety");
    o.address.host = QStringLiteral("127.0.0.1");
    o.address.port = port;
    o.connectTimeoutMs = 5000;
    return o;
}

QString errorText(const QueryResult &r)
{
    return r.error ? r.error->message : QStringLiteral("(no error)");
}

QByteArray response(const Value &v, bool compress = false)
{
    EncodeOptions o;
    o.type = MessageType::Response;
    o.compress = compress;
    return encodeMessage(v, o);
}

Value longs(int n, int64_t step = 1)
{
    std::vector<int64_t> xs(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        xs[size_t(i)] = int64_t(i) * step;
    return Value::fromVector(Long, std::move(xs));
}

/// Answers "1+1" with 2, "big N" with N longs (N*8+14 bytes), "zeros N" with N zero longs
/// compressed (kdb+'s compression: a few KB on the wire), "limit" with 'limit, "raw" with
/// whatever `raw` holds, "late" after 300 ms, "held" when the test writes the answer itself (the
/// client is kept in `held`), and "sleep" never (the socket then answers nothing more, like
/// kdb+ stuck in a long query).
struct Server
{
    FakeQServer fake;
    QByteArray raw;
    QSet<QIODevice *> busy;
    QPointer<QTcpSocket> held;

    Server()
    {
        fake.onMessage = [this](QIODevice *io, const MessageHeader &h, const Value &v,
                                const QByteArray &) {
            if (h.type != MessageType::Sync || busy.contains(io)) return;
            const QByteArray q = queryText(v);
            if (q == "1+1") {
                FakeQServer::reply(io, Value::longAtom(2));
            } else if (q.startsWith("big ")) {
                io->write(response(longs(q.mid(4).toInt())));
            } else if (q.startsWith("zeros ")) {
                io->write(response(longs(q.mid(6).toInt(), 0), true));
            } else if (q == "limit") {
                FakeQServer::reply(io, Value::error("limit"));
            } else if (q == "raw") {
                io->write(raw);
            } else if (q == "late") {
                QPointer<QIODevice> guard(io);
                QTimer::singleShot(300, &fake, [guard] {
                    if (guard) FakeQServer::reply(guard, Value::longAtom(42));
                });
            } else if (q == "held") {
                held = qobject_cast<QTcpSocket *>(io);
            } else if (q == "sleep") {
                busy.insert(io);
                QObject::connect(io, &QObject::destroyed, &fake, [this, io] { busy.remove(io); });
            } else {
                FakeQServer::reply(io, Value::string(q));
            }
        };
    }
    int disconnects() const { return fake.eventCount(FakeQServer::Event::Disconnected); }
    /// Milliseconds (server clock) of the first disconnect of client `serial`, or -1.
    qint64 disconnectAt(int serial) const
    {
        for (const auto &e : fake.events)
            if (e.kind == FakeQServer::Event::Disconnected && e.client == serial) return e.atMs;
        return -1;
    }
    qint64 messageAt(const QByteArray &text) const
    {
        for (const auto &e : fake.events)
            if (e.kind == FakeQServer::Event::Message && queryText(e.value) == text) return e.atMs;
        return -1;
    }
};

/// One case's world: a listening Server, an engine and what the engine delivered.
struct Rig
{
    Server server;
    ConnectionManager m;
    Results results{m};
    bool listening = server.fake.listenTcp();

    /// A connection to the server with tcpOptions(), as `edit` changes them.
    ConnectionId open(const std::function<void(ConnectionOptions &)> &edit = {})
    {
        ConnectionOptions o = tcpOptions(server.fake.port());
        if (edit) edit(o);
        return m.open(o);
    }
    /// Waits (running events) until `r`'s result is in; false if it is not within kWaitMs.
    bool waitFor(RequestId r)
    {
        return QTest::qWaitFor([&] { return results.has(r); }, kWaitMs);
    }
    /// Sends `text` and waits for its result; a Timeout error if none came.
    QueryResult ask(ConnectionId id, const QByteArray &text)
    {
        const RequestId r = m.query(id, text);
        if (waitFor(r)) return results.get(r);
        QueryResult none;
        none.error = NetError{NetError::Timeout, QStringLiteral("no result in 20 s")};
        return none;
    }
};

/// Waits for `done` without running this thread's events (what other threads post to it stays
/// queued); false if it is not true within kWaitMs.
template<class Done>
bool waitWithoutEvents(Done done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > kWaitMs) return false;
        QThread::usleep(200);
    }
    return true;
}

/// This process's descriptor for the TCP socket from local port `localPort` to `peerPort` on
/// 127.0.0.1 (the engine's end of a connection the server accepted), -1 if there is none.
int socketFd(quint16 localPort, quint16 peerPort)
{
    const QStringList fds =
        QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &name : fds) {
        const int fd = name.toInt();
        sockaddr_in local{}, peer{};
        socklen_t localSize = sizeof local, peerSize = sizeof peer;
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localSize) != 0 ||
            ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerSize) != 0 ||
            local.sin_family != AF_INET)
            continue;
        if (ntohs(local.sin_port) == localPort && ntohs(peer.sin_port) == peerPort) return fd;
    }
    return -1;
}

/// Bytes waiting in a socket's kernel receive buffer (FIONREAD), -1 on error.
int unread(int fd)
{
    int n = 0;
    return ::ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

/// Bytes sent on a socket that its peer's kernel has not yet acknowledged (SIOCOUTQ), -1 on error.
int unacknowledged(int fd)
{
    int n = 0;
    return ::ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

} // namespace

class TestNetSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byteSizes();
    void descriptorLimitRaised();
    void resultOverLimitResetsAndGoesOn();
    void compressedClaimOverLimit();
    void compressionExpandingBeyondLimit();
    void pushOverLimit();
    void confirmSizeAccepted();
    void confirmSizeRefused();
    void confirmNotAskedOverLimit();
    void capabilityGranted();
    void limitErrorExplained();
    void cancelOnTheWireClosesTheSocket();
    void cancelQueuedKeepsTheConnection();
    void cancelBothOnASilentServer();
    void cancelledAnswerNeverDelivered();
};

void TestNetSafety::byteSizes()
{
    QCOMPARE(formatByteSize(900), QStringLiteral("900 bytes"));
    QCOMPARE(formatByteSize(qint64(1) << 30), QStringLiteral("1 GB"));
    QCOMPARE(formatByteSize(qint64(3.2 * double(qint64(1) << 30))), QStringLiteral("3.2 GB"));
    QCOMPARE(formatByteSize(qint64(12) << 20), QStringLiteral("12 MB"));
    QCOMPARE(formatByteSize(1536), QStringLiteral("1.5 KB"));
    // A quarter of this machine's memory, within the bounds the protocol allows.
    const qint64 limit = defaultMessageLimit();
    QVERIFY(limit >= qint64(256) << 20);
    QVERIFY(limit < qint64(1) << 40);
    QCOMPARE(ConnectionOptions().maxMessageBytes, limit);
    QCOMPARE(ConnectionOptions().capability, 6);
}

void TestNetSafety::descriptorLimitRaised()
{
    rlimit saved{};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    const auto restore = qScopeGuard([&] { ::setrlimit(RLIMIT_NOFILE, &saved); });
    const qint64 hard = saved.rlim_max == RLIM_INFINITY ? qint64(1) << 40 : qint64(saved.rlim_max);
    QVERIFY2(hard >= 2048, "the hard open-file limit is too low to test raising it");
    rlimit low = saved;
    low.rlim_cur = 256;
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    const DescriptorLimit raised = raiseDescriptorLimit(2048);
    QVERIFY2(raised.ok(), qPrintable(raised.error));
    QCOMPARE(raised.previous, qint64(256));
    QCOMPARE(raised.current, qint64(2048));
    rlimit now{};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &now) == 0);
    QCOMPARE(qint64(now.rlim_cur), qint64(2048));
    // Never lowered; asking again changes nothing.
    const DescriptorLimit again = raiseDescriptorLimit(1024);
    QCOMPARE(again.current, qint64(2048));
    QVERIFY(again.ok());
}

void TestNetSafety::resultOverLimitResetsAndGoesOn()
{
    Rig rig;
    QVERIFY(rig.listening);
    QSignalSpy exceeded(&rig.m, &ConnectionManager::limitExceeded);
    const ConnectionId id =
        rig.open([](ConnectionOptions &o) { o.maxMessageBytes = qint64(1) << 20; });
    const RequestId big = rig.m.query(id, "big 300000"); // 2.3 MB
    const RequestId behind = rig.m.query(id, "1+1");
    QVERIFY(rig.waitFor(big) && rig.waitFor(behind));
    QCOMPARE(rig.results.get(big).error->kind, NetError::TooLarge);
    QVERIFY2(errorText(rig.results.get(big))
                 .startsWith(QStringLiteral(
                     "result of 2.3 MB exceeds this connection's limit of 1 MB; the connection "
                     "was reset")),
             qPrintable(errorText(rig.results.get(big))));
    // The request queued behind went out on the new socket and was answered.
    QVERIFY2(rig.results.get(behind).ok(), qPrintable(errorText(rig.results.get(behind))));
    QCOMPARE(rig.results.get(behind).value.longValue(), 2);
    QCOMPARE(rig.server.fake.logins, 2);
    QCOMPARE(rig.server.disconnectAt(1) >= 0, true);
    QCOMPARE(exceeded.size(), 1);
    QCOMPARE(exceeded.at(0).at(1).value<NetError>().kind, NetError::TooLarge);
    // Under the limit, the same connection takes a result as usual.
    const QueryResult fits = rig.ask(id, "big 100000");
    QVERIFY2(fits.ok(), qPrintable(errorText(fits)));
    QCOMPARE(fits.value.count(), 100000);
}

void TestNetSafety::compressedClaimOverLimit()
{
    // A 34-byte compressed frame that claims 5 GB uncompressed: refused from its first 12 bytes,
    // nothing allocated for it.
    Rig rig;
    QVERIFY(rig.listening);
    // Capability-6 form: byte 2 = 2, the uncompressed size as 8 bytes (5 GB).
    QByteArray wide("\x01\x02\x02\x00\x22\x00\x00\x00", 8);
    const quint64 five = quint64(5) << 30;
    wide.append(reinterpret_cast<const char *>(&five), 8);
    wide.append(18, '\0');
    rig.server.raw = wide;
    const ConnectionId id =
        rig.open([](ConnectionOptions &o) { o.maxMessageBytes = qint64(1) << 30; });
    const RequestId r = rig.m.query(id, "raw");
    const RequestId behind = rig.m.query(id, "1+1");
    QVERIFY(rig.waitFor(r) && rig.waitFor(behind));
    QCOMPARE(rig.results.get(r).error->kind, NetError::TooLarge);
    QVERIFY2(errorText(rig.results.get(r))
                 .startsWith(QStringLiteral("result of 5 GB exceeds this connection's limit of "
                                            "1 GB")),
             qPrintable(errorText(rig.results.get(r))));
    QCOMPARE(rig.results.get(behind).value.longValue(), 2);
}

void TestNetSafety::compressionExpandingBeyondLimit()
{
    // Valid kdb+ compression: 8 MB of zeros travel in a few hundred KB; the uncompressed size is
    // what counts.
    Rig rig;
    QVERIFY(rig.listening);
    const QByteArray wire = response(longs(1 << 20, 0), true);
    QVERIFY(wire.size() < (1 << 20));
    QCOMPARE(wire.at(2), char(1));
    const ConnectionId id =
        rig.open([](ConnectionOptions &o) { o.maxMessageBytes = qint64(4) << 20; });
    const QueryResult r = rig.ask(id, "zeros 1048576");
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, NetError::TooLarge);
    QVERIFY2(errorText(r).startsWith(QStringLiteral("result of 8 MB exceeds this connection's "
                                                    "limit of 4 MB")),
             qPrintable(errorText(r)));
    // Within the limit the same compressed answer decodes.
    const QueryResult small = rig.ask(id, "zeros 100000");
    QVERIFY2(small.ok(), qPrintable(errorText(small)));
    QCOMPARE(small.value.count(), 100000);
}

void TestNetSafety::pushOverLimit()
{
    // A push (no request waiting) over the limit: the connection is dropped and says why.
    Rig rig;
    QVERIFY(rig.listening);
    QSignalSpy exceeded(&rig.m, &ConnectionManager::limitExceeded);
    const ConnectionId id =
        rig.open([](ConnectionOptions &o) { o.maxMessageBytes = qint64(1) << 20; });
    const QueryResult first = rig.ask(id, "1+1");
    QVERIFY2(first.ok(), qPrintable(errorText(first)));
    EncodeOptions e;
    e.type = MessageType::Async;
    rig.server.fake.clients().first()->write(encodeMessage(longs(200000), e));
    QTRY_VERIFY_WITH_TIMEOUT(exceeded.size() == 1, kWaitMs);
    const NetError error = exceeded.at(0).at(1).value<NetError>();
    QCOMPARE(error.kind, NetError::TooLarge);
    QVERIFY2(error.message.startsWith(QStringLiteral("message from the server of 1.5 MB exceeds "
                                                     "this connection's limit of 1 MB")),
             qPrintable(error.message));
    // Not reopened at once (a feed would send the next one just as big): the reconnect policy
    // decides, here none, so the handle closes and says why; a new request reopens it.
    QTRY_COMPARE_WITH_TIMEOUT(rig.m.state(id), ConnectionState::Closed, kWaitMs);
    QCOMPARE(rig.server.fake.logins, 1);
    QCOMPARE(rig.ask(id, "1+1").value.longValue(), 2);
    QCOMPARE(rig.server.fake.logins, 2);
}

void TestNetSafety::confirmSizeAccepted()
{
    Rig rig;
    QVERIFY(rig.listening);
    QList<std::pair<RequestId, qint64>> announced;
    connect(&rig.m, &ConnectionManager::sizeAnnounced, this, [&](RequestId r, qint64 bytes) {
        announced.append({r, bytes});
    });
    const ConnectionId id = rig.open([](ConnectionOptions &o) {
        o.confirmAboveBytes = 100 * 1024;
        o.queryTimeoutMs = 2000; // stops once the size is announced: the server has answered
    });
    const QueryResult small = rig.ask(id, "big 1000"); // 8 KB: not asked about
    QVERIFY(small.ok());
    QVERIFY(announced.isEmpty());

    const RequestId r = rig.m.query(id, "big 400000"); // 3.05 MB
    QTRY_VERIFY_WITH_TIMEOUT(!announced.isEmpty(), kWaitMs);
    QCOMPARE(announced.first().first, r);
    QCOMPARE(announced.first().second, qint64(400000) * 8 + 14);
    // Held: nothing is delivered while the user decides, however long (past the timeout).
    QTest::qWait(2500);
    QVERIFY(!rig.results.has(r));
    rig.m.acceptLarge(r);
    QVERIFY(rig.waitFor(r));
    QVERIFY2(rig.results.get(r).ok(), qPrintable(errorText(rig.results.get(r))));
    QCOMPARE(rig.results.get(r).value.count(), 400000);
    QCOMPARE(rig.results.get(r).value.at<int64_t>(399999), 399999);
    QCOMPARE(announced.size(), 1);
    QCOMPARE(rig.server.fake.logins, 1); // the same socket throughout
}

void TestNetSafety::confirmSizeRefused()
{
    Rig rig;
    QVERIFY(rig.listening);
    QList<RequestId> announced;
    connect(&rig.m, &ConnectionManager::sizeAnnounced, this,
            [&](RequestId r, qint64) { announced.append(r); });
    const ConnectionId id =
        rig.open([](ConnectionOptions &o) { o.confirmAboveBytes = 100 * 1024; });
    const RequestId r = rig.m.query(id, "big 400000");
    const RequestId behind = rig.m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(!announced.isEmpty(), kWaitMs);
    rig.m.cancel(r);
    QVERIFY(rig.waitFor(r) && rig.waitFor(behind));
    QCOMPARE(rig.results.get(r).error->kind, NetError::Cancelled);
    QCOMPARE(errorText(rig.results.get(r)),
             QStringLiteral("refused a result of 3.1 MB: qscope dropped the connection without "
                            "reading it and is reconnecting"));
    QCOMPARE(rig.results.get(behind).value.longValue(), 2);
    QVERIFY(rig.server.disconnectAt(1) >= 0);
    QCOMPARE(rig.server.fake.logins, 2);
}

void TestNetSafety::confirmNotAskedOverLimit()
{
    // Over the limit it is refused whatever the answer would be: nobody is asked.
    Rig rig;
    QVERIFY(rig.listening);
    QSignalSpy announced(&rig.m, &ConnectionManager::sizeAnnounced);
    const ConnectionId id = rig.open([](ConnectionOptions &o) {
        o.confirmAboveBytes = 100 * 1024;
        o.maxMessageBytes = qint64(1) << 20;
    });
    const QueryResult r = rig.ask(id, "big 300000");
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, NetError::TooLarge);
    QCOMPARE(announced.size(), 0);
}

void TestNetSafety::capabilityGranted()
{
    // The demo server answers the handshake as kdb+ does: min(what the client asks, 6).
    DemoServer demo;
    DemoOptions d;
    d.port = 0;
    d.feed = false;
    d.unixSocket = false;
    QString error;
    QVERIFY2(demo.start(d, &error), qPrintable(error));
    ConnectionManager m;
    Results results(m);
    auto asked6 = tcpOptions(demo.port());
    auto asked3 = tcpOptions(demo.port());
    asked3.capability = 3;
    const ConnectionId six = m.open(asked6);
    const ConnectionId three = m.open(asked3);
    const RequestId a = m.query(six, "1+1");
    const RequestId b = m.query(three, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(a) && results.has(b), kWaitMs);
    HandleRegistry *reg = m.registry();
    QTRY_VERIFY_WITH_TIMEOUT(reg->rowOf(six) >= 0 && reg->rowOf(three) >= 0, kWaitMs);
    QCOMPARE(reg->at(reg->rowOf(six)).capability, 6);
    QCOMPARE(reg->at(reg->rowOf(three)).capability, 3);
    // The details a handles view shows: the limit in force, default or chosen.
    QCOMPARE(reg->at(reg->rowOf(six)).maxMessageBytes, defaultMessageLimit());
    demo.stop();
}

void TestNetSafety::limitErrorExplained()
{
    // FakeQServer grants capability 3: kdb+'s 'limit then means "over 2 GB, needs 6".
    Rig rig;
    QVERIFY(rig.listening);
    const QueryResult r = rig.ask(rig.open(), "limit");
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, NetError::QError);
    QCOMPARE(errorText(r),
             QStringLiteral("limit: the result is larger than 2 GB: this server would need "
                            "capability 6 to send it, and it granted capability 3"));
}

void TestNetSafety::cancelOnTheWireClosesTheSocket()
{
    Rig rig;
    QVERIFY(rig.listening);
    const ConnectionId id = rig.open();
    const RequestId r = rig.m.query(id, "sleep");
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.messageAt("sleep") >= 0, kWaitMs);
    QElapsedTimer clock;
    clock.start();
    rig.m.cancel(r);
    // The server sees its client go within a second: the cancel was real.
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.disconnectAt(1) >= 0, kWaitMs);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(rig.waitFor(r));
    QCOMPARE(rig.results.get(r).error->kind, NetError::Cancelled);
    QVERIFY(errorText(rig.results.get(r)).contains(QStringLiteral("dropped the connection")));
    // ...and reopened: the next query is answered on a new socket.
    QCOMPARE(rig.ask(id, "1+1").value.longValue(), 2);
    QCOMPARE(rig.server.fake.logins, 2);
}

void TestNetSafety::cancelQueuedKeepsTheConnection()
{
    Rig rig;
    QVERIFY(rig.listening);
    const ConnectionId id = rig.open();
    const RequestId running = rig.m.query(id, "sleep");
    const RequestId queued = rig.m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.messageAt("sleep") >= 0, kWaitMs);
    rig.m.cancel(queued);
    QVERIFY(rig.waitFor(queued));
    QCOMPARE(rig.results.get(queued).error->kind, NetError::Cancelled);
    QCOMPARE(errorText(rig.results.get(queued)), QStringLiteral("cancelled before it was sent"));
    // No drop was claimed and none happened: the same socket, still waiting on "sleep", and
    // the cancelled query never reached the server.
    QTest::qWait(300);
    QCOMPARE(rig.server.disconnects(), 0);
    QCOMPARE(rig.server.fake.logins, 1);
    QCOMPARE(rig.server.fake.queriesSeen("1+1"), 0);
    QVERIFY(!rig.results.has(running));
    rig.m.cancel(running);
    QVERIFY(rig.waitFor(running));
    QCOMPARE(rig.results.get(running).error->kind, NetError::Cancelled);
}

void TestNetSafety::cancelBothOnASilentServer()
{
    // #14's sequence against a server that never answers: run, run again, cancel, cancel.
    Rig rig;
    QVERIFY(rig.listening);
    const ConnectionId id = rig.open();
    const RequestId first = rig.m.query(id, "sleep");
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.messageAt("sleep") >= 0, kWaitMs);
    const RequestId second = rig.m.query(id, "sleep");
    rig.m.cancel(first);
    QVERIFY(rig.waitFor(first));
    rig.m.cancel(second);
    QVERIFY(rig.waitFor(second));
    QCOMPARE(rig.results.get(first).error->kind, NetError::Cancelled);
    QCOMPARE(rig.results.get(second).error->kind, NetError::Cancelled);
    // Each text is true to what happened to it: on the wire (dropped) or still queued.
    const bool secondSent = rig.server.fake.queriesSeen("sleep") == 2;
    QCOMPARE(errorText(rig.results.get(second)) == QStringLiteral("cancelled before it was sent"),
             !secondSent);
    QTRY_COMPARE_WITH_TIMEOUT(rig.server.disconnects(), secondSent ? 2 : 1, kWaitMs);
    // The connection is usable afterwards, and nothing is left pending.
    QCOMPARE(rig.ask(id, "1+1").value.longValue(), 2);
    HandleRegistry *reg = rig.m.registry();
    QTRY_VERIFY_WITH_TIMEOUT(reg->rowOf(id) >= 0 && reg->at(reg->rowOf(id)).pendingQueries == 0,
                             kWaitMs);
    QCOMPARE(rig.m.state(id), ConnectionState::Open);
}

void TestNetSafety::cancelledAnswerNeverDelivered()
{
    Rig rig;
    QVERIFY(rig.listening);
    const ConnectionId id = rig.open();
    // An answer on its way (300 ms) when the cancel comes: it must never be delivered.
    const RequestId late = rig.m.query(id, "late");
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.messageAt("late") >= 0, kWaitMs);
    rig.m.cancel(late);
    QVERIFY(rig.waitFor(late));
    QTest::qWait(600);
    QCOMPARE(rig.results.deliveries.value(late), 1);
    QCOMPARE(rig.results.get(late).error->kind, NetError::Cancelled);

    // An answer already in the engine (read off the socket, its result posted to this thread)
    // when the cancel comes. Staged by conditions, not by time: the server holds the answer
    // until the query has been seen; from writing it to the cancel this thread runs no events,
    // so the posted result waits in its queue while the cancel is made.
    const QueryResult warm = rig.ask(id, "1+1"); // the reconnect after the drop is done
    QVERIFY2(warm.ok(), qPrintable(errorText(warm)));
    const int loginsBefore = rig.server.fake.logins;
    const int disconnectsBefore = rig.server.disconnects();
    const RequestId crossing = rig.m.query(id, "held");
    QTRY_VERIFY_WITH_TIMEOUT(rig.server.held, kWaitMs);
    QTcpSocket *serverSide = rig.server.held;
    const int engineFd = socketFd(serverSide->peerPort(), rig.server.fake.port());
    QVERIFY2(engineFd >= 0, "the engine's socket is not among this process's descriptors");
    FakeQServer::reply(serverSide, Value::longAtom(42));
    QVERIFY(serverSide->flush());
    QCOMPARE(serverSide->bytesToWrite(), qint64(0));
    // The engine's kernel has the answer (it acknowledged every byte) ...
    QVERIFY(waitWithoutEvents([&] { return unacknowledged(serverSide->socketDescriptor()) == 0; }));
    // ... and the engine's network thread has read it out of the socket: the read, the decode
    // and the post of the result happen in one go on that thread, before it takes the cancel.
    QVERIFY(waitWithoutEvents([&] { return unread(engineFd) == 0; }));
    QVERIFY(!rig.results.has(crossing));
    rig.m.cancel(crossing);
    QVERIFY(rig.waitFor(crossing));
    QVERIFY2(rig.results.get(crossing).error, "the cancelled request's answer was delivered");
    QCOMPARE(rig.results.get(crossing).error->kind, NetError::Cancelled);
    QVERIFY(!rig.results.get(crossing).value.isAtom()); // the 42 is not handed on
    QCOMPARE(errorText(rig.results.get(crossing)),
             QStringLiteral("cancelled; its answer arrived as it was cancelled and was discarded"));
    // Nothing was on the wire any more, so nothing was dropped: the same socket answers the
    // next query, and the cancelled one is never delivered a second time.
    QCOMPARE(rig.ask(id, "1+1").value.longValue(), 2);
    QCOMPARE(rig.results.deliveries.value(crossing), 1);
    QCOMPARE(rig.server.disconnects(), disconnectsBefore);
    QCOMPARE(rig.server.fake.logins, loginsBefore);
}

QTEST_GUILESS_MAIN(TestNetSafety)
#include "tst_netsafety.moc"
