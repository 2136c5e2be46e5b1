#include "cli.h"

#include "version.h"

#include <QTextStream>

#include <cstdio>

namespace qscope::cli {

namespace {

struct Command
{
    const char *name;
    int (*run)(const QStringList &);
    const char *summary;
};

// Filled in as subcommands land; see cli.h.
const Command kCommands[] = {
    {"decode", decodeCommand, "decode an IPC message and print it as q would"},
    {"encode", encodeCommand, "encode a q literal as the bytes -8! (or -18!) gives"},
    {"estate", estateCommand, "watch a kdb+ plant: processes, subscriptions, alerts"},
    {"query", queryCommand, "run a q expression on a server and print the result"},
    {"sub", subCommand, "subscribe to a tickerplant and print updates as they arrive"},
    {"tplog", tplogCommand, "read, verify, print or replay a tickerplant log (tplog --help)"},
};

void usage(QTextStream &out)
{
    out << "usage: qscope-cli <command> [options]\n\ncommands:\n";
    for (const Command &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(8) << " "
            << QString::fromLatin1(c.summary) << '\n';
    out << "\n  --version  print the version\n  --help     this text; <command> --help for more\n";
}

} // namespace

int run(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h")) {
        usage(args.isEmpty() ? err : out);
        return args.isEmpty() ? 1 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        out << "qscope-cli " << version() << '\n';
        return 0;
    }
    for (const Command &c : kCommands) {
        if (args.first() == QLatin1String(c.name)) {
            if (!c.run) {
                err << "qscope-cli: '" << c.name << "' is not available in this build\n";
                return 1;
            }
            return c.run(args.mid(1));
        }
    }
    err << "qscope-cli: unknown command '" << args.first() << "'\n";
    usage(err);
    return 1;
}

} // namespace qscope::cli
