#include "connections/connectionprofile.h"

#include "net/connectionargs.h"

#include <QJsonValue>
#include <QUuid>

namespace qscope {

QString ConnectionProfile::validate() const
{
    if (name.trimmed().isEmpty()) return QStringLiteral("The connection needs a name.");
    if (unixSocket.isEmpty()) {
        if (host.trimmed().isEmpty()) return QStringLiteral("The host is empty.");
        if (port <= 0 || port > 65535)
            return QStringLiteral("The port must be between 1 and 65535.");
    } else if (tls) {
        return QStringLiteral("TLS is not used over a Unix socket; untick TLS or use host:port.");
    } else if (QString why; !unixSocketName(unixSocket, &why)) {
        return why + QLatin1Char('.');
    }
    if (!trustedCertSha256.isEmpty() && trustedCertSha256.size() != 32)
        return QStringLiteral("A certificate fingerprint is a SHA-256: 64 hex digits.");
    if (!tag.isEmpty() && !tags().contains(tag))
        return QStringLiteral("Unknown colour tag \"%1\".").arg(tag);
    if (connectTimeoutMs < 0 || queryTimeoutMs < 0)
        return QStringLiteral("Timeouts cannot be negative.");
    if (maxResultBytes < 0 || maxResultBytes > (qint64(1) << 40))
        return QStringLiteral("The largest result must be between 1 MB and 1 TB (or the "
                              "default).");
    if (reconnectAttempts < -1)
        return QStringLiteral("Reconnect attempts: -1 (forever), 0 (never) or a count.");
    return {};
}

QString ConnectionProfile::addressText() const
{
    if (!unixSocket.isEmpty()) return toOptions({}).address.display();
    const QString hp = host + QLatin1Char(':') + QString::number(port);
    return tls ? QStringLiteral("tls://") + hp : hp;
}

ConnectionOptions ConnectionProfile::toOptions(const QString &password) const
{
    ConnectionOptions o;
    o.name = name;
    o.address.host = host;
    o.address.port = quint16(port);
    // what was typed (unix://5030, 5030, a path) as the socket kdb+ listens on (@/tmp/kx.5030)
    o.address.unixSocket = unixSocketName(unixSocket).value_or(unixSocket);
    o.address.tls = tls;
    o.address.trustedCertSha256 = trustedCertSha256;
    o.address.caFile = tls ? caFile : QString();
    o.user = user;
    o.password = password;
    o.connectTimeoutMs = connectTimeoutMs;
    o.queryTimeoutMs = queryTimeoutMs;
    o.reconnect.attempts = reconnectAttempts;
    o.reconnect.initialDelayMs = reconnectDelayMs;
    o.maxMessageBytes = effectiveMaxResultBytes();
    return o;
}

qint64 ConnectionProfile::effectiveMaxResultBytes() const
{
    return maxResultBytes > 0 ? maxResultBytes : defaultMessageLimit();
}

QJsonObject ConnectionProfile::toJson() const
{
    QJsonObject o;
    o[QLatin1String("id")] = id;
    o[QLatin1String("name")] = name;
    if (!folder.isEmpty()) o[QLatin1String("folder")] = folder;
    if (!tag.isEmpty()) o[QLatin1String("tag")] = tag;
    if (unixSocket.isEmpty()) {
        o[QLatin1String("host")] = host;
        o[QLatin1String("port")] = port;
    } else {
        o[QLatin1String("unixSocket")] = unixSocket;
    }
    if (tls) o[QLatin1String("tls")] = true;
    if (!trustedCertSha256.isEmpty())
        o[QLatin1String("trustedCertSha256")] = QString::fromLatin1(trustedCertSha256.toHex());
    if (!caFile.isEmpty()) o[QLatin1String("caFile")] = caFile;
    if (!user.isEmpty()) o[QLatin1String("user")] = user;
    if (passwordInKeychain) o[QLatin1String("passwordInKeychain")] = true;
    if (!passwordCommand.isEmpty()) o[QLatin1String("passwordCommand")] = passwordCommand;
    o[QLatin1String("connectTimeoutMs")] = connectTimeoutMs;
    o[QLatin1String("reconnectAttempts")] = reconnectAttempts;
    o[QLatin1String("reconnectDelayMs")] = reconnectDelayMs;
    o[QLatin1String("queryTimeoutMs")] = queryTimeoutMs;
    if (maxResultBytes > 0) o[QLatin1String("maxResultBytes")] = double(maxResultBytes);
    return o;
}

ConnectionProfile ConnectionProfile::fromJson(const QJsonObject &o, QString *error)
{
    ConnectionProfile p;
    const auto str = [&](const char *k, const QString &def) {
        const QJsonValue v = o.value(QLatin1String(k));
        return v.isString() ? v.toString() : def;
    };
    const auto num = [&](const char *k, int def) {
        const QJsonValue v = o.value(QLatin1String(k));
        return v.isDouble() ? v.toInt(def) : def;
    };
    p.name = str("name", {});
    if (p.name.isEmpty()) {
        if (error) *error = QStringLiteral("a connection without a name");
        return ConnectionProfile();
    }
    p.id = str("id", {});
    if (p.id.isEmpty()) p.id = newId();
    p.folder = str("folder", {});
    p.tag = str("tag", {}).toLower();
    p.host = str("host", p.host);
    p.port = num("port", p.port);
    p.unixSocket = str("unixSocket", {});
    p.tls = o.value(QLatin1String("tls")).toBool(false);
    p.trustedCertSha256 = QByteArray::fromHex(str("trustedCertSha256", {}).toLatin1());
    p.caFile = str("caFile", {});
    p.user = str("user", {});
    p.passwordInKeychain = o.value(QLatin1String("passwordInKeychain")).toBool(false);
    p.passwordCommand = str("passwordCommand", {});
    p.connectTimeoutMs = num("connectTimeoutMs", p.connectTimeoutMs);
    p.reconnectAttempts = num("reconnectAttempts", p.reconnectAttempts);
    p.reconnectDelayMs = num("reconnectDelayMs", p.reconnectDelayMs);
    p.queryTimeoutMs = num("queryTimeoutMs", p.queryTimeoutMs);
    // bytes as a JSON number: exact up to 2^53, far past the protocol's 1 TB
    p.maxResultBytes = qint64(o.value(QLatin1String("maxResultBytes")).toDouble(0));
    const QString why = p.validate();
    if (!why.isEmpty()) {
        if (error) *error = QStringLiteral("%1: %2").arg(p.name, why);
        p.id.clear();
    }
    return p;
}

QString ConnectionProfile::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QStringList ConnectionProfile::tags()
{
    return {QStringLiteral("dev"), QStringLiteral("uat"), QStringLiteral("prod")};
}

} // namespace qscope
