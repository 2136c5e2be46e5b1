#pragma once
/// qscope-cli: the command-line companion. Each subcommand lives in its own file and is listed in
/// cli.cpp's table. Output goes to stdout, diagnostics to stderr; exit codes are per command.

#include "net/connectionargs.h"

#include <QStringList>

namespace qscope::cli {

/// Entry point for qscope-cli; args excludes argv[0].
int run(const QStringList &args);

// Subcommands (each in its own file). Return the process exit code.
int decodeCommand(const QStringList &args);
int encodeCommand(const QStringList &args);
int estateCommand(const QStringList &args);
int queryCommand(const QStringList &args);
int subCommand(const QStringList &args);
int tplogCommand(const QStringList &args);

/// The password for query and sub, besides --user U:P: the first line of --password-file, else
/// $QSCOPE_PASSWORD, else, when --user named a user without one and stdin is a terminal, a
/// prompt that does not echo. false with *error if the file cannot be read or both --user U:P
/// and --password-file were given.
bool resolvePassword(ConnectionArgs &net, const QString &address, QString *error);

} // namespace qscope::cli
