// qscope-cli query: run one q expression on a server and print the result as q's console would.
// Exit codes: 0 ok, 1 usage, 2 q error ('type on stderr), 3 connection failure, timeout or a
// result over --max-size (with the reason).

#include "cli.h"
#include "net/connectionargs.h"

#include "net/connectionmanager.h"
#include "protocol/format.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

namespace {

void queryUsage(QTextStream &out)
{
    out << "usage: qscope-cli query [--tls] [--trust SHA256] [--user U[:P]] [--password-file F]\n"
           "                        [--timeout MS] [--max-size SIZE] [--console H W]\n"
           "                        HOST:PORT|unix://PORT 'expr'\n"
           "\n"
           "Runs expr as a sync query (h\"expr\") and prints the result as q's console does.\n"
           "  --tls              connect with TLS (certificates are verified)\n"
           "  --trust HEX        trust this self-signed certificate (SHA-256 fingerprint)\n"
           "  --user U[:P]       login user (and password: visible in ps, prefer the next two)\n"
           "  --password-file F  the password is the first line of F; else $QSCOPE_PASSWORD;\n"
           "                     else, with --user U on a terminal, it is asked for (no echo)\n"
           "  --timeout MS       connect and query timeout (default: 5000 ms to connect, no "
           "query limit)\n"
           "  --max-size SIZE    largest result taken, e.g. 512M or 4G (default: a quarter of\n"
           "                     this machine's memory); over it the query fails, unread\n"
           "  --console H W      console size as q's -c (default 25 80)\n"
           "Exit codes: 0 ok, 1 usage, 2 q error ('type on stderr), 3 connection failure, no\n"
           "answer within --timeout, or a result over --max-size (the reason on stderr).\n";
}

} // namespace

int queryCommand(const QStringList &args)
{
    QTextStream err(stderr);
    ConnectionArgs net;
    FormatOptions console;
    QStringList positional;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            QTextStream out(stdout);
            queryUsage(out);
            return 0;
        }
        if (a == QLatin1String("--console")) {
            bool okH = false, okW = false;
            if (i + 2 >= args.size()) {
                err << "qscope-cli query: --console needs a height and a width\n";
                return 1;
            }
            console.height = args[i + 1].toInt(&okH);
            console.width = args[i + 2].toInt(&okW);
            if (!okH || !okW || console.height < 1 || console.width < 10) {
                err << "qscope-cli query: bad --console size\n";
                return 1;
            }
            i += 2;
            continue;
        }
        QString error;
        const int used = net.parseOption(args, i, &error);
        if (used < 0) {
            err << "qscope-cli query: " << error << '\n';
            return 1;
        }
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (a.startsWith(QLatin1String("--"))) {
            err << "qscope-cli query: unknown option " << a << '\n';
            queryUsage(err);
            return 1;
        }
        positional << a;
    }
    if (positional.size() != 2) {
        queryUsage(err);
        return 1;
    }
    QString error;
    if (!resolvePassword(net, positional[0], &error)) {
        err << "qscope-cli query: " << error << '\n';
        return 1;
    }
    const auto options = net.connectionOptions(positional[0], &error);
    if (!options) {
        err << "qscope-cli query: " << error << '\n';
        return 1;
    }

    ConnectionManager manager(1);
    QEventLoop loop;
    int exitCode = 3;
    const ConnectionId id = manager.open(*options);
    const RequestId request =
        manager.query(id, positional[1].toUtf8(), net.timeoutMs > 0 ? net.timeoutMs : 0);
    QObject::connect(&manager, &ConnectionManager::resultReady, &loop, [&](const QueryResult &r) {
        if (r.id != request) return;
        if (r.ok()) {
            const QByteArray text = formatConsole(r.value, console);
            std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
            std::fflush(stdout);
            exitCode = 0;
        } else if (r.error->kind == NetError::QError) {
            err << '\'' << r.error->message << '\n';
            exitCode = 2;
        } else {
            // The engine's reason often names the server already ("not connected to H:P: ...").
            const QString where = options->address.display();
            err << "qscope-cli query: ";
            if (!r.error->message.contains(where)) err << where << ": ";
            err << r.error->message << '\n';
            exitCode = 3;
        }
        loop.quit();
    });
    loop.exec();
    return exitCode;
}

} // namespace qscope::cli
