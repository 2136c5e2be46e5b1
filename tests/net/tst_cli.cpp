// qscope-cli query and sub, run as processes against the real in-process demo server: console
// text byte for byte as q prints it, q errors, refused and timed-out connections, logins, the
// Unix socket, bad arguments; a filtered subscription printed as console tables, the rate line,
// SIGINT, a tickerplant that goes away and comes back, and a refused .u.sub.
//
// The test thread never blocks on a process: it polls with QTest::qWaitFor, so the servers that
// live on this thread (a silent listener) keep running while qscope-cli talks to them.

#include "demo/demoserver.h"
#include "enginetestutil.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>

#include <signal.h>
#include <sys/resource.h>

using namespace qscope;

namespace {

/// Generous: the same tests run under sanitizers on a loaded 2-core machine. A pass is usually
/// immediate; the limit only bounds a hang.
constexpr int kWaitMs = 30000;

QString cliPath()
{
    return QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli");
}

/// A demo server on a free port with no built-in feed (tests publish their own rows).
DemoOptions quietDemo()
{
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    return o;
}

QString tcpAddress(quint16 port)
{
    return QStringLiteral("127.0.0.1:%1").arg(port);
}

/// A port nothing listens on (bound once by us, then released).
quint16 closedPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0)) return 0;
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

/// One qscope-cli process; its output is collected while the test waits.
class Cli
{
public:
    explicit Cli(const QStringList &args,
                 const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                 const QString &program = cliPath(), const std::function<void()> &inChild = {})
    {
        if (inChild) m_process.setChildProcessModifier(inChild);
        m_process.setProgram(program);
        m_process.setArguments(args);
        m_process.setProcessEnvironment(env);
        m_process.start();
    }
    /// Type on the process's stdin.
    void type(const QByteArray &text) { m_process.write(text); }
    ~Cli()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kWaitMs);
        }
    }
    Cli(const Cli &) = delete;
    Cli &operator=(const Cli &) = delete;

    /// Waits (running the test thread's events) until pred holds on the output so far.
    bool waitFor(const std::function<bool()> &pred, int ms = kWaitMs)
    {
        return QTest::qWaitFor(
            [&] {
                drain();
                return pred();
            },
            ms);
    }
    bool waitForErr(const QByteArray &text, int ms = kWaitMs)
    {
        return waitFor([&] { return err.contains(text); }, ms);
    }
    /// Waits for the process to end; false if it is still running after ms.
    bool finish(int ms = kWaitMs)
    {
        const bool done = waitFor([&] { return m_process.state() == QProcess::NotRunning; }, ms);
        drain();
        return done;
    }
    /// Ctrl-C: SIGINT, which QProcess::terminate (SIGTERM) is not.
    bool interrupt()
    {
        const qint64 pid = m_process.processId();
        return pid > 0 && ::kill(pid_t(pid), SIGINT) == 0;
    }
    /// The exit code, or -2 for a crash.
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
    }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }

    QByteArray out;
    QByteArray err;

private:
    void drain()
    {
        out += m_process.readAllStandardOutput();
        err += m_process.readAllStandardError();
    }

    QProcess m_process;
};

struct Run
{
    int exitCode = -1; ///< -1: still running after the wait (a hang); -2: crashed
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList &args, int ms = kWaitMs,
           const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    Cli cli(args, env);
    if (!cli.finish(ms)) return {-1, cli.out, cli.err};
    return {cli.exitCode(), cli.out, cli.err};
}

QStringList queryArgs(quint16 port, const QString &expr, const QStringList &options = {})
{
    return QStringList{QStringLiteral("query")} + options + QStringList{tcpAddress(port), expr};
}

QByteArray describe(const Run &r)
{
    return "exit " + QByteArray::number(r.exitCode) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

/// .u.upd for trade rows with their own times, so the console text is the same on every run.
QByteArray tradeUpd(const QByteArray &times, const QByteArray &syms, const QByteArray &prices,
                    const QByteArray &sizes)
{
    return ".u.upd[`trade;(" + times + ";" + syms + ";" + prices + ";" + sizes + ")]";
}

/// Lines of text without the final newline's empty line.
QList<QByteArray> linesOf(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
    return lines;
}

/// The `sub` output's data rows: every line that is not a table's header or rule.
QList<QByteArray> dataRows(const QByteArray &out)
{
    QList<QByteArray> rows;
    for (const QByteArray &line : linesOf(out))
        if (!line.startsWith("time ") && !line.startsWith("----")) rows << line;
    return rows;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void queryPrintsConsoleText_data();
    void queryPrintsConsoleText();
    void querySelectFromTrade();
    void queryCutsToConsoleSize();
    void queryQErrorExitsTwo();
    void queryRefusedExitsThree();
    void wrongPasswordIsAccessDenied();
    void queryTimeoutDoesNotHang();
    void queryLoginTimeoutDoesNotHang();
    void queryUnixSocket();
    void badArguments_data();
    void badArguments();
    void subPrintsFilteredRows();
    void subSurvivesTickerplantRestart();
    void subRefusedBySubscribeExitsThree();
    void subRefusedConnectionExitsThree();
    void queryOverMaxSizeExitsThree();
    void subOverMaxSizeExitsThree();
    void passwordFromFileOrEnvironment();
    void passwordPromptedWithoutEcho();
    void raisesDescriptorLimit();

private:
    std::unique_ptr<DemoServer> m_server; // shared by the query tests that need no special setup
};

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo::exists(cliPath()), qPrintable(cliPath()));
    m_server = std::make_unique<DemoServer>();
    QString err;
    QVERIFY2(m_server->start(quietDemo(), &err), qPrintable(err));
}

void TestCli::queryPrintsConsoleText_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QByteArray>("console");
    QTest::newRow("atom") << QStringLiteral("1+1") << QByteArray("2\n");
    QTest::newRow("symbol") << QStringLiteral("`abc") << QByteArray("`abc\n");
    QTest::newRow("float") << QStringLiteral("1%3") << QByteArray("0.3333333\n");
    QTest::newRow("string") << QStringLiteral("\"hello\"") << QByteArray("\"hello\"\n");
    QTest::newRow("vector") << QStringLiteral("til 5") << QByteArray("0 1 2 3 4\n");
    QTest::newRow("generic null") << QStringLiteral("::") << QByteArray();
    QTest::newRow("general list") << QStringLiteral("(1;`a;\"xy\")")
                                  << QByteArray("1\n`a\n\"xy\"\n");
    QTest::newRow("dict") << QStringLiteral("`a`bb!1 22")
                          << QByteArray("a | 1\n"
                                        "bb| 22\n");
    QTest::newRow("table") << QStringLiteral("([] a:1 10; b:`x`yy)")
                           << QByteArray("a  b \n"
                                         "-----\n"
                                         "1  x \n"
                                         "10 yy\n");
    QTest::newRow("keyed table") << QStringLiteral("([k:`a`bb] v:1 22)")
                                 << QByteArray("k | v \n"
                                               "--| --\n"
                                               "a | 1 \n"
                                               "bb| 22\n");
}

void TestCli::queryPrintsConsoleText()
{
    QFETCH(QString, expr);
    QFETCH(QByteArray, console);
    const Run r = runCli(queryArgs(m_server->port(), expr));
    QVERIFY2(r.exitCode == 0, describe(r).constData());
    QCOMPARE(r.out, console);
    QCOMPARE(r.err, QByteArray());
}

void TestCli::querySelectFromTrade()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    // Rows with their own times (the tickerplant keeps a given time column), published as a feed
    // handler would, then read back from the RDB.
    const Run upd = runCli(queryArgs(
        server.port(), QString::fromLatin1(tradeUpd("0D09:30:00.000000000 0D09:30:01.500000000",
                                                    "`AAPL`MSFT", "101.25 300.5", "100 2000"))));
    QVERIFY2(upd.exitCode == 0, describe(upd).constData());
    const Run r = runCli(queryArgs(server.port(), QStringLiteral("select from trade")));
    QVERIFY2(r.exitCode == 0, describe(r).constData());
    QCOMPARE(r.out, QByteArray("time                 sym  price  size\n"
                               "-------------------------------------\n"
                               "0D09:30:00.000000000 AAPL 101.25 100 \n"
                               "0D09:30:01.500000000 MSFT 300.5  2000\n"));
    const Run w = runCli(
        queryArgs(server.port(), QStringLiteral("select sym,size from trade where size>500")));
    QVERIFY2(w.exitCode == 0, describe(w).constData());
    QCOMPARE(w.out, QByteArray("sym  size\n"
                               "---------\n"
                               "MSFT 2000\n"));
}

void TestCli::queryCutsToConsoleSize()
{
    // KX's own example for q -c 10 20 (code.kx.com, cmdline -c): lines cut to width-1 ending in
    // "..", and a ".." line where the rows stop.
    const Run r = runCli(
        queryArgs(m_server->port(), QStringLiteral("til each 20+til 10"),
                  {QStringLiteral("--console"), QStringLiteral("10"), QStringLiteral("20")}));
    QVERIFY2(r.exitCode == 0, describe(r).constData());
    QByteArray want;
    for (int i = 0; i < 7; ++i)
        want += "0 1 2 3 4 5 6 7 8..\n";
    want += "..\n";
    QCOMPARE(r.out, want);
    // The default console is q's 25 80: a long vector is one line of 79 characters.
    const Run longVector = runCli(queryArgs(m_server->port(), QStringLiteral("til 1000")));
    QVERIFY2(longVector.exitCode == 0, describe(longVector).constData());
    QCOMPARE(linesOf(longVector.out).size(), 1);
    QCOMPARE(linesOf(longVector.out).front().size(), 79);
    QVERIFY(longVector.out.startsWith("0 1 2 3 4 5 6 7 8 9 10 "));
    QVERIFY(longVector.out.endsWith("..\n"));
}

void TestCli::queryQErrorExitsTwo()
{
    const Run type = runCli(queryArgs(m_server->port(), QStringLiteral("1+`a")));
    QCOMPARE(type.exitCode, 2);
    QCOMPARE(type.err, QByteArray("'type\n"));
    QCOMPARE(type.out, QByteArray());
    const Run undefined = runCli(queryArgs(m_server->port(), QStringLiteral("nosuchname+1")));
    QCOMPARE(undefined.exitCode, 2);
    QCOMPARE(undefined.err, QByteArray("'nosuchname\n"));
    QCOMPARE(undefined.out, QByteArray());
    const Run signal = runCli(queryArgs(m_server->port(), QStringLiteral("'`custom")));
    QCOMPARE(signal.exitCode, 2);
    QCOMPARE(signal.err, QByteArray("'custom\n"));
    QCOMPARE(signal.out, QByteArray());
}

void TestCli::queryRefusedExitsThree()
{
    const quint16 port = closedPort();
    QVERIFY(port);
    const Run r = runCli(queryArgs(port, QStringLiteral("1+1")));
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    // "qscope-cli query: ", the server and the reason, on one line, the server named once.
    QVERIFY2(r.err.startsWith("qscope-cli query: "), describe(r).constData());
    QCOMPARE(r.err.count(tcpAddress(port).toLatin1()), 1);
    QVERIFY2(r.err.toLower().contains("refused"), describe(r).constData());
    QCOMPARE(linesOf(r.err).size(), 1);
}

void TestCli::wrongPasswordIsAccessDenied()
{
    QTemporaryDir dir;
    DemoServer server;
    const DemoOptions so = test::quietDemoWithUsers(dir, "alice:secret\n");
    QVERIFY(!so.usersFile.isEmpty());
    QVERIFY(server.start(so));

    const Run wrong = runCli(queryArgs(server.port(), QStringLiteral(".z.u"),
                                       {QStringLiteral("--user"), QStringLiteral("alice:guess")}));
    QCOMPARE(wrong.exitCode, 3);
    QCOMPARE(wrong.out, QByteArray());
    QVERIFY2(wrong.err.contains("access denied"), describe(wrong).constData());
    const Run anonymous = runCli(queryArgs(server.port(), QStringLiteral(".z.u")));
    QCOMPARE(anonymous.exitCode, 3);
    QVERIFY2(anonymous.err.contains("access denied"), describe(anonymous).constData());
    const Run right = runCli(queryArgs(server.port(), QStringLiteral(".z.u"),
                                       {QStringLiteral("--user"), QStringLiteral("alice:secret")}));
    QVERIFY2(right.exitCode == 0, describe(right).constData());
    QCOMPARE(right.out, QByteArray("`alice\n"));
    // sub refuses to retry a login that was refused.
    const Run sub = runCli({QStringLiteral("sub"), QStringLiteral("--user"),
                            QStringLiteral("alice:guess"), tcpAddress(server.port())});
    QCOMPARE(sub.exitCode, 3);
    QCOMPARE(sub.out, QByteArray());
    QVERIFY2(sub.err.contains("access denied"), describe(sub).constData());
    QVERIFY2(!sub.err.contains("connection lost"), describe(sub).constData());
}

void TestCli::queryTimeoutDoesNotHang()
{
    // A sync request the server defers (-30!(::)) and never answers: a gateway whose backend
    // is gone. --timeout ends the wait.
    m_server->execute("park:{-30!(::)}");
    const Run ok = runCli(queryArgs(m_server->port(), QStringLiteral("type park"),
                                    {QStringLiteral("--timeout"), QStringLiteral("5000")}));
    QCOMPARE(ok.out, QByteArray("100h\n")); // defined before the next query runs
    const Run r = runCli(queryArgs(m_server->port(), QStringLiteral("park 0"),
                                   {QStringLiteral("--timeout"), QStringLiteral("300")}));
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(
        r.err.startsWith(QByteArray("qscope-cli query: " + tcpAddress(m_server->port()).toLatin1() +
                                    ": no response within 300 ms")),
        describe(r).constData());
}

void TestCli::queryLoginTimeoutDoesNotHang()
{
    // A listener that accepts TCP but never answers kdb+'s login: --timeout bounds the connect.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const Run r = runCli(queryArgs(silent.serverPort(), QStringLiteral("1+1"),
                                   {QStringLiteral("--timeout"), QStringLiteral("300")}));
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.err.contains("no login reply within 300 ms"), describe(r).constData());
}

void TestCli::queryUnixSocket()
{
    DemoServer server;
    DemoOptions so = quietDemo();
    so.unixSocket = true;
    QVERIFY(server.start(so));
    // -38!.z.w: the server's view of this handle; `u is a Unix domain socket.
    const Run r = runCli({QStringLiteral("query"), QStringLiteral("unix://%1").arg(server.port()),
                          QStringLiteral("(-38!.z.w)`f")});
    QVERIFY2(r.exitCode == 0, describe(r).constData());
    QCOMPARE(r.out, QByteArray("`u\n"));
    const Run tcp = runCli(queryArgs(server.port(), QStringLiteral("(-38!.z.w)`f")));
    QCOMPARE(tcp.out, QByteArray("`t\n"));
    // No server on that abstract socket: a connection failure.
    const Run none = runCli({QStringLiteral("query"), QStringLiteral("unix://%1").arg(closedPort()),
                             QStringLiteral("1")});
    QCOMPARE(none.exitCode, 3);
    QVERIFY2(none.err.startsWith("qscope-cli query: "), describe(none).constData());
}

void TestCli::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("stderrHas");
    const QString q = QStringLiteral("query");
    const QString s = QStringLiteral("sub");
    const QString addr = QStringLiteral("127.0.0.1:1");
    QTest::newRow("no command") << QStringList() << 1 << QByteArray("usage: qscope-cli <command>");
    QTest::newRow("unknown command")
        << QStringList{QStringLiteral("frob")} << 1 << QByteArray("unknown command 'frob'");
    QTest::newRow("query alone") << QStringList{q} << 1 << QByteArray("usage: qscope-cli query");
    QTest::newRow("query no expr")
        << QStringList{q, addr} << 1 << QByteArray("usage: qscope-cli query");
    QTest::newRow("query extra") << QStringList{q, addr, QStringLiteral("1"), QStringLiteral("2")}
                                 << 1 << QByteArray("usage: qscope-cli query");
    QTest::newRow("query unknown option")
        << QStringList{q, QStringLiteral("--bogus"), addr, QStringLiteral("1")} << 1
        << QByteArray("unknown option --bogus");
    QTest::newRow("query bad timeout")
        << QStringList{q, QStringLiteral("--timeout"), QStringLiteral("soon"), addr,
                       QStringLiteral("1")}
        << 1 << QByteArray("--timeout needs a positive number");
    QTest::newRow("query timeout without value")
        << QStringList{q, addr, QStringLiteral("1"), QStringLiteral("--timeout")} << 1
        << QByteArray("--timeout needs a value");
    QTest::newRow("query bad address")
        << QStringList{q, QStringLiteral("nohost"), QStringLiteral("1")} << 1
        << QByteArray("'nohost' is not an address");
    QTest::newRow("query tls on unix")
        << QStringList{q, QStringLiteral("--tls"), QStringLiteral("unix://5001"),
                       QStringLiteral("1")}
        << 1 << QByteArray("--tls does not apply to unix sockets");
    QTest::newRow("query bad trust")
        << QStringList{q, QStringLiteral("--trust"), QStringLiteral("abcd"), addr,
                       QStringLiteral("1")}
        << 1 << QByteArray("--trust needs a SHA-256 fingerprint");
    QTest::newRow("query bad console")
        << QStringList{q,    QStringLiteral("--console"), QStringLiteral("10"), QStringLiteral("x"),
                       addr, QStringLiteral("1")}
        << 1 << QByteArray("bad --console size");
    QTest::newRow("query bad max-size")
        << QStringList{q, QStringLiteral("--max-size"), QStringLiteral("lots"), addr,
                       QStringLiteral("1")}
        << 1 << QByteArray("--max-size needs a size");
    QTest::newRow("query unreadable password file")
        << QStringList{q, QStringLiteral("--password-file"), QStringLiteral("/nonexistent/pw"),
                       addr, QStringLiteral("1")}
        << 1 << QByteArray("cannot read the password file /nonexistent/pw");
    QTest::newRow("query password twice") << QStringList{q,
                                                         QStringLiteral("--user"),
                                                         QStringLiteral("a:b"),
                                                         QStringLiteral("--password-file"),
                                                         QStringLiteral("/dev/null"),
                                                         addr,
                                                         QStringLiteral("1")}
                                          << 1 << QByteArray("give the password one way");
    QTest::newRow("sub alone") << QStringList{s} << 1 << QByteArray("usage: qscope-cli sub");
    QTest::newRow("sub extra") << QStringList{s, addr, QStringLiteral("trade"), QStringLiteral("A"),
                                              QStringLiteral("B")}
                               << 1 << QByteArray("usage: qscope-cli sub");
    QTest::newRow("sub unknown option") << QStringList{s, QStringLiteral("--bogus"), addr} << 1
                                        << QByteArray("unknown option --bogus");
    QTest::newRow("sub bad address") << QStringList{s, QStringLiteral("host:port")} << 1
                                     << QByteArray("'host:port' is not an address");
}

void TestCli::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, stderrHas);
    const Run r = runCli(args);
    QCOMPARE(r.exitCode, exitCode);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.err.contains(stderrHas), describe(r).constData());
}

void TestCli::subPrintsFilteredRows()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    Cli cli({QStringLiteral("sub"), tcpAddress(server.port()), QStringLiteral("trade"),
             QStringLiteral("AAPL,MSFT")});
    QVERIFY2(cli.waitForErr("subscribed to " + tcpAddress(server.port()).toLatin1() + '\n'),
             cli.err.constData());
    // Three messages; IBM is filtered by the tickerplant, so the second never reaches us. Every
    // row has the same cell widths, so each prints the same whatever table it is joined into.
    server.execute(tradeUpd("0D10:00:00.000000000 0D10:00:01.000000000 0D10:00:02.000000000",
                            "`AAPL`IBM`MSFT", "101.25 20.25 300.75", "100 200 300"));
    server.execute(
        tradeUpd("enlist 0D10:00:03.000000000", "enlist`IBM", "enlist 21.5", "enlist 400"));
    server.execute(
        tradeUpd("enlist 0D10:00:04.000000000", "enlist`MSFT", "enlist 301.25", "enlist 500"));
    const QList<QByteArray> want{"0D10:00:00.000000000 AAPL 101.25 100 ",
                                 "0D10:00:02.000000000 MSFT 300.75 300 ",
                                 "0D10:00:04.000000000 MSFT 301.25 500 "};
    QVERIFY2(cli.waitFor([&] { return dataRows(cli.out).size() >= 3; }), cli.out.constData());
    // The rate line counts what arrived: two messages (the IBM-only one was never sent), 3 rows.
    QVERIFY2(cli.waitForErr("total 2 msgs, 3 rows in "), cli.err.constData());
    QVERIFY2(cli.running(), cli.err.constData());
    QVERIFY(cli.interrupt());
    QVERIFY2(cli.finish(), "qscope-cli sub did not end on SIGINT");
    QCOMPARE(cli.exitCode(), 0);

    QCOMPARE(dataRows(cli.out), want);
    QVERIFY(!cli.out.contains("IBM"));
    // Each update is a console table: header, rule, rows.
    const QList<QByteArray> lines = linesOf(cli.out);
    QVERIFY(lines.size() >= 5);
    QCOMPARE(lines[0], QByteArray("time                 sym  price  size"));
    QCOMPARE(lines[1], QByteArray(37, '-'));
    for (qsizetype i = 0; i < lines.size(); ++i)
        if (lines[i].startsWith("time ")) QCOMPARE(lines.value(i + 1), QByteArray(37, '-'));
    const QRegularExpression rate(
        QStringLiteral("^rate: \\d+ msg/s, \\d+ rows/s; total \\d+ msgs, \\d+ rows in \\d+ s$"));
    int rateLines = 0;
    for (const QByteArray &line : linesOf(cli.err)) {
        if (!line.startsWith("rate:")) continue;
        ++rateLines;
        QVERIFY2(rate.match(QString::fromLatin1(line)).hasMatch(), line.constData());
    }
    QVERIFY(rateLines >= 1);
}

void TestCli::subSurvivesTickerplantRestart()
{
    auto server = std::make_unique<DemoServer>();
    QVERIFY(server->start(quietDemo()));
    const quint16 port = server->port();
    Cli cli({QStringLiteral("sub"), tcpAddress(port), QStringLiteral("trade")});
    QVERIFY2(cli.waitForErr("subscribed to"), cli.err.constData());
    server->execute(
        tradeUpd("enlist 0D11:00:00.000000000", "enlist`AAPL", "enlist 101.25", "enlist 100"));
    QVERIFY2(cli.waitFor([&] { return dataRows(cli.out).size() == 1; }), cli.out.constData());

    // The tickerplant goes away: the CLI says so on stderr and keeps trying.
    server.reset();
    QVERIFY2(cli.waitForErr("connection lost: "), cli.err.constData());
    QVERIFY2(cli.running(), cli.err.constData());
    // It comes back on the same port: the CLI subscribes again and reports the gap.
    server = std::make_unique<DemoServer>();
    DemoOptions again = quietDemo();
    again.port = port;
    QVERIFY(server->start(again));
    QVERIFY2(cli.waitFor([&] { return cli.err.count("subscribed to") == 2; }), cli.err.constData());
    QVERIFY2(cli.waitForErr("gap in the feed: "), cli.err.constData());
    server->execute(
        tradeUpd("enlist 0D11:00:01.000000000", "enlist`MSFT", "enlist 300.75", "enlist 200"));
    QVERIFY2(cli.waitFor([&] { return dataRows(cli.out).size() == 2; }), cli.out.constData());
    QCOMPARE(dataRows(cli.out), (QList<QByteArray>{"0D11:00:00.000000000 AAPL 101.25 100 ",
                                                   "0D11:00:01.000000000 MSFT 300.75 200 "}));
    QVERIFY(cli.interrupt());
    QVERIFY2(cli.finish(), "qscope-cli sub did not end on SIGINT");
    QCOMPARE(cli.exitCode(), 0);
}

void TestCli::subRefusedBySubscribeExitsThree()
{
    // .u.sub refuses a table the tickerplant does not publish: q's word, exit 3.
    const Run r = runCli(
        {QStringLiteral("sub"), tcpAddress(m_server->port()), QStringLiteral("nosuchtable")});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.err.contains("qscope-cli sub: .u.sub failed: '"), describe(r).constData());
}

void TestCli::subRefusedConnectionExitsThree()
{
    const quint16 port = closedPort();
    QVERIFY(port);
    const Run r = runCli({QStringLiteral("sub"), tcpAddress(port), QStringLiteral("trade")});
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.out, QByteArray());
    QVERIFY2(r.err.startsWith(QByteArray("qscope-cli sub: " + tcpAddress(port).toLatin1() + ": ")),
             describe(r).constData());
}

void TestCli::queryOverMaxSizeExitsThree()
{
    // 8,000,014 bytes (7.6 MB) against --max-size 1M: refused from its header, exit 3.
    const Run over = runCli(queryArgs(m_server->port(), QStringLiteral("til 1000000"),
                                      {QStringLiteral("--max-size"), QStringLiteral("1M")}));
    QCOMPARE(over.exitCode, 3);
    QCOMPARE(over.out, QByteArray());
    QVERIFY2(over.err.contains(": result of 7.6 MB exceeds this connection's limit of 1 MB"),
             describe(over).constData());
    const Run under = runCli(queryArgs(m_server->port(), QStringLiteral("til 3"),
                                       {QStringLiteral("--max-size"), QStringLiteral("1M")}));
    QVERIFY2(under.exitCode == 0, describe(under).constData());
    QCOMPARE(under.out, QByteArray("0 1 2\n"));
}

void TestCli::subOverMaxSizeExitsThree()
{
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    Cli cli({QStringLiteral("sub"), QStringLiteral("--max-size"), QStringLiteral("64K"),
             tcpAddress(server.port()), QStringLiteral("trade")});
    QVERIFY2(cli.waitForErr("subscribed to " + tcpAddress(server.port()).toLatin1() + '\n'),
             cli.err.constData());
    // A small update is printed; then one of 5,000 rows (over 64 KB) ends the command.
    server.execute(
        tradeUpd("enlist 0D10:00:00.000000000", "enlist`AAPL", "enlist 1.5", "enlist 100"));
    QVERIFY2(cli.waitFor([&] { return dataRows(cli.out).size() == 1; }), cli.out.constData());
    server.execute(tradeUpd("5000#0D10:00:00.000000000", "5000#`AAPL", "5000#1.5", "5000#100"));
    QVERIFY2(cli.finish(), cli.err.constData());
    QCOMPARE(cli.exitCode(), 3);
    QVERIFY2(cli.err.contains("message from the server of "), cli.err.constData());
    QVERIFY2(cli.err.contains(" exceeds this connection's limit of 64 KB"), cli.err.constData());
    QCOMPARE(dataRows(cli.out).size(), 1);
}

void TestCli::passwordFromFileOrEnvironment()
{
    QTemporaryDir dir;
    DemoServer server;
    const DemoOptions so = test::quietDemoWithUsers(dir, "alice:secret\n");
    QVERIFY(!so.usersFile.isEmpty());
    QVERIFY(server.start(so));
    const QStringList user{QStringLiteral("--user"), QStringLiteral("alice")};

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QSCOPE_PASSWORD"), QStringLiteral("secret"));
    const Run fromEnv =
        runCli(queryArgs(server.port(), QStringLiteral(".z.u"), user), kWaitMs, env);
    QVERIFY2(fromEnv.exitCode == 0, describe(fromEnv).constData());
    QCOMPARE(fromEnv.out, QByteArray("`alice\n"));

    QFile file(dir.filePath(QStringLiteral("pw")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("secret\n");
    file.close();
    const QStringList withFile =
        user + QStringList{QStringLiteral("--password-file"), file.fileName()};
    const Run fromFile = runCli(queryArgs(server.port(), QStringLiteral(".z.u"), withFile));
    QVERIFY2(fromFile.exitCode == 0, describe(fromFile).constData());
    QCOMPARE(fromFile.out, QByteArray("`alice\n"));
    // The file wins over the environment; a wrong one is refused as a wrong --user U:P is.
    env.insert(QStringLiteral("QSCOPE_PASSWORD"), QStringLiteral("guess"));
    const Run envWrong =
        runCli(queryArgs(server.port(), QStringLiteral(".z.u"), user), kWaitMs, env);
    QCOMPARE(envWrong.exitCode, 3);
    QVERIFY2(envWrong.err.contains("access denied"), describe(envWrong).constData());
    const Run fileWins =
        runCli(queryArgs(server.port(), QStringLiteral(".z.u"), withFile), kWaitMs, env);
    QVERIFY2(fileWins.exitCode == 0, describe(fileWins).constData());
    // sub takes it the same way.
    Cli sub({QStringLiteral("sub"), QStringLiteral("--user"), QStringLiteral("alice"),
             QStringLiteral("--password-file"), file.fileName(), tcpAddress(server.port())});
    QVERIFY2(sub.waitForErr("subscribed to "), sub.err.constData());
    QVERIFY(sub.interrupt());
    QVERIFY(sub.finish());
    QCOMPARE(sub.exitCode(), 0);
}

void TestCli::passwordPromptedWithoutEcho()
{
    // On a terminal (script(1) gives the command one), --user alice with no password anywhere
    // asks for it, and what is typed is not echoed.
    QTemporaryDir dir;
    DemoServer server;
    const DemoOptions so = test::quietDemoWithUsers(dir, "alice:secret\n");
    QVERIFY(!so.usersFile.isEmpty());
    QVERIFY(server.start(so));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QSCOPE_PASSWORD"));
    const QString command = cliPath() + QStringLiteral(" query --user alice ") +
                            tcpAddress(server.port()) + QStringLiteral(" .z.u");
    Cli cli({QStringLiteral("-qec"), command, QStringLiteral("/dev/null")}, env,
            QStringLiteral("/usr/bin/script"));
    QVERIFY2(cli.waitFor([&] { return cli.out.contains("password for alice at "); }),
             cli.out.constData());
    cli.type("secret\n");
    QVERIFY2(cli.finish(), cli.out.constData());
    QVERIFY2(cli.exitCode() == 0, cli.out.constData());
    QVERIFY2(cli.out.contains("`alice"), cli.out.constData());
    QVERIFY2(!cli.out.contains("secret"), cli.out.constData());
}

void TestCli::raisesDescriptorLimit()
{
    // Started with a soft limit of 256, qscope-cli raises it at once (towards 65,536, within the
    // hard limit), as the app does: /proc shows the running process's limit.
    rlimit rl{};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
    QVERIFY2(rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 256, "hard limit too low to test");
    const qint64 hard = rl.rlim_max == RLIM_INFINITY ? qint64(1) << 40 : qint64(rl.rlim_max);
    DemoServer server;
    QVERIFY(server.start(quietDemo()));
    Cli cli({QStringLiteral("sub"), tcpAddress(server.port())},
            QProcessEnvironment::systemEnvironment(), cliPath(), [] {
                rlimit low{};
                ::getrlimit(RLIMIT_NOFILE, &low);
                low.rlim_cur = 256;
                ::setrlimit(RLIMIT_NOFILE, &low);
            });
    QVERIFY2(cli.waitForErr("subscribed to "), cli.err.constData());
    QFile limits(QStringLiteral("/proc/%1/limits").arg(cli.pid()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    qint64 soft = -1;
    for (const QByteArray &line : limits.readAll().split('\n'))
        if (line.startsWith("Max open files"))
            soft = line.mid(26).simplified().split(' ')[0].toLongLong();
    QCOMPARE(soft, std::min<qint64>(65536, hard));
    QVERIFY(cli.interrupt());
    QVERIFY(cli.finish());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
