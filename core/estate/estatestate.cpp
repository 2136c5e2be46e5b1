#include "estate/estatestate.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace qscope {

namespace {

/// What pollQuery() answers, item by item.
enum Item {
    Port,
    Pid,
    Memory,
    Queued,
    Subs,
    LogPos,
    Upstream,
    GwServers,
    Wh,
    Tables,
    Now,
    Peers,
    Items
};

std::optional<qint64> integer(const Value &v)
{
    if (v.type() != -Int && v.type() != -Long && v.type() != -Short) return std::nullopt;
    if (v.isNull()) return std::nullopt;
    return qint64(v.rawInt());
}

/// Item i of a vector or a general list, as an atom.
Value elementAt(const Value &v, int64_t i)
{
    return v.isList() ? v.item(i) : v.element(i);
}

qint64 dictLong(const Value &d, const char *name)
{
    if (!d.isDict() || d.keys().type() != Symbol) return 0;
    for (int64_t i = 0; i < d.keys().count(); ++i)
        if (d.keys().symAt(i) == name) return integer(elementAt(d.values(), i)).value_or(0);
    return 0;
}

QByteArray text(const Value &v)
{
    if (v.type() == Char) return QByteArray(v.rawData(), qsizetype(v.count()));
    if (v.type() == -Symbol) return v.symbolValue();
    return {};
}

QStringList addresses(const Value &v)
{
    QStringList out;
    if (v.type() == Char || v.type() == -Symbol) {
        out << QString::fromUtf8(text(v));
    } else if (v.type() == 0) {
        for (int64_t i = 0; i < v.count(); ++i)
            out << QString::fromUtf8(text(v.item(i)));
    } else if (v.type() == Symbol) {
        for (int64_t i = 0; i < v.count(); ++i)
            out << QString::fromUtf8(v.symAt(i));
    }
    out.removeAll(QString());
    return out;
}

bool isLoopback(const QString &host)
{
    return host.startsWith(QLatin1String("127."));
}

/// An address a process names (its upstream, a gateway's server, a peer) as a key. One on that
/// process's own machine (r.q's default ":5010", localhost, a subscriber seen from 127.0.0.1)
/// is on `host`, the machine the process was reached on, not on this one.
QString keyNamedBy(const QString &address, const QString &host)
{
    const QString key = EstateState::keyOf(address);
    if (key.isEmpty() || isLoopback(host) || !isLoopback(key.section(QLatin1Char(':'), 0, 0)))
        return key;
    return host + QLatin1Char(':') + key.section(QLatin1Char(':'), 1);
}

/// .qscope.peers as the agent keeps it: a table of handle, host, port, keyed by handle or not;
/// addresses as seen from `host`, the publisher's machine.
QHash<int, QString> peersOf(const Value &v, const QString &publisherHost)
{
    QHash<int, QString> out;
    Value table = v;
    if (v.isDict() && v.keys().isTable() && v.values().isTable()) { // keyed: join key and value
        std::vector<QByteArray> names;
        std::vector<Value> columns;
        for (const Value *part : {&v.keys(), &v.values()})
            for (int64_t c = 0; c < part->columnNames().count(); ++c) {
                names.push_back(part->columnNames().symAt(c));
                columns.push_back(part->columns().item(c));
            }
        table = Value::table(Value::symbols(names), Value::list(std::move(columns)));
    }
    if (!table.isTable()) return out;
    const int h = table.columnIndex("handle"), host = table.columnIndex("host"),
              port = table.columnIndex("port");
    if (h < 0 || host < 0 || port < 0) return out;
    const Value hs = table.columns().item(h), hosts = table.columns().item(host),
                ports = table.columns().item(port);
    for (int64_t i = 0; i < hs.count() && i < hosts.count() && i < ports.count(); ++i) {
        const auto handle = integer(elementAt(hs, i));
        const auto p = integer(elementAt(ports, i));
        const QByteArray where = text(elementAt(hosts, i));
        if (!handle || !p) continue;
        const QString key = keyNamedBy(
            QString::fromUtf8(where) + QLatin1Char(':') + QString::number(*p), publisherHost);
        if (!key.isEmpty()) out.insert(int(*handle), key);
    }
    return out;
}

/// The name of the first dict in the answer whose keys and values differ in count, else "". q
/// never makes one, but the decoder takes a dict as it comes, and the figures below index the
/// values by the keys' positions (past the values' end: a crash, or garbage).
QString malformedDict(const Value &answer)
{
    const std::pair<int, const char *> dicts[] = {
        {Memory, ".Q.w[]"}, {Queued, ".z.W"}, {Subs, ".u.w"}, {Tables, "tables"}};
    for (const auto &[item, name] : dicts) {
        const Value &d = answer.item(item);
        if (d.isDict() && d.keys().count() != d.values().count()) return QString::fromLatin1(name);
    }
    return {};
}

} // namespace

QString EstateState::bytesText(qint64 b)
{
    if (b >= (qint64(1) << 20))
        return QStringLiteral("%1 MB").arg(double(b) / (1 << 20), 0, 'f', 1);
    if (b >= 1024) return QStringLiteral("%1 KB").arg(double(b) / 1024, 0, 'f', 0);
    return QStringLiteral("%1 B").arg(b);
}

QString EstateState::durationText(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 120) return QStringLiteral("%1 s").arg(s);
    if (s < 7200) return QStringLiteral("%1 min").arg(s / 60);
    return QStringLiteral("%1 h").arg(s / 3600);
}

QByteArray EstateState::pollQuery()
{
    // One small query per process: identity, memory, queues, subscriptions, log position,
    // upstream (r.q's .u.x), a gateway's servers, the handle a publisher knows it by, row counts,
    // and where the optional qscope agent keeps them, its subscribers' addresses
    // (.qscope.peers: handle -> host, port). Each optional name is read under @[value;...] so a
    // process without it answers as before.
    return QByteArrayLiteral("(system\"p\";.z.i;.Q.w[];.z.W;@[value;`.u.w;{::}];"
                             "@[value;`.u.i;{0N}];@[value;`.u.x;{()}];@[value;`.gw.x;{()}];"
                             "@[value;`.u.wh;{0N}];t!count each value each t:tables`.;.z.p;"
                             "@[value;`.qscope.peers;{()}])");
}

QString EstateState::keyOf(const QString &address)
{
    QString a = address.trimmed();
    if (a.startsWith(QLatin1Char('`'))) a.remove(0, 1);
    const bool portOnly = a.startsWith(QLatin1Char(':')) && a.count(QLatin1Char(':')) == 1;
    if (a.startsWith(QLatin1Char(':'))) a.remove(0, 1);
    if (portOnly) a.prepend(QLatin1Char(':')); // ":5000": this machine, as q's hopen reads it
    const QStringList parts = a.split(QLatin1Char(':'));
    if (parts.size() < 2) return {};
    bool ok = false;
    const int port = parts[1].toInt(&ok);
    if (!ok || port <= 0 || port > 65535) return {};
    QString host = parts[0];
    if (host.isEmpty() || host == QLatin1String("localhost")) host = QStringLiteral("127.0.0.1");
    return host + QLatin1Char(':') + QString::number(port);
}

int EstateState::addProcess(const QString &address)
{
    const QString key = keyOf(address);
    if (key.isEmpty()) return -1;
    const int existing = indexOf(key);
    if (existing >= 0) return existing;
    EstateNode n;
    n.key = key;
    n.host = key.section(QLatin1Char(':'), 0, 0);
    n.port = quint16(key.section(QLatin1Char(':'), 1, 1).toUInt());
    n.role = QStringLiteral("process");
    const int row = int(m_nodes.size());
    if (m_listener) m_listener->nodesAboutToBeInserted(row, row);
    m_nodes.push_back(n);
    if (m_listener) m_listener->nodesInserted();
    return row;
}

void EstateState::clear()
{
    if (m_listener) m_listener->aboutToReset();
    m_nodes.clear();
    m_edges.clear();
    m_alerts.clear();
    m_samples.clear();
    m_queues.clear();
    m_logMovedMs.clear();
    m_comebacks.clear();
    m_inStepGap.clear();
    m_nodeHistory.clear();
    m_edgeHistory.clear();
    m_raisedLastRound.clear();
    if (m_listener) m_listener->reset();
}

int EstateState::indexOf(const QString &key) const
{
    for (size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].key == key) return int(i);
    return -1;
}

int EstateState::activeAlertCount() const
{
    return int(std::count_if(m_alerts.begin(), m_alerts.end(),
                             [](const EstateAlert &a) { return a.active(); }));
}

void EstateState::setRole(int node, const QString &role)
{
    if (node < 0 || node >= int(m_nodes.size())) return;
    m_nodes[size_t(node)].role = role;
    m_nodes[size_t(node)].roleSetByUser = !role.isEmpty();
    if (role.isEmpty()) m_nodes[size_t(node)].role = guessRole(m_nodes[size_t(node)]);
}

QString EstateState::guessRole(const EstateNode &n) const
{
    const bool publishes = !n.subscribers.isEmpty() || n.logPosition.has_value();
    if (publishes && !n.upstreamKey.isEmpty()) return QStringLiteral("chained tickerplant");
    if (publishes) return QStringLiteral("tickerplant");
    if (!n.queries.isEmpty()) return QStringLiteral("gateway");
    if (!n.upstreamKey.isEmpty() || n.handleOnUpstream)
        return n.tableRows.isEmpty() ? QStringLiteral("real-time engine") : QStringLiteral("rdb");
    if (n.key.contains(QLatin1Char('#'))) return QStringLiteral("subscriber");
    return n.tableRows.isEmpty() ? QStringLiteral("process") : QStringLiteral("hdb/process");
}

QStringList EstateState::applyPoll(int i, const Value &a, qint64 nowMs)
{
    if (i < 0 || i >= int(m_nodes.size())) return {};
    EstateNode &n = m_nodes[size_t(i)];
    if (a.type() != 0 || a.count() != Items) {
        applyFailure(i, QStringLiteral("unexpected answer to the estate poll"), nowMs, true);
        return {};
    }
    if (const QString bad = malformedDict(a); !bad.isEmpty()) {
        applyFailure(
            i,
            QStringLiteral("malformed answer to the estate poll: %1's keys and values differ in "
                           "count")
                .arg(bad),
            nowMs, true);
        return {};
    }
    if (n.polled && !n.reachable) { // back after being unreachable: a reconnect loop's step
        std::deque<qint64> &back = m_comebacks[n.key];
        back.push_back(nowMs);
        while (back.size() > 64) // the rule never needs more than its count of them
            back.pop_front();
        ++n.comebacks;
    }
    if (!n.polled || !n.reachable) n.firstSeenMs = nowMs;
    n.reachable = true;
    n.answeredBadly = false;
    n.error.clear();
    n.lastSeenMs = nowMs;
    n.polled = true;
    n.pid = int(integer(a.item(Pid)).value_or(0));
    const Value w = a.item(Memory);
    n.used = dictLong(w, "used");
    n.heap = dictLong(w, "heap");
    n.peak = dictLong(w, "peak");
    n.wmax = dictLong(w, "wmax");
    n.mphy = dictLong(w, "mphy");
    n.queued.clear();
    const Value zw = a.item(Queued);
    if (zw.isDict()) {
        const Value k = zw.keys(), v = zw.values();
        for (int64_t j = 0; j < k.count() && j < v.count(); ++j) {
            const Value b = elementAt(v, j);
            qint64 bytes = integer(b).value_or(0);
            if (b.type() == Long || b.type() == Int) // kdb+ before 4.1: sizes of the messages
                for (int64_t m = 0; m < b.count(); ++m)
                    bytes += integer(b.element(m)).value_or(0);
            n.queued.insert(int(integer(elementAt(k, j)).value_or(0)), bytes);
        }
    }
    n.subscribers.clear();
    const Value uw = a.item(Subs);
    n.publishedTables = uw.isDict() ? int(uw.keys().count()) : 0;
    if (uw.isDict() && uw.keys().type() == Symbol && uw.values().type() == 0) {
        for (int64_t t = 0; t < uw.keys().count(); ++t) {
            const QString table = QString::fromUtf8(uw.keys().symAt(t));
            const Value subs = uw.values().item(t);
            for (int64_t s = 0; subs.type() == 0 && s < subs.count(); ++s) {
                const Value pair = subs.item(s);
                if (pair.count() < 1) continue;
                if (const auto h = integer(elementAt(pair, 0))) n.subscribers[int(*h)] << table;
            }
        }
    }
    n.logPosition = integer(a.item(LogPos));
    const QStringList up = addresses(a.item(Upstream));
    n.upstreamKey = up.isEmpty() ? QString() : keyNamedBy(up.first(), n.host);
    n.queries.clear();
    for (const QString &s : addresses(a.item(GwServers)))
        if (const QString k = keyNamedBy(s, n.host); !k.isEmpty()) n.queries << k;
    n.handleOnUpstream = int(integer(a.item(Wh)).value_or(0));
    n.handleFromPeers = false; // set again by resolvePeers at the round's end
    n.tableRows.clear();
    n.rows = 0;
    const Value tc = a.item(Tables);
    if (tc.isDict() && tc.keys().type() == Symbol)
        for (int64_t t = 0; t < tc.keys().count(); ++t) {
            const QString name = QString::fromUtf8(tc.keys().symAt(t));
            if (name == QLatin1String("trackConnections")) continue; // the demo's bookkeeping
            const qint64 c = integer(elementAt(tc.values(), t)).value_or(0);
            n.tableRows.insert(name, c);
            n.rows += c;
        }
    // Rates from the previous answer of this node.
    Sample &prev = m_samples[n.key];
    if (prev.atMs > 0 && nowMs > prev.atMs) {
        const double dt = double(nowMs - prev.atMs) / 1000.0;
        n.updPerSecond = (n.logPosition && prev.logPosition)
                             ? std::max<qint64>(0, *n.logPosition - *prev.logPosition) / dt
                             : 0;
        n.rowsInPerSecond = std::max<qint64>(0, n.rows - prev.rows) / dt;
        n.msgsOutPerSecond = n.updPerSecond * double(n.subscribers.size());
        if (n.logPosition && prev.logPosition && *n.logPosition != *prev.logPosition)
            m_logMovedMs[n.key] = nowMs;
    }
    prev = Sample{nowMs, n.logPosition, n.rows};
    if (!n.roleSetByUser) n.role = guessRole(n);
    n.peers = peersOf(a.item(Peers), n.host);
    QStringList found;
    for (const QString &k : n.queries + QStringList{n.upstreamKey} + n.peers.values())
        if (!k.isEmpty() && indexOf(k) < 0 && !found.contains(k)) found << k;
    return found;
}

void EstateState::applyFailure(int i, const QString &error, qint64 nowMs, bool answered)
{
    if (i < 0 || i >= int(m_nodes.size())) return;
    EstateNode &n = m_nodes[size_t(i)];
    n.reachable = false;
    n.answeredBadly = answered;
    n.error = error;
    n.updPerSecond = n.msgsOutPerSecond = n.rowsInPerSecond = 0;
    m_samples.remove(n.key);
    Q_UNUSED(nowMs);
}

void EstateState::updateStandIns()
{
    // Subscribers a publisher lists in .u.w that no watched process claims: "handle N" nodes,
    // so discovery from one tickerplant shows every subscription.
    QSet<QString> claimed;
    for (const EstateNode &n : m_nodes) // a stand-in does not claim its own handle
        if (!n.upstreamKey.isEmpty() && n.handleOnUpstream && !n.standIn())
            claimed.insert(n.upstreamKey + QLatin1Char('#') + QString::number(n.handleOnUpstream));
    QHash<QString, int> subsOfPublisher; // publisher -> watched subscribers without a handle
    for (const EstateNode &n : m_nodes)
        if (!n.upstreamKey.isEmpty() && !n.handleOnUpstream && !n.key.contains(QLatin1Char('#')))
            ++subsOfPublisher[n.upstreamKey];
    std::vector<QString> wanted;
    for (const EstateNode &n : m_nodes) {
        if (n.key.contains(QLatin1Char('#')) || !n.reachable) continue;
        // Without .u.wh, a subscriber cannot be told apart: leave as many handles unnamed as
        // there are such subscribers (they are drawn from the subscriber's side).
        int unclaimedAllowance = subsOfPublisher.value(n.key);
        QList<int> hs = n.subscribers.keys();
        std::sort(hs.begin(), hs.end());
        for (int h : hs) {
            const QString k = n.key + QLatin1Char('#') + QString::number(h);
            if (claimed.contains(k)) continue;
            if (unclaimedAllowance > 0) {
                --unclaimedAllowance;
                continue;
            }
            wanted.push_back(k);
        }
    }
    // Drop placeholders no longer listed (the subscriber left or was claimed), add new ones.
    for (int i = int(m_nodes.size()) - 1; i >= 0; --i) {
        const EstateNode &n = m_nodes[size_t(i)];
        const QString pub = n.key.section(QLatin1Char('#'), 0, 0);
        const int p = indexOf(pub);
        const bool publisherDown = p >= 0 && !m_nodes[size_t(p)].reachable;
        if (n.key.contains(QLatin1Char('#')) && !publisherDown &&
            std::find(wanted.begin(), wanted.end(), n.key) == wanted.end()) {
            if (m_listener) m_listener->nodeAboutToBeRemoved(i);
            m_nodes.erase(m_nodes.begin() + i);
            if (m_listener) m_listener->nodeRemoved();
        }
    }
    for (const QString &k : wanted) {
        if (indexOf(k) >= 0) continue;
        EstateNode n;
        n.key = k;
        n.host = k.section(QLatin1Char(':'), 0, 0);
        n.upstreamKey = k.section(QLatin1Char('#'), 0, 0);
        n.handleOnUpstream = k.section(QLatin1Char('#'), 1).toInt();
        n.role = QStringLiteral("subscriber");
        n.reachable = true; // not polled: its publisher answers for it
        const int row = int(m_nodes.size());
        if (m_listener) m_listener->nodesAboutToBeInserted(row, row);
        m_nodes.push_back(n);
        if (m_listener) m_listener->nodesInserted();
    }
}

void EstateState::resolvePeers()
{
    // A subscriber without .u.wh (kdb-tick's r.q keeps none) takes the handle its publisher's
    // agent lists for its address, so its edge shows that handle's tables and queue.
    for (EstateNode &n : m_nodes) {
        if (n.standIn() || n.handleOnUpstream) continue;
        for (const EstateNode &pub : m_nodes) {
            if (pub.peers.isEmpty() || (!n.upstreamKey.isEmpty() && n.upstreamKey != pub.key))
                continue;
            for (auto it = pub.peers.cbegin(); it != pub.peers.cend(); ++it)
                if (it.value() == n.key && pub.subscribers.contains(it.key())) {
                    n.upstreamKey = pub.key;
                    n.handleOnUpstream = it.key();
                    n.handleFromPeers = true;
                }
        }
    }
}

void EstateState::finishRound(qint64 nowMs)
{
    resolvePeers();
    updateStandIns();
    buildEdges();
    computeDepths();
    evaluateAlerts(nowMs);
    for (EstateNode &n : m_nodes) {
        n.activeAlerts = 0;
        for (const EstateAlert &a : m_alerts)
            if (a.active() && a.node == n.key) ++n.activeAlerts;
    }
    recordHistory(nowMs);
}

void EstateState::buildEdges()
{
    m_edges.clear();
    for (const EstateNode &n : m_nodes) {
        const int p = indexOf(n.upstreamKey);
        if (!n.upstreamKey.isEmpty() && p >= 0) {
            const EstateNode &pub = m_nodes[size_t(p)];
            EstateEdge e;
            e.from = pub.key;
            e.to = n.key;
            e.handle = n.handleOnUpstream;
            if (e.handle) {
                e.tables = pub.subscribers.value(e.handle);
                if (pub.queued.contains(e.handle)) e.bytesQueued = pub.queued.value(e.handle);
            } else {
                e.tables = n.tableRows.keys();
            }
            e.tables.sort();
            e.msgsPerSecond = pub.updPerSecond; // each upd goes to every subscriber of all syms
            e.msgsUpperBound = e.tables.size() < pub.publishedTables;
            e.rowsPerSecond = n.rowsInPerSecond;
            m_edges.push_back(e);
        }
        for (const QString &server : n.queries) {
            if (indexOf(server) < 0) continue;
            EstateEdge e;
            e.from = server;
            e.to = n.key;
            e.query = true;
            m_edges.push_back(e);
        }
    }
}

void EstateState::computeDepths()
{
    // Longest path from a source, bounded by the node count (a cycle cannot loop forever).
    for (EstateNode &n : m_nodes)
        n.depth = 0;
    for (size_t pass = 0; pass < m_nodes.size(); ++pass) {
        bool moved = false;
        for (const EstateEdge &e : m_edges) {
            const int f = indexOf(e.from), t = indexOf(e.to);
            if (f < 0 || t < 0) continue;
            if (m_nodes[size_t(t)].depth < m_nodes[size_t(f)].depth + 1) {
                m_nodes[size_t(t)].depth = m_nodes[size_t(f)].depth + 1;
                moved = true;
            }
        }
        if (!moved) break;
    }
}

QString EstateState::pollErrorText(const NetError &error)
{
    return error.kind == NetError::QError ? QStringLiteral("it answered '%1").arg(error.message)
                                          : error.message;
}

QString EstateState::downText(const EstateNode &n)
{
    return (n.answeredBadly ? QStringLiteral("cannot be polled: %1")
                            : QStringLiteral("unreachable: %1"))
        .arg(n.error);
}

QString EstateState::alertId(EstateAlert::Kind kind, const QString &node)
{
    return QString::number(int(kind)) + QLatin1Char('|') + node;
}

void EstateState::raise(EstateAlert::Kind kind, const QString &node, const QString &text,
                        qint64 nowMs, QSet<QString> *seen)
{
    seen->insert(alertId(kind, node));
    for (EstateAlert &a : m_alerts)
        if (a.active() && a.kind == kind && a.node == node) {
            a.text = text; // the figures move; the alert stays the same one
            return;
        }
    m_raisedLastRound.push_back(int(m_alerts.size()));
    m_alerts.push_back(EstateAlert{kind, node, text, nowMs, 0});
}

void EstateState::trimAlertLog()
{
    // the oldest cleared ones go; active ones stay, whatever their age
    auto cleared = std::count_if(m_alerts.begin(), m_alerts.end(),
                                 [](const EstateAlert &a) { return !a.active(); });
    if (cleared <= kClearedAlertsKept) return;
    auto drop = cleared - kClearedAlertsKept;
    m_alerts.erase(std::remove_if(m_alerts.begin(), m_alerts.end(),
                                  [&drop](const EstateAlert &a) {
                                      if (a.active() || drop == 0) return false;
                                      --drop;
                                      return true;
                                  }),
                   m_alerts.end());
}

void EstateState::evaluateAlerts(qint64 nowMs)
{
    m_raisedLastRound.clear();
    trimAlertLog(); // before raising: raisedLastRound's indexes hold until the next round
    QSet<QString> seen;
    for (const EstateNode &n : m_nodes) {
        if (n.standIn()) continue;
        if (n.polled || !n.error.isEmpty()) {
            if (!n.reachable)
                raise(EstateAlert::Unreachable, n.key, n.key + QLatin1Char(' ') + downText(n),
                      nowMs, &seen);
        }
        reconnectAlert(n, nowMs, &seen); // up or down: the loop is what it reports
        if (!n.reachable) continue;
        queueAlerts(n, nowMs, &seen);
        memoryAlert(n, nowMs, &seen);
        // A publisher whose log position stopped while it has subscribers: the feed stalled.
        const auto moved = m_logMovedMs.constFind(n.key);
        if (n.logPosition && !n.subscribers.isEmpty() && moved != m_logMovedMs.cend() &&
            nowMs - *moved >= qint64(m_rules.logStallSeconds) * 1000)
            raise(EstateAlert::LogStalled, n.key,
                  QStringLiteral("%1: .u.i stuck at %2 for %3")
                      .arg(n.key)
                      .arg(*n.logPosition)
                      .arg(durationText(nowMs - *moved)),
                  nowMs, &seen);
    }
    logBehindAlerts(nowMs, &seen);
    for (EstateAlert &a : m_alerts)
        if (a.active() && !seen.contains(alertId(a.kind, a.node))) a.clearedMs = nowMs;
}

void EstateState::queueAlerts(const EstateNode &n, qint64 nowMs, QSet<QString> *seen)
{
    // Subscriber queues, on the publisher's side.
    for (auto it = n.subscribers.cbegin(); it != n.subscribers.cend(); ++it) {
        const int h = it.key();
        const qint64 bytes = n.queued.value(h);
        const QString qk = n.key + QLatin1Char('#') + QString::number(h);
        QueueTrack &t = m_queues[qk];
        if (bytes > 0 && bytes > t.last) {
            if (!t.growingSinceMs) t.growingSinceMs = nowMs;
        } else if (bytes == 0 || bytes < t.last) {
            t.growingSinceMs = 0;
        }
        t.last = bytes;
        const qint64 growingMs = t.growingSinceMs ? nowMs - t.growingSinceMs : 0;
        const bool over = bytes > m_rules.queueBytes;
        const bool growing = growingMs >= qint64(m_rules.queueGrowingSeconds) * 1000;
        if (!over && !growing) continue;
        // On the subscriber when a watched process claims the handle, else on its stand-in.
        QString target = qk;
        for (const EstateNode &s : m_nodes)
            if (s.upstreamKey == n.key && s.handleOnUpstream == h && !s.standIn()) target = s.key;
        raise(EstateAlert::Queue, target,
              QStringLiteral("%1 falls behind: queue at %2 handle %3: %4%5")
                  .arg(target, n.key)
                  .arg(h)
                  .arg(bytesText(bytes))
                  .arg(growing ? QStringLiteral(", growing %1").arg(durationText(growingMs))
                               : QString()),
              nowMs, seen);
    }
}

void EstateState::memoryAlert(const EstateNode &n, qint64 nowMs, QSet<QString> *seen)
{
    // code.kx.com/q/basics/syscmds/#w-workspace: heap is what q holds from the system; wmax the
    // limit from -w (0 without one); mphy the machine's physical memory, the limit otherwise.
    const qint64 limit = n.wmax > 0 ? n.wmax : n.mphy;
    if (limit <= 0 || n.heap <= 0) return;
    const double share = 100.0 * double(n.heap) / double(limit);
    if (share < m_rules.memoryPercent) return;
    raise(EstateAlert::Memory, n.key,
          QStringLiteral("%1: heap %2 is %3% of %4 %5")
              .arg(n.key, bytesText(n.heap))
              .arg(share, 0, 'f', share < 1 ? 2 : 0)
              .arg(n.wmax > 0 ? QStringLiteral("its -w limit") : QStringLiteral("physical memory"),
                   bytesText(limit)),
          nowMs, seen);
}

void EstateState::reconnectAlert(const EstateNode &n, qint64 nowMs, QSet<QString> *seen)
{
    const auto it = m_comebacks.constFind(n.key);
    if (it == m_comebacks.cend()) return;
    const qint64 since = nowMs - qint64(m_rules.reconnectWindowSeconds) * 1000;
    const auto inWindow =
        std::count_if(it->cbegin(), it->cend(), [since](qint64 t) { return t >= since; });
    if (inWindow <= m_rules.reconnects) return;
    raise(EstateAlert::Reconnects, n.key,
          QStringLiteral("%1 restarting in a loop: back %2 times in the last %3 s")
              .arg(n.key)
              .arg(inWindow)
              .arg(m_rules.reconnectWindowSeconds),
          nowMs, seen);
}

void EstateState::logBehindAlerts(qint64 nowMs, QSet<QString> *seen)
{
    // A subscriber with a log position of its own republishes each message it takes (a chained
    // tickerplant): the gap to its publisher's .u.i is constant while it keeps up (it counts
    // from when it subscribed) and grows while it falls behind. The least gap seen on the edge
    // is "in step"; the alert is on what is past it.
    QSet<QString> live;
    for (const EstateEdge &e : m_edges) {
        if (e.query) continue;
        const int f = indexOf(e.from), t = indexOf(e.to);
        if (f < 0 || t < 0) continue;
        const EstateNode &pub = m_nodes[size_t(f)], &sub = m_nodes[size_t(t)];
        if (!pub.reachable || !sub.reachable || !pub.logPosition || !sub.logPosition) continue;
        const QString k = e.key();
        live.insert(k);
        const qint64 gap = *pub.logPosition - *sub.logPosition;
        auto step = m_inStepGap.find(k);
        if (step == m_inStepGap.end() || gap < *step) step = m_inStepGap.insert(k, gap);
        const qint64 behind = gap - *step;
        if (behind <= m_rules.logBehindMessages) continue;
        raise(EstateAlert::LogBehind, sub.key,
              QStringLiteral("%1 falls behind %2: .u.i %3 messages behind (%4 vs %5)")
                  .arg(sub.key, pub.key)
                  .arg(behind)
                  .arg(*sub.logPosition)
                  .arg(*pub.logPosition),
              nowMs, seen);
    }
    // An edge gone (either end down or restarted): its count starts again when it is back.
    for (auto it = m_inStepGap.begin(); it != m_inStepGap.end();)
        it = live.contains(it.key()) ? std::next(it) : m_inStepGap.erase(it);
}

void EstateState::recordHistory(qint64 nowMs)
{
    for (const EstateNode &n : m_nodes) {
        if (n.standIn() || !n.polled) continue;
        auto it = m_nodeHistory.find(n.key);
        if (it == m_nodeHistory.end())
            it = m_nodeHistory.insert(
                n.key, EstateSeries({QStringLiteral("memory used"), QStringLiteral("msgs in/s"),
                                     QStringLiteral("msgs out/s"), QStringLiteral("rows in/s"),
                                     QStringLiteral("log position")}));
        const bool live = n.reachable;
        it->append(nowMs, {live ? double(n.used) : 0, live ? n.msgsInPerSecond() : 0,
                           live ? n.msgsOutPerSecond : 0, live ? n.rowsInPerSecond : 0,
                           n.logPosition ? double(*n.logPosition) : 0});
    }
    for (const EstateEdge &e : m_edges) {
        if (e.query) continue;
        auto it = m_edgeHistory.find(e.key());
        if (it == m_edgeHistory.end())
            it = m_edgeHistory.insert(
                e.key(), EstateSeries({QStringLiteral("msgs/s"), QStringLiteral("rows/s"),
                                       QStringLiteral("bytes queued")}));
        it->append(nowMs, {e.msgsPerSecond, e.rowsPerSecond, double(e.bytesQueued.value_or(0))});
    }
}

const EstateSeries *EstateState::nodeHistory(const QString &key) const
{
    const auto it = m_nodeHistory.constFind(key);
    return it == m_nodeHistory.cend() ? nullptr : &*it;
}

const EstateSeries *EstateState::edgeHistory(const QString &key) const
{
    const auto it = m_edgeHistory.constFind(key);
    return it == m_edgeHistory.cend() ? nullptr : &*it;
}

QString EstateAlert::kindName(Kind kind)
{
    switch (kind) {
    case Queue:
        return QStringLiteral("queue");
    case Unreachable:
        return QStringLiteral("unreachable");
    case LogStalled:
        return QStringLiteral("log-stalled");
    case Memory:
        return QStringLiteral("memory");
    case Reconnects:
        return QStringLiteral("reconnects");
    case LogBehind:
        return QStringLiteral("log-behind");
    }
    return {};
}

} // namespace qscope
