#include "demo/demoserver.h"
#include "demo/plant.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

namespace qscope {

namespace {

void printErr(const QString &line)
{
    const QByteArray b = line.toLocal8Bit();
    std::fprintf(stderr, "%s\n", b.constData());
    std::fflush(stderr);
}

/// q's console output as q writes it: values on stdout, errors on stderr.
void printConsole(const QByteArray &text, bool error)
{
    FILE *to = error ? stderr : stdout;
    std::fwrite(text.constData(), 1, size_t(text.size()), to);
    std::fflush(to);
}

bool positiveInt(const QString &text, int min, int *out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min) return false;
    *out = v;
    return true;
}

} // namespace

int runDemoServerMain(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qscope-demo"));

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "A kdb+ stand-in: a q-protocol server with a kdb-tick tickerplant and an RDB.\n"
        "Clients connect as to q (hopen `:host:port, qcon, node-q, qscope). The tickerplant\n"
        "speaks tick.q/u.q: .u.sub[t;s] returns (t;schema) (a list of them for `), updates\n"
        "arrive as async (`upd;`t;table), end of day as async (`.u.end;date). A built-in feed\n"
        "publishes trade(time sym price size) and quote(time sym bid ask bsize asize); today's\n"
        "rows stay queryable (select from trade). HTTP GET on the same port answers like .z.ph:\n"
        "http://host:port/?select from trade. Lines typed on stdin run on the server, like q's\n"
        "console: results on stdout (none after a trailing ; or for an assignment), errors on\n"
        "stderr; \\\\ exits once the lines before it have run. Connections are logged on stderr."));
    p.addHelpOption();
    const QCommandLineOption port({QStringLiteral("p"), QStringLiteral("port")},
                                  QStringLiteral("Listen on <port> (like q -p; 0 = any free "
                                                 "port). Default 5010, tick.q's."),
                                  QStringLiteral("port"), QStringLiteral("5010"));
    const QCommandLineOption bind(QStringLiteral("bind"),
                                  QStringLiteral("Listen on this address only (default: all)."),
                                  QStringLiteral("address"));
    const QCommandLineOption noUnix(QStringLiteral("no-unix"),
                                    QStringLiteral("Do not listen on the Unix abstract socket "
                                                   "@/tmp/kx.<port> (as kdb+ does by default)."));
    const QCommandLineOption users({QStringLiteral("u"), QStringLiteral("users")},
                                   QStringLiteral("Users file, like q -u: user:password lines; "
                                                  "the password plain, or its md5 or sha1 in "
                                                  "hex. Other logins are refused by closing."),
                                   QStringLiteral("file"));
    const QCommandLineOption cert(QStringLiteral("tls-cert"),
                                  QStringLiteral("PEM certificate: TLS and plain on one port "
                                                 "(like q -E 1). Needs --tls-key."),
                                  QStringLiteral("file"));
    const QCommandLineOption key(QStringLiteral("tls-key"), QStringLiteral("PEM private key."),
                                 QStringLiteral("file"));
    const QCommandLineOption noFeed(QStringLiteral("no-feed"),
                                    QStringLiteral("No built-in feed: only .u.upd from outside "
                                                   "publishes."));
    const QCommandLineOption rate(QStringLiteral("rate"),
                                  QStringLiteral("Feed rows per second per table (default 200)."),
                                  QStringLiteral("rows"), QStringLiteral("200"));
    const QCommandLineOption batch(QStringLiteral("batch"),
                                   QStringLiteral("Feed rows per .u.upd (default 10)."),
                                   QStringLiteral("rows"), QStringLiteral("10"));
    const QCommandLineOption syms(
        QStringLiteral("syms"),
        QStringLiteral("Comma-separated feed symbols (default "
                       "AAPL,MSFT,GOOG,AMZN,IBM,NVDA,TSLA,META,KX,ORCL)."),
        QStringLiteral("list"));
    const QCommandLineOption tick({QStringLiteral("t"), QStringLiteral("tick")},
                                  QStringLiteral("Like tick.q's -t: publish in batches every <ms> "
                                                 "(0 = zero latency, each update at once; the "
                                                 "default)."),
                                  QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption eod(QStringLiteral("eod"),
                                 QStringLiteral("Simulated end of day (.u.end) every <seconds> "
                                                "(0 = at local midnight only; the default)."),
                                 QStringLiteral("seconds"), QStringLiteral("0"));
    const QCommandLineOption tplog(
        QStringLiteral("tplog"),
        QStringLiteral("Write the tickerplant log (tick.q's .u.L: <dir>/sym<date>, a new file per "
                       "day) in <dir>; an existing log of today is checked and appended to. "
                       "Default: a temporary directory removed on exit."),
        QStringLiteral("dir"));
    const QCommandLineOption verbose({QStringLiteral("v"), QStringLiteral("verbose")},
                                     QStringLiteral("Also log every query and subscription."));
    const QCommandLineOption quiet({QStringLiteral("q"), QStringLiteral("quiet")},
                                   QStringLiteral("Log errors only, not connections."));
    const QCommandLineOption plant(
        QStringLiteral("plant"),
        QStringLiteral("Run a kdb-tick plant instead: tp (with the feed), rdb1, rdb2, rte, a "
                       "chained tickerplant ctp with its rdb crdb, and a gateway gw, each its "
                       "own server (ports from -p if given, else free ones; printed). Stdin "
                       "takes: kill NAME, restart NAME, slow NAME [bytes/s], fast NAME."));
    const QCommandLineOption plants(QStringLiteral("plants"),
                                    QStringLiteral("With --plant: run <n> plants (scale tests)."),
                                    QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption slow(QStringLiteral("slow"),
                                  QStringLiteral("With --plant: start this subscriber slow."),
                                  QStringLiteral("name"));
    const QCommandLineOption agent(
        QStringLiteral("agent"),
        QStringLiteral("With --plant: load the qscope agent (share/qscope/agent/qscope_agent.q) "
                       "into every part, so publishers keep .qscope.peers: each subscriber's "
                       "handle, host and listening port."));
    p.addOptions({port, bind, noUnix, users, cert, key, noFeed, rate, batch, syms, tick, eod, tplog,
                  verbose, quiet, plant, plants, slow, agent});
    p.process(app);
    if (p.isSet(plant)) {
        PlantOptions po;
        int n = 0;
        if (p.isSet(port) && positiveInt(p.value(port), 1, &n) && n < 65000)
            po.basePort = quint16(n);
        if (!positiveInt(p.value(plants), 1, &po.plants)) {
            printErr(QStringLiteral("qscope-demo: --plants wants a positive integer"));
            return 2;
        }
        if (!positiveInt(p.value(rate), 1, &po.feedRowsPerSecond) ||
            !positiveInt(p.value(batch), 1, &po.feedBatch)) {
            printErr(QStringLiteral("qscope-demo: --rate and --batch want positive integers"));
            return 2;
        }
        po.slow = p.value(slow);
        po.agent = p.isSet(agent);
        return runPlantMain(app, po, p.isSet(quiet));
    }

    DemoOptions o;
    int v = 0;
    if (!positiveInt(p.value(port), 0, &v) || v > 65535) {
        printErr(QStringLiteral("qscope-demo: bad port '%1'").arg(p.value(port)));
        return 2;
    }
    o.port = quint16(v);
    o.bindAddress = p.value(bind);
    o.unixSocket = !p.isSet(noUnix);
    o.usersFile = p.value(users);
    o.tlsCert = p.value(cert);
    o.tlsKey = p.value(key);
    o.feed = !p.isSet(noFeed);
    if (!positiveInt(p.value(rate), 1, &o.feedRowsPerSecond)) {
        printErr(QStringLiteral("qscope-demo: --rate wants a positive integer"));
        return 2;
    }
    if (!positiveInt(p.value(batch), 1, &o.feedBatch)) {
        printErr(QStringLiteral("qscope-demo: --batch wants a positive integer"));
        return 2;
    }
    if (p.isSet(syms)) {
        for (const QString &s : p.value(syms).split(QLatin1Char(','), Qt::SkipEmptyParts))
            o.syms.append(s.trimmed().toUtf8());
        if (o.syms.isEmpty()) {
            printErr(QStringLiteral("qscope-demo: --syms is empty"));
            return 2;
        }
    }
    if (!positiveInt(p.value(tick), 0, &o.tickMs)) {
        printErr(QStringLiteral("qscope-demo: -t wants milliseconds (0 or more)"));
        return 2;
    }
    if (!positiveInt(p.value(eod), 0, &o.endOfDaySeconds)) {
        printErr(QStringLiteral("qscope-demo: --eod wants seconds (0 or more)"));
        return 2;
    }
    o.tplogDir = p.value(tplog);
    if (p.isSet(verbose))
        QLoggingCategory::setFilterRules(QStringLiteral("qscope.demo.query.debug=true"));
    const bool quietLog = p.isSet(quiet);

    DemoServer server;
    QObject::connect(&server, &DemoServer::logLine, &app, [quietLog](const QString &line) {
        const bool isError =
            line.contains(QLatin1Char('\'')) || line.contains(QStringLiteral("error")) ||
            line.contains(QStringLiteral("refused")) || line.contains(QStringLiteral("cannot"));
        if (!quietLog || isError) printErr(line);
    });
    QString error;
    if (!server.start(o, &error)) {
        printErr(QStringLiteral("qscope-demo: %1").arg(error));
        return 1;
    }
    printErr(QStringLiteral("qscope-demo listening on port %1").arg(server.port()));

    // stdin as q's console: each line runs on the server's interpreter, in order; what q would
    // print comes back as consoleOutput. \\ quits once every line before it has run, as q
    // reads and runs its input one line at a time.
    QObject::connect(&server, &DemoServer::consoleOutput, &app, &printConsole);
    quint64 lastTicket = 0, lastDone = 0;
    bool quitting = false;
    QObject::connect(&server, &DemoServer::executed, &app, [&](quint64 ticket) {
        lastDone = ticket;
        if (quitting && lastDone == lastTicket) QCoreApplication::quit();
    });
    QSocketNotifier console(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&console, &QSocketNotifier::activated, &app, [&] {
        char buf[4096];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) {
            console.setEnabled(false); // end of input: keep serving, as q -p does
            // a last line without its newline (printf 'a:1\n\\\\') still runs, as in q
            if (pending.trimmed().isEmpty()) return;
            pending.append('\n');
        } else {
            pending.append(buf, n);
        }
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(nl).trimmed();
            pending.remove(0, nl + 1);
            if (line == "\\\\" || line == "exit 0") {
                console.setEnabled(false); // q reads nothing after it
                quitting = true;
                if (lastDone == lastTicket) QCoreApplication::quit(); // nothing left to run
                return;
            }
            if (!line.isEmpty())
                if (const quint64 t = server.execute(line)) lastTicket = t;
        }
    });
    const int rc = QCoreApplication::exec();
    server.stop();
    return rc;
}

} // namespace qscope
