// Tickerplant logs (#18): the bytes the demo writes, -11! in all its forms on good, truncated,
// padded and corrupted logs, and the memory-mapped reader on hundreds of random corruptions.
//
// The layout checked here is the one core/tplog/tplogformat.h documents from KX's pages:
// code.kx.com/q/kb/replay-log/ (a log is a q list file made by `set ()`, appended item by item
// with `h enlist x`), code.kx.com/q/basics/internal/#-11-streaming-execute (-11! forms, 'badtail)
// and code.kx.com/q/wp/data-recovery/ (-11!(-2;x) gives valid chunks and valid bytes; tick.q's
// .u.L/.u.i/.u.j). The 0xff01 file header is q's output as quoted on Stack Overflow 72491776;
// KX documents no on-disk layout (forum.kx.com/t/serialization-and-header-values-0xff-0x01).

#include "demo/demoserver.h"
#include "protocol/codec.h"
#include "qtestclient.h"
#include "tplog/tplogformat.h"
#include "tplog/tplogreader.h"
#include "tplog/tplogreplay.h"
#include "tplogtestutil.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace qscope;
using qscope::test::QTestClient;

namespace {

Value sym(const char *s)
{
    return Value::symbol(QByteArray(s));
}

DemoOptions quietOptions(const QString &logDir)
{
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    o.tplogDir = logDir;
    return o;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QString logPathOf(QTestClient &c)
{
    const Value L = c.sync(".u.L");
    return QString::fromUtf8(L.symbolValue().mid(1));
}

/// -11!(-2;x) as the function the demo's interpreter uses, without a server.
Value countForm(const QString &path)
{
    return tplog::streamingExecute(path, -2, [](const Value &) { return Value(); });
}

/// The file symbol for path, as q source: (`$":/tmp/x-1/y") (a `:/tmp/x-1 literal would end
/// at the '-').
QByteArray hsym(const QString &path)
{
    return "(`$\":" + path.toUtf8() + "\")";
}

} // namespace

class TestTpLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoLogBytesFollowTheLayout();
    void demoLogReadsBackExactly();
    void elevenBangForms();
    void corruptLogsAgreeWithElevenBang();
    void repairedPrefixIsAccepted();
    void replayRebuildsTheRdb();
    void readerSurvivesRandomCorruption();
    void readerIndexAndDecode();
    void readWhileIndexing();
    void demoRefusesACorruptLog();
    void endOfDayStartsANewFile();
    void usersFileLimitsWhatElevenBangReads();
};

void TestTpLog::demoLogBytesFollowTheLayout()
{
    QTemporaryDir dir;
    DemoServer s;
    QString err;
    QVERIFY2(s.start(quietOptions(dir.path()), &err), qPrintable(err));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    const QString path = logPathOf(c);
    QVERIFY2(path.startsWith(dir.path() + QStringLiteral("/sym")), qPrintable(path));
    // .[L;();:;()] on an empty file: exactly the 14 header bytes of an empty list.
    QCOMPARE(readAll(path).toHex(), QByteArray("ff010000000000000000"
                                               "00000000"));
    QCOMPARE(c.sync(".u.i").longValue(), int64_t(0));

    // one upd of one row, time given (tick.q logs x unchanged when its first item is -16h)
    QVERIFY(!c.sync("`.u.upd[`trade;(0D10:00:00.000000001;`KX;1.5;100)]").isError());
    const QByteArray b = readAll(path);
    QByteArray expected = QByteArray::fromHex("ff010000000000000000"
                                              "01000000"); // count 1
    expected += QByteArray::fromHex("0000"
                                    "03000000");            // (;;) 3 items
    expected += QByteArray::fromHex("f5") + "upd" + '\0';   // `upd
    expected += QByteArray::fromHex("f5") + "trade" + '\0'; // `trade
    expected += QByteArray::fromHex("0000"
                                    "04000000"); // x: 4 atoms
    expected += QByteArray::fromHex("f0"
                                    "014036e7bd200000"); // 0D10:00:00.000000001 (-16h)
    expected += QByteArray::fromHex("f5") + "KX" + '\0'; // `KX
    expected += QByteArray::fromHex("f7"
                                    "000000000000f83f"); // 1.5 (-9h)
    expected += QByteArray::fromHex("f9"
                                    "6400000000000000"); // 100 (-7h)
    QCOMPARE(b.toHex(), expected.toHex());

    // without a time, tick.q prepends "n"$.z.P: the logged x has 4 items, the first a timespan
    QVERIFY(!c.sync("`.u.upd[`trade;(`IBM`KX;2.5 3.5;10 20)]").isError());
    const QByteArray b2 = readAll(path);
    QCOMPARE(b2.mid(10, 4).toHex(), QByteArray("02000000")); // header count rewritten
    const Decoded d = decodePayload(b2.mid(b.size()));
    QVERIFY2(d.ok(), qPrintable(d.error->message));
    QCOMPARE(d.value.item(0).symbolValue(), QByteArray("upd"));
    const Value x = d.value.item(2);
    QCOMPARE(x.count(), int64_t(4));
    QCOMPARE(x.item(0).type(), int(Timespan));
    QCOMPARE(x.item(0).count(), int64_t(2));
    QCOMPARE(c.sync(".u.i").longValue(), int64_t(2));
    QCOMPARE(c.sync("-11!(-2;.u.L)").longValue(), int64_t(2));
}

void TestTpLog::demoLogReadsBackExactly()
{
    QTemporaryDir dir;
    DemoServer s;
    DemoOptions o = quietOptions(dir.path());
    o.feed = true;
    o.feedRowsPerSecond = 2000;
    o.feedBatch = 5;
    QVERIFY(s.start(o));
    QTestClient rdb(s.port());
    QCOMPARE(rdb.login("rdb"), 3);
    QVERIFY(!rdb.sync(Value::list({sym(".u.sub"), sym("trade"), sym("")})).isError());
    int64_t received = 0;
    QElapsedTimer t;
    t.start();
    while (received < 200 && t.elapsed() < 10000) {
        std::optional<Decoded> m = rdb.next(1000);
        if (m && m->ok() && m->value.isList() && m->value.count() == 3)
            received += m->value.item(2).count();
    }
    QVERIFY(received >= 200);
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    // Stop the feed's timer effect: stop the server, then compare the log with what it said.
    const QString path = logPathOf(c);
    const Value state = c.sync("(.u.i;count trade;count quote)");
    QCOMPARE(state.type(), int(Long));
    s.stop();
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(path, &err));
    const tplog::LogSummary sum = r.index();
    QVERIFY(sum.isValid());
    // the log may hold updates after the query above (the feed ran until stop)
    QVERIFY(sum.chunks >= state.at<int64_t>(0));
    int64_t tradeRows = -1, quoteRows = -1;
    for (const tplog::TableStats &ts : sum.tables) {
        if (ts.name == "trade") tradeRows = ts.rows;
        if (ts.name == "quote") quoteRows = ts.rows;
    }
    QVERIFY(tradeRows >= state.at<int64_t>(1));
    QVERIFY(quoteRows >= state.at<int64_t>(2));
    QVERIFY(tradeRows >= received); // every row the subscriber got is in the log
    QCOMPARE(sum.headerCount, sum.chunks);
}

void TestTpLog::elevenBangForms()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const int64_t n = test::writeTradeLog(good, 20000);
    QVERIFY(n > 10);
    DemoServer s;
    QVERIFY(s.start(quietOptions(dir.filePath(QStringLiteral("tp")))));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    const QByteArray f = hsym(good);
    QCOMPARE(c.sync("-11!(-2;" + f + ")").longValue(), n); // a long atom for a valid log
    QCOMPARE(c.sync("-11!(-2;" + f + ")").type(), -int(Long));
    // upd undefined: the function's name is signalled
    const Value noUpd = c.sync("-11!" + f);
    QVERIFY(noUpd.isError());
    QCOMPARE(noUpd.symbolValue(), QByteArray("upd"));
    QVERIFY(!c.sync("upd:{[t;x] k::k+1}; k:0").isError());
    QCOMPARE(c.sync("-11!" + f).longValue(), n);
    QCOMPARE(c.sync("k").longValue(), n);
    QCOMPARE(c.sync("-11!(-1;" + f + ")").longValue(), n);
    QVERIFY(!c.sync("k:0").isError());
    QCOMPARE(c.sync("-11!(5;" + f + ")").longValue(), int64_t(5));
    QCOMPARE(c.sync("k").longValue(), int64_t(5));
    QCOMPARE(c.sync("-11!(0;" + f + ")").longValue(), int64_t(0));
    QCOMPARE(c.sync("-11!(" + QByteArray::number(n + 10) + ";" + f + ")").longValue(), n);
    // .z.ps, when defined, gets each chunk instead of value
    QVERIFY(!c.sync(".z.ps:{[x] z::z+1}; z:0").isError());
    QCOMPARE(c.sync("-11!(7;" + f + ")").longValue(), int64_t(7));
    QCOMPARE(c.sync("z").longValue(), int64_t(7));
    // errors
    QCOMPARE(c.sync("-11!(-3;" + f + ")").symbolValue(), QByteArray("domain"));
    QCOMPARE(c.sync("-11!42").symbolValue(), QByteArray("type"));
    QVERIFY(c.sync("-11!`:/no/such/log").symbolValue().contains("No such file"));
    // a truncated log: 'badtail for the replay forms, after the valid chunks ran
    const QByteArray bytes = readAll(good);
    const QString cut = dir.filePath(QStringLiteral("cut"));
    QVERIFY(writeAll(cut, bytes.left(bytes.size() - 3)));
    const QByteArray g = hsym(cut);
    QCOMPARE(c.sync("-11!" + g).symbolValue(), QByteArray("badtail"));
    QCOMPARE(c.sync("-11!(-1;" + g + ")").symbolValue(), QByteArray("badtail"));
    const Value two = c.sync("-11!(-2;" + g + ")");
    QCOMPARE(two.type(), int(Long));
    QCOMPARE(two.count(), int64_t(2));
    QCOMPARE(two.at<int64_t>(0), n - 1);
    QCOMPARE(c.sync("-11!(" + QByteArray::number(n - 1) + ";" + g + ")").longValue(), n - 1);
    QCOMPARE(c.sync("-11!(" + QByteArray::number(n) + ";" + g + ")").symbolValue(),
             QByteArray("badtail"));
}

void TestTpLog::corruptLogsAgreeWithElevenBang()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const int64_t n = test::writeTradeLog(good, 50000);
    const QByteArray bytes = readAll(good);
    tplog::TpLogReader gr;
    QString err;
    QVERIFY(gr.open(good, &err));
    gr.index();
    const int64_t k = n / 2;
    const int64_t chunkK = gr.chunk(k).offset;
    struct Case
    {
        const char *name;
        QByteArray bytes;
        int64_t chunks, validLength;
    };
    QByteArray flipped = bytes;
    flipped[qsizetype(chunkK)] = char(0x42); // the type byte of chunk k: no q type 66
    QByteArray cutMid = bytes.left((chunkK + gr.chunkEnd(k)) / 2);
    const std::vector<Case> cases = {
        {"cut in the middle of a message", cutMid, k, chunkK},
        {"garbage appended", bytes + QByteArray("\x77garbage", 8), n, bytes.size()},
        {"type byte flipped", flipped, k, chunkK},
    };
    for (const Case &cs : cases) {
        const QString p =
            dir.filePath(QString::fromLatin1(cs.name).replace(QLatin1Char(' '), QLatin1Char('_')));
        QVERIFY(writeAll(p, cs.bytes));
        const Value v = countForm(p);
        QVERIFY2(v.type() == Long && v.count() == 2, cs.name);
        QCOMPARE(v.at<int64_t>(0), cs.chunks);
        QCOMPARE(v.at<int64_t>(1), cs.validLength);
        tplog::TpLogReader r;
        QVERIFY(r.open(p, &err));
        const tplog::LogSummary s = r.index();
        QVERIFY(!s.isValid());
        QCOMPARE(s.chunks, cs.chunks);
        QCOMPARE(s.validLength, cs.validLength);
        QCOMPARE(s.badOffset, cs.validLength);
        QVERIFY(!s.badReason.isEmpty());
    }
}

void TestTpLog::repairedPrefixIsAccepted()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const int64_t n = test::writeTradeLog(good, 30000);
    const QByteArray bytes = readAll(good);
    const QString bad = dir.filePath(QStringLiteral("bad"));
    QVERIFY(writeAll(bad, bytes.left(bytes.size() - 10)));
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(bad, &err));
    r.index();
    const QString fixed = dir.filePath(QStringLiteral("fixed"));
    QVERIFY2(r.exportValidPrefix(fixed, &err), qPrintable(err));
    const Value v = countForm(fixed);
    QCOMPARE(v.type(), -int(Long));
    QCOMPARE(v.longValue(), n - 1);
    // the header's count matches, so `get` (count from the header) agrees with -11!
    QByteArray h = readAll(fixed).mid(10, 4);
    int32_t cnt;
    std::memcpy(&cnt, h.constData(), 4);
    QCOMPARE(int64_t(cnt), n - 1);
    // and the demo's interpreter replays it without 'badtail
    DemoServer s;
    QVERIFY(s.start(quietOptions(dir.filePath(QStringLiteral("tp")))));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    QVERIFY(!c.sync("upd:{[t;x]}").isError());
    QCOMPARE(c.sync("-11!" + hsym(fixed)).longValue(), n - 1);
}

void TestTpLog::replayRebuildsTheRdb()
{
    QTemporaryDir dir;
    DemoServer a;
    DemoOptions o = quietOptions(dir.filePath(QStringLiteral("a")));
    o.feed = true;
    o.feedRowsPerSecond = 3000;
    o.feedBatch = 7;
    QVERIFY(a.start(o));
    QTestClient ca(a.port());
    QCOMPARE(ca.login("u:p"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(ca.sync("count trade").longValue() > 100, 10000);
    const QString path = logPathOf(ca);
    a.stop(); // the log and the RDB now hold the same updates
    // the stopped server's tables: ask a fresh server to replay the log with r.q's upd:insert
    DemoServer b;
    QVERIFY(b.start(quietOptions(dir.filePath(QStringLiteral("b")))));
    QTestClient cb(b.port());
    QCOMPARE(cb.login("u:p"), 3);
    QVERIFY(!cb.sync("upd:{[t;x] t insert x}").isError());
    const Value n = cb.sync("-11!" + hsym(path));
    QVERIFY2(!n.isError(), n.symbolValue().constData());
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(path, &err));
    const tplog::LogSummary sum = r.index();
    QCOMPARE(n.longValue(), sum.chunks);
    int64_t tradeRows = 0;
    for (const auto &ts : sum.tables)
        if (ts.name == "trade") tradeRows = ts.rows;
    QCOMPARE(cb.sync("count trade").longValue(), tradeRows);
    // same rows as the log decodes to, in order
    const Value t = cb.sync("trade");
    int64_t row = 0;
    for (int64_t i = 0; i < r.chunkCount(); ++i) {
        if (r.tableName(r.chunk(i)) != "trade") continue;
        const Decoded d = r.decode(i);
        QVERIFY(d.ok());
        const Value &x = d.value.item(2);
        const Value &price = x.item(2);
        for (int64_t j = 0; j < price.count(); ++j, ++row)
            QCOMPARE(t.columns().item(2).at<double>(row), price.at<double>(j));
    }
    QCOMPARE(row, tradeRows);
}

void TestTpLog::readerSurvivesRandomCorruption()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const int64_t n = test::writeTradeLog(good, 8000, 3);
    const QByteArray bytes = readAll(good);
    QRandomGenerator rng(18);
    const QString p = dir.filePath(QStringLiteral("mutant"));
    int invalid = 0;
    for (int round = 0; round < 300; ++round) {
        QByteArray m = bytes;
        switch (round % 4) {
        case 0: // flip a few bytes
            for (int i = 0, k = 1 + rng.bounded(4); i < k; ++i)
                m[rng.bounded(int(m.size()))] = char(rng.bounded(256));
            break;
        case 1: // cut anywhere
            m.truncate(rng.bounded(int(m.size())));
            break;
        case 2: // random bytes appended
            for (int i = 0, k = 1 + rng.bounded(64); i < k; ++i)
                m.append(char(rng.bounded(256)));
            break;
        default: // a run of bytes overwritten with random ones
        {
            const int at = rng.bounded(int(m.size()));
            for (int i = at; i < std::min<int>(int(m.size()), at + 32); ++i)
                m[i] = char(rng.bounded(256));
        }
        }
        QVERIFY(writeAll(p, m));
        tplog::TpLogReader r;
        QString err;
        QVERIFY(r.open(p, &err));
        const tplog::LogSummary s = r.index();
        QVERIFY(s.validLength <= m.size());
        QVERIFY(s.chunks <= n + 64);
        if (!s.isValid()) {
            ++invalid;
            QVERIFY(s.badOffset == s.validLength);
            QVERIFY(!s.badReason.isEmpty());
        }
        for (int64_t i = 0; i < r.chunkCount(); ++i)
            (void)r.decode(i); // decodes or reports; never crashes
        // the count form agrees with the reader, as the repair relies on it
        const Value v = countForm(p);
        if (s.isValid()) {
            QCOMPARE(v.longValue(), s.chunks);
        } else {
            QCOMPARE(v.count(), int64_t(2));
            QCOMPARE(v.at<int64_t>(0), s.chunks);
            QCOMPARE(v.at<int64_t>(1), s.validLength);
        }
    }
    QVERIFY(invalid > 100); // the mutations did reach the reader's checks
}

void TestTpLog::readerIndexAndDecode()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const int64_t n = test::writeTradeLog(good, 40000, 4);
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(good, &err));
    const tplog::LogSummary s = r.index();
    QVERIFY(s.isValid());
    QCOMPARE(s.chunks, n);
    QCOMPARE(r.chunkCount(), n);
    QCOMPARE(s.headerCount, n);
    QCOMPARE(int(s.tables.size()), 2);
    int64_t rows = 0, msgs = 0;
    for (const auto &t : s.tables) {
        rows += t.rows;
        msgs += t.messages;
        QCOMPARE(t.timeType, int(Timespan));
        QVERIFY(t.minTime <= t.maxTime);
    }
    QCOMPARE(msgs, n);
    QCOMPARE(rows, n * 4);
    int64_t perSecond = 0;
    for (uint32_t x : s.perSecond)
        perSecond += x;
    QCOMPARE(perSecond, n);
    // message i: 09:00 + i ms, the time index() saw is the first of the decoded vector
    for (int64_t i : {int64_t(0), n / 2, n - 1}) {
        const Decoded d = r.decode(i);
        QVERIFY(d.ok());
        QCOMPARE(d.value, test::tradeUpd(int64_t(9) * 3600 * 1000000000 + i * 1000000, 4, int(i)));
        QCOMPARE(r.chunk(i).time, d.value.item(2).item(0).at<int64_t>(0));
        QCOMPARE(r.chunk(i).rows, uint32_t(4));
        QCOMPARE(r.functionNames().at(r.chunk(i).function), QByteArray("upd"));
    }
    // an export of selected chunks is a log of just those
    const QString sel = dir.filePath(QStringLiteral("sel"));
    QVERIFY(r.exportChunks(sel, {3, 1, 4}, &err));
    tplog::TpLogReader r2;
    QVERIFY(r2.open(sel, &err));
    QCOMPARE(r2.index().chunks, int64_t(3));
    QCOMPARE(r2.decode(0).value, r.decode(3).value);
    QCOMPARE(r2.decode(2).value, r.decode(4).value);
}

void TestTpLog::demoRefusesACorruptLog()
{
    // tick.q's .u.ld: a corrupt log of today stops the tickerplant with the length to cut to.
    QTemporaryDir dir;
    DemoServer a;
    QVERIFY(a.start(quietOptions(dir.path())));
    QTestClient c(a.port());
    QCOMPARE(c.login("u:p"), 3);
    QVERIFY(!c.sync("`.u.upd[`trade;(`KX;1.5;100)]").isError());
    const QString path = logPathOf(c);
    a.stop();
    const QByteArray good = readAll(path);
    QVERIFY(writeAll(path, good + QByteArray("\x01\x02", 2)));
    DemoServer b;
    QString err;
    QVERIFY(!b.start(quietOptions(dir.path()), &err));
    QVERIFY2(
        err.contains(
            QStringLiteral("is a corrupt log. Truncate to length %1 and restart").arg(good.size())),
        qPrintable(err));
    // a valid log of today is appended to, .u.i counting what is there
    QVERIFY(writeAll(path, good));
    DemoServer d;
    QVERIFY(d.start(quietOptions(dir.path()), &err));
    QTestClient c2(d.port());
    QCOMPARE(c2.login("u:p"), 3);
    QCOMPARE(c2.sync(".u.i").longValue(), int64_t(1));
    QVERIFY(!c2.sync("`.u.upd[`trade;(`KX;2.5;200)]").isError());
    QCOMPARE(c2.sync("-11!(-2;.u.L)").longValue(), int64_t(2));
}

void TestTpLog::endOfDayStartsANewFile()
{
    // tick.q's endofday: hclose l; l::0(`.u.ld;d) with d+1: a new file named for the new day
    QTemporaryDir dir;
    DemoServer s;
    QVERIFY(s.start(quietOptions(dir.path())));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    QVERIFY(!c.sync("`.u.upd[`trade;(`KX;1.5;100)]").isError());
    const QString first = logPathOf(c);
    const Value d = c.sync(".u.d");
    QVERIFY(!c.sync(".u.end .u.d").isError());
    QTRY_VERIFY(c.sync(".u.d").rawInt() == d.rawInt() + 1);
    const QString second = logPathOf(c);
    QVERIFY(second != first);
    const QByteArray nextDay = c.sync("string .u.d").isError()
                                   ? QByteArray()
                                   : QByteArray(c.sync("string .u.d").rawData(), 10);
    QVERIFY2(second.endsWith(QStringLiteral("sym") + QString::fromLatin1(nextDay)),
             qPrintable(second + QStringLiteral(" vs ") + QString::fromLatin1(nextDay)));
    QCOMPARE(c.sync(".u.i").longValue(), int64_t(0));
    QVERIFY(!c.sync("`.u.upd[`trade;(`IBM`KX;2.5 3.5;10 20)]").isError());
    QCOMPARE(countForm(first).longValue(), int64_t(1));
    QCOMPARE(countForm(second).longValue(), int64_t(1));
}

void TestTpLog::usersFileLimitsWhatElevenBangReads()
{
    // As q -u, files outside the current directory are out of reach (the tickerplant's own log
    // directory stays readable, so an RDB can replay .u.L).
    QTemporaryDir dir;
    const QString users = dir.filePath(QStringLiteral("users.txt"));
    {
        QFile f(users);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("u:p\n");
    }
    QTemporaryDir elsewhere;
    const QString other = elsewhere.filePath(QStringLiteral("log"));
    QVERIFY(test::writeTradeLog(other, 1000) > 0);
    DemoServer s;
    DemoOptions o = quietOptions(dir.filePath(QStringLiteral("tp")));
    o.usersFile = users;
    QString err;
    QVERIFY2(s.start(o, &err), qPrintable(err));
    QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    QCOMPARE(c.sync("-11!(-2;" + hsym(other) + ")").symbolValue(), QByteArray("access"));
    QVERIFY(!c.sync("`.u.upd[`trade;(`KX;1.5;100)]").isError());
    QCOMPARE(c.sync("-11!(-2;.u.L)").longValue(), int64_t(1));
}

// The index is read while it is built (the log view's case): a thread indexes, publishing in
// batches; this one reads every published chunk meanwhile, decodes the last published one
// (its end is the next chunk's offset, already in place) and sees the count only grow. Under
// the tsan preset this is the check that the blocks and the count hand over cleanly.
void TestTpLog::readWhileIndexing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big"));
    const int64_t n = test::writeTradeLog(path, 30000000, 1); // some 400k messages
    QVERIFY(n > 4 * 65536);
    tplog::TpLogReader r;
    QString err;
    QVERIFY(r.open(path, &err));
    std::atomic<int> batches{0};
    std::atomic<bool> done{false};
    tplog::LogSummary s;
    std::thread indexer([&] {
        s = r.index({}, [&](const tplog::IndexProgress &p) {
            // hold the first batches past the 50 ms cadence, so the scan publishes several
            // and this thread reads between them
            if (++batches <= 3 && !p.done)
                std::this_thread::sleep_for(std::chrono::milliseconds(60));
            return true;
        });
        done = true;
    });
    int64_t seen = 0, checked = 0, decoded = 0;
    bool ok = true;
    while (!done || seen < r.chunkCount()) {
        const int64_t count = r.chunkCount();
        if (count < seen) ok = false; // never shrinks
        for (int64_t i = seen; i < count; ++i) {
            const tplog::ChunkInfo &c = r.chunk(i);
            ok = ok && c.offset >= 14 && r.chunkEnd(i) > c.offset && c.rows == 1;
            ++checked;
        }
        if (count > seen) {
            const Decoded d = r.decode(count - 1);
            ok = ok && d.ok() &&
                 d.value == test::tradeUpd(int64_t(9) * 3600 * 1000000000 + (count - 1) * 1000000,
                                           1, int(count - 1));
            ++decoded;
        }
        seen = count;
    }
    indexer.join();
    QVERIFY(ok);
    QCOMPARE(s.chunks, n);
    QCOMPARE(r.chunkCount(), n);
    QCOMPARE(checked, n);
    QVERIFY2(batches >= 3, qPrintable(QString::number(batches)));
    QVERIFY(decoded >= 2); // read mid-way, not only at the end
    QCOMPARE(r.chunkEnd(n - 1), s.validLength);
}

QTEST_GUILESS_MAIN(TestTpLog)
#include "tst_tplog.moc"
