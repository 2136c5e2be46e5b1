// The demo server's q where kdb-tick's scripts and the plant need kdb+'s behaviour (issue 17),
// each case against the code.kx.com page it follows: \t and .z.ts timers on the server's event
// loop, \l with \d over IPC, an upd whose columns do not match its table, and the qscope agent
// (resources/agent/qscope_agent.q) in a plant started with --agent.

#include "demo/agentscript.h"
#include "demo/demoserver.h"
#include "demo/plant.h"
#include "protocol/format.h"
#include "qtestclient.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope;
using qscope::test::QTestClient;

namespace {

DemoOptions quietOptions(bool tickerplant = true)
{
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    o.tickerplant = tickerplant;
    return o;
}

QByteArray show(QTestClient &c, const QByteArray &q)
{
    return formatOneLine(c.sync(q));
}

} // namespace

class TestDemoQFidelity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timerFiresDotZts();
    void timerOnATickerplant();
    void loadScriptWithDirectory();
    void updWithOtherColumnsFails();
    void agentLoadsTwiceAndChains();
    void plantAgentNamesSubscriberPorts();
    void cliPlantAgent();
};

// code.kx.com/q/basics/syscmds/#t-timer and code.kx.com/q/ref/dotz/#zts-timer: \t N calls .z.ts
// every N ms, \t alone gives N, \t 0 stops it
void TestDemoQFidelity::timerFiresDotZts()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions(false)));
    QTestClient c(s.port());
    QCOMPARE(c.login("t"), 3);
    QVERIFY(!c.sync("ticks:(); .z.ts:{ticks,::x}").isError());
    QCOMPARE(show(c, "\\t"), QByteArray("0i"));
    QVERIFY(c.sync("system \"t 20\"").isGenericNull());
    QCOMPARE(show(c, "\\t"), QByteArray("20i"));
    // fires on the server's own event loop while it keeps answering
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count ticks").longValue() >= 5, 10000);
    QCOMPARE(c.sync("1+1").longValue(), 2);
    // each call is given the time (a timestamp), later ones later
    QCOMPARE(show(c, "type first ticks"), QByteArray("-12h"));
    QCOMPARE(show(c, "all 0D<1_deltas ticks"), QByteArray("1b"));
    QVERIFY(c.sync("\\t 0").isGenericNull());
    QCOMPARE(show(c, "\\t"), QByteArray("0i"));
    const int64_t stopped = c.sync("count ticks").longValue();
    QTest::qWait(200); // ten intervals: a timer still running would have added to ticks
    QCOMPARE(c.sync("count ticks").longValue(), stopped);
    // a .z.ts that signals is logged, and the timer keeps firing
    QVERIFY(!c.sync("n:0; .z.ts:{n::n+1; '`boom}; system \"t 20\"").isError());
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("n").longValue() >= 3, 10000);
    QVERIFY(c.sync("\\t 0").isGenericNull());
}

// code.kx.com/q/basics/syscmds/#t-timer: on a tickerplant \t N batches updates to the tick, as
// tick.q's .z.ts publishes; the user's .z.ts runs on the same tick
void TestDemoQFidelity::timerOnATickerplant()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions(true)));
    QTestClient c(s.port());
    QCOMPARE(c.login("tp"), 3);
    QVERIFY(!c.sync("n:0; .z.ts:{n::n+1}; system \"t 30\"").isError());
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("n").longValue() >= 3, 10000);
    QCOMPARE(c.sync("\\t").intValue(), 30);
    QVERIFY(c.sync("\\t 0").isGenericNull());
}

// code.kx.com/q/basics/syscmds/#l-load-file-or-directory and #d-directory: a script loaded over
// IPC defines its \d .u names in .u and comes back to the root; an error names its line
void TestDemoQFidelity::loadScriptWithDirectory()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions(false)));
    QString err;
    connect(&s, &DemoServer::consoleOutput, this, [&err](const QByteArray &t, bool isErr) {
        if (isErr) err += QString::fromUtf8(t);
    });
    QTestClient c(s.port());
    QCOMPARE(c.login("l"), 3);
    QTemporaryDir dir(QDir::currentPath() + QStringLiteral("/qscope-fid-XXXXXX"));
    QVERIFY(dir.isValid());
    const QByteArray rel = QDir::current().relativeFilePath(dir.path()).toUtf8();
    QFile f(dir.filePath(QStringLiteral("u.q")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("/ like u.q\n\\d .u\ni:0\nadd:{[x]\n  i::i+x}\n\\d .\nafter:1\n\\\nnot q\n");
    f.close();
    QVERIFY(c.sync("system \"l " + rel + "/u.q\"").isGenericNull());
    QCOMPARE(show(c, ".u.add 5"), QByteArray("5"));
    QCOMPARE(show(c, ".u.i"), QByteArray("5"));
    QCOMPARE(show(c, "after"), QByteArray("1"));
    QCOMPARE(show(c, "\\d"), QByteArray("`."));
    QFile bad(dir.filePath(QStringLiteral("bad.q")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("ok:1\nnope:1+`a\nnever:1\n");
    bad.close();
    QCOMPARE(c.sync("system \"l " + rel + "/bad.q\"").symbolValue(), QByteArray("type"));
    QCOMPARE(c.sync("@[value;`never;`undefined]").symbolValue(), QByteArray("undefined"));
    QTRY_VERIFY(err.contains(QString::fromUtf8(rel + "/bad.q:2: nope:1+`a")));
}

// code.kx.com/q/ref/insert/ (r.q's upd is insert) and kdb-tick tick.q's .u.upd: rows whose columns
// do not match the table are 'mismatch, of another type 'type, of unequal lengths 'length; the
// table keeps what it had
void TestDemoQFidelity::updWithOtherColumnsFails()
{
    DemoServer tp;
    QVERIFY(tp.start(quietOptions(true)));
    QTestClient feed(tp.port());
    QCOMPARE(feed.login("feed"), 3);
    QVERIFY(feed.sync(".u.upd[`trade;(`KX;1f;2)]").isGenericNull());
    QCOMPARE(feed.sync(".u.upd[`trade;([]a:1 2)]").symbolValue(), QByteArray("mismatch"));
    QCOMPARE(feed.sync(".u.upd[`trade;([]time:2#.z.n;sym:`a`b;price:1 2f;qty:1 2)]").symbolValue(),
             QByteArray("mismatch"));
    QCOMPARE(
        feed.sync(".u.upd[`trade;([]time:2#.z.n;sym:`a`b;price:1 2f;size:1 2f)]").symbolValue(),
        QByteArray("type"));
    QCOMPARE(feed.sync("count trade").longValue(), 1);

    // an RDB: upd:insert, as r.q
    DemoServer rdb;
    QVERIFY(rdb.start(quietOptions(false)));
    QTestClient c(rdb.port());
    QCOMPARE(c.login("rdb"), 3);
    QVERIFY(!c.sync("upd:insert; trade:([]time:`timespan$();sym:`symbol$();price:`float$())")
                 .isError());
    QVERIFY(!c.sync("upd[`trade;(.z.n;`a;1f)]").isError());
    QCOMPARE(c.sync("upd[`trade;([]a:1 2)]").symbolValue(), QByteArray("mismatch"));
    QCOMPARE(c.sync("upd[`trade;`time`sym`px!(.z.n;`b;2f)]").symbolValue(), QByteArray("mismatch"));
    QCOMPARE(c.sync("upd[`trade;([]time:1#.z.n;sym:`b;price:1)]").symbolValue(),
             QByteArray("type"));
    QCOMPARE(c.sync("upd[`trade;(.z.n;`b)]").symbolValue(), QByteArray("length"));
    QCOMPARE(c.sync("upd[`trade;(2#.z.n;`b`c;1f)]").symbolValue(), QByteArray("length"));
    // as a publisher sends it: async (upd;`trade;rows), the error only logged
    c.send(Value::list({Value::symbol("upd"), Value::symbol("trade"),
                        c.sync("([]time:1#.z.n;sym:`c;qty:1)")}),
           MessageType::Async);
    QCOMPARE(show(c, "count trade"), QByteArray("1"));
    QCOMPARE(show(c, "cols trade"), QByteArray("`time`sym`price"));
    QCOMPARE(show(c, "count each flip trade"), QByteArray("`time`sym`price!1 1 1"));
}

// resources/agent/qscope_agent.q in one process: loading it twice keeps the first handlers it
// chained, q's .z.pc default (or the user's) still runs when a handle closes
// (code.kx.com/q/ref/dotz/#zpc-close, #zps-set)
void TestDemoQFidelity::agentLoadsTwiceAndChains()
{
    DemoServer s;
    QVERIFY(s.start(quietOptions(false)));
    QTestClient c(s.port());
    QCOMPARE(c.login("a"), 3);
    QVERIFY(!c.sync("closed:(); .z.pc:{closed,::x}").isError());
    QSignalSpy ran(&s, &DemoServer::executed);
    s.executeScript(qscopeAgentScript(), "qscope_agent.q");
    s.executeScript(qscopeAgentScript(), "qscope_agent.q");
    QTRY_COMPARE(ran.count(), 2);
    QCOMPARE(show(c, "\\v .qscope"), QByteArray("`hello`pc0`peers`ps0`tell`told"));
    QCOMPARE(show(c, "string .qscope.pc0"), QByteArray("\"{closed,::x}\""));
    // a subscriber's hello over its handle: the row is keyed by that handle
    {
        QTestClient sub(s.port());
        QCOMPARE(sub.login("sub"), 3);
        sub.send(Value::list({Value::symbol(".qscope.hello"), Value::intAtom(5099)}),
                 MessageType::Async);
        QTRY_COMPARE(show(c, "count .qscope.peers"), QByteArray("1"));
        QCOMPARE(show(c, "exec host from .qscope.peers"), QByteArray(",`127.0.0.1"));
        QCOMPARE(show(c, "exec port from .qscope.peers"), QByteArray(",5099i"));
        QCOMPARE(show(c, "(exec first handle from .qscope.peers) in key .z.W"), QByteArray("1b"));
    }
    // closed: gone from peers, and the user's own .z.pc ran too
    QTRY_COMPARE(show(c, "count .qscope.peers"), QByteArray("0"));
    QCOMPARE(show(c, "count closed"), QByteArray("1"));
}

// qscope-demo --plant --agent: after the plant starts, the tickerplant's .qscope.peers names each
// of its subscribers (rdb1 rdb2 rte ctp) by its listening port and the handle .u.w knows it by;
// the chained tickerplant's names crdb
void TestDemoQFidelity::plantAgentNamesSubscriberPorts()
{
    DemoPlant plant;
    PlantOptions o;
    o.agent = true;
    QString err;
    QVERIFY2(plant.start(o, &err), qPrintable(err));
    QTestClient tp(plant.port(QStringLiteral("tp")));
    QCOMPARE(tp.login("estate"), 3);
    QList<int> want;
    for (const char *n : {"rdb1", "rdb2", "rte", "ctp"})
        want << plant.port(QLatin1String(n));
    std::sort(want.begin(), want.end());
    QList<int> got;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Value p = tp.sync("asc exec port from .qscope.peers");
            got.clear();
            for (int64_t i = 0; p.type() == Int && i < p.count(); ++i)
                got << p.at<int32_t>(i);
            return got == want;
        }(),
        20000);
    QCOMPARE(got, want);
    // keyed by the handles the tickerplant publishes to
    QCOMPARE(show(tp, "asc[exec handle from .qscope.peers]~asc distinct raze .u.w[;;0]"),
             QByteArray("1b"));
    QTestClient ctp(plant.port(QStringLiteral("ctp")));
    QCOMPARE(ctp.login("estate"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(ctp.sync("exec port from .qscope.peers").count() == 1, 20000);
    QCOMPARE(ctp.sync("first exec port from .qscope.peers").intValue(),
             int(plant.port(QStringLiteral("crdb"))));
    // a subscriber that goes is dropped from its publisher's peers
    QVERIFY(plant.kill(QStringLiteral("rte")));
    QTRY_COMPARE_WITH_TIMEOUT(tp.sync("count .qscope.peers").longValue(), int64_t(3), 20000);
}

// The real binary: qscope-demo --plant --agent prints its parts; the tickerplant's
// .qscope.peers comes to name its four subscribers' ports
void TestDemoQFidelity::cliPlantAgent()
{
    QProcess p;
    p.start(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-demo"),
            {QStringLiteral("--plant"), QStringLiteral("--agent"), QStringLiteral("-q")});
    QVERIFY(p.waitForStarted(10000));
    QHash<QString, int> ports;
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (ports.size() < 7 && t.elapsed() < 20000) {
        p.waitForReadyRead(200);
        out += p.readAllStandardOutput();
        for (const QByteArray &line : out.split('\n')) {
            const QList<QByteArray> w = line.simplified().split(' ');
            if (w.size() == 4 && w[2].toInt() > 0)
                ports.insert(QString::fromUtf8(w[0]), w[2].toInt());
        }
    }
    QCOMPARE(ports.size(), 7);
    QList<int> want{ports.value(QStringLiteral("rdb1")), ports.value(QStringLiteral("rdb2")),
                    ports.value(QStringLiteral("rte")), ports.value(QStringLiteral("ctp"))};
    std::sort(want.begin(), want.end());
    QTestClient tp(quint16(ports.value(QStringLiteral("tp"))));
    QCOMPARE(tp.login("estate"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const Value v = tp.sync("asc exec port from .qscope.peers");
            QList<int> got;
            for (int64_t i = 0; v.type() == Int && i < v.count(); ++i)
                got << v.at<int32_t>(i);
            return got == want;
        }(),
        20000);
    p.write("\\\\\n");
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestDemoQFidelity)
#include "tst_demoqfidelity.moc"
