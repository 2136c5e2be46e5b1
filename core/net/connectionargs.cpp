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
        passwordGiven = colon >= 0;
        return 2;
    }
    if (a == QLatin1String("--password-file")) {
        if (value(&v) < 0) return -1;
        passwordFile = v;
        return 2;
    }
    if (a == QLatin1String("--max-size")) {
        if (value(&v) < 0) return -1;
        const auto bytes = parseByteSize(v);
        if (!bytes) {
            *error = QStringLiteral("--max-size needs a size such as 512M, 4G or 1000000");
            return -1;
        }
        maxMessageBytes = *bytes;
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

std::optional<ConnectionOptions> ConnectionArgs::connectionOptions(const QString &address,
                                                                   QString *error) const
{
    auto parsed = ServerAddress::parse(address);
    if (!parsed) {
        *error = QStringLiteral("'%1' is not an address (HOST:PORT, tls://HOST:PORT, unix://PORT)")
                     .arg(address);
        return std::nullopt;
    }
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
