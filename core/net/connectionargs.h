#pragma once
/// Connection options from command-line arguments (--tls, --trust, --user, --timeout), shared by
/// qscope-cli query and sub.

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

} // namespace qscope
