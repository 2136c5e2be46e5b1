// ConnectionArgs: connection options from command-line arguments.

#include "connectionargs.h"

#include <QRegularExpression>

#include <cmath>

namespace qscope {

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]?)[bB]?\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch()) return std::nullopt;
    const double number = m.captured(1).toDouble();
    int shift = 0;
    const QString unit = m.captured(2).toUpper();
    switch (unit.isEmpty() ? 0 : unit.at(0).unicode()) {
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case 'T':
        shift = 40;
        break;
    default:
        break;
    }
    const double bytes = std::round(number * double(qint64(1) << shift));
    if (!(bytes >= 1) || bytes > 9.0e18) return std::nullopt;
    return qint64(bytes);
}

namespace {

QCommandLineOption option(const char *name, const char *valueName, const char *description)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                              QString::fromLatin1(valueName));
}

} // namespace

QList<QCommandLineOption> ConnectionArgs::options()
{
    return {
        QCommandLineOption(QStringLiteral("tls"),
                           QStringLiteral("connect with TLS (certificates are verified)")),
        option("trust", "HEX", "trust this self-signed certificate (SHA-256 fingerprint)"),
        option("user", "U[:P]", "login user (and password: visible in ps, prefer the next two)"),
        option("password-file", "F",
               "the password is the first line of F; else $QSCOPE_PASSWORD;\n"
               "else, with --user U on a terminal, it is asked for (no echo)"),
        option("timeout", "MS",
               "connect and query timeout (default: 5000 ms to connect, no "
               "query limit)"),
        option("max-size", "SIZE",
               "largest message taken, e.g. 512M or 4G (default: a quarter of\n"
               "this machine's memory); over it the request fails, unread"),
    };
}

bool ConnectionArgs::read(const QCommandLineParser &p, QString *error)
{
    tls = p.isSet(QStringLiteral("tls"));
    if (p.isSet(QStringLiteral("user"))) {
        const QString v = p.value(QStringLiteral("user"));
        const qsizetype colon = v.indexOf(QLatin1Char(':'));
        user = colon < 0 ? v : v.left(colon);
        password = colon < 0 ? QString() : v.mid(colon + 1);
        passwordGiven = colon >= 0;
    }
    if (p.isSet(QStringLiteral("password-file")))
        passwordFile = p.value(QStringLiteral("password-file"));
    if (p.isSet(QStringLiteral("max-size"))) {
        const auto bytes = parseByteSize(p.value(QStringLiteral("max-size")));
        if (!bytes) {
            *error = QStringLiteral("--max-size needs a size such as 512M, 4G or 1000000");
            return false;
        }
        maxMessageBytes = *bytes;
    }
    if (p.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        timeoutMs = p.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || timeoutMs <= 0) {
            *error = QStringLiteral("--timeout needs a positive number of milliseconds");
            return false;
        }
    }
    if (p.isSet(QStringLiteral("trust"))) {
        const QByteArray hex =
            p.value(QStringLiteral("trust")).toLatin1().replace(':', QByteArray());
        trust = QByteArray::fromHex(hex);
        if (trust.size() != 32) {
            *error = QStringLiteral("--trust needs a SHA-256 fingerprint (64 hex digits)");
            return false;
        }
        tls = true;
    }
    return true;
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
    if (maxMessageBytes > 0) o.maxMessageBytes = maxMessageBytes;
    return o;
}

} // namespace qscope
