#include "estate/estatereport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>

#include <cmath>

namespace qscope {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QJsonValue optionalLong(const std::optional<qint64> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue(QJsonValue::Null);
}

/// Rates to 3 decimals: enough for a rate, and the JSON stays readable.
double rounded(double v)
{
    return std::round(v * 1000) / 1000;
}

QJsonObject nodeJson(const EstateNode &n)
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), n.key);
    o.insert(QStringLiteral("host"), n.host);
    o.insert(QStringLiteral("port"), n.port);
    o.insert(QStringLiteral("role"), n.role);
    o.insert(QStringLiteral("standIn"), n.standIn());
    o.insert(QStringLiteral("reachable"), n.reachable);
    o.insert(QStringLiteral("polled"), n.polled);
    o.insert(QStringLiteral("error"), n.error.isEmpty() ? QJsonValue() : QJsonValue(n.error));
    if (n.standIn()) { // known only by its handle at the publisher, which answered for it
        o.insert(QStringLiteral("upstream"), n.upstreamKey);
        o.insert(QStringLiteral("handleOnUpstream"), n.handleOnUpstream);
        return o;
    }
    const bool live = n.polled && n.reachable;
    o.insert(QStringLiteral("pid"), n.pid);
    QJsonObject mem;
    mem.insert(QStringLiteral("used"), double(n.used));
    mem.insert(QStringLiteral("heap"), double(n.heap));
    mem.insert(QStringLiteral("peak"), double(n.peak));
    mem.insert(QStringLiteral("wmax"), double(n.wmax));
    mem.insert(QStringLiteral("mphy"), double(n.mphy));
    o.insert(QStringLiteral("memory"), mem);
    o.insert(QStringLiteral("uptimeMs"), live ? double(n.lastSeenMs - n.firstSeenMs) : 0.0);
    o.insert(QStringLiteral("msgsInPerSecond"), rounded(n.msgsInPerSecond()));
    o.insert(QStringLiteral("msgsOutPerSecond"), rounded(n.msgsOutPerSecond));
    o.insert(QStringLiteral("rowsInPerSecond"), rounded(n.rowsInPerSecond));
    o.insert(QStringLiteral("logPosition"), optionalLong(n.logPosition));
    o.insert(QStringLiteral("upstream"),
             n.upstreamKey.isEmpty() ? QJsonValue() : QJsonValue(n.upstreamKey));
    o.insert(QStringLiteral("handleOnUpstream"), n.handleOnUpstream);
    o.insert(QStringLiteral("queries"), QJsonArray::fromStringList(n.queries));
    QJsonObject tables;
    for (auto it = n.tableRows.cbegin(); it != n.tableRows.cend(); ++it)
        tables.insert(it.key(), double(it.value()));
    o.insert(QStringLiteral("tables"), tables);
    o.insert(QStringLiteral("activeAlerts"), n.activeAlerts);
    return o;
}

QJsonObject edgeJson(const EstateEdge &e)
{
    QJsonObject o;
    o.insert(QStringLiteral("from"), e.from);
    o.insert(QStringLiteral("to"), e.to);
    o.insert(QStringLiteral("kind"),
             e.query ? QStringLiteral("query") : QStringLiteral("subscription"));
    if (e.query) return o;
    o.insert(QStringLiteral("handle"), e.handle);
    o.insert(QStringLiteral("tables"), QJsonArray::fromStringList(e.tables));
    o.insert(QStringLiteral("msgsPerSecond"), rounded(e.msgsPerSecond));
    o.insert(QStringLiteral("msgsUpperBound"), e.msgsUpperBound);
    o.insert(QStringLiteral("rowsPerSecond"), rounded(e.rowsPerSecond));
    o.insert(QStringLiteral("bytesQueued"), optionalLong(e.bytesQueued));
    return o;
}

QString rate(double v)
{
    return QString::number(v, 'f', v >= 100 ? 0 : 1);
}

} // namespace

QJsonObject estateReportJson(const EstateState &state, const EstateReportInfo &info)
{
    QJsonObject o;
    o.insert(QStringLiteral("time"), isoTime(info.atMs));
    o.insert(QStringLiteral("intervalMs"), info.intervalMs);
    if (info.discoveryMs >= 0) o.insert(QStringLiteral("discoveryMs"), double(info.discoveryMs));
    QJsonArray nodes, edges, alerts;
    for (const EstateNode &n : state.nodes())
        nodes.append(nodeJson(n));
    for (const EstateEdge &e : state.edges())
        edges.append(edgeJson(e));
    for (const EstateAlert &a : state.alerts()) {
        if (!a.active()) continue;
        QJsonObject j;
        j.insert(QStringLiteral("kind"), EstateAlert::kindName(a.kind));
        j.insert(QStringLiteral("node"), a.node);
        j.insert(QStringLiteral("text"), a.text);
        j.insert(QStringLiteral("since"), isoTime(a.raisedMs));
        alerts.append(j);
    }
    o.insert(QStringLiteral("nodes"), nodes);
    o.insert(QStringLiteral("edges"), edges);
    o.insert(QStringLiteral("alerts"), alerts);
    return o;
}

QString estateReportText(const EstateState &state, const EstateReportInfo &info)
{
    QString s = QStringLiteral("estate at %1, rates per second over %2 ms")
                    .arg(isoTime(info.atMs))
                    .arg(info.intervalMs);
    if (info.discoveryMs >= 0) s += QStringLiteral(", discovered in %1 ms").arg(info.discoveryMs);
    s += QStringLiteral("\n\n");
    auto row = [](const QStringList &cells) {
        static const int widths[] = {22, 20, 26, 9, 9, 9, 12};
        QString line;
        for (int i = 0; i < cells.size(); ++i) {
            line += i < 7 ? cells[i].leftJustified(widths[i]) : cells[i];
            line += QLatin1Char(' ');
        }
        return QString(line.trimmed() + QLatin1Char('\n'));
    };
    s += row({QStringLiteral("process"), QStringLiteral("role"),
              QStringLiteral("memory used/heap/peak"), QStringLiteral("up"), QStringLiteral("in/s"),
              QStringLiteral("out/s"), QStringLiteral("log (.u.i)"), QStringLiteral("state")});
    for (const EstateNode &n : state.nodes()) {
        const bool live = n.polled && n.reachable && !n.standIn();
        QString st = n.standIn() ? QStringLiteral("handle %1 at %2, address not exposed")
                                       .arg(n.handleOnUpstream)
                                       .arg(n.upstreamKey)
                     : live                           ? QStringLiteral("ok")
                     : n.polled || !n.error.isEmpty() ? EstateState::downText(n)
                                                      : QStringLiteral("no answer yet");
        if (n.activeAlerts) st += QStringLiteral(" (%1 alerts)").arg(n.activeAlerts);
        s += row({n.key, n.role,
                  live ? QStringLiteral("%1/%2/%3")
                             .arg(EstateState::bytesText(n.used), EstateState::bytesText(n.heap),
                                  EstateState::bytesText(n.peak))
                       : QString(),
                  live ? EstateState::durationText(n.lastSeenMs - n.firstSeenMs) : QString(),
                  live ? rate(n.msgsInPerSecond()) : QString(),
                  live ? rate(n.msgsOutPerSecond) : QString(),
                  n.logPosition ? QString::number(*n.logPosition) : QString(), st});
    }
    s += QStringLiteral("\nedges:\n");
    for (const EstateEdge &e : state.edges()) {
        if (e.query) {
            s += QStringLiteral("  %1 -> %2  queries\n").arg(e.from, e.to);
            continue;
        }
        s += QStringLiteral("  %1 -> %2  %3  %4%5 msgs/s  %6 rows/s")
                 .arg(e.from, e.to, e.tables.join(QLatin1Char(',')),
                      e.msgsUpperBound ? QStringLiteral("<=") : QString(), rate(e.msgsPerSecond),
                      rate(e.rowsPerSecond));
        if (e.bytesQueued)
            s += QStringLiteral("  queued %1").arg(EstateState::bytesText(*e.bytesQueued));
        s += QLatin1Char('\n');
    }
    s += QStringLiteral("\nalerts: %1 active\n").arg(state.activeAlertCount());
    for (const EstateAlert &a : state.alerts())
        if (a.active())
            s += QStringLiteral("  [%1] since %2  %3\n")
                     .arg(EstateAlert::kindName(a.kind), isoTime(a.raisedMs), a.text);
    return s;
}

} // namespace qscope
