#pragma once
/// Connection options from command-line arguments (--tls, --trust, --user, --timeout,
/// --password-file, --max-size), shared by qscope-cli query and sub; and the one reading of an
/// address a person types, which the CLI, the connection dialog and saved or imported connections
/// all use.

#include "nettypes.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>

#include <optional>

namespace qscope {

/// "1G", "512M", "64k", "1.5GB", "1000000" (binary units) as bytes; nullopt if not a size.
std::optional<qint64> parseByteSize(const QString &text);

/// Parsed --tls, --trust, --user, --timeout, --password-file, --max-size options.
struct ConnectionArgs
{
    bool tls = false;
    QByteArray trust;
    QString user;
    QString password;
    bool passwordGiven = false; ///< --user U:P carried one (even an empty one)
    QString passwordFile;       ///< --password-file: its first line is the password
    int timeoutMs = 0;
    qint64 maxMessageBytes = 0; ///< --max-size; 0 = the engine's default

    /// The options, for a QCommandLineParser (descriptions are the help text's lines).
    static QList<QCommandLineOption> options();
    /// Reads them from a parser that has parsed; false with *error on a bad value.
    bool read(const QCommandLineParser &parser, QString *error);
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
