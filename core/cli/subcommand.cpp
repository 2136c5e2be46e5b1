// qscope-cli sub: subscribe to a tickerplant and print each update as it arrives, until SIGINT,
// with a rate line on stderr every second. Exit codes: 0 interrupted, 1 usage, 3 connection
// failure (the first connection fails, .u.sub is refused, the tickerplant does not come back, or
// a message is over --max-size).

#include "cli.h"

#include "commandline.h"
#include "net/connectionmanager.h"
#include "protocol/format.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace qscope::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true);
}

} // namespace

int subCommand(const QStringList &args)
{
    QTextStream err(stderr);
    CommandLine cl(QStringLiteral("sub"),
                   QStringLiteral("[--tls] [--trust SHA256] [--user U[:P]] [--password-file F]\n"
                                  "[--timeout MS] [--max-size SIZE]\n"
                                  "HOST:PORT|unix://PORT [TABLE [SYM,...]]"),
                   QStringLiteral("Calls .u.sub[TABLE;SYMS] on a tickerplant (all tables and syms "
                                  "if omitted) and\nprints each update as it arrives until "
                                  "interrupted (Ctrl-C). A rate line goes to\nstderr every second. "
                                  "Reconnects and resubscribes if the tickerplant restarts."),
                   QStringLiteral("Exit codes: 0 interrupted, 1 usage, 3 connection failure (no "
                                  "first connection,\n.u.sub refused, the tickerplant not back "
                                  "after 10 attempts, or a message over\n--max-size)."));
    cl.addOptions(ConnectionArgs::options());
    int exitCode = 1;
    if (!cl.parse(args, &exitCode)) return exitCode;
    ConnectionArgs net;
    QString error;
    if (!net.read(cl.parser(), &error)) return cl.fail(error);
    const QStringList positional = cl.positional();
    if (positional.isEmpty() || positional.size() > 3) return cl.usageError();
    if (!resolvePassword(net, positional[0], &error)) return cl.fail(error);
    auto options = net.connectionOptions(positional[0], &error);
    if (!options) return cl.fail(error);
    options->reconnect.attempts = 10;
    options->reconnect.initialDelayMs = 250;
    options->reconnect.maxDelayMs = 5000;
    // A wrong address or no tickerplant yet fails at once; retries are for one that restarts.
    options->reconnect.retryFirstConnect = false;
    const QByteArray table = positional.size() > 1 ? positional[1].toUtf8() : QByteArray();
    QList<QByteArray> syms;
    if (positional.size() > 2)
        for (const QString &s : positional[2].split(QLatin1Char(','), Qt::SkipEmptyParts))
            syms << s.trimmed().toUtf8();

    ConnectionManager manager(1);
    QEventLoop loop;
    exitCode = 0;
    qint64 messages = 0, rows = 0, totalMessages = 0, totalRows = 0;
    const ConnectionId id = manager.open(*options);
    const SubscriptionId sub = manager.subscribe(id, table, syms);
    FormatOptions console;
    console.height = 1000000; // show every row of an update
    console.width = 200;

    QObject::connect(&manager, &ConnectionManager::subscribed, &loop,
                     [&](SubscriptionId s, const Value &schema) {
                         if (s != sub) return;
                         if (schema.isError()) {
                             err << "qscope-cli sub: .u.sub failed: '"
                                 << QString::fromUtf8(schema.symbolValue()) << '\n';
                             exitCode = 3;
                             loop.quit();
                             return;
                         }
                         err << "subscribed to " << options->address.display() << '\n';
                     });
    QObject::connect(&manager, &ConnectionManager::feedBatch, &loop, [&](const FeedBatch &b) {
        if (b.subscription != sub) return;
        for (const Value &update : b.updates) {
            const QByteArray text = formatConsole(update, console);
            std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        }
        std::fflush(stdout);
        messages += b.messages;
        rows += b.rows;
    });
    QObject::connect(&manager, &ConnectionManager::endOfDay, &loop,
                     [&](SubscriptionId s, const Value &date) {
                         if (s == sub)
                             err << "end of day " << QString::fromUtf8(formatOneLine(date)) << '\n';
                     });
    QObject::connect(&manager, &ConnectionManager::feedGap, &loop,
                     [&](SubscriptionId s, const QString &reason) {
                         if (s == sub) err << "gap in the feed: " << reason << '\n';
                     });
    // A message over the limit: the engine would reset and resubscribe, and a feed that sends
    // such messages would send the next one too. Stop, and say why.
    QObject::connect(
        &manager, &ConnectionManager::limitExceeded, &loop, [&](ConnectionId c, const NetError &e) {
            if (c != id) return;
            err << "qscope-cli sub: " << options->address.display() << ": " << e.message << '\n';
            exitCode = 3;
            loop.quit();
        });
    QObject::connect(&manager, &ConnectionManager::stateChanged, &loop,
                     [&](ConnectionId c, ConnectionState state, const QString &detail) {
                         if (c != id) return;
                         if (state == ConnectionState::Reconnecting)
                             err << "connection lost: " << detail << '\n';
                         if (state == ConnectionState::Failed || state == ConnectionState::Closed) {
                             err << "qscope-cli sub: " << options->address.display() << ": "
                                 << detail << '\n';
                             exitCode = 3;
                             loop.quit();
                         }
                     });

    QElapsedTimer clock;
    clock.start();
    QTimer rate;
    rate.setInterval(1000);
    QObject::connect(&rate, &QTimer::timeout, &loop, [&] {
        totalMessages += messages;
        totalRows += rows;
        err << "rate: " << messages << " msg/s, " << rows << " rows/s; total " << totalMessages
            << " msgs, " << totalRows << " rows in " << clock.elapsed() / 1000 << " s\n";
        err.flush();
        messages = rows = 0;
    });
    rate.start();
    // SIGINT only sets a flag; a short timer notices it on the event loop.
    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, onInterrupt);
    QTimer poll;
    poll.setInterval(100);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (g_interrupted.load()) loop.quit();
    });
    poll.start();
    loop.exec();
    std::signal(SIGINT, previous);
    return exitCode;
}

} // namespace qscope::cli
