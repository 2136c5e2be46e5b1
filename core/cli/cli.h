#pragma once
/// qscope-cli: the command-line companion. Each subcommand lives in its own file and is listed in
/// cli.cpp's table. Output goes to stdout, diagnostics to stderr; exit codes are per command.

#include <QStringList>

namespace qscope::cli {

/// Entry point for qscope-cli; args excludes argv[0].
int run(const QStringList &args);

// Subcommands (each in its own file). Return the process exit code.
int decodeCommand(const QStringList &args);
int encodeCommand(const QStringList &args);
int queryCommand(const QStringList &args);
int subCommand(const QStringList &args);
int tplogCommand(const QStringList &args);

} // namespace qscope::cli
