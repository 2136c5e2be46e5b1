// qscope-cli estate: the estate view's model on a terminal. Discovers the plant from the given
// addresses (the processes their answers name are added, round after round, until a round finds
// no new one or --rounds is reached), polls once more one interval later so every rate is over
// an interval, and prints nodes, edges and active alerts; --watch prints a fresh report each
// interval until SIGINT. Exit codes: 0 ok (or interrupted), 1 usage, 3 no process could be polled.

#include "cli.h"

#include "commandline.h"
#include "estate/estatecollector.h"
#include "estate/estatereport.h"
#include "estate/estatestate.h"
#include "net/connectionmanager.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace qscope::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onEstateInterrupt(int)
{
    g_interrupted.store(true);
}

void print(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
}

} // namespace

int estateCommand(const QStringList &args)
{
    QTextStream err(stderr);
    CommandLine cl(
        QStringLiteral("estate"),
        QStringLiteral("[--json] [--watch] [--interval MS] [--rounds N]\n"
                       "[--tls] [--trust SHA256] [--user U[:P]] [--password-file F]\n"
                       "[--timeout MS] [--max-size SIZE] HOST:PORT..."),
        QStringLiteral(
            "Watches a kdb+ plant as the estate view does: each process is asked one small\n"
            "query per interval. Starting from the addresses given (one tickerplant or gateway\n"
            "is enough), the processes their answers name are added (upstreams, a gateway's\n"
            "servers; a tickerplant's subscribers whose address is not exposed appear as\n"
            "host:port#handle). Prints the nodes (role, memory, uptime, rates, log position),\n"
            "the edges (subscriptions with their tables, rates and bytes queued; queries) and\n"
            "the active alerts, then exits; --watch prints a report each interval until\n"
            "interrupted (Ctrl-C)."),
        QStringLiteral(
            "--timeout bounds each connect and each poll (default: twice the interval, at\n"
            "least 1000 ms). Exit codes: 0 ok or interrupted, 1 usage, 3 no process could\n"
            "be polled (none answered, or each answered with an error)."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("one JSON object per report (a line each "
                                                 "with --watch)"));
    const QCommandLineOption watch(QStringLiteral("watch"),
                                   QStringLiteral("a report every interval until interrupted"));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QStringLiteral("between polls, 100 or more (default 1000)"),
                                      QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption rounds(QStringLiteral("rounds"),
                                    QStringLiteral("discovery rounds at most (default 10)"),
                                    QStringLiteral("N"), QStringLiteral("10"));
    cl.addOptions(QList<QCommandLineOption>{json, watch, interval, rounds} +
                  ConnectionArgs::options());
    int exitCode = 1;
    if (!cl.parse(args, &exitCode)) return exitCode;
    ConnectionArgs net;
    QString error;
    if (!net.read(cl.parser(), &error)) return cl.fail(error);
    bool ok = false;
    const int intervalMs = cl.value(interval).toInt(&ok);
    if (!ok || intervalMs < 100)
        return cl.fail(QStringLiteral("--interval: a number of milliseconds, 100 or more, not "
                                      "'%1'")
                           .arg(cl.value(interval)));
    const int maxRounds = cl.value(rounds).toInt(&ok);
    if (!ok || maxRounds < 1)
        return cl.fail(
            QStringLiteral("--rounds: a number, 1 or more, not '%1'").arg(cl.value(rounds)));
    const QStringList addresses = cl.positional();
    if (addresses.isEmpty()) return cl.usageError();
    for (const QString &a : addresses)
        if (EstateState::keyOf(a).isEmpty())
            return cl.fail(QStringLiteral("not an address (HOST:PORT): '%1'").arg(a));
    if (!resolvePassword(net, addresses.first(), &error)) return cl.fail(error);
    auto base = net.connectionOptions(addresses.first(), &error);
    if (!base) return cl.fail(error);
    if (net.timeoutMs <= 0) base->connectTimeoutMs = std::max(1000, 2 * intervalMs);
    base->queryTimeoutMs = net.timeoutMs > 0 ? net.timeoutMs : std::max(1000, 2 * intervalMs);
    // A round waits for every process to answer or fail, at most this long.
    const int roundLimitMs = base->connectTimeoutMs + base->queryTimeoutMs;

    ConnectionManager manager(1);
    EstateState state;
    for (const QString &a : addresses)
        state.addProcess(a);
    EstateCollector collector(&manager, &state, *base);
    QEventLoop loop;
    QTimer next;
    next.setSingleShot(true);
    QElapsedTimer clock;
    clock.start();
    enum Phase { Discovering, Rating, Watching } phase = Discovering;
    int round = 0;
    qint64 discoveryMs = -1;
    exitCode = 0;

    auto report = [&] {
        EstateReportInfo info;
        info.atMs = QDateTime::currentMSecsSinceEpoch();
        info.intervalMs = intervalMs;
        info.discoveryMs = discoveryMs;
        if (cl.isSet(json)) {
            const QJsonDocument doc(estateReportJson(state, info));
            QByteArray text =
                doc.toJson(cl.isSet(watch) ? QJsonDocument::Compact : QJsonDocument::Indented);
            if (!text.endsWith('\n')) text += '\n';
            print(text);
        } else {
            print(estateReportText(state, info).toUtf8() + (cl.isSet(watch) ? "\n" : ""));
        }
    };
    QObject::connect(&collector, &EstateCollector::roundFinished, &loop, [&](int found) {
        ++round;
        if (phase == Discovering) {
            if (found > 0 && round < maxRounds) { // newly named processes: ask them at once
                collector.startRound(roundLimitMs);
                return;
            }
            discoveryMs = clock.elapsed();
            bool anyAnswered = false;
            QStringList why;
            for (const EstateNode &n : state.nodes()) {
                anyAnswered = anyAnswered || (n.polled && !n.standIn());
                if (!n.standIn() && !n.error.isEmpty())
                    why << n.key + QStringLiteral(": ") + n.error;
            }
            if (!anyAnswered) {
                err << "qscope-cli estate: no process could be polled: "
                    << why.join(QStringLiteral("; ")) << '\n';
                exitCode = 3;
                loop.quit();
                return;
            }
            phase = Rating; // once more, one interval later, so every rate is over an interval
            next.start(intervalMs);
            return;
        }
        report();
        if (!cl.isSet(watch)) {
            loop.quit();
            return;
        }
        phase = Watching;
        next.start(intervalMs);
    });
    QObject::connect(&next, &QTimer::timeout, &loop, [&] { collector.startRound(roundLimitMs); });

    // SIGINT only sets a flag; a short timer notices it on the event loop.
    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, onEstateInterrupt);
    QTimer poll;
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (g_interrupted.load()) loop.quit();
    });
    poll.start();
    collector.startRound(roundLimitMs);
    loop.exec();
    std::signal(SIGINT, previous);
    return exitCode;
}

} // namespace qscope::cli
