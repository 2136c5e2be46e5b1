#pragma once
/// Connection options from command-line arguments (--tls, --trust, --user, --timeout,
/// --password-file, --max-size), shared by qscope-cli query and sub.

#include "nettypes.h"

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

    /// If args[i] is one of our options, consume it (and its value): returns how many arguments
    /// were used, 0 if not ours, -1 with *error on a bad value.
    int parseOption(const QStringList &args, int i, QString *error);
    /// Options for the address text; nullopt with *error if it does not parse.
    std::optional<ConnectionOptions> connectionOptions(const QString &address,
                                                       QString *error) const;
};

} // namespace qscope
