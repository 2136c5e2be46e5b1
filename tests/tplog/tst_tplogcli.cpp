// qscope-cli tplog info|verify|cat|replay, run as a process against generated logs and, for
// replay --to-server, against the real in-process demo server (the rows are checked there).

#include "demo/demoserver.h"
#include "qtestclient.h"
#include "tplog/tplogfilter.h"
#include "tplog/tplogreader.h"
#include "tplogtestutil.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace qscope;

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

/// Runs qscope-cli with args, processing this thread's events while it runs (the demo server
/// lives on its own threads either way).
Run cli(const QStringList &args)
{
    QProcess p;
    p.setProgram(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli"));
    p.setArguments(args);
    p.start();
    Run r;
    const bool ended = QTest::qWaitFor(
        [&] {
            r.out += p.readAllStandardOutput();
            r.err += p.readAllStandardError();
            return p.state() == QProcess::NotRunning;
        },
        60000);
    r.out += p.readAllStandardOutput();
    r.err += p.readAllStandardError();
    r.code = ended && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    return r;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestTpLogCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void infoAndVerify();
    void catFilters();
    void replayToTheDemoServer();
    void usageErrors();

private:
    QTemporaryDir m_dir;
    QString m_good;
    int64_t m_chunks = 0;
};

void TestTpLogCli::initTestCase()
{
    m_good = m_dir.filePath(QStringLiteral("sym2026.01.01"));
    m_chunks = test::writeTradeLog(m_good, 60000, 4);
    QVERIFY(m_chunks > 100);
}

void TestTpLogCli::infoAndVerify()
{
    Run r = cli({QStringLiteral("tplog"), QStringLiteral("info"), m_good});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QByteArray("chunks:      " + QByteArray::number(m_chunks) + " valid")),
             r.out);
    QVERIFY(r.out.contains("(the whole file)"));
    QVERIFY(r.out.contains("trade"));
    QVERIFY(r.out.contains("quote"));
    QVERIFY(r.out.contains("0D09:00:00.000000000")); // the first message's time
    QVERIFY(r.out.contains("messages per second"));

    const QByteArray bytes = readAll(m_good);
    const QString cut = m_dir.filePath(QStringLiteral("cut"));
    {
        QFile f(cut);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes.left(bytes.size() - 5));
    }
    r = cli({QStringLiteral("tplog"), QStringLiteral("verify"), cut, QStringLiteral("--repair"),
             m_dir.filePath(QStringLiteral("fixed"))});
    QCOMPARE(r.code, 2);
    QVERIFY2(
        r.out.contains(QByteArray("chunks:      " + QByteArray::number(m_chunks - 1) + " valid")),
        r.out);
    QVERIFY(r.out.contains(QByteArray("first bad:   chunk " + QByteArray::number(m_chunks - 1))));
    QVERIFY(r.out.contains("truncated"));
    r = cli({QStringLiteral("tplog"), QStringLiteral("verify"),
             m_dir.filePath(QStringLiteral("fixed"))});
    QCOMPARE(r.code, 0);
    QVERIFY(
        r.out.contains(QByteArray("chunks:      " + QByteArray::number(m_chunks - 1) + " valid")));
    r = cli({QStringLiteral("tplog"), QStringLiteral("info"), cut});
    QCOMPARE(r.code, 2);
    QVERIFY(r.out.contains("first bad:"));
}

void TestTpLogCli::catFilters()
{
    // what the engine says should match: KX trade rows between 09:00:00.010 and 09:00:00.050
    tplog::TpLogReader reader;
    QString err;
    QVERIFY(reader.open(m_good, &err));
    reader.index();
    tplog::MessageFilter f;
    f.table = "trade";
    f.syms = {"KX"};
    f.from = tplog::MessageFilter::parseTime(QStringLiteral("09:00:00.010"));
    f.to = tplog::MessageFilter::parseTime(QStringLiteral("09:00:00.050"));
    int expected = 0;
    for (int64_t i = 0; i < reader.chunkCount(); ++i)
        if (!f.apply(reader.decode(i).value).isGenericNull()) ++expected;
    QVERIFY(expected > 3);
    const Run r =
        cli({QStringLiteral("tplog"), QStringLiteral("cat"), m_good, QStringLiteral("--table"),
             QStringLiteral("trade"), QStringLiteral("--sym"), QStringLiteral("KX"),
             QStringLiteral("--from"), QStringLiteral("09:00:00.010"), QStringLiteral("--to"),
             QStringLiteral("09:00:00.050")});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), expected);
    for (const QByteArray &line : lines) {
        const QList<QByteArray> cols = line.split('\t');
        QCOMPARE(cols.size(), 7);
        QCOMPARE(cols[2], QByteArray("upd"));
        QCOMPARE(cols[3], QByteArray("trade"));
        QVERIFY2(cols[6].contains("`KX") && !cols[6].contains("`IBM") && !cols[6].contains("`AAPL"),
                 line);
    }
    const Run lim = cli({QStringLiteral("tplog"), QStringLiteral("cat"), m_good,
                         QStringLiteral("--limit"), QStringLiteral("5")});
    QCOMPARE(lim.out.trimmed().split('\n').size(), 5);
}

void TestTpLogCli::replayToTheDemoServer()
{
    DemoServer s;
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    o.tplogDir = m_dir.filePath(QStringLiteral("tp"));
    QVERIFY(s.start(o));
    tplog::TpLogReader reader;
    QString err;
    QVERIFY(reader.open(m_good, &err));
    int64_t tradeRows = 0;
    for (const auto &t : reader.index().tables)
        if (t.name == "trade") tradeRows = t.rows;
    // the generated quote messages have trade's columns: only trades fit the demo's schema
    const Run r =
        cli({QStringLiteral("tplog"), QStringLiteral("replay"), m_good, QStringLiteral("--table"),
             QStringLiteral("trade"), QStringLiteral("--to-server"),
             QStringLiteral("127.0.0.1:%1").arg(s.port())});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("published"), r.out);
    QVERIFY(r.err.contains("rows acknowledged")); // progress
    test::QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    QCOMPARE(c.sync("count trade").longValue(), tradeRows);
    QCOMPARE(c.sync("count quote").longValue(), int64_t(0));
    // the server's own tickerplant logged every message it was sent
    QCOMPARE(c.sync(".u.i").longValue(), reader.summary().tables[0].name == "trade"
                                             ? reader.summary().tables[0].messages
                                             : reader.summary().tables[1].messages);
    // a sym filter sends only that sym's rows
    QVERIFY(!c.sync("delete from `trade").isError());
    const Run r2 =
        cli({QStringLiteral("tplog"), QStringLiteral("replay"), m_good, QStringLiteral("--table"),
             QStringLiteral("trade"), QStringLiteral("--sym"), QStringLiteral("IBM"),
             QStringLiteral("--to-server"), QStringLiteral("127.0.0.1:%1").arg(s.port())});
    QCOMPARE(r2.code, 0);
    const Value syms = c.sync("exec distinct sym from trade");
    QCOMPARE(syms.count(), int64_t(1));
    QCOMPARE(syms.symAt(0), QByteArray("IBM"));
    // an unreachable server is exit code 3 with the reason
    const Run r3 = cli({QStringLiteral("tplog"), QStringLiteral("replay"), m_good,
                        QStringLiteral("--to-server"), QStringLiteral("127.0.0.1:1")});
    QCOMPARE(r3.code, 3);
    QVERIFY(!r3.err.isEmpty());
}

void TestTpLogCli::usageErrors()
{
    QCOMPARE(cli({QStringLiteral("tplog")}).code, 1);
    QCOMPARE(cli({QStringLiteral("tplog"), QStringLiteral("frobnicate"), m_good}).code, 1);
    const Run missing = cli(
        {QStringLiteral("tplog"), QStringLiteral("info"), m_dir.filePath(QStringLiteral("nope"))});
    QCOMPARE(missing.code, 1);
    QVERIFY(missing.err.contains("nope"));
    const Run badTime = cli({QStringLiteral("tplog"), QStringLiteral("cat"), m_good,
                             QStringLiteral("--from"), QStringLiteral("25:99")});
    QCOMPARE(badTime.code, 1);
    QVERIFY(badTime.err.contains("--from"));
    const Run help = cli({QStringLiteral("tplog"), QStringLiteral("--help")});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains("--to-server"));
}

QTEST_GUILESS_MAIN(TestTpLogCli)
#include "tst_tplogcli.moc"
