// The demo server driven over real sockets with the codec: handshake and capabilities, refused
// logins, sync/async, q errors, the kdb-tick protocol (.u.sub shapes, sym-filtered upd streams,
// -t batching, end of day), .z.pc clean-up, trackConnections, .z names, the Unix socket, TLS,
// HTTP GET, hostile input, and -30! deferred responses. Message shapes follow KxSystems/kdb-tick
// tick.q and tick/u.q.

#include "demo/demoserver.h"
#include "net/unixsocket.h"
#include "qtestclient.h"

#include <QCryptographicHash>
#include <QDir>
#include <QProcess>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope;
using qscope::test::QTestClient;

namespace {

Value sym(const char *s)
{
    return Value::symbol(QByteArray(s));
}
Value call(std::vector<Value> items)
{
    return Value::list(std::move(items));
}

DemoOptions quietOptions()
{
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    return o;
}

QList<QByteArray> columnNames(const Value &t)
{
    QList<QByteArray> out;
    for (int64_t i = 0; i < t.columnNames().count(); ++i)
        out << t.columnNames().symAt(i);
    return out;
}

QByteArray httpGet(quint16 port, const QByteArray &target)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(5000)) return {};
    s.write("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QByteArray all;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000) {
        if (!s.waitForReadyRead(100) && s.state() != QAbstractSocket::ConnectedState) break;
        all += s.readAll();
    }
    all += s.readAll();
    return all;
}

} // namespace

class TestDemoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsOnFreePort();
    void badOptionsAreErrors();
    void handshakeCapability();
    void usersFileRefusesByClosing();
    void syncAsyncAndErrors();
    void subReturnShapes();
    void updStreamWithSymFilter();
    void updFromOutsideIsChecked();
    void timerBatching();
    void endOfDay();
    void closeCleansSubscribers();
    void dotZNames();
    void unixSocket();
    void tlsAndPlainOnOnePort();
    void httpGetAnswersHtml();
    void hostileInput();
    void builtInFeedPublishes();
    void hcloseClosesWithoutDotZpc();
    void pushToAClientHandle();
    void deferredResponse();
    void deferredResponsesKeepOrder();
    void deferredResponseErrors();
    void systemCommands();
    void explorerAnswersAsKdb();
};

void TestDemoServer::startsOnFreePort()
{
    DemoServer s;
    QString err;
    QVERIFY2(s.start(quietOptions(), &err), qPrintable(err));
    QVERIFY(s.port() > 0);
    // A second server cannot take the same port: an error, not a crash.
    DemoServer s2;
    DemoOptions o = quietOptions();
    o.port = s.port();
    QVERIFY(!s2.start(o, &err));
    QVERIFY(err.contains(QString::number(s.port())));
    s.stop();
    QCOMPARE(s.port(), quint16(0));
}

void TestDemoServer::badOptionsAreErrors()
{
    DemoServer s;
    QString err;
    DemoOptions o = quietOptions();
    o.usersFile = QStringLiteral("/nonexistent/users.txt");
    QVERIFY(!s.start(o, &err));
    QVERIFY(err.contains(QStringLiteral("users")));
    o = quietOptions();
    o.tlsCert = QStringLiteral("/nonexistent/cert.pem");
    QVERIFY(!s.start(o, &err));
    QVERIFY(!err.isEmpty());
}

void TestDemoServer::handshakeCapability()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    // The reply is min(client, ours); ours is 6 (messages over 2 GiB).
    {
        QTestClient c(s.port());
        QCOMPARE(c.login("alice:pw", 3), 3);
    }
    {
        QTestClient c(s.port());
        QCOMPARE(c.login("bob", 6), 6);
    }
    {
        QTestClient c(s.port());
        QCOMPARE(c.login("", 1), 1);
    }
    {
        QTestClient c(s.port());
        QCOMPARE(c.login("old", std::nullopt), 0); // pre-2.6 clients send no capability
        // and the connection works
        const Value r = c.sync(".u.t");
        QCOMPARE(r.type(), int(Symbol));
    }
}

void TestDemoServer::usersFileRefusesByClosing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("plain:secret\n");
    f.write("md5user:" + QCryptographicHash::hash("m5pw", QCryptographicHash::Md5).toHex() + "\n");
    f.write("shauser:" + QCryptographicHash::hash("s1pw", QCryptographicHash::Sha1).toHex() +
            "\r\n");
    f.close();
    DemoServer s;
    DemoOptions o = quietOptions();
    o.usersFile = path;
    QString err;
    QVERIFY2(s.start(o, &err), qPrintable(err));
    const struct
    {
        QByteArray cred;
        int expect;
    } cases[] = {
        {"plain:secret", 3},
        {"md5user:m5pw", 3},
        {"shauser:s1pw", 3},
        {"plain:wrong", -1},
        {"nobody:secret", -1},
        {"", -1},
        {"md5user:" + QCryptographicHash::hash("m5pw", QCryptographicHash::Md5).toHex(), 3}};
    for (const auto &c : cases) {
        QTestClient cl(s.port());
        QCOMPARE(cl.login(c.cred, 3), c.expect);
        if (c.expect < 0) QVERIFY(cl.waitClosed(2000));
    }
    // .z.u on the server is the user name the client gave.
    QTestClient ok(s.port());
    QCOMPARE(ok.login("plain:secret"), 3);
    const Value u = ok.sync(".z.u");
    QCOMPARE(u.type(), -int(Symbol));
    QCOMPARE(u.symbolValue(), QByteArray("plain"));
    // kdb+ with a -u file refuses \x (code.kx.com/q/basics/errors/#restricted)
    const Value x = ok.sync("system \"x .z.po\"");
    QVERIFY(x.isError());
    QCOMPARE(x.symbolValue(), QByteArray("restricted"));
}

void TestDemoServer::syncAsyncAndErrors()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    // async: no reply; its effect is visible to the next sync query on the same handle.
    c.send(call({sym(".u.upd"), sym("trade"),
                 Value::list({sym("KX"), Value::floatAtom(42.0), Value::longAtom(42)})}),
           MessageType::Async);
    bool ok = false;
    const Value x = c.sync("trade", &ok);
    QVERIFY(ok);
    QVERIFY(x.isTable());
    QCOMPARE(x.count(), int64_t(1));
    QCOMPARE(x.columns().item(3).at<int64_t>(0), int64_t(42));
    QVERIFY(c.takeAsync().empty()); // nothing was answered to the async message
    // an async error is logged, never answered
    c.send(Value::string("1+`a"), MessageType::Async);
    // errors come back as type -128 with q's word
    const Value typeErr = c.sync("1+`a");
    QVERIFY(typeErr.isError());
    QCOMPARE(typeErr.symbolValue(), QByteArray("type"));
    const Value nameErr = c.sync("undefinedName42");
    QVERIFY(nameErr.isError());
    QVERIFY(!nameErr.symbolValue().isEmpty());
    // a function call by name with arguments, as a list (f;x;y)
    const Value r = c.sync(call({sym(".u.sub"), sym("nosuchtable"), sym("")}));
    QVERIFY(r.isError());
    QCOMPARE(r.symbolValue(), QByteArray("nosuchtable")); // u.q: if[not x in t;'x]
    // and the connection still serves, with nothing queued from the async error
    QCOMPARE(c.sync("trade").count(), int64_t(1));
    QVERIFY(c.takeAsync().empty());
}

void TestDemoServer::subReturnShapes()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("sub"), 3);
    // .u.sub[`trade;`]: (`trade;schema), the schema an empty table with g# on sym.
    const Value one = c.sync(call({sym(".u.sub"), sym("trade"), sym("")}));
    QCOMPARE(one.type(), int(List));
    QCOMPARE(one.count(), int64_t(2));
    QCOMPARE(one.item(0).type(), -int(Symbol));
    QCOMPARE(one.item(0).symbolValue(), QByteArray("trade"));
    const Value schema = one.item(1);
    QVERIFY(schema.isTable());
    QCOMPARE(schema.count(), int64_t(0));
    QCOMPARE(columnNames(schema), (QList<QByteArray>{"time", "sym", "price", "size"}));
    QCOMPARE(schema.columns().item(0).type(), int(Timespan));
    QCOMPARE(schema.columns().item(1).type(), int(Symbol));
    QCOMPARE(schema.columns().item(1).attr(), Attr::Grouped);
    QCOMPARE(schema.columns().item(2).type(), int(Float));
    // .u.sub[`;`]: a list of (t;schema) for every table in .u.t
    const Value all = c.sync(call({sym(".u.sub"), sym(""), sym("")}));
    QCOMPARE(all.type(), int(List));
    QCOMPARE(all.count(), int64_t(2));
    QCOMPARE(all.item(0).item(0).symbolValue(), QByteArray("trade"));
    QCOMPARE(all.item(1).item(0).symbolValue(), QByteArray("quote"));
    QCOMPARE(columnNames(all.item(1).item(1)),
             (QList<QByteArray>{"time", "sym", "bid", "ask", "bsize", "asize"}));
    // .u.w: table -> list of (handle;syms); re-subscribing replaces, never duplicates
    const Value w = c.sync(".u.w");
    QVERIFY(w.isDict());
    QCOMPARE(w.keys().symAt(0), QByteArray("trade"));
    const Value tradeSubs = w.values().item(0);
    QCOMPARE(tradeSubs.count(), int64_t(1));
    QCOMPARE(tradeSubs.item(0).item(0).type(), -int(Int));
    QCOMPARE(tradeSubs.item(0).item(1).type(), -int(Symbol));
    // wrong types: 'type
    QVERIFY(c.sync(call({sym(".u.sub"), Value::longAtom(1), sym("")})).isError());
}

void TestDemoServer::updStreamWithSymFilter()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient a(s.port()), b(s.port()), pubr(s.port());
    QCOMPARE(a.login("a"), 3);
    QCOMPARE(b.login("b"), 3);
    QCOMPARE(pubr.login("feed"), 3);
    QVERIFY(
        !a.sync(call({sym(".u.sub"), sym("trade"), Value::symbols({"AAPL", "MSFT"})})).isError());
    QVERIFY(!b.sync(call({sym(".u.sub"), sym(""), sym("")})).isError());
    // a feed's upd as tick.q's feeds send it: columns without time
    const Value cols = Value::list({Value::symbols({"AAPL", "IBM", "MSFT"}),
                                    Value::fromVector(Float, std::vector<double>{1.5, 2.5, 3.5}),
                                    Value::fromVector(Long, std::vector<int64_t>{100, 200, 300})});
    pubr.send(call({sym(".u.upd"), sym("trade"), cols}), MessageType::Async);

    std::optional<Decoded> ma = a.next();
    QVERIFY(ma && ma->ok());
    QCOMPARE(ma->header.type, MessageType::Async);
    const Value &m = ma->value;
    QCOMPARE(m.count(), int64_t(3));
    QCOMPARE(m.item(0).symbolValue(), QByteArray("upd"));
    QCOMPARE(m.item(1).symbolValue(), QByteArray("trade"));
    const Value t = m.item(2);
    QVERIFY(t.isTable());
    QCOMPARE(columnNames(t), (QList<QByteArray>{"time", "sym", "price", "size"}));
    QCOMPARE(t.count(), int64_t(2)); // IBM filtered out
    QCOMPARE(t.columns().item(1).symAt(0), QByteArray("AAPL"));
    QCOMPARE(t.columns().item(1).symAt(1), QByteArray("MSFT"));
    QCOMPARE(t.columns().item(2).at<double>(1), 3.5);
    QCOMPARE(t.columns().item(0).type(), int(Timespan)); // stamped "n"$.z.P
    const int64_t stamp = t.columns().item(0).at<int64_t>(0);
    QVERIFY(stamp >= 0 && stamp < int64_t(86400) * 1000000000);

    std::optional<Decoded> mb = b.next();
    QVERIFY(mb && mb->ok());
    QCOMPARE(mb->value.item(2).count(), int64_t(3));
    // a quote upd with no trade subscriber filter reaches b only
    const Value q =
        Value::list({Value::symbols({"IBM"}), Value::fromVector(Float, std::vector<double>{1}),
                     Value::fromVector(Float, std::vector<double>{2}),
                     Value::fromVector(Long, std::vector<int64_t>{3}),
                     Value::fromVector(Long, std::vector<int64_t>{4})});
    pubr.send(call({sym(".u.upd"), sym("quote"), q}), MessageType::Async);
    mb = b.next();
    QVERIFY(mb && mb->ok());
    QCOMPARE(mb->value.item(1).symbolValue(), QByteArray("quote"));
    QVERIFY(!a.next(300)); // a subscribed to trade only
    // the RDB side kept the rows
    const Value rdb = pubr.sync("trade");
    QVERIFY(rdb.isTable());
    QCOMPARE(rdb.count(), int64_t(3));
    QCOMPARE(pubr.sync(".u.i").longValue(), int64_t(2));
    // a sym-filtered subscriber sees no message when no row matches
    pubr.send(call({sym(".u.upd"), sym("trade"),
                    Value::list({Value::symbols({"IBM"}),
                                 Value::fromVector(Float, std::vector<double>{9}),
                                 Value::fromVector(Long, std::vector<int64_t>{9})})}),
              MessageType::Async);
    QVERIFY(b.next());
    QVERIFY(!a.next(300));
}

void TestDemoServer::updFromOutsideIsChecked()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("feed"), 3);
    auto upd = [&](const Value &x) { return c.sync(call({sym(".u.upd"), sym("trade"), x})); };
    // one row as a list of atoms
    Value r = upd(Value::list({sym("KX"), Value::floatAtom(10.0), Value::longAtom(5)}));
    QVERIFY2(!r.isError(), r.isError() ? r.symbolValue().constData() : "");
    // wrong type for price: 'type; wrong column count: 'length; unknown table: 'name of it
    r = upd(Value::list({sym("KX"), Value::longAtom(10), Value::longAtom(5)}));
    QVERIFY(r.isError());
    QCOMPARE(r.symbolValue(), QByteArray("type"));
    r = upd(Value::list({sym("KX"), Value::floatAtom(1.0)}));
    QVERIFY(r.isError());
    QCOMPARE(r.symbolValue(), QByteArray("length"));
    r = upd(
        Value::list({Value::symbols({"A", "B"}), Value::fromVector(Float, std::vector<double>{1}),
                     Value::fromVector(Long, std::vector<int64_t>{1, 2})}));
    QVERIFY(r.isError());
    r = c.sync(call({sym(".u.upd"), sym("nosuch"), Value::longAtom(1)}));
    QVERIFY(r.isError());
    QCOMPARE(r.symbolValue(), QByteArray("nosuch"));
    QCOMPARE(c.sync("trade").count(), int64_t(1)); // only the good row
}

void TestDemoServer::timerBatching()
{
    DemoServer s;
    DemoOptions o = quietOptions();
    o.tickMs = 200;
    QVERIFY(s.start(o));
    QTestClient sub(s.port()), pubr(s.port());
    QCOMPARE(sub.login("s"), 3);
    QCOMPARE(pubr.login("p"), 3);
    QVERIFY(!sub.sync(call({sym(".u.sub"), sym("trade"), sym("")})).isError());
    for (int i = 0; i < 3; ++i)
        pubr.send(call({sym(".u.upd"), sym("trade"),
                        Value::list({sym("AAPL"), Value::floatAtom(i), Value::longAtom(i)})}),
                  MessageType::Async);
    // all three arrive together at the next timer tick, in order, sym with g# as tick.q's -t
    std::optional<Decoded> m = sub.next(3000);
    QVERIFY(m && m->ok());
    const Value t = m->value.item(2);
    QCOMPARE(t.count(), int64_t(3));
    QCOMPARE(t.columns().item(3).at<int64_t>(2), int64_t(2));
    QCOMPARE(t.columns().item(1).attr(), Attr::Grouped);
    QCOMPARE(pubr.sync(".u.j").longValue(), int64_t(3));
    const Value timer = pubr.sync("\\t");
    QCOMPARE(timer.type(), -int(Int));
    QCOMPARE(timer.intValue(), 200);
}

void TestDemoServer::endOfDay()
{
    DemoServer s;
    DemoOptions o = quietOptions();
    o.endOfDaySeconds = 1;
    QVERIFY(s.start(o));
    QTestClient sub(s.port());
    QCOMPARE(sub.login("rdb"), 3);
    QVERIFY(!sub.sync(call({sym(".u.sub"), sym(""), sym("")})).isError());
    const Value d0 = sub.sync(".u.d");
    QCOMPARE(d0.type(), -int(Date));
    sub.send(call({sym(".u.upd"), sym("trade"),
                   Value::list({sym("AAPL"), Value::floatAtom(1), Value::longAtom(1)})}),
             MessageType::Async);
    std::optional<Decoded> m;
    // the upd, then (`.u.end;d) once, although subscribed to two tables
    m = sub.next(3000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->value.item(0).symbolValue(), QByteArray("upd"));
    m = sub.next(3000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->header.type, MessageType::Async);
    QCOMPARE(m->value.count(), int64_t(2));
    QCOMPARE(m->value.item(0).symbolValue(), QByteArray(".u.end"));
    QCOMPARE(m->value.item(1).type(), -int(Date));
    QCOMPARE(m->value.item(1).rawInt(), d0.rawInt());
    // the RDB started a new day: empty tables, .u.d moved on
    QCOMPARE(sub.sync("trade").count(), int64_t(0));
    QCOMPARE(sub.sync(".u.d").rawInt(), d0.rawInt() + 1);
    const std::optional<Decoded> again = sub.next(2500);
    QVERIFY(!again || again->value.item(0).symbolValue() == ".u.end");
}

void TestDemoServer::closeCleansSubscribers()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient watcher(s.port());
    QCOMPARE(watcher.login("watcher"), 3);
    int subHandle = 0;
    {
        QTestClient sub(s.port());
        QCOMPARE(sub.login("subscriber"), 3);
        subHandle = sub.sync(".z.w").intValue();
        QVERIFY(subHandle > 0);
        QVERIFY(!sub.sync(call({sym(".u.sub"), sym(""), sym("")})).isError());
        const Value w = watcher.sync(".u.w");
        QCOMPARE(w.values().item(0).count(), int64_t(1));
        QCOMPARE(w.values().item(0).item(0).item(0).intValue(), subHandle);
    } // closes
    // .z.pc ran: the subscription is gone and trackConnections says CLOSED
    QElapsedTimer t;
    t.start();
    Value w;
    do {
        w = watcher.sync(".u.w");
    } while (w.values().item(0).count() != 0 && t.elapsed() < 5000);
    QCOMPARE(w.values().item(0).count(), int64_t(0));
    QCOMPARE(w.values().item(1).count(), int64_t(0));
    const Value track = watcher.sync("trackConnections");
    QVERIFY(track.isKeyedTable());
    QCOMPARE(columnNames(track.keys()), QList<QByteArray>{"handle"});
    QCOMPARE(columnNames(track.values()),
             (QList<QByteArray>{"ip", "user", "status", "opened", "closed"}));
    const Value &handles = track.keys().columns().item(0);
    const Value &vals = track.values().columns();
    bool sawClosed = false, sawWatcher = false;
    for (int64_t r = 0; r < handles.count(); ++r) {
        if (handles.at<int32_t>(r) == subHandle) {
            sawClosed = true;
            QCOMPARE(vals.item(1).symAt(r), QByteArray("subscriber"));
            QCOMPARE(vals.item(2).symAt(r), QByteArray("CLOSED"));
            QVERIFY(vals.item(4).at<int64_t>(r) != qnull::j);
        }
        if (vals.item(1).symAt(r) == "watcher") {
            sawWatcher = true;
            QCOMPARE(vals.item(2).symAt(r), QByteArray("OPEN"));
            QCOMPARE(vals.item(0).at<int32_t>(r), int32_t(0x7f000001)); // 127.0.0.1
        }
    }
    QVERIFY(sawClosed);
    QVERIFY(sawWatcher);
}

void TestDemoServer::dotZNames()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("zz"), 3);
    const struct
    {
        const char *q;
        int type;
    } cases[] = {{".z.w", -Int},       {".z.a", -Int},    {".z.u", -Symbol}, {".z.K", -Float},
                 {".z.k", -Date},      {".z.o", -Symbol}, {".z.i", -Int},    {".z.p", -Timestamp},
                 {".z.P", -Timestamp}, {".z.d", -Date},   {".z.D", -Date},   {".z.t", -Time},
                 {".z.T", -Time},      {".z.h", -Symbol}, {".z.H", Int},     {".z.W", Dict},
                 {".z.x", List},       {".z.f", -Symbol}, {".u.t", Symbol},  {".u.d", -Date},
                 {".u.i", -Long},      {".u.j", -Long},   {".u.L", -Symbol}, {".u.w", Dict},
                 {"\\p", -Int},        {"\\t", -Int}};
    for (const auto &cs : cases) {
        const Value v = c.sync(QByteArray(cs.q));
        QVERIFY2(v.type() == cs.type, qPrintable(QStringLiteral("%1 has type %2, expected %3")
                                                     .arg(QLatin1String(cs.q))
                                                     .arg(v.type())
                                                     .arg(cs.type)));
    }
    QCOMPARE(c.sync("\\p").intValue(), int(s.port()));
    const Value w = c.sync(call({sym(".Q.w"), Value()})); // .Q.w[]
    QVERIFY(w.isDict());
    QCOMPARE(columnNames(Value::table(w.keys(), Value::list({}))).size(), 8);
    QCOMPARE(w.keys().symAt(0), QByteArray("used"));
    QCOMPARE(w.keys().symAt(7), QByteArray("symw"));
    QCOMPARE(w.values().type(), int(Long));
    QVERIFY(w.values().at<int64_t>(1) > 0);                // heap
    QCOMPARE(c.sync(".Q.w[]").keys().count(), int64_t(8)); // as kdb+ users type it
    // .z.W / .z.H know this handle; -38! describes it
    const int h = c.sync(".z.w").intValue();
    const Value hs = c.sync(".z.H");
    bool found = false;
    for (int64_t i = 0; i < hs.count(); ++i)
        found = found || hs.at<int32_t>(i) == h;
    QVERIFY(found);
    const Value info = c.sync("-38!.z.w");
    QVERIFY2(info.isDict(), info.isError() ? info.symbolValue().constData() : "not a dict");
    QCOMPARE(info.values().item(1).symbolValue(), QByteArray("t"));
}

void TestDemoServer::unixSocket()
{
    DemoServer s;
    DemoOptions o = quietOptions();
    o.unixSocket = true;
    QVERIFY(s.start(o));
    QString err;
    const int fd = detail::connectUnixSocket(QStringLiteral("@/tmp/kx.%1").arg(s.port()), &err);
    QVERIFY2(fd >= 0, qPrintable(err));
    auto *ls = new QLocalSocket;
    QVERIFY(ls->setSocketDescriptor(fd));
    QTestClient c(ls);
    QCOMPARE(c.login("uds"), 3);
    const Value info = c.sync("-38!.z.w");
    QVERIFY2(info.isDict(), info.isError() ? info.symbolValue().constData() : "not a dict");
    QCOMPARE(info.values().item(1).symbolValue(), QByteArray("u"));
    QCOMPARE(c.sync(".u.t").count(), int64_t(2));
}

void TestDemoServer::tlsAndPlainOnOnePort()
{
    if (!QSslSocket::supportsSsl()) QSKIP("no TLS backend");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("1"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=localhost")});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        QSKIP("openssl could not make a test certificate");
    DemoServer s;
    DemoOptions o = quietOptions();
    o.tlsCert = cert;
    o.tlsKey = key;
    QString err;
    QVERIFY2(s.start(o, &err), qPrintable(err));
    // TLS
    auto *ssl = new QSslSocket;
    ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
    ssl->connectToHostEncrypted(QStringLiteral("127.0.0.1"), s.port());
    QVERIFY2(ssl->waitForEncrypted(10000), qPrintable(ssl->errorString()));
    QTestClient tls(ssl);
    QCOMPARE(tls.login("secure"), 3);
    QCOMPARE(tls.sync(".u.t").count(), int64_t(2));
    // plain on the same port
    QTestClient plain(s.port());
    QCOMPARE(plain.login("plain"), 3);
    QCOMPARE(plain.sync(".u.t").count(), int64_t(2));
}

void TestDemoServer::httpGetAnswersHtml()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    {
        QTestClient c(s.port());
        QCOMPARE(c.login("feed"), 3);
        QVERIFY(!c.sync(call({sym(".u.upd"), sym("trade"),
                              Value::list(
                                  {sym("AAPL"), Value::floatAtom(101.25), Value::longAtom(300)})}))
                     .isError());
    }
    const QByteArray page = httpGet(s.port(), "/?trade");
    QVERIFY2(page.startsWith("HTTP/1.1 200 OK\r\n"), page.left(200).constData());
    QVERIFY(page.contains("Content-Type: text/html"));
    QVERIFY(page.contains("<th>sym</th>"));
    QVERIFY(page.contains("<td>AAPL</td>"));
    QVERIFY(page.contains("<td>101.25</td>"));
    const QByteArray index = httpGet(s.port(), "/");
    QVERIFY(index.contains("select%20from%20trade"));
    QVERIFY(index.contains(">quote</a>"));
    const QByteArray bad = httpGet(s.port(), "/?1+%60a");
    QVERIFY(bad.startsWith("HTTP/1.1 200"));
    QVERIFY(bad.contains("'type"));
    // Content-Length is the body's size
    const qsizetype split = page.indexOf("\r\n\r\n");
    const qsizetype lenAt = page.indexOf("Content-Length: ") + 16;
    const int len = page.mid(lenAt, page.indexOf('\r', lenAt) - lenAt).toInt();
    QCOMPARE(len, int(page.size() - split - 4));
}

void TestDemoServer::hostileInput()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    {
        // an endless handshake is cut off
        QTestClient c(s.port());
        c.sendRaw(QByteArray(4096, 'x'));
        QVERIFY(c.waitClosed(3000));
    }
    {
        // a header announcing 3 GiB: closed, not allocated
        QTestClient c(s.port());
        QCOMPARE(c.login("h"), 3);
        QByteArray hdr("\x01\x01\x00\x00", 4);
        const uint32_t size = 0xC0000000u;
        hdr.append(reinterpret_cast<const char *>(&size), 4);
        c.sendRaw(hdr);
        QVERIFY(c.waitClosed(3000));
    }
    {
        // a well-framed message with a garbage payload: closed
        QTestClient c(s.port());
        QCOMPARE(c.login("g"), 3);
        QByteArray m("\x01\x01\x00\x00\x0e\x00\x00\x00\x63\x77\x77\x77\x77\x77", 14);
        c.sendRaw(m);
        QVERIFY(c.waitClosed(3000));
    }
    {
        // a compressed message whose stream lies about its size: closed
        QTestClient c(s.port());
        QCOMPARE(c.login("z"), 3);
        QByteArray m("\x01\x01\x01\x00\x10\x00\x00\x00\xff\xff\xff\x7f\x00\x00\x00\x00", 16);
        c.sendRaw(m);
        QVERIFY(c.waitClosed(3000));
    }
    // the server still serves
    QTestClient ok(s.port());
    QCOMPARE(ok.login("ok"), 3);
    QCOMPARE(ok.sync(".u.t").count(), int64_t(2));
}

void TestDemoServer::builtInFeedPublishes()
{
    DemoServer s;
    DemoOptions o = quietOptions();
    o.feed = true;
    o.feedRowsPerSecond = 500;
    o.feedBatch = 5;
    o.syms = {"AAA", "BBB"};
    QVERIFY(s.start(o));
    QTestClient c(s.port());
    QCOMPARE(c.login("rdb"), 3);
    QVERIFY(!c.sync(call({sym(".u.sub"), sym("quote"), sym("BBB")})).isError());
    int rows = 0;
    QElapsedTimer t;
    t.start();
    while (rows < 20 && t.elapsed() < 5000) {
        std::optional<Decoded> m = c.next(1000);
        if (!m) continue;
        QVERIFY(m->ok());
        QCOMPARE(m->value.item(1).symbolValue(), QByteArray("quote"));
        const Value tab = m->value.item(2);
        const Value &syms = tab.columns().item(1);
        for (int64_t r = 0; r < syms.count(); ++r) {
            QCOMPARE(syms.symAt(r), QByteArray("BBB"));
            QVERIFY(tab.columns().item(2).at<double>(r) < tab.columns().item(3).at<double>(r));
        }
        rows += int(tab.count());
    }
    QVERIFY(rows >= 20);
    const Value trade = c.sync("trade");
    QVERIFY(trade.count() > 0);
    const Value &price = trade.columns().item(2);
    for (int64_t r = 0; r < price.count(); ++r)
        QVERIFY(price.at<double>(r) > 0);
}

void TestDemoServer::hcloseClosesWithoutDotZpc()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient admin(s.port());
    QCOMPARE(admin.login("admin"), 3);
    // A user .z.pc that records every call; the default one would keep trackConnections.
    QVERIFY(!admin.sync(".pcs:`int$(); .z.pc:{.pcs,:x}").isError());
    QTestClient victim(s.port());
    QCOMPARE(victim.login("victim"), 3);
    const int h = victim.sync(".z.w").intValue();
    QVERIFY(h > 0);
    QVERIFY(!victim.sync(call({sym(".u.sub"), sym("trade"), sym("")})).isError());
    QCOMPARE(admin.sync(".u.w").values().item(0).count(), int64_t(1));

    // hclose from q: the victim's socket is closed at once; kdb+ runs no .z.pc for it.
    const QByteArray close = "hclose " + QByteArray::number(h) + "i";
    const Value r = admin.sync(close);
    QVERIFY2(r.isGenericNull(), r.isError() ? r.symbolValue().constData() : "not ::");
    QVERIFY(victim.waitClosed(5000));
    QCOMPARE(admin.sync(".z.W").keys().count(), int64_t(1)); // only admin's handle is left
    QCOMPARE(admin.sync("count .pcs").longValue(), 0);
    QCOMPARE(admin.sync(".u.w").values().item(0).count(), int64_t(0)); // no stale subscriber

    // Closing a handle that is not open is q's error, as is a handle of the wrong type.
    for (const QByteArray &q : {close, QByteArray("hclose 99999"), QByteArray("hclose -1")}) {
        const Value e = admin.sync(q);
        QVERIFY2(e.isError(), q.constData());
        QCOMPARE(e.symbolValue(), QByteArray(": Bad file descriptor"));
    }
    QCOMPARE(admin.sync("hclose `a").symbolValue(), QByteArray("type"));

    // A client that leaves by itself still gets .z.pc, once.
    int gone = 0;
    {
        QTestClient leaver(s.port());
        QCOMPARE(leaver.login("leaver"), 3);
        gone = leaver.sync(".z.w").intValue();
    }
    QElapsedTimer t;
    t.start();
    Value pcs;
    do {
        pcs = admin.sync(".pcs");
    } while (pcs.count() == 0 && t.elapsed() < 5000);
    QCOMPARE(pcs.count(), int64_t(1));
    QCOMPARE(pcs.at<int32_t>(0), gone);
    // The monitor's spelling: hclose, then the .z.pc call kdb+ skipped.
    QTestClient second(s.port());
    QCOMPARE(second.login("second"), 3);
    const int h2 = second.sync(".z.w").intValue();
    const QByteArray hs = QByteArray::number(h2) + "i";
    QVERIFY(!admin.sync("hclose " + hs + ";if[`pc in key`.z;.z.pc " + hs + "];").isError());
    QVERIFY(second.waitClosed(5000));
    QCOMPARE(admin.sync("last .pcs").intValue(), h2);
    // the server still serves its callers
    QCOMPARE(admin.sync("1+1").longValue(), 2);
}

void TestDemoServer::pushToAClientHandle()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient pusher(s.port());
    QCOMPARE(pusher.login("pusher"), 3);
    QTestClient listener(s.port());
    QCOMPARE(listener.login("listener"), 3);
    const int h = listener.sync(".z.w").intValue();
    const QByteArray hs = QByteArray::number(h) + "i";
    // neg[h] msg: an async message to another client, as the monitor's agent pushes.
    QVERIFY(pusher.sync("neg[" + hs + "](`.qscope.upd;" + hs + ";`a`b!1 2)").isGenericNull());
    std::optional<Decoded> m = listener.next(5000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->header.type, MessageType::Async);
    QCOMPARE(m->value.count(), int64_t(3));
    QCOMPARE(m->value.item(0).symbolValue(), QByteArray(".qscope.upd"));
    QCOMPARE(m->value.item(1).intValue(), h);
    QVERIFY(pusher.sync("neg[" + hs + "][]").isGenericNull()); // flush: nothing is sent
    // A sync request to a client would block the server on it: not in the demo.
    QCOMPARE(pusher.sync(hs + " \"1+1\"").symbolValue(), QByteArray("nyi"));
    QCOMPARE(pusher.sync("neg[99999] \"x\"").symbolValue(), QByteArray(": Bad file descriptor"));
    QCOMPARE(listener.sync("2+2").longValue(), 4); // nothing else arrived before the reply
    QVERIFY(listener.takeAsync().empty());
}

namespace {

/// A gateway's two halves in q: park defers the caller's sync request (-30!(::)) and notes its
/// handle; answering is left to another handle's -30!(h;isError;x).
const QByteArray kPark = "parked:`int$(); park:{parked::parked,.z.w; -30!(::)}";

/// Polls over `by` until q expression `expr` is true (1b), for up to 5 s.
bool waitTrue(QTestClient &by, const QByteArray &expr)
{
    QElapsedTimer t;
    t.start();
    do {
        const Value v = by.sync(expr);
        if (v.type() == -Boolean && v.boolean()) return true;
    } while (t.elapsed() < 5000);
    return false;
}

} // namespace

void TestDemoServer::deferredResponse()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient gw(s.port());
    QCOMPARE(gw.login("gateway"), 3);
    QVERIFY(!gw.sync(kPark + "; n:0").isError());
    QTestClient client(s.port());
    QCOMPARE(client.login("client"), 3);
    const int h = client.sync(".z.w").intValue();
    const QByteArray hs = QByteArray::number(h) + "i";

    // The client's sync request is parked: no response, yet the server goes on serving.
    client.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    QVERIFY(waitTrue(gw, hs + " in parked"));
    // Meanwhile the client's async messages still run, and pushes to it still arrive.
    client.send(Value::string("n+:1"), MessageType::Async);
    QVERIFY(waitTrue(gw, "n=1"));
    QVERIFY(gw.sync("neg[" + hs + "](`note;1)").isGenericNull());
    std::optional<Decoded> m = client.next(5000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->header.type, MessageType::Async); // the push, not a response
    QCOMPARE(m->value.item(0).symbolValue(), QByteArray("note"));

    // -30!(h;0b;x) answers it: x is the response; -30! itself returns ::.
    QVERIFY(gw.sync("-30!(" + hs + ";0b;42)").isGenericNull());
    m = client.next(5000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->header.type, MessageType::Response);
    QCOMPARE(m->value.longValue(), 42);

    // -30!(h;1b;"text"): the client gets the q error 'text.
    client.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    QVERIFY(waitTrue(gw, "2=count parked"));
    QVERIFY(gw.sync("-30!(" + hs + ";1b;\"oops\")").isGenericNull());
    m = client.next(5000);
    QVERIFY(m && m->ok());
    QCOMPARE(m->header.type, MessageType::Response);
    QVERIFY(m->value.isError());
    QCOMPARE(m->value.symbolValue(), QByteArray("oops"));

    // A request may defer and answer itself at once (the slot is taken at -30!(::)); the value
    // of the function is then not sent.
    QCOMPARE(client.sync("{-30!(::); -30!(.z.w;0b;7); 99}[]").longValue(), 7);
    // Deferring twice in one request still owes one answer.
    QCOMPARE(client.sync("{-30!(::); -30!(::); -30!(.z.w;0b;`once)}[]").symbolValue(),
             QByteArray("once"));
    QCOMPARE(client.sync("1+1").longValue(), 2); // in step: nothing stray was sent
    QVERIFY(client.takeAsync().empty());
}

void TestDemoServer::deferredResponsesKeepOrder()
{
    // kdb+ keeps a count of deferred answers per handle, not a queue: an ordinary answer goes
    // out at once, ahead of a deferred one still owed, and -30! answers whenever it is called.
    // (A client that pipelines sync requests to a deferring server gets answers out of
    // order; q's own client, and qscope, write one sync request at a time.)
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient gw(s.port());
    QCOMPARE(gw.login("gateway"), 3);
    QVERIFY(!gw.sync(kPark + "; seen:0").isError());
    QTestClient client(s.port());
    QCOMPARE(client.login("client"), 3);
    const QByteArray hs = QByteArray::number(client.sync(".z.w").intValue()) + "i";

    client.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    client.send(Value::string("seen+:1; `second"), MessageType::Sync);
    client.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    QVERIFY(waitTrue(gw, "(seen=1) and 2=count parked"));
    QList<QByteArray> got;
    auto nextAnswer = [&]() -> bool {
        const std::optional<Decoded> m = client.next(5000);
        if (!m || !m->ok() || m->header.type != MessageType::Response) return false;
        got << m->value.symbolValue();
        return true;
    };
    QVERIFY(nextAnswer()); // the ordinary answer did not wait for the parked one before it
    QCOMPARE(got, QList<QByteArray>{"second"});
    QVERIFY(!client.next(200)); // two owed, none given yet
    QVERIFY(gw.sync("-30!(" + hs + ";0b;`first)").isGenericNull());
    QVERIFY(nextAnswer());
    QVERIFY(gw.sync("-30!(" + hs + ";0b;`third)").isGenericNull());
    QVERIFY(nextAnswer());
    QCOMPARE(got, (QList<QByteArray>{"second", "first", "third"}));
    // Owed nothing now.
    const Value more = gw.sync("-30!(" + hs + ";0b;`fourth)");
    QVERIFY(more.isError());
    QCOMPARE(more.symbolValue(), "Handle " + hs.chopped(1) + " was not expecting a response msg");
    QCOMPARE(client.sync("1+1").longValue(), 2);
}

void TestDemoServer::deferredResponseErrors()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient gw(s.port());
    QCOMPARE(gw.login("gateway"), 3);
    QVERIFY(!gw.sync(kPark).isError());
    QTestClient client(s.port());
    QCOMPARE(client.login("client"), 3);
    const int h = client.sync(".z.w").intValue();
    const QByteArray hs = QByteArray::number(h) + "i";

    // An open handle that is owed nothing: kdb+'s words (code.kx.com kb/deferred-response).
    const QByteArray notExpecting =
        "Handle " + QByteArray::number(h) + " was not expecting a response msg";
    QCOMPARE(gw.sync("-30!(" + hs + ";0b;1)").symbolValue(), notExpecting);
    // Its own handle, in a request that did not defer: the same.
    QCOMPARE(client.sync("-30!(.z.w;0b;1)").symbolValue(),
             "Handle " + QByteArray::number(h) + " was not expecting a response msg");
    // Not a handle of .z.W: 'domain.
    QCOMPARE(gw.sync("-30!(99999i;0b;1)").symbolValue(), QByteArray("domain"));
    QCOMPARE(gw.sync("-30!(0i;0b;1)").symbolValue(), QByteArray("domain"));
    // Wrong shapes and types.
    QCOMPARE(gw.sync("-30!42").symbolValue(), QByteArray("type"));
    QCOMPARE(gw.sync("-30!(1i;0b)").symbolValue(), QByteArray("length"));
    QCOMPARE(gw.sync("-30!(`a;0b;1)").symbolValue(), QByteArray("type"));
    QCOMPARE(gw.sync("-30!(" + hs + ";1;1)").symbolValue(), QByteArray("type"));
    QCOMPARE(gw.sync("-30!(" + hs + ";1b;`notastring)").symbolValue(), QByteArray("type"));
    // -30!(::) outside a sync request: nothing to defer.
    gw.send(Value::string("r:@[{-30!x};::;{x}]"), MessageType::Async);
    QCOMPARE(gw.sync("r"), Value::string("domain"));
    // None of that disturbed the client.
    QCOMPARE(client.sync("1+1").longValue(), 2);

    // A parked client that leaves loses its answer; a later -30! to its handle is 'domain.
    client.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    QVERIFY(waitTrue(gw, hs + " in parked"));
    client.device()->close();
    QVERIFY(waitTrue(gw, "not " + hs + " in key .z.W"));
    QCOMPARE(gw.sync("-30!(" + hs + ";0b;1)").symbolValue(), QByteArray("domain"));
    // The same for a handle closed by hclose while owed an answer.
    QTestClient other(s.port());
    QCOMPARE(other.login("other"), 3);
    const QByteArray os = QByteArray::number(other.sync(".z.w").intValue()) + "i";
    other.send(call({sym("park"), Value::longAtom(0)}), MessageType::Sync);
    QVERIFY(waitTrue(gw, os + " in parked"));
    QVERIFY(gw.sync("hclose " + os).isGenericNull());
    QVERIFY(other.waitClosed(5000));
    const Value late = gw.sync("-30!(" + os + ";0b;1)");
    QVERIFY(late.isError());
    QCOMPARE(late.symbolValue(), QByteArray("domain"));
    QCOMPARE(gw.sync("1+1").longValue(), 2); // the server still serves
}

void TestDemoServer::systemCommands()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("sys"), 3);
    // \x .z.po removes a user's handler; the demo's default trackConnections keeping is back.
    QVERIFY(!c.sync(".z.po:{`.opened set x}").isError());
    QVERIFY(c.sync("system \"x .z.po\"").isGenericNull());
    QCOMPARE(c.sync("`po in key`.z").boolean(), false);
    {
        QTestClient other(s.port());
        QCOMPARE(other.login("other"), 3);
        QCOMPARE(c.sync("@[value;`.opened;`none]").symbolValue(), QByteArray("none"));
        QCOMPARE(c.sync("exec last user from trackConnections").symbolValue(), QByteArray("other"));
    }
    // \w: six longs; \w 0: symbol count and size
    const Value w = c.sync("\\w");
    QCOMPARE(w.type(), int(Long));
    QCOMPARE(w.count(), int64_t(6));
    QCOMPARE(c.sync("system \"w 0\"").count(), int64_t(2));
    // \l reads scripts at or below the current directory only ('access, as kdb+ -u).
    QTemporaryDir dir(QDir::currentPath() + QStringLiteral("/qscope-l-XXXXXX"));
    QVERIFY(dir.isValid());
    const QByteArray rel = QDir::current().relativeFilePath(dir.path()).toUtf8();
    QFile script(dir.filePath(QStringLiteral("init.q")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("/ a script\nloaded:42\nadd1:{\n x+1}\n");
    script.close();
    const Value l = c.sync("system \"l " + rel + "/init.q\"");
    QVERIFY2(l.isGenericNull(), l.isError() ? l.symbolValue().constData() : "not ::");
    QCOMPARE(c.sync("add1 loaded").longValue(), 43);
    QVERIFY(QFile::link(QStringLiteral("/etc/hostname"), dir.filePath(QStringLiteral("out.q"))));
    for (const QByteArray &p :
         {QByteArray("/etc/hostname"), QByteArray("../x.q"), QByteArray("~/x.q"),
          QByteArray(rel + "/../../x.q"), QByteArray(rel + "/out.q")}) {
        const Value e = c.sync("system \"l " + p + "\"");
        QVERIFY2(e.isError() && e.symbolValue() == "access", p.constData());
    }
    QCOMPARE(c.sync("system \"l " + rel + "/missing.q\"").symbolValue(), rel + "/missing.q");
    // commands kdb+ would give to the shell are refused, never run
    QCOMPARE(c.sync("system \"ls\"").symbolValue(), QByteArray("access"));
    QCOMPARE(c.sync("system \"p 6000\"").symbolValue(), QByteArray("nyi"));
    QCOMPARE(c.sync("1+1").longValue(), 2);
}

void TestDemoServer::explorerAnswersAsKdb()
{
    // What the workbench's explorer asks a server, answered as a kdb+ tickerplant would.
    DemoServer s;
    QVERIFY(s.start(quietOptions()));
    QTestClient c(s.port());
    QCOMPARE(c.login("ex"), 3);
    // key`: q Q h j o first, then .u; never .z
    const Value ns = c.sync("key`");
    QCOMPARE(ns.type(), int(Symbol));
    QVERIFY(ns.count() >= 6);
    const char *const own[] = {"q", "Q", "h", "j", "o"};
    for (int64_t i = 0; i < 5; ++i)
        QCOMPARE(ns.symAt(i), QByteArray(own[i]));
    QList<QByteArray> names;
    for (int64_t i = 0; i < ns.count(); ++i)
        names << ns.symAt(i);
    QVERIFY(names.contains("u"));
    QVERIFY(!names.contains("z"));
    // tables in a namespace: .u holds none; the root holds the feed's
    const Value tu = c.sync("tables`.u");
    QVERIFY(tu.type() == Symbol && tu.count() == 0);
    const Value root = c.sync("tables`.");
    QVERIFY(root.type() == Symbol && root.count() >= 2);
    // views: none, listed as the empty symbol list
    for (const QByteArray &cmd :
         {QByteArray("system \"b\""), QByteArray("system \"b .u\""), QByteArray("system \"B\"")}) {
        const Value v = c.sync(cmd);
        QVERIFY2(v.type() == Symbol && v.count() == 0, cmd.constData());
    }
    // .u.sub is a lambda whose text is q (its context u, as after \d .u), and still subscribes
    const Value sub = c.sync(".u.sub");
    QCOMPARE(sub.type(), int(Lambda));
    QCOMPARE(sub.lambdaContext(), QByteArray("u"));
    QVERIFY2(sub.lambdaSource().startsWith("{[x;y]") && sub.lambdaSource().endsWith('}'),
             sub.lambdaSource().constData());
    QCOMPARE(c.sync("string .u.sub").type(), int(Char));
    for (const char *f : {".u.upd", ".u.pub", ".u.del", ".u.end", ".z.pc", ".z.po", ".z.pw"}) {
        const Value v = c.sync(QByteArray(f));
        QVERIFY2(v.type() == Lambda && v.lambdaSource().startsWith('{'), f);
    }
    const Value r = c.sync(call({sym(".u.sub"), sym("trade"), sym("")}));
    QVERIFY2(r.isList() && r.count() == 2, r.isError() ? r.symbolValue().constData() : "shape");
    QCOMPARE(r.item(0).symbolValue(), QByteArray("trade"));
    QVERIFY(c.sync("f:.u.sub; f[`quote;`]").isList()); // the value applies the native too
}

QTEST_GUILESS_MAIN(TestDemoServer)
#include "tst_demoserver.moc"
