// The estate at scale: N demo plants (7 processes each) in a separate qscope-demo --plant
// process, watched from this one at a 1 s interval. Prints discovery time, the app's CPU share,
// the GUI event-loop lag (p50/p99 of a 10 ms timer's lateness) and bytes per process per poll;
// and qscope-cli estate's discovery of the same estate (every address given, and from one
// gateway).
// A benchmark: it reports figures, it does not pass or fail on them.

#include "estate/estatemodel.h"
#include "estate/estatepoller.h"
#include "net/connectionmanager.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

#include <sys/resource.h>

using namespace qscope;

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// qscope-cli estate --json over these addresses: its discovery time, the nodes it printed and
/// the wall time of the whole run (discovery, one more round an interval later, the report).
void cliDiscovery(const QString &what, const QStringList &addresses)
{
    QProcess cli;
    cli.setProgram(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli"));
    cli.setArguments(QStringList{QStringLiteral("estate"), QStringLiteral("--json"),
                                 QStringLiteral("--interval"), QStringLiteral("1000")} +
                     addresses);
    QElapsedTimer wall;
    wall.start();
    cli.start();
    QByteArray out;
    const bool done = QTest::qWaitFor(
        [&] {
            out += cli.readAllStandardOutput();
            return cli.state() == QProcess::NotRunning;
        },
        120000);
    out += cli.readAllStandardOutput();
    const QJsonObject report = QJsonDocument::fromJson(out).object();
    qInfo("qscope-cli estate from %s: exit %d, %d nodes, %d edges, discovery %d ms, run %lld ms",
          qPrintable(what), done ? cli.exitCode() : -1,
          int(report[QStringLiteral("nodes")].toArray().size()),
          int(report[QStringLiteral("edges")].toArray().size()),
          report[QStringLiteral("discoveryMs")].toInt(), wall.elapsed());
}

} // namespace

class BenchEstate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void watchManyPlants();
};

void BenchEstate::watchManyPlants()
{
    const int plants = qEnvironmentVariableIntValue("QSCOPE_BENCH_PLANTS") > 0
                           ? qEnvironmentVariableIntValue("QSCOPE_BENCH_PLANTS")
                           : 29; // 203 processes
    const int base = 20000 + int(QCoreApplication::applicationPid() % 20000);
    QProcess demo;
    demo.setProgram(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-demo"));
    demo.setArguments({QStringLiteral("--plant"), QStringLiteral("--plants"),
                       QString::number(plants), QStringLiteral("-p"), QString::number(base),
                       QStringLiteral("--rate"), QStringLiteral("50"), QStringLiteral("-q")});
    demo.start();
    QVERIFY(demo.waitForStarted(5000));
    const int processes = plants * 7;
    // The table of parts is printed once every part listens.
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += demo.readAllStandardOutput()).count('\n') >= processes + 1,
                             60000);

    QStringList all;
    for (int i = 0; i < processes; ++i)
        all << QStringLiteral("127.0.0.1:%1").arg(base + i);
    cliDiscovery(QStringLiteral("all %1 addresses").arg(processes), all);
    cliDiscovery(QStringLiteral("one gateway"), {all[6]}); // gw: the 7th part of plant 1

    ConnectionManager manager(2);
    EstateModel model;
    EstatePoller poller(&manager, &model);
    for (int i = 0; i < processes; ++i)
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(base + i));
    QSignalSpy found(&poller, &EstatePoller::discovered);
    poller.setInterval(1000);
    poller.startDiscovery();
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(found.count() > 0, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(int(model.edges().size()) == plants * 7, 10000);

    // Measure: lateness of a 10 ms timer on this (the GUI) thread, CPU over wall time.
    std::vector<double> lag;
    QElapsedTimer wall, tick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    connect(&probe, &QTimer::timeout, this, [&] {
        lag.push_back(std::max<double>(0, double(tick.nsecsElapsed()) / 1e6 - 10));
        tick.restart();
    });
    const qint64 answered0 = poller.pollsAnswered();
    const double cpu0 = cpuSeconds();
    wall.start();
    tick.start();
    probe.start();
    QTest::qWait(10000);
    probe.stop();
    const double cpu = cpuSeconds() - cpu0;
    const double secs = double(wall.elapsed()) / 1000;
    std::sort(lag.begin(), lag.end());
    auto pct = [&](double p) { return lag.empty() ? 0 : lag[size_t(p * double(lag.size() - 1))]; };
    qInfo("%d processes (%d plants): discovery %lld ms", processes, plants,
          found.at(0).at(0).toLongLong());
    qInfo("polls answered in %.1f s: %lld (%.1f per process per s)", secs,
          poller.pollsAnswered() - answered0,
          double(poller.pollsAnswered() - answered0) / secs / processes);
    qInfo("app CPU: %.1f%% of one core; event-loop lag p50 %.2f ms, p99 %.2f ms, max %.2f ms",
          100 * cpu / secs, pct(0.5), pct(0.99), lag.empty() ? 0 : lag.back());
    qInfo("per process per poll: %.0f bytes out, %.0f bytes in, answer in %.2f ms",
          poller.bytesOutPerPoll(), poller.bytesInPerPoll(), poller.millisPerPoll());
    poller.setRunning(false);
    demo.write("\\\\\n");
    demo.closeWriteChannel();
    if (!demo.waitForFinished(10000)) demo.kill();
}

QTEST_MAIN(BenchEstate)
#include "bench_estate.moc"
