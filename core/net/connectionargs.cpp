// ConnectionArgs: connection options from command-line arguments.

#include "connectionargs.h"

namespace qscope {

int ConnectionArgs::parseOption(const QStringList &args, int i, QString *error)
{
    const QString &a = args[i];
    auto value = [&](QString *out) -> int {
        if (i + 1 >= args.size()) {
            *error = a + QStringLiteral(" needs a value");
            return -1;
        }
        *out = args[i + 1];
        return 2;
    };
    if (a == QLatin1String("--tls")) {
        tls = true;
        return 1;
    }
    QString v;
    if (a == QLatin1String("--user")) {
        if (value(&v) < 0) return -1;
        const qsizetype colon = v.indexOf(QLatin1Char(':'));
        user = colon < 0 ? v : v.left(colon);
        password = colon < 0 ? QString() : v.mid(colon + 1);
        return 2;
    }
    if (a == QLatin1String("--timeout")) {
        if (value(&v) < 0) return -1;
        bool ok = false;
        timeoutMs = v.toInt(&ok);
        if (!ok || timeoutMs <= 0) {
            *error = QStringLiteral("--timeout needs a positive number of milliseconds");
            return -1;
        }
        return 2;
    }
    if (a == QLatin1String("--trust")) {
        if (value(&v) < 0) return -1;
        const QByteArray hex = v.toLatin1().replace(':', QByteArray());
        trust = QByteArray::fromHex(hex);
        if (trust.size() != 32) {
            *error = QStringLiteral("--trust needs a SHA-256 fingerprint (64 hex digits)");
            return -1;
        }
        tls = true;
        return 2;
    }
    return 0;
}

std::optional<ServerAddress> parseAddress(const QString &text, QString *error)
{
    auto parsed = ServerAddress::parse(text);
    if (!parsed && error)
        *error = QStringLiteral("'%1' is not an address (HOST:PORT, tls://HOST:PORT, unix://PORT)")
                     .arg(text);
    return parsed;
}

std::optional<QString> unixSocketName(const QString &input, QString *error)
{
    const QString text = input.trimmed();
    const QString scheme = QStringLiteral("unix://");
    const QString rest = text.startsWith(scheme) ? text.mid(scheme.size()) : text;
    // an abstract name given in full is taken as is (ServerAddress::display writes unix://@name)
    if (rest.size() > 1 && rest.startsWith(QLatin1Char('@'))) return rest;
    // a port or a path: ServerAddress::parse holds the one PORT -> @/tmp/kx.PORT mapping
    bool digits = !rest.isEmpty();
    for (const QChar c : rest)
        digits = digits && c.isDigit();
    if (digits || rest.startsWith(QLatin1Char('/'))) {
        if (const auto a = ServerAddress::parse(scheme + rest)) return a->unixSocket;
    }
    if (error)
        *error = QStringLiteral("'%1' is not a Unix socket (unix://PORT for kdb+'s @/tmp/kx.PORT, "
                                "an absolute path, or @name)")
                     .arg(text);
    return std::nullopt;
}

std::optional<ConnectionOptions> ConnectionArgs::connectionOptions(const QString &address,
                                                                   QString *error) const
{
    auto parsed = parseAddress(address, error);
    if (!parsed) return std::nullopt;
    ConnectionOptions o;
    o.address = *parsed;
    if (tls) {
        if (!o.address.unixSocket.isEmpty()) {
            *error = QStringLiteral("--tls does not apply to unix sockets");
            return std::nullopt;
        }
        o.address.tls = true;
    }
    o.address.trustedCertSha256 = trust;
    o.user = user;
    o.password = password;
    o.name = QStringLiteral("qscope-cli");
    if (timeoutMs > 0) o.connectTimeoutMs = timeoutMs;
    return o;
}

} // namespace qscope
