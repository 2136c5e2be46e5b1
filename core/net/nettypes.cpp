// ServerAddress: parsing the address forms users type, and what counts as a local peer.

#include "nettypes.h"

#include <QHostAddress>

#include <algorithm>
#include <cmath>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

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

qint64 defaultMessageLimit()
{
    static const qint64 limit = [] {
        constexpr qint64 kFloor = qint64(256) << 20;
        constexpr qint64 kCeiling = (qint64(1) << 40) - 1; // the protocol's largest message
        qint64 physical = 0;
#if defined(Q_OS_UNIX) && defined(_SC_PHYS_PAGES)
        const long pages = ::sysconf(_SC_PHYS_PAGES);
        const long pageSize = ::sysconf(_SC_PAGE_SIZE);
        if (pages > 0 && pageSize > 0) physical = qint64(pages) * qint64(pageSize);
#endif
        // Unknown memory: 4 GB, what a modest machine can take one message of.
        if (physical <= 0) physical = qint64(16) << 30;
        return std::clamp(physical / 4, kFloor, kCeiling);
    }();
    return limit;
}

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Open:
        return QStringLiteral("connected");
    case ConnectionState::Reconnecting:
        return QStringLiteral("reconnecting");
    case ConnectionState::Closed:
        return QStringLiteral("disconnected");
    case ConnectionState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

QString formatByteSize(qint64 bytes)
{
    static const char *const units[] = {"KB", "MB", "GB", "TB"};
    if (bytes < 1024) return QStringLiteral("%1 bytes").arg(bytes);
    double v = double(bytes);
    int unit = -1;
    while (v >= 1024 && unit < 3) {
        v /= 1024;
        ++unit;
    }
    // One decimal below 10 (3.2 GB), none from 10 on (12 GB); never "1.0 GB".
    const QString number = v < 10 && std::abs(v - std::round(v)) >= 0.05
                               ? QString::number(v, 'f', 1)
                               : QString::number(qint64(std::round(v)));
    return number + QLatin1Char(' ') + QLatin1String(units[unit]);
}

} // namespace qscope
