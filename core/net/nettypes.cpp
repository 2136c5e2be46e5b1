// ServerAddress: parsing the address forms users type, and what counts as a local peer.

#include "nettypes.h"

#include <QHostAddress>

namespace qscope {

std::optional<ServerAddress> ServerAddress::parse(const QString &input)
{
    QString text = input.trimmed();
    if (text.isEmpty()) return std::nullopt;
    ServerAddress a;
    if (text.startsWith(QLatin1String("unix://"))) {
        const QString rest = text.mid(7);
        if (rest.isEmpty()) return std::nullopt;
        if (rest.startsWith(QLatin1Char('/'))) {
            a.unixSocket = rest; // a filesystem path
            a.host.clear();
            return a;
        }
        bool ok = false;
        const uint port = rest.toUInt(&ok);
        if (!ok || port == 0 || port > 65535) return std::nullopt;
        a.port = quint16(port);
        a.unixSocket = QStringLiteral("@/tmp/kx.%1").arg(port); // what kdb+ listens on
        a.host.clear();
        return a;
    }
    if (text.startsWith(QLatin1String("tls://"))) {
        a.tls = true;
        text = text.mid(6);
    } else if (text.startsWith(QLatin1String("tcp://"))) {
        text = text.mid(6);
    }
    // host:port, :port, [v6]:port
    QString host;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0 || close + 1 >= text.size() || text.at(close + 1) != QLatin1Char(':'))
            return std::nullopt;
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) return std::nullopt;
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.contains(QLatin1Char(':'))) return std::nullopt; // bare v6 needs brackets
    }
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port == 0 || port > 65535) return std::nullopt;
    if (host.contains(QLatin1Char(' ')) || host.contains(QLatin1Char('/'))) return std::nullopt;
    a.host = host.isEmpty() ? QStringLiteral("localhost") : host;
    a.port = quint16(port);
    return a;
}

QString ServerAddress::display() const
{
    if (!unixSocket.isEmpty()) {
        const QString prefix = QStringLiteral("@/tmp/kx.");
        if (unixSocket.startsWith(prefix)) return QStringLiteral("unix://") + unixSocket.mid(9);
        return QStringLiteral("unix://") + unixSocket;
    }
    const QString h =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return (tls ? QStringLiteral("tls://") : QString()) + h + QLatin1Char(':') +
           QString::number(port);
}

bool ServerAddress::isLocal() const
{
    if (!unixSocket.isEmpty()) return true;
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) return true;
    const QHostAddress addr(host);
    return !addr.isNull() && addr.isLoopback();
}

} // namespace qscope
