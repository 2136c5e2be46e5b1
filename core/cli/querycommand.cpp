// qscope-cli query: run one q expression on a server and print the result as q's console would.
// Exit codes: 0 ok, 1 usage, 2 q error ('type on stderr), 3 connection failure, timeout or a
// result over --max-size (with the reason).

#include "cli.h"
#include "commandline.h"

#include "net/connectionmanager.h"
#include "protocol/format.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

int queryCommand(const QStringList &args)
{
    QTextStream err(stderr);
    CommandLine cl(QStringLiteral("query"),
                   QStringLiteral("[--tls] [--trust SHA256] [--user U[:P]] [--password-file F]\n"
                                  "[--timeout MS] [--max-size SIZE] [--console H W]\n"
                                  "HOST:PORT|unix://PORT 'expr'"),
                   QStringLiteral("Runs expr as a sync query (h\"expr\") and prints the result as "
                                  "q's console does."),
                   QStringLiteral("Exit codes: 0 ok, 1 usage, 2 q error ('type on stderr), 3 "
                                  "connection failure, no\nanswer within --timeout, or a result "
                                  "over --max-size (the reason on stderr)."));
    const QCommandLineOption consoleSize = consoleOption();
    cl.addOptions(ConnectionArgs::options() << consoleSize);
    int exitCode = 1;
    if (!cl.parse(args, &exitCode)) return exitCode;
    ConnectionArgs net;
    FormatOptions console;
    QString error;
    if (!net.read(cl.parser(), &error)) return cl.fail(error);
    if (cl.isSet(consoleSize) &&
        !parseConsoleSize(cl.value(consoleSize), &console.height, &console.width, &error))
        return cl.fail(error);
    const QStringList positional = cl.positional();
    if (positional.size() != 2) return cl.usageError();
    if (!resolvePassword(net, positional[0], &error)) return cl.fail(error);
    const auto options = net.connectionOptions(positional[0], &error);
    if (!options) return cl.fail(error);

    ConnectionManager manager(1);
    QEventLoop loop;
    exitCode = 3;
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
