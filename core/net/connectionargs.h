#pragma once
/// Connection options from command-line arguments (--tls, --trust, --user, --timeout), shared by
/// qscope-cli query and sub; and the one reading of an address a person types, which the CLI, the
/// connection dialog and saved or imported connections all use.

#include "nettypes.h"

#include <QStringList>

#include <optional>

namespace qscope {

/// Parsed --tls, --trust, --user, --timeout options.
struct ConnectionArgs
{
    bool tls = false;
    QByteArray trust;
    QString user;
    QString password;
    int timeoutMs = 0;

    /// If args[i] is one of our options, consume it (and its value): returns how many arguments
    /// were used, 0 if not ours, -1 with *error on a bad value.
    int parseOption(const QStringList &args, int i, QString *error);
    /// Options for the address text; nullopt with *error if it does not parse.
    std::optional<ConnectionOptions> connectionOptions(const QString &address,
                                                       QString *error) const;
};

/// An address as typed: HOST:PORT, :PORT, tcp://HOST:PORT, tls://HOST:PORT, unix://PORT,
/// unix:///path (see unixSocketName). nullopt with *error (what is accepted) if it does not parse.
std::optional<ServerAddress> parseAddress(const QString &text, QString *error = nullptr);

/// A Unix socket as typed, in kdb+'s convention: "unix://5030" or "5030" is the abstract socket
/// "@/tmp/kx.5030" that `q -p 5030` listens on (Linux); "unix:///run/q.sock" or "/run/q.sock" a
/// socket file; "@name" (or "unix://@name") an abstract name as given. Returns the name that
/// detail::connectUnixSocket takes, or nullopt with *error for anything else.
std::optional<QString> unixSocketName(const QString &text, QString *error = nullptr);

} // namespace qscope
