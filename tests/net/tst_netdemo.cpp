// The connection engine against the real in-process demo server (core/demo): queries and q
// errors, function application, async messages and the chaser, a push before a response, a
// refused login, the Unix socket, a kdb-tick subscription, reconnect and resubscribe after the
// server restarts on its port, executeFile, compression to a non-local peer (in a network
// namespace the test makes, where 192.0.2.1 is an address of this host that is not loopback),
// and deferred responses (-30!): a sync request answered later by another handle, after other
// traffic, as an error, ahead of requests behind it, and past its timeout.

#include "enginetestutil.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace qscope;
using namespace qscope::test;

namespace {

Value sym(const char *s)
{
    return Value::symbol(QByteArray(s));
}

/// (`.u.upd;`trade;(syms;prices;sizes)): what a feed handler sends the tickerplant.
Value tradeUpd(const std::vector<QByteArray> &syms, std::vector<double> prices,
               std::vector<int64_t> sizes)
{
    return Value::list({sym(".u.upd"), sym("trade"),
                        Value::list({Value::symbols(syms), Value::fromVector(Float, prices),
                                     Value::fromVector(Long, sizes)})});
}

/// The sym column of every upd in the batches, in arrival order.
QList<QByteArray> symsOf(const QList<FeedBatch> &batches)
{
    QList<QByteArray> out;
    for (const FeedBatch &b : batches)
        for (const Value &t : b.updates) {
            const int c = t.isTable() ? t.columnIndex("sym") : -1;
            if (c < 0) {
                out << "<not a table with sym: " + formatOneLine(t) + ">";
                continue;
            }
            const Value &col = t.columns().item(c);
            for (int64_t i = 0; i < col.count(); ++i)
                out << col.symAt(i);
        }
    return out;
}

qint64 rowsOf(const QList<FeedBatch> &batches)
{
    qint64 n = 0;
    for (const FeedBatch &b : batches)
        n += b.rows;
    return n;
}

constexpr auto kNetnsChildEnv = "QSCOPE_NETNS_CHILD";
/// Documentation range (RFC 5737): never routed anywhere; here an address of lo in a network
/// namespace of the test's own, so the peer is this host yet not a loopback address.
constexpr auto kNonLocalAddress = "192.0.2.1";

} // namespace

class TestNetDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tcpQueryAndQError();
    void functionApplication();
    void asyncThenChaser();
    void pushBeforeResponseOnOneHandle();
    void refusedLoginIsAccessDenied();
    void unixSocket();
    void subscriptionReceivesUpdBatches();
    void reconnectAndResubscribeAfterRestart();
    void executeLocalScript();
    void noCompressionToLoopback();
    void compressionToNonLocalPeer();
    void deferredAnswerAfterOtherTraffic();
    void deferredErrorIsQError();
    void requestBehindDeferredGetsItsOwnAnswer();
    void deferredQueryTimesOut();
};

namespace {

/// A gateway's halves in q: park defers the caller's sync request (-30!(::)) and notes its
/// handle; another handle answers it with -30!(h;isError;x).
const QByteArray kPark = "parked:`int$(); n:0; park:{parked::parked,.z.w; -30!(::)}";

Value parkCall()
{
    return Value::list({sym("park"), Value::longAtom(0)});
}

/// Polls query `expr` on `id` until it answers `want` (as describe() prints it).
bool waitFor(ConnectionManager &m, EngineRecorder &rec, ConnectionId id, const QByteArray &expr,
             const QByteArray &want)
{
    QElapsedTimer t;
    t.start();
    do {
        const RequestId r = m.query(id, expr);
        if (!QTest::qWaitFor([&] { return rec.has(r); }, kWaitMs)) return false;
        if (describe(rec.get(r)) == want) return true;
    } while (t.elapsed() < kWaitMs);
    return false;
}

/// The demo as a gateway that defers: connection a's calls to `park` wait until connection b
/// answers them with -30!. start() opens both, defines kPark and learns a's handle.
struct DeferringGateway
{
    DemoServer server;
    ConnectionManager m;
    EngineRecorder rec{m};
    ConnectionId a = 0;
    ConnectionId b = 0;
    int handleA = 0; ///< a's handle on the server (.z.w)
    QByteArray hs;   ///< handleA as a q int literal, e.g. "7i"

    /// Empty when ready, else what went wrong.
    QByteArray start()
    {
        if (!server.start(quietDemo())) return "the demo did not start";
        a = m.open(tcpTo(server.port()));
        b = m.open(tcpTo(server.port()));
        const QueryResult setup = await(m.query(b, kPark));
        if (!setup.ok()) return "kPark: " + describe(setup);
        const QueryResult ha = await(m.query(a, ".z.w"));
        if (!ha.ok()) return ".z.w: " + describe(ha);
        handleA = ha.value.intValue();
        hs = QByteArray::number(handleA) + "i";
        return {};
    }
    QueryResult await(RequestId r)
    {
        if (!QTest::qWaitFor([&] { return rec.has(r); }, kWaitMs)) {
            QueryResult none;
            none.error =
                NetError{NetError::Timeout, QStringLiteral("no result in the test's wait")};
            return none;
        }
        return rec.get(r);
    }
};

} // namespace

void TestNetDemo::tcpQueryAndQError()
{
    DemoServer server;
    QString err;
    QVERIFY2(server.start(quietDemo(), &err), qPrintable(err));
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId id = m.open(tcpTo(server.port()));
    const RequestId a = m.query(id, "1+1");
    const RequestId b = m.query(id, "til 5");
    const RequestId c = m.query(id, "1+`a");
    const RequestId d = m.query(id, "`trade`quote!count each (trade;quote)");
    QSCOPE_AWAIT(ra, rec, a);
    QSCOPE_AWAIT(rb, rec, b);
    QSCOPE_AWAIT(rc, rec, c);
    QSCOPE_AWAIT(rd, rec, d);
    QCOMPARE(describe(ra), QByteArray("ok: 2"));
    QCOMPARE(describe(rb), QByteArray("ok: 0 1 2 3 4"));
    // A q error is data: q's own word, with the query that caused it.
    QVERIFY(rc.error);
    QCOMPARE(rc.error->kind, NetError::QError);
    QCOMPARE(rc.error->message, QStringLiteral("type"));
    QCOMPARE(rc.query, QByteArray("1+`a"));
    QCOMPARE(describe(rd), QByteArray("ok: `trade`quote!0 0"));
    QVERIFY(ra.bytesIn > 8 && ra.bytesOut > 8);
    QCOMPARE(m.state(id), ConnectionState::Open);
    // The registry saw the handle, over TCP, with the capability the demo agreed to.
    QTRY_VERIFY_WITH_TIMEOUT(m.registry()->rowOf(id) >= 0 &&
                                 m.registry()->at(m.registry()->rowOf(id)).messagesIn >= 4,
                             kWaitMs);
    const HandleInfo &info = m.registry()->at(m.registry()->rowOf(id));
    QCOMPARE(info.transport, QStringLiteral("tcp"));
    QCOMPARE(info.capability, 6); // asked for 6 (the default), granted 6 as kdb+ does
}

void TestNetDemo::functionApplication()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId id = m.open(tcpTo(server.port()));
    const RequestId def = m.query(id, "f:{x+y}");
    // (`f;1;2): a named function with its arguments, as h(`f;1;2).
    const RequestId byName =
        m.call(id, Value::list({sym("f"), Value::longAtom(1), Value::longAtom(2)}));
    // ("{x+y}";1;2): a function given as source text, as PyKX conn('{x+y}', 1, 2).
    const RequestId bySource =
        m.call(id, Value::list({Value::string("{x+y}"), Value::longAtom(10), Value::longAtom(20)}));
    // Arguments of any shape travel as values, not text.
    const RequestId vectors =
        m.call(id, Value::list({sym("f"), Value::fromVector(Long, std::vector<int64_t>{1, 2, 3}),
                                Value::longAtom(100)}));
    const RequestId wrongType = m.call(id, Value::list({sym("f"), Value::longAtom(1), sym("a")}));
    const RequestId missing = m.call(id, Value::list({sym("nosuchfunction"), Value::longAtom(1)}));
    QSCOPE_AWAIT(rdef, rec, def);
    QVERIFY2(rdef.ok(), describe(rdef).constData());
    QSCOPE_AWAIT(r1, rec, byName);
    QCOMPARE(describe(r1), QByteArray("ok: 3"));
    QSCOPE_AWAIT(r2, rec, bySource);
    QCOMPARE(describe(r2), QByteArray("ok: 30"));
    QSCOPE_AWAIT(r3, rec, vectors);
    QCOMPARE(describe(r3), QByteArray("ok: 101 102 103"));
    QSCOPE_AWAIT(r4, rec, wrongType);
    QVERIFY(r4.error);
    QCOMPARE(r4.error->kind, NetError::QError);
    QCOMPARE(r4.error->message, QStringLiteral("type"));
    QSCOPE_AWAIT(r5, rec, missing);
    QVERIFY(r5.error);
    QCOMPARE(r5.error->kind, NetError::QError);
    QVERIFY2(r5.error->message.contains(QStringLiteral("nosuchfunction")),
             qPrintable(r5.error->message));
    // The connection is still in step after the errors.
    QSCOPE_AWAIT(r6, rec, m.query(id, "f[2;3]"));
    QCOMPARE(describe(r6), QByteArray("ok: 5"));
}

void TestNetDemo::asyncThenChaser()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId writer = m.open(tcpTo(server.port()));
    const ConnectionId observer = m.open(tcpTo(server.port()));
    QSCOPE_AWAIT(setup, rec, m.query(writer, "n:0; bump:{[k] n::n+k}"));
    QVERIFY2(setup.ok(), describe(setup).constData());
    constexpr int kMessages = 200;
    for (int i = 0; i < kMessages; ++i) {
        if (i % 2)
            m.send(writer, Value::string("n+:1")); // neg[h]"n+:1"
        else
            m.send(writer, Value::list({sym("bump"), Value::longAtom(1)})); // neg[h](`bump;1)
    }
    // The chaser (h"") is answered only after every async message before it was read and run
    // (q handles one handle's messages in order): another handle must already see them all.
    const RequestId chaser = m.flush(writer);
    QSCOPE_AWAIT(rchaser, rec, chaser);
    QVERIFY2(rchaser.ok(), describe(rchaser).constData());
    QSCOPE_AWAIT(seen, rec, m.query(observer, "n"));
    QCOMPARE(describe(seen), QByteArray("ok: ") + QByteArray::number(kMessages));
    // An async message that fails on the server is q's business (logged there); the handle
    // stays usable and in order.
    m.send(writer, Value::string("1+`a"));
    QSCOPE_AWAIT(after, rec, m.query(writer, "n"));
    QCOMPARE(describe(after), QByteArray("ok: ") + QByteArray::number(kMessages));
}

void TestNetDemo::pushBeforeResponseOnOneHandle()
{
    // The tickerplant's upd is a push before a response: a sync .u.upd from a subscribed
    // handle publishes to that same handle before answering (deferred responses, below, give
    // pushes while a request waits). The engine must route the push to the subscription
    // and still match the response to its request.
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    ConnectionManager m;
    m.setObjectName(QStringLiteral("engine"));
    EngineRecorder rec(m);
    QList<FeedBatch> batches;
    connect(&m, &ConnectionManager::feedBatch, &m, [&](const FeedBatch &b) { batches << b; });
    QSignalSpy subscribed(&m, &ConnectionManager::subscribed);
    QSignalSpy pushed(&m, &ConnectionManager::pushed);
    ConnectionOptions o = tcpTo(server.port());
    o.tapFrames = true;
    const ConnectionId id = m.open(o);
    m.subscribe(id, "trade");
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    const RequestId pub = m.call(id, tradeUpd({"IBM", "AAPL"}, {20.5, 101.0}, {10, 20}));
    const RequestId next = m.query(id, "count trade");
    QSCOPE_AWAIT(rpub, rec, pub);
    QVERIFY2(rpub.ok(), describe(rpub).constData());
    QSCOPE_AWAIT(rnext, rec, next);
    QCOMPARE(describe(rnext), QByteArray("ok: 2"));
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(batches), qint64(2), kWaitMs);
    QCOMPARE(symsOf(batches), (QList<QByteArray>{"IBM", "AAPL"}));
    QCOMPARE(pushed.size(), 0); // the upd went to the subscription, not to `pushed`
    // On the wire the async upd (type 0) came before the .u.upd response (type 2).
    QList<quint8> incoming;
    for (const FrameRecord &f : m.frames(id))
        if (f.incoming) incoming << f.messageType;
    QCOMPARE(incoming, (QList<quint8>{2, 0, 2, 2}));
}

void TestNetDemo::refusedLoginIsAccessDenied()
{
    QTemporaryDir dir;
    DemoServer server;
    const DemoOptions so = quietDemoWithUsers(dir, "alice:secret\n");
    QVERIFY(!so.usersFile.isEmpty());
    QString err;
    QVERIFY2(server.start(so, &err), qPrintable(err));
    ConnectionManager m;
    EngineRecorder rec(m);

    ConnectionOptions wrong = tcpTo(server.port());
    wrong.user = QStringLiteral("alice");
    wrong.password = QStringLiteral("guess");
    wrong.reconnect.attempts = 5; // a refusal is final: never retried
    wrong.reconnect.initialDelayMs = 10;
    const ConnectionId bad = m.open(wrong);
    const RequestId r = m.query(bad, "1+1");
    QSCOPE_AWAIT(refused, rec, r);
    QVERIFY(refused.error);
    QCOMPARE(refused.error->kind, NetError::AccessDenied);
    QCOMPARE(refused.error->message, QStringLiteral("access denied"));
    QTRY_COMPARE_WITH_TIMEOUT(m.state(bad), ConnectionState::Failed, kWaitMs);
    QVERIFY(!rec.reached(bad, ConnectionState::Reconnecting));
    QVERIFY2(rec.lastDetail(bad).contains(QStringLiteral("access denied")),
             qPrintable(rec.lastDetail(bad)));
    QTRY_VERIFY_WITH_TIMEOUT(m.registry()->rowOf(bad) >= 0 &&
                                 m.registry()->at(m.registry()->rowOf(bad)).lastError ==
                                     QStringLiteral("access denied"),
                             kWaitMs);

    ConnectionOptions anonymous = tcpTo(server.port());
    const ConnectionId anon = m.open(anonymous);
    QSCOPE_AWAIT(anonRefused, rec, m.query(anon, "1+1"));
    QVERIFY(anonRefused.error);
    QCOMPARE(anonRefused.error->kind, NetError::AccessDenied);

    ConnectionOptions right = tcpTo(server.port());
    right.user = QStringLiteral("alice");
    right.password = QStringLiteral("secret");
    const ConnectionId good = m.open(right);
    QSCOPE_AWAIT(ok, rec, m.query(good, ".z.u"));
    QCOMPARE(describe(ok), QByteArray("ok: `alice"));
}

void TestNetDemo::unixSocket()
{
    DemoServer server;
    DemoOptions so = quietDemo();
    so.unixSocket = true;
    QVERIFY(server.start(so));
    ConnectionManager m;
    EngineRecorder rec(m);
    // unix://PORT is the abstract socket @/tmp/kx.PORT, as q's hopen`:unix://PORT.
    const auto parsed = ServerAddress::parse(QStringLiteral("unix://%1").arg(server.port()));
    QVERIFY(parsed);
    QCOMPARE(parsed->unixSocket, QStringLiteral("@/tmp/kx.%1").arg(server.port()));
    ConnectionOptions byUrl;
    byUrl.address = *parsed;
    const ConnectionId a = m.open(byUrl);
    ConnectionOptions byName;
    byName.address.host.clear();
    byName.address.unixSocket = QStringLiteral("@/tmp/kx.%1").arg(server.port());
    const ConnectionId b = m.open(byName);
    // -38!.z.w: the server's view of the handle; `u is a Unix domain socket.
    QSCOPE_AWAIT(ra, rec, m.query(a, "(-38!.z.w)`f"));
    QSCOPE_AWAIT(rb, rec, m.query(b, "(-38!.z.w)`f"));
    QCOMPARE(describe(ra), QByteArray("ok: `u"));
    QCOMPARE(describe(rb), QByteArray("ok: `u"));
    QSCOPE_AWAIT(big, rec, m.query(a, "til 100000"));
    QVERIFY2(big.ok(), describe(big).constData());
    QCOMPARE(big.value.count(), int64_t(100000));
    QCOMPARE(big.value.at<int64_t>(99999), int64_t(99999));
    QTRY_VERIFY_WITH_TIMEOUT(m.registry()->rowOf(a) >= 0, kWaitMs);
    QCOMPARE(m.registry()->at(m.registry()->rowOf(a)).transport, QStringLiteral("unix"));
    QCOMPARE(m.registry()->at(m.registry()->rowOf(a)).server,
             QStringLiteral("unix://%1").arg(server.port()));
    // The same server on TCP says `t.
    const ConnectionId c = m.open(tcpTo(server.port()));
    QSCOPE_AWAIT(rc, rec, m.query(c, "(-38!.z.w)`f"));
    QCOMPARE(describe(rc), QByteArray("ok: `t"));
}

void TestNetDemo::subscriptionReceivesUpdBatches()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    ConnectionManager m;
    EngineRecorder rec(m);
    QList<FeedBatch> batches;
    connect(&m, &ConnectionManager::feedBatch, &m, [&](const FeedBatch &b) { batches << b; });
    QList<std::pair<SubscriptionId, Value>> schemas;
    connect(&m, &ConnectionManager::subscribed, &m, [&](SubscriptionId s, const Value &v) {
        schemas.append({s, v});
    });
    const ConnectionId subscriber = m.open(tcpTo(server.port()));
    const ConnectionId feed = m.open(tcpTo(server.port()));
    const SubscriptionId sub = m.subscribe(subscriber, "trade", {"AAPL", "MSFT"});
    QTRY_COMPARE_WITH_TIMEOUT(schemas.size(), 1, kWaitMs);
    // .u.sub's answer: (`trade; the empty trade table).
    QCOMPARE(schemas[0].first, sub);
    const Value schema = schemas[0].second;
    QVERIFY2(schema.isList() && schema.count() == 2, formatOneLine(schema).constData());
    QCOMPARE(schema.item(0).symbolValue(), QByteArray("trade"));
    QVERIFY(schema.item(1).isTable());
    QCOMPARE(schema.item(1).count(), int64_t(0));
    QVERIFY(schema.item(1).columnIndex("sym") >= 0);
    QVERIFY(schema.item(1).columnIndex("price") >= 0);

    // An unknown table is refused as data.
    const SubscriptionId nope = m.subscribe(subscriber, "nosuchtable");
    QTRY_COMPARE_WITH_TIMEOUT(schemas.size(), 2, kWaitMs);
    QCOMPARE(schemas[1].first, nope);
    QVERIFY2(schemas[1].second.isError(), formatOneLine(schemas[1].second).constData());

    QSCOPE_AWAIT(p1, rec,
                 m.call(feed, tradeUpd({"AAPL", "IBM", "MSFT", "AAPL"}, {101.5, 20.25, 300.75, 102},
                                       {100, 200, 300, 400})));
    QVERIFY2(p1.ok(), describe(p1).constData());
    QSCOPE_AWAIT(p2, rec, m.call(feed, tradeUpd({"IBM"}, {21.0}, {1})));
    QVERIFY2(p2.ok(), describe(p2).constData());
    QSCOPE_AWAIT(p3, rec, m.call(feed, tradeUpd({"MSFT"}, {301.0}, {5})));
    QVERIFY2(p3.ok(), describe(p3).constData());
    // Only the subscribed syms arrive, in order; IBM was filtered by the tickerplant.
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(batches), qint64(4), kWaitMs);
    QCOMPARE(symsOf(batches), (QList<QByteArray>{"AAPL", "MSFT", "AAPL", "MSFT"}));
    for (const FeedBatch &b : batches) {
        QCOMPARE(b.subscription, sub);
        QCOMPARE(b.table, QByteArray("trade"));
        QVERIFY(b.bytes > 0);
    }
    // The prices came through as floats, matching their syms.
    const Value &first = batches[0].updates[0];
    QCOMPARE(first.columns().item(first.columnIndex("price")).at<double>(1), 300.75);

    // After unsubscribe nothing more is delivered for it.
    m.unsubscribe(sub);
    const qsizetype before = batches.size();
    QSCOPE_AWAIT(p4, rec, m.call(feed, tradeUpd({"AAPL"}, {1.0}, {1})));
    QVERIFY(p4.ok());
    QSCOPE_AWAIT(sync, rec, m.query(subscriber, "1"));
    QVERIFY(sync.ok());
    QTest::qWait(150); // three feed ticks: a batch would have been emitted by now
    QCOMPARE(batches.size(), before);
}

void TestNetDemo::reconnectAndResubscribeAfterRestart()
{
    auto server = std::make_unique<DemoServer>();
    QString err;
    QVERIFY2(server->start(quietDemo(), &err), qPrintable(err));
    const quint16 port = server->port();
    ConnectionManager m;
    EngineRecorder rec(m);
    QList<FeedBatch> batches;
    connect(&m, &ConnectionManager::feedBatch, &m, [&](const FeedBatch &b) { batches << b; });
    QSignalSpy subscribed(&m, &ConnectionManager::subscribed);
    QSignalSpy gaps(&m, &ConnectionManager::feedGap);

    ConnectionOptions o = tcpTo(port);
    o.reconnect.attempts = -1; // forever, as a monitor would
    o.reconnect.initialDelayMs = 50;
    o.reconnect.maxDelayMs = 200;
    const ConnectionId subscriber = m.open(o);
    const ConnectionId feed = m.open(o);
    const SubscriptionId sub = m.subscribe(subscriber, "trade");
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, kWaitMs);
    QSCOPE_AWAIT(p1, rec, m.call(feed, tradeUpd({"AAPL"}, {1.5}, {10})));
    QVERIFY2(p1.ok(), describe(p1).constData());
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(batches), qint64(1), kWaitMs);

    server->stop();
    QTRY_VERIFY_WITH_TIMEOUT(rec.reached(subscriber, ConnectionState::Reconnecting), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(rec.reached(feed, ConnectionState::Reconnecting), kWaitMs);
    QTest::qWait(300); // a few refused attempts against the closed port
    QCOMPARE(m.state(subscriber), ConnectionState::Reconnecting);

    // A new server process on the same port: empty tables, no subscribers.
    server = std::make_unique<DemoServer>();
    DemoOptions again = quietDemo();
    again.port = port;
    QVERIFY2(server->start(again, &err), qPrintable(err));
    QTRY_COMPARE_WITH_TIMEOUT(m.state(subscriber), ConnectionState::Open, kWaitMs);
    QCOMPARE(rec.lastDetail(subscriber), QStringLiteral("reconnected"));
    // The engine re-sent .u.sub by itself and reported the gap in the feed.
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, kWaitMs);
    QCOMPARE(subscribed[1][0].value<SubscriptionId>(), sub);
    QTRY_COMPARE_WITH_TIMEOUT(gaps.size(), 1, kWaitMs);
    QCOMPARE(gaps[0][0].value<SubscriptionId>(), sub);
    QVERIFY(!gaps[0][1].toString().isEmpty());
    QSCOPE_AWAIT(w, rec, m.query(feed, "count .u.w`trade"));
    QCOMPARE(describe(w), QByteArray("ok: 1")); // exactly one subscription on the new server
    QSCOPE_AWAIT(p2, rec, m.call(feed, tradeUpd({"MSFT", "IBM"}, {2.5, 3.5}, {20, 30})));
    QVERIFY2(p2.ok(), describe(p2).constData());
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf(batches), qint64(3), kWaitMs);
    QCOMPARE(symsOf(batches), (QList<QByteArray>{"AAPL", "MSFT", "IBM"}));
    QSCOPE_AWAIT(q, rec, m.query(subscriber, "count trade"));
    QCOMPARE(describe(q), QByteArray("ok: 2")); // the restarted server's RDB
}

void TestNetDemo::executeLocalScript()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("setup.q"));
    const QString bad = dir.filePath(QStringLiteral("broken.q"));
    {
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("/ a script as \\l would load it\n"
                "t:([] a:1 2 3; b:`x`y`z)\n"
                "mul:{[x;y]\n"
                "  x*y}   / continued on an indented line\n"
                "\n"
                "/\n"
                "a block comment: never sent\n"
                "this:is not q\n"
                "\\\n"
                "r:mul[6;7]\n"
                "r+count t\n"
                "\\\n"
                "everything after a lone backslash is not q\n");
    }
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("before:1\n"
                "1+`a\n"
                "after:2\n");
    }
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId id = m.open(tcpTo(server.port()));
    QSCOPE_AWAIT(ok, rec, m.executeFile(id, good));
    QCOMPARE(describe(ok), QByteArray("ok: 45")); // the last statement's value
    QSCOPE_AWAIT(state, rec, m.query(id, "(r;count t;mul[2;3];exec b from t)"));
    QCOMPARE(describe(state), QByteArray("ok: (42;3;6;`x`y`z)"));
    QSCOPE_AWAIT(comment, rec, m.query(id, "this"));
    QVERIFY(comment.error); // the block comment was not run

    // A failing statement stops the script, as \l does, and the error names its line.
    QSCOPE_AWAIT(failed, rec, m.executeFile(id, bad));
    QVERIFY(failed.error);
    QCOMPARE(failed.error->kind, NetError::QError);
    QCOMPARE(failed.error->message, QStringLiteral("type"));
    QVERIFY2(failed.query.endsWith(":2: 1+`a"), failed.query.constData());
    QSCOPE_AWAIT(ran, rec, m.query(id, "before"));
    QCOMPARE(describe(ran), QByteArray("ok: 1"));
    QSCOPE_AWAIT(notRan, rec, m.query(id, "after"));
    QVERIFY(notRan.error);

    QSCOPE_AWAIT(missing, rec, m.executeFile(id, dir.filePath(QStringLiteral("nope.q"))));
    QVERIFY(missing.error);
    QVERIFY2(missing.error->message.contains(QStringLiteral("nope.q")),
             qPrintable(missing.error->message));
}

void TestNetDemo::noCompressionToLoopback()
{
    // kdb+ never compresses to a loopback or Unix peer: neither the engine nor the demo may.
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    ConnectionManager m;
    EngineRecorder rec(m);
    ConnectionOptions o = tcpTo(server.port());
    o.tapFrames = true;
    const ConnectionId id = m.open(o);
    const QByteArray text = "count \"" + QByteArray(5000, 'a') + "\"";
    QSCOPE_AWAIT(r, rec, m.query(id, text));
    QCOMPARE(describe(r), QByteArray("ok: 5000"));
    QSCOPE_AWAIT(big, rec, m.query(id, "5000#\"abc\""));
    QVERIFY2(big.ok(), describe(big).constData());
    for (const FrameRecord &f : m.frames(id)) {
        QVERIFY(!f.compressed);
        QCOMPARE(f.wireBytes, f.decodedBytes);
    }
}

void TestNetDemo::compressionToNonLocalPeer()
{
    if (qEnvironmentVariableIsEmpty(kNetnsChildEnv)) {
        // Parent: run this same test function again inside a new network namespace in which
        // lo also holds 192.0.2.1. Traffic stays on this host, yet the peer address is not a
        // loopback one, so both sides must compress as kdb+ does to remote peers.
        const QString unshare = QStandardPaths::findExecutable(QStringLiteral("unshare"));
        if (unshare.isEmpty()) QSKIP("unshare (util-linux) is not installed");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kNetnsChildEnv), QStringLiteral("1"));
        env.insert(QStringLiteral("PATH"),
                   env.value(QStringLiteral("PATH")) + QStringLiteral(":/usr/sbin:/sbin"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        const QString script =
            QStringLiteral("ip link set lo up && ip addr add %1/32 dev lo && echo NETNS-READY && "
                           "exec \"$0\" \"$@\"")
                .arg(QString::fromLatin1(kNonLocalAddress));
        child.start(unshare, {QStringLiteral("--net"), QStringLiteral("--map-root-user"),
                              QStringLiteral("sh"), QStringLiteral("-c"), script,
                              QCoreApplication::applicationFilePath(),
                              QStringLiteral("compressionToNonLocalPeer")});
        QVERIFY2(child.waitForFinished(120000), "the namespaced child did not finish");
        const QByteArray out = child.readAll();
        if (!out.contains("NETNS-READY"))
            QSKIP(qPrintable(QStringLiteral("cannot make a network namespace here (needs "
                                            "unshare and ip with user namespaces): ") +
                             QString::fromLocal8Bit(out.trimmed())));
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                 out.constData());
        QVERIFY2(out.contains("PASS   : TestNetDemo::compressionToNonLocalPeer()"),
                 out.constData());
        return;
    }

    // Child, inside the namespace.
    DemoServer server;
    DemoOptions so = quietDemo();
    so.bindAddress = QString::fromLatin1(kNonLocalAddress);
    QString err;
    QVERIFY2(server.start(so, &err), qPrintable(err));
    ConnectionManager m;
    EngineRecorder rec(m);
    ConnectionOptions o = tcpTo(server.port(), QString::fromLatin1(kNonLocalAddress));
    o.tapFrames = true;
    const ConnectionId id = m.open(o);
    QSCOPE_AWAIT(small, rec, m.query(id, "1+1"));
    QCOMPARE(describe(small), QByteArray("ok: 2"));
    // A query of over 2000 bytes that compresses well goes out compressed ...
    const QByteArray text = "count \"" + QByteArray(5000, 'a') + "\"";
    QSCOPE_AWAIT(r, rec, m.query(id, text));
    QCOMPARE(describe(r), QByteArray("ok: 5000"));
    // ... and a large response comes back compressed, and decodes to the right value.
    QSCOPE_AWAIT(big, rec, m.query(id, "5000#\"abc\""));
    QVERIFY2(big.ok(), describe(big).constData());
    QCOMPARE(big.value.type(), int(Char));
    QCOMPARE(big.value.count(), int64_t(5000));
    QCOMPARE(QByteArray(big.value.rawData(), 6), QByteArray("abcabc"));
    const QList<FrameRecord> frames = m.frames(id);
    QCOMPARE(frames.size(), 6);
    // 1+1 both ways: too small to compress.
    QVERIFY(!frames[0].compressed);
    QVERIFY(!frames[1].compressed);
    // The 5000-character query: compressed by the engine.
    QVERIFY(!frames[2].incoming);
    QVERIFY(frames[2].compressed);
    QCOMPARE(quint8(frames[2].raw.at(2)), quint8(1));
    QVERIFY(frames[2].wireBytes * 2 <= frames[2].decodedBytes);
    // The 5000-character response: compressed by the demo, inflated by the engine.
    QVERIFY(frames[5].incoming);
    QCOMPARE(frames[5].messageType, quint8(2));
    QVERIFY(frames[5].compressed);
    QVERIFY(frames[5].wireBytes * 2 <= frames[5].decodedBytes);
    QVERIFY(frames[5].decodedBytes > 5000);
}

void TestNetDemo::deferredAnswerAfterOtherTraffic()
{
    DeferringGateway gw;
    const QByteArray failed = gw.start();
    QVERIFY2(failed.isEmpty(), failed.constData());
    ConnectionManager &m = gw.m;
    EngineRecorder &rec = gw.rec;
    const ConnectionId a = gw.a, b = gw.b;
    const QByteArray &hs = gw.hs;
    QList<std::pair<ConnectionId, Value>> pushes;
    connect(&m, &ConnectionManager::pushed, &m, [&](ConnectionId c, const Value &v) {
        pushes.append({c, v});
    });

    const RequestId parked = m.call(a, parkCall());
    QVERIFY(waitFor(m, rec, b, hs + " in parked", "ok: 1b"));
    // While A's request waits: A's async messages run on the server ...
    m.send(a, Value::string("n+:1"));
    m.send(a, Value::list({sym("set"), sym("fromA"), Value::longAtom(7)}));
    QVERIFY(waitFor(m, rec, b, "(n;fromA)", "ok: 1 7"));
    // ... and the server's pushes to A arrive as pushes, not as the answer.
    QSCOPE_AWAIT(push, rec, m.query(b, "neg[" + hs + "](`note;1 2 3)"));
    QVERIFY2(push.ok(), describe(push).constData());
    QTRY_COMPARE_WITH_TIMEOUT(pushes.size(), 1, kWaitMs);
    QCOMPARE(pushes[0].first, a);
    QCOMPARE(formatOneLine(pushes[0].second), QByteArray("(`note;1 2 3)"));
    QVERIFY(!rec.has(parked));

    // B answers A's request.
    QSCOPE_AWAIT(answer, rec, m.query(b, "-30!(" + hs + ";0b;42)"));
    QCOMPARE(describe(answer), QByteArray("ok: ::"));
    QSCOPE_AWAIT(r, rec, parked);
    QCOMPARE(describe(r), QByteArray("ok: 42"));
    QCOMPARE(r.id, parked);
    QCOMPARE(r.connection, a);
    QCOMPARE(pushes.size(), 1);
    // A is in step afterwards.
    QSCOPE_AWAIT(after, rec, m.query(a, "1+1"));
    QCOMPARE(describe(after), QByteArray("ok: 2"));
    QCOMPARE(m.state(a), ConnectionState::Open);
}

void TestNetDemo::deferredErrorIsQError()
{
    DeferringGateway gw;
    const QByteArray failed = gw.start();
    QVERIFY2(failed.isEmpty(), failed.constData());
    ConnectionManager &m = gw.m;
    EngineRecorder &rec = gw.rec;
    const ConnectionId a = gw.a, b = gw.b;
    const QByteArray &hs = gw.hs;
    const RequestId parked = m.call(a, parkCall());
    QVERIFY(waitFor(m, rec, b, hs + " in parked", "ok: 1b"));
    QSCOPE_AWAIT(answer, rec, m.query(b, "-30!(" + hs + ";1b;\"oops\")"));
    QVERIFY2(answer.ok(), describe(answer).constData());
    QSCOPE_AWAIT(r, rec, parked);
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, NetError::QError);
    QCOMPARE(r.error->message, QStringLiteral("oops"));
    // Answering again: A is owed nothing now, and B gets kdb+'s error for it.
    QSCOPE_AWAIT(again, rec, m.query(b, "-30!(" + hs + ";0b;1)"));
    QVERIFY(again.error);
    QCOMPARE(again.error->message,
             QStringLiteral("Handle %1 was not expecting a response msg").arg(gw.handleA));
    QSCOPE_AWAIT(after, rec, m.query(a, "1+1"));
    QCOMPARE(describe(after), QByteArray("ok: 2"));
}

void TestNetDemo::requestBehindDeferredGetsItsOwnAnswer()
{
    DeferringGateway gw;
    const QByteArray failed = gw.start();
    QVERIFY2(failed.isEmpty(), failed.constData());
    ConnectionManager &m = gw.m;
    EngineRecorder &rec = gw.rec;
    const ConnectionId a = gw.a, b = gw.b;
    const QByteArray &hs = gw.hs;
    QList<RequestId> order;
    connect(&m, &ConnectionManager::resultReady, &m, [&](const QueryResult &r) { order << r.id; });

    const RequestId parked = m.call(a, parkCall());
    const RequestId behind = m.query(a, "n+:1; `behind");
    // The request behind is not even written while the parked one waits (n stays 0): kdb+
    // would answer it at once, ahead of the deferred answer, and answers match by order.
    QVERIFY(waitFor(m, rec, b, "(n;" + hs + " in parked)", "ok: (0;1b)"));
    QTest::qWait(100);
    QSCOPE_AWAIT(still, rec, m.query(b, "n"));
    QCOMPARE(describe(still), QByteArray("ok: 0"));
    QVERIFY(!rec.has(parked));
    QVERIFY(!rec.has(behind));
    QSCOPE_AWAIT(answer, rec, m.query(b, "-30!(" + hs + ";0b;`deferred)"));
    QVERIFY2(answer.ok(), describe(answer).constData());
    QSCOPE_AWAIT(r1, rec, parked);
    QSCOPE_AWAIT(r2, rec, behind);
    QCOMPARE(describe(r1), QByteArray("ok: `deferred"));
    QCOMPARE(describe(r2), QByteArray("ok: `behind"));
    QVERIFY(order.indexOf(parked) >= 0 && order.indexOf(parked) < order.indexOf(behind));
}

void TestNetDemo::deferredQueryTimesOut()
{
    DeferringGateway gw;
    const QByteArray failed = gw.start();
    QVERIFY2(failed.isEmpty(), failed.constData());
    ConnectionManager &m = gw.m;
    EngineRecorder &rec = gw.rec;
    const ConnectionId a = gw.a, b = gw.b;
    const QByteArray &hs = gw.hs;
    const int oldHandle = gw.handleA;

    // Nobody answers: the timeout drops the connection and reopens it, as documented.
    const RequestId parked = m.call(a, parkCall(), 300);
    const RequestId behind = m.query(a, "1+1");
    QSCOPE_AWAIT(r, rec, parked);
    QVERIFY(r.error);
    QCOMPARE(r.error->kind, NetError::Timeout);
    QVERIFY2(r.error->message.contains(QStringLiteral("no response within 300 ms")) &&
                 r.error->message.contains(QStringLiteral("reconnecting")),
             qPrintable(r.error->message));
    // The request behind it was never written (one sync request at a time): it goes out on the
    // reopened connection and is answered there.
    QSCOPE_AWAIT(rb, rec, behind);
    QCOMPARE(describe(rb), QByteArray("ok: 2"));
    QVERIFY(rec.reached(a, ConnectionState::Reconnecting));
    QTRY_COMPARE_WITH_TIMEOUT(m.state(a), ConnectionState::Open, kWaitMs);
    QSCOPE_AWAIT(fresh, rec, m.query(a, ".z.w"));
    QVERIFY2(fresh.ok(), describe(fresh).constData());

    // The server saw the old handle close (before the new one logged in). A late answer to it
    // is q's error, not a crash, and never reaches the new connection: 'domain, or if the new
    // socket got the same descriptor, "not expecting" (it asked nothing).
    QSCOPE_AWAIT(late, rec, m.query(b, "-30!(" + hs + ";0b;42)"));
    QVERIFY(late.error);
    QCOMPARE(late.error->kind, NetError::QError);
    const QString expected =
        fresh.value.intValue() == oldHandle
            ? QStringLiteral("Handle %1 was not expecting a response msg").arg(oldHandle)
            : QStringLiteral("domain");
    QCOMPARE(late.error->message, expected);
    QSCOPE_AWAIT(after, rec, m.query(a, "1+1"));
    QCOMPARE(describe(after), QByteArray("ok: 2"));
    QSCOPE_AWAIT(bAfter, rec, m.query(b, "count parked"));
    QCOMPARE(describe(bAfter), QByteArray("ok: 1"));
}

QTEST_GUILESS_MAIN(TestNetDemo)
#include "tst_netdemo.moc"
