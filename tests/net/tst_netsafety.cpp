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

#include <sys/resource.h>

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
/// whatever `raw` holds, "late" after 300 ms, and "sleep" never (the socket then answers
/// nothing more, like kdb+ stuck in a long query).
struct Server
{
    FakeQServer fake;
    QByteArray raw;
    QSet<QIODevice *> busy;

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
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    QSignalSpy exceeded(&m, &ConnectionManager::limitExceeded);
    auto o = tcpOptions(server.fake.port());
    o.maxMessageBytes = qint64(1) << 20;
    const ConnectionId id = m.open(o);
    const RequestId big = m.query(id, "big 300000"); // 2.3 MB
    const RequestId behind = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(big) && results.has(behind), kWaitMs);
    QCOMPARE(results.get(big).error->kind, NetError::TooLarge);
    QVERIFY2(errorText(results.get(big))
                 .startsWith(QStringLiteral(
                     "result of 2.3 MB exceeds this connection's limit of 1 MB; the connection "
                     "was reset")),
             qPrintable(errorText(results.get(big))));
    // The request queued behind went out on the new socket and was answered.
    QVERIFY2(results.get(behind).ok(), qPrintable(errorText(results.get(behind))));
    QCOMPARE(results.get(behind).value.longValue(), 2);
    QCOMPARE(server.fake.logins, 2);
    QCOMPARE(server.disconnectAt(1) >= 0, true);
    QCOMPARE(exceeded.size(), 1);
    QCOMPARE(exceeded.at(0).at(1).value<NetError>().kind, NetError::TooLarge);
    // Under the limit, the same connection takes a result as usual.
    const RequestId fits = m.query(id, "big 100000");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(fits), kWaitMs);
    QCOMPARE(results.get(fits).value.count(), 100000);
}

void TestNetSafety::compressedClaimOverLimit()
{
    // A 34-byte compressed frame that claims 5 GB uncompressed: refused from its first 12 bytes,
    // nothing allocated for it.
    Server server;
    // Capability-6 form: byte 2 = 2, the uncompressed size as 8 bytes (5 GB).
    QByteArray wide("\x01\x02\x02\x00\x22\x00\x00\x00", 8);
    const quint64 five = quint64(5) << 30;
    wide.append(reinterpret_cast<const char *>(&five), 8);
    wide.append(18, '\0');
    server.raw = wide;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    auto o = tcpOptions(server.fake.port());
    o.maxMessageBytes = qint64(1) << 30;
    const ConnectionId id = m.open(o);
    const RequestId r = m.query(id, "raw");
    const RequestId behind = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r) && results.has(behind), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::TooLarge);
    QVERIFY2(errorText(results.get(r))
                 .startsWith(QStringLiteral("result of 5 GB exceeds this connection's limit of "
                                            "1 GB")),
             qPrintable(errorText(results.get(r))));
    QCOMPARE(results.get(behind).value.longValue(), 2);
}

void TestNetSafety::compressionExpandingBeyondLimit()
{
    // Valid kdb+ compression: 8 MB of zeros travel in a few hundred KB; the uncompressed size is
    // what counts.
    Server server;
    QVERIFY(server.fake.listenTcp());
    const QByteArray wire = response(longs(1 << 20, 0), true);
    QVERIFY(wire.size() < (1 << 20));
    QCOMPARE(wire.at(2), char(1));
    ConnectionManager m;
    Results results(m);
    auto o = tcpOptions(server.fake.port());
    o.maxMessageBytes = qint64(4) << 20;
    const ConnectionId id = m.open(o);
    const RequestId r = m.query(id, "zeros 1048576");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::TooLarge);
    QVERIFY2(errorText(results.get(r))
                 .startsWith(QStringLiteral("result of 8 MB exceeds this connection's limit of "
                                            "4 MB")),
             qPrintable(errorText(results.get(r))));
    // Within the limit the same compressed answer decodes.
    const RequestId small = m.query(id, "zeros 100000");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(small), kWaitMs);
    QVERIFY2(results.get(small).ok(), qPrintable(errorText(results.get(small))));
    QCOMPARE(results.get(small).value.count(), 100000);
}

void TestNetSafety::pushOverLimit()
{
    // A push (no request waiting) over the limit: the connection is dropped and says why.
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    QSignalSpy exceeded(&m, &ConnectionManager::limitExceeded);
    auto o = tcpOptions(server.fake.port());
    o.maxMessageBytes = qint64(1) << 20;
    const ConnectionId id = m.open(o);
    const RequestId first = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(first), kWaitMs);
    EncodeOptions e;
    e.type = MessageType::Async;
    server.fake.clients().first()->write(encodeMessage(longs(200000), e));
    QTRY_VERIFY_WITH_TIMEOUT(exceeded.size() == 1, kWaitMs);
    const NetError error = exceeded.at(0).at(1).value<NetError>();
    QCOMPARE(error.kind, NetError::TooLarge);
    QVERIFY2(error.message.startsWith(QStringLiteral("message from the server of 1.5 MB exceeds "
                                                     "this connection's limit of 1 MB")),
             qPrintable(error.message));
    // Not reopened at once (a feed would send the next one just as big): the reconnect policy
    // decides, here none, so the handle closes and says why; a new request reopens it.
    QTRY_COMPARE_WITH_TIMEOUT(m.state(id), ConnectionState::Closed, kWaitMs);
    QCOMPARE(server.fake.logins, 1);
    const RequestId after = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(after), kWaitMs);
    QCOMPARE(results.get(after).value.longValue(), 2);
    QCOMPARE(server.fake.logins, 2);
}

void TestNetSafety::confirmSizeAccepted()
{
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    QList<std::pair<RequestId, qint64>> announced;
    connect(&m, &ConnectionManager::sizeAnnounced, this, [&](RequestId r, qint64 bytes) {
        announced.append({r, bytes});
    });
    auto o = tcpOptions(server.fake.port());
    o.confirmAboveBytes = 100 * 1024;
    o.queryTimeoutMs = 2000; // stops once the size is announced: the server has answered
    const ConnectionId id = m.open(o);
    const RequestId small = m.query(id, "big 1000"); // 8 KB: not asked about
    QTRY_VERIFY_WITH_TIMEOUT(results.has(small), kWaitMs);
    QVERIFY(results.get(small).ok());
    QVERIFY(announced.isEmpty());

    const RequestId r = m.query(id, "big 400000"); // 3.05 MB
    QTRY_VERIFY_WITH_TIMEOUT(!announced.isEmpty(), kWaitMs);
    QCOMPARE(announced.first().first, r);
    QCOMPARE(announced.first().second, qint64(400000) * 8 + 14);
    // Held: nothing is delivered while the user decides, however long (past the timeout).
    QTest::qWait(2500);
    QVERIFY(!results.has(r));
    m.acceptLarge(r);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r), kWaitMs);
    QVERIFY2(results.get(r).ok(), qPrintable(errorText(results.get(r))));
    QCOMPARE(results.get(r).value.count(), 400000);
    QCOMPARE(results.get(r).value.at<int64_t>(399999), 399999);
    QCOMPARE(announced.size(), 1);
    QCOMPARE(server.fake.logins, 1); // the same socket throughout
}

void TestNetSafety::confirmSizeRefused()
{
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    QList<RequestId> announced;
    connect(&m, &ConnectionManager::sizeAnnounced, this,
            [&](RequestId r, qint64) { announced.append(r); });
    auto o = tcpOptions(server.fake.port());
    o.confirmAboveBytes = 100 * 1024;
    const ConnectionId id = m.open(o);
    const RequestId r = m.query(id, "big 400000");
    const RequestId behind = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(!announced.isEmpty(), kWaitMs);
    m.cancel(r);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r) && results.has(behind), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::Cancelled);
    QCOMPARE(errorText(results.get(r)),
             QStringLiteral("refused a result of 3.1 MB: qscope dropped the connection without "
                            "reading it and is reconnecting"));
    QCOMPARE(results.get(behind).value.longValue(), 2);
    QVERIFY(server.disconnectAt(1) >= 0);
    QCOMPARE(server.fake.logins, 2);
}

void TestNetSafety::confirmNotAskedOverLimit()
{
    // Over the limit it is refused whatever the answer would be: nobody is asked.
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    QSignalSpy announced(&m, &ConnectionManager::sizeAnnounced);
    auto o = tcpOptions(server.fake.port());
    o.confirmAboveBytes = 100 * 1024;
    o.maxMessageBytes = qint64(1) << 20;
    const ConnectionId id = m.open(o);
    const RequestId r = m.query(id, "big 300000");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::TooLarge);
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
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    const ConnectionId id = m.open(tcpOptions(server.fake.port()));
    const RequestId r = m.query(id, "limit");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::QError);
    QCOMPARE(errorText(results.get(r)),
             QStringLiteral("limit: the result is larger than 2 GB: this server would need "
                            "capability 6 to send it, and it granted capability 3"));
}

void TestNetSafety::cancelOnTheWireClosesTheSocket()
{
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    const ConnectionId id = m.open(tcpOptions(server.fake.port()));
    const RequestId r = m.query(id, "sleep");
    QTRY_VERIFY_WITH_TIMEOUT(server.messageAt("sleep") >= 0, kWaitMs);
    QElapsedTimer clock;
    clock.start();
    m.cancel(r);
    // The server sees its client go within a second: the cancel was real.
    QTRY_VERIFY_WITH_TIMEOUT(server.disconnectAt(1) >= 0, kWaitMs);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(results.has(r), kWaitMs);
    QCOMPARE(results.get(r).error->kind, NetError::Cancelled);
    QVERIFY(errorText(results.get(r)).contains(QStringLiteral("dropped the connection")));
    // ...and reopened: the next query is answered on a new socket.
    const RequestId next = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(next), kWaitMs);
    QCOMPARE(results.get(next).value.longValue(), 2);
    QCOMPARE(server.fake.logins, 2);
}

void TestNetSafety::cancelQueuedKeepsTheConnection()
{
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    const ConnectionId id = m.open(tcpOptions(server.fake.port()));
    const RequestId running = m.query(id, "sleep");
    const RequestId queued = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(server.messageAt("sleep") >= 0, kWaitMs);
    m.cancel(queued);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(queued), kWaitMs);
    QCOMPARE(results.get(queued).error->kind, NetError::Cancelled);
    QCOMPARE(errorText(results.get(queued)), QStringLiteral("cancelled before it was sent"));
    // No drop was claimed and none happened: the same socket, still waiting on "sleep", and
    // the cancelled query never reached the server.
    QTest::qWait(300);
    QCOMPARE(server.disconnects(), 0);
    QCOMPARE(server.fake.logins, 1);
    QCOMPARE(server.fake.queriesSeen("1+1"), 0);
    QVERIFY(!results.has(running));
    m.cancel(running);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(running), kWaitMs);
    QCOMPARE(results.get(running).error->kind, NetError::Cancelled);
}

void TestNetSafety::cancelBothOnASilentServer()
{
    // #14's sequence against a server that never answers: run, run again, cancel, cancel.
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    const ConnectionId id = m.open(tcpOptions(server.fake.port()));
    const RequestId first = m.query(id, "sleep");
    QTRY_VERIFY_WITH_TIMEOUT(server.messageAt("sleep") >= 0, kWaitMs);
    const RequestId second = m.query(id, "sleep");
    m.cancel(first);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(first), kWaitMs);
    m.cancel(second);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(second), kWaitMs);
    QCOMPARE(results.get(first).error->kind, NetError::Cancelled);
    QCOMPARE(results.get(second).error->kind, NetError::Cancelled);
    // Each text is true to what happened to it: on the wire (dropped) or still queued.
    const bool secondSent = server.fake.queriesSeen("sleep") == 2;
    QCOMPARE(errorText(results.get(second)) == QStringLiteral("cancelled before it was sent"),
             !secondSent);
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnects(), secondSent ? 2 : 1, kWaitMs);
    // The connection is usable afterwards, and nothing is left pending.
    const RequestId after = m.query(id, "1+1");
    QTRY_VERIFY_WITH_TIMEOUT(results.has(after), kWaitMs);
    QCOMPARE(results.get(after).value.longValue(), 2);
    HandleRegistry *reg = m.registry();
    QTRY_VERIFY_WITH_TIMEOUT(reg->rowOf(id) >= 0 && reg->at(reg->rowOf(id)).pendingQueries == 0,
                             kWaitMs);
    QCOMPARE(m.state(id), ConnectionState::Open);
}

void TestNetSafety::cancelledAnswerNeverDelivered()
{
    Server server;
    QVERIFY(server.fake.listenTcp());
    ConnectionManager m;
    Results results(m);
    const ConnectionId id = m.open(tcpOptions(server.fake.port()));
    // An answer on its way (300 ms) when the cancel comes: it must never be delivered.
    const RequestId late = m.query(id, "late");
    QTRY_VERIFY_WITH_TIMEOUT(server.messageAt("late") >= 0, kWaitMs);
    m.cancel(late);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(late), kWaitMs);
    QTest::qWait(600);
    QCOMPARE(results.deliveries.value(late), 1);
    QCOMPARE(results.get(late).error->kind, NetError::Cancelled);

    // An answer already in the engine (read, on its way to this thread) when the cancel comes:
    // still Cancelled, and since nothing was on the wire, no drop is claimed or made.
    // Waiting for the server to see the query processes events, and on a quick machine the
    // answer may be read and delivered in that same wait: then the cancel never crossed it, so
    // that attempt does not count and the next one tries again.
    RequestId quick = 0;
    int disconnectsBefore = 0;
    for (int attempt = 1; attempt <= 20; ++attempt) {
        const RequestId r = m.query(id, "1+1");
        QTRY_VERIFY_WITH_TIMEOUT(server.fake.queriesSeen("1+1") == attempt, kWaitMs);
        if (results.has(r)) continue; // answered before the cancel: not the case under test
        for (QIODevice *io : server.fake.clients())
            static_cast<QTcpSocket *>(io)->flush();
        disconnectsBefore = server.disconnects();
        quick = r;
        break;
    }
    // Where the engine always delivers within the test's own wait (seen on a fresh root), the
    // crossing cannot be staged from this thread; the cases above still ran.
    if (quick == 0) QSKIP("every answer arrived before its cancel could be sent");
    QThread::msleep(300); // no events: the network thread reads the answer and posts it here
    m.cancel(quick);
    QTRY_VERIFY_WITH_TIMEOUT(results.has(quick), kWaitMs);
    QTest::qWait(200);
    QCOMPARE(results.deliveries.value(quick), 1);
    QCOMPARE(results.get(quick).error->kind, NetError::Cancelled);
    QVERIFY(!results.get(quick).value.isAtom());
    const QString text = errorText(results.get(quick));
    qInfo("a cancel crossing its answer ended as: %s", qPrintable(text));
    if (text.contains(QStringLiteral("dropped")))
        QTRY_VERIFY_WITH_TIMEOUT(server.disconnects() > disconnectsBefore, kWaitMs);
    else
        QCOMPARE(server.disconnects(), disconnectsBefore);
}

QTEST_GUILESS_MAIN(TestNetSafety)
#include "tst_netsafety.moc"
