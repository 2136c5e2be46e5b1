// qscope-cli estate, run as a process against a whole demo plant in this process
// (core/demo/plant.h): discovery, the JSON it prints (every process and subscription with its
// tables, rates from what the feed published), --watch until SIGINT, and its errors.

#include "demo/plant.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace qscope;

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

/// Runs qscope-cli with args, processing this thread's events while it runs (the plant's
/// servers live on their own threads either way).
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

QJsonObject parse(const QByteArray &text)
{
    QJsonParseError e{};
    const QJsonDocument d = QJsonDocument::fromJson(text, &e);
    if (e.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(e.errorString()), text.left(300).constData());
    return d.object();
}

QJsonObject byKey(const QJsonArray &nodes, const QString &key)
{
    for (const QJsonValue &n : nodes)
        if (n[QStringLiteral("key")].toString() == key) return n.toObject();
    return {};
}

QJsonObject edge(const QJsonObject &report, const QString &from, const QString &to)
{
    for (const QJsonValue &e : report[QStringLiteral("edges")].toArray())
        if (e[QStringLiteral("from")].toString() == from &&
            e[QStringLiteral("to")].toString() == to)
            return e.toObject();
    return {};
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out << s.toString();
    return out;
}

} // namespace

class TstEstateCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyProcessAndSubscriptionWithItsTables();
    void fromTheGatewayAloneFindsItsServersAndTheirTickerplant();
    void textReportListsNodesEdgesAndAlerts();
    void watchPrintsALinePerReportUntilInterrupted();
    void noAddressAnswersIsANamedError();
    void badUsage();

private:
    QString key(const char *name) const
    {
        return QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QLatin1String(name)));
    }
    std::unique_ptr<DemoPlant> m_plant;
};

void TstEstateCli::initTestCase()
{
    m_plant = std::make_unique<DemoPlant>();
    PlantOptions o;
    o.feedRowsPerSecond = 400;
    o.feedBatch = 20;
    QString err;
    QVERIFY2(m_plant->start(o, &err), qPrintable(err));
}

void TstEstateCli::cleanupTestCase()
{
    m_plant.reset();
}

void TstEstateCli::everyProcessAndSubscriptionWithItsTables()
{
    QStringList args{QStringLiteral("estate"), QStringLiteral("--json"),
                     QStringLiteral("--interval"), QStringLiteral("500")};
    for (const DemoPlant::Node &n : m_plant->nodes())
        args << QStringLiteral("localhost:%1").arg(n.port);
    // The plant's parts subscribe as they start: wait until the tickerplant lists all four.
    QJsonObject report;
    QTRY_VERIFY_WITH_TIMEOUT(
        (report = parse(cli(args).out), report[QStringLiteral("edges")].toArray().size() == 7),
        30000);
    const QJsonArray nodes = report[QStringLiteral("nodes")].toArray();
    QCOMPARE(nodes.size(), 7); // every part, none only by handle: each names its .u.wh
    auto role = [&](const char *n) {
        return byKey(nodes, key(n))[QStringLiteral("role")].toString();
    };
    QCOMPARE(role("tp"), QStringLiteral("tickerplant"));
    QCOMPARE(role("ctp"), QStringLiteral("chained tickerplant"));
    QCOMPARE(role("rdb1"), QStringLiteral("rdb"));
    QCOMPARE(role("rdb2"), QStringLiteral("rdb"));
    QCOMPARE(role("crdb"), QStringLiteral("rdb"));
    QCOMPARE(role("rte"), QStringLiteral("real-time engine"));
    QCOMPARE(role("gw"), QStringLiteral("gateway"));
    for (const QJsonValue &n : nodes) {
        QVERIFY(n[QStringLiteral("reachable")].toBool());
        QVERIFY(n[QStringLiteral("memory")][QStringLiteral("heap")].toDouble() > 0);
        QVERIFY(n[QStringLiteral("pid")].toInt() > 0);
    }
    const QStringList both{QStringLiteral("quote"), QStringLiteral("trade")};
    QCOMPARE(strings(edge(report, key("tp"), key("rdb1"))[QStringLiteral("tables")]), both);
    QCOMPARE(strings(edge(report, key("tp"), key("rdb2"))[QStringLiteral("tables")]), both);
    QCOMPARE(strings(edge(report, key("tp"), key("ctp"))[QStringLiteral("tables")]), both);
    QCOMPARE(strings(edge(report, key("ctp"), key("crdb"))[QStringLiteral("tables")]), both);
    const QJsonObject rte = edge(report, key("tp"), key("rte"));
    QCOMPARE(strings(rte[QStringLiteral("tables")]), QStringList{QStringLiteral("trade")});
    QVERIFY(rte[QStringLiteral("msgsUpperBound")].toBool());
    QCOMPARE(edge(report, key("rdb1"), key("gw"))[QStringLiteral("kind")].toString(),
             QStringLiteral("query"));
    QCOMPARE(edge(report, key("rdb2"), key("gw"))[QStringLiteral("kind")].toString(),
             QStringLiteral("query"));
    // Rates over the interval match what the feed publishes: 400 rows/s of each table in
    // batches of 20 is 20 upd/s per table, 40 messages in all, and an RDB of both tables takes
    // 800 rows/s.
    // (Loose bounds: a poll's timing moves one batch more or less into an interval.)
    const QJsonObject tp = byKey(nodes, key("tp"));
    const double upd = tp[QStringLiteral("msgsInPerSecond")].toDouble();
    QVERIFY2(upd > 20 && upd < 60, qPrintable(QString::number(upd)));
    QVERIFY(tp[QStringLiteral("logPosition")].toDouble() > 0);
    const double rows =
        edge(report, key("tp"), key("rdb1"))[QStringLiteral("rowsPerSecond")].toDouble();
    QVERIFY2(rows > 400 && rows < 1200, qPrintable(QString::number(rows)));
    QVERIFY(report[QStringLiteral("alerts")].isArray());
    qInfo("qscope-cli estate: discovery of the plant (7 processes) %d ms",
          report[QStringLiteral("discoveryMs")].toInt());
}

void TstEstateCli::fromTheGatewayAloneFindsItsServersAndTheirTickerplant()
{
    const Run r = cli({QStringLiteral("estate"), QStringLiteral("--json"),
                       QStringLiteral("--interval"), QStringLiteral("300"), key("gw")});
    QCOMPARE(r.code, 0);
    const QJsonObject report = parse(r.out);
    const QJsonArray nodes = report[QStringLiteral("nodes")].toArray();
    // gw, its two RDBs (.gw.x), their tickerplant (.u.x), and the tickerplant's two other
    // subscribers (rte, ctp) by handle: kdb+ does not expose a subscriber's address.
    QCOMPARE(nodes.size(), 6);
    QVERIFY(!byKey(nodes, key("rdb1")).isEmpty());
    QVERIFY(!byKey(nodes, key("rdb2")).isEmpty());
    QVERIFY(!byKey(nodes, key("tp")).isEmpty());
    int standIns = 0;
    for (const QJsonValue &n : nodes)
        if (n[QStringLiteral("standIn")].toBool()) {
            ++standIns;
            QCOMPARE(n[QStringLiteral("upstream")].toString(), key("tp"));
            QVERIFY(!edge(report, key("tp"), n[QStringLiteral("key")].toString()).isEmpty());
        }
    QCOMPARE(standIns, 2);
}

void TstEstateCli::textReportListsNodesEdgesAndAlerts()
{
    const Run r = cli({QStringLiteral("estate"), QStringLiteral("--interval"),
                       QStringLiteral("200"), key("tp"), key("ctp")});
    QCOMPARE(r.code, 0);
    const QString text = QString::fromUtf8(r.out);
    QVERIFY(text.contains(QStringLiteral("tickerplant")));
    QVERIFY(text.contains(QStringLiteral("chained tickerplant")));
    QVERIFY(text.contains(key("tp") + QStringLiteral(" -> ") + key("ctp") +
                          QStringLiteral("  quote,trade")));
    QVERIFY(text.contains(QStringLiteral("alerts: 0 active")));
}

void TstEstateCli::watchPrintsALinePerReportUntilInterrupted()
{
    QProcess p;
    p.setProgram(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli"));
    p.setArguments({QStringLiteral("estate"), QStringLiteral("--watch"), QStringLiteral("--json"),
                    QStringLiteral("--interval"), QStringLiteral("200"), key("tp")});
    p.start();
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).count('\n') >= 3, 20000);
    ::kill(pid_t(p.processId()), SIGINT);
    QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 10000);
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    out += p.readAllStandardOutput();
    const QList<QByteArray> lines = out.trimmed().split('\n');
    QVERIFY(lines.size() >= 3);
    qint64 lastPosition = -1;
    for (const QByteArray &line : lines) {
        const QJsonObject report = parse(line);
        QVERIFY(!report.isEmpty());
        const QJsonObject tp = byKey(report[QStringLiteral("nodes")].toArray(), key("tp"));
        const qint64 position = qint64(tp[QStringLiteral("logPosition")].toDouble());
        QVERIFY(position >= lastPosition); // each a fresh report: the log moves on
        lastPosition = position;
    }
}

void TstEstateCli::noAddressAnswersIsANamedError()
{
    QTcpServer closed; // a port that was free a moment ago and is closed again
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    const Run r = cli({QStringLiteral("estate"), QStringLiteral("127.0.0.1:%1").arg(port)});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("no process could be polled"), r.err.constData());
    QVERIFY(r.err.contains(QByteArray::number(port)));
    QVERIFY(r.out.isEmpty());
}

void TstEstateCli::badUsage()
{
    Run r = cli({QStringLiteral("estate")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("usage"));
    r = cli({QStringLiteral("estate"), QStringLiteral("not-an-address")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("not an address"));
    r = cli(
        {QStringLiteral("estate"), QStringLiteral("--interval"), QStringLiteral("5"), key("tp")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("--interval"));
    r = cli({QStringLiteral("estate"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("--watch"));
}

QTEST_GUILESS_MAIN(TstEstateCli)
#include "tst_estatecli.moc"
