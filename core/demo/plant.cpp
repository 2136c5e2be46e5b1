#include "demo/plant.h"

#include "demo/agentscript.h"

namespace qscope {

namespace {

QByteArray addr(quint16 port)
{
    return ":127.0.0.1:" + QByteArray::number(port);
}

/// r.q's shape: .u.x holds the tickerplant's address, upd inserts, .u.rep sets the tables from
/// the schemas .u.sub answers and replays the log up to the count the tickerplant gave.
QByteArray rdbScript(quint16 tp, bool replay)
{
    QByteArray s = ".u.x:(\"" + addr(tp) + "\";\":127.0.0.1:5012\")\n";
    s += "upd:insert\n";
    s += ".u.rep:{[x;y] {x[0] set x[1]} each x;";
    if (replay) s += "if[not null y 1;-11!y];";
    s += "}\n";
    s += ".u.r:(hopen `$.u.x 0)\"(.u.sub[`;`];(.u.i;.u.L);.z.w)\"\n";
    s += ".u.wh:.u.r 2\n"; // the handle the publisher knows it by (estate matching)
    s += ".u.rep[.u.r 0;.u.r 1]\n";
    return s;
}

/// A real-time engine: last price and volume-weighted average price per sym from trades.
QByteArray rteScript(quint16 tp)
{
    QByteArray s = ".u.x:enlist \"" + addr(tp) + "\"\n";
    s += "lastpx:(`$())!`float$()\nvol:(`$())!`long$()\npv:(`$())!`float$()\n"
         "vwap:(`$())!`float$()\n";
    s += "upd:{[t;x] if[t=`trade;lastpx::lastpx,exec last price by sym from x;"
         "vol::vol+exec sum size by sym from x;pv::pv+exec sum price*size by sym from x;"
         "vwap::pv%vol]}\n";
    s += ".u.r:(hopen `$.u.x 0)\"(.u.sub[`trade;`];(.u.i;.u.L);.z.w)\"\n";
    s += ".u.wh:.u.r 2\n"; // the handle the publisher knows it by (estate matching)
    return s;
}

/// chainedtick.q: republish what the upstream publishes, to its own subscribers.
QByteArray chainedScript(quint16 tp)
{
    QByteArray s = ".u.x:enlist \"" + addr(tp) + "\"\n";
    s += "upd:{[t;x] .u.upd[t;value flip x]}\n";
    s += ".u.r:(hopen `$.u.x 0)\"(.u.sub[`;`];(.u.i;.u.L);.z.w)\"\n";
    s += ".u.wh:.u.r 2\n"; // the handle the publisher knows it by (estate matching)
    return s;
}

QByteArray gatewayScript(quint16 a, quint16 b)
{
    QByteArray s = ".gw.x:(\"" + addr(a) + "\";\"" + addr(b) + "\")\n";
    s += ".gw.h:hopen each `$.gw.x\n";
    s += "tradeCount:{sum {x\"count trade\"} each .gw.h}\n";
    s += "lastTrades:{[s] raze {x({select from trade where sym=x};y)}[;s] each .gw.h}\n";
    return s;
}

} // namespace

DemoPlant::DemoPlant(QObject *parent) : QObject(parent) {}

DemoPlant::~DemoPlant()
{
    stop();
}

bool DemoPlant::start(const PlantOptions &options, QString *error)
{
    stop();
    m_options = options;
    const int plants = std::max(1, options.plants);
    for (int p = 0; p < plants; ++p) {
        const QString sfx = p == 0 ? QString() : QStringLiteral("-%1").arg(p + 1);
        auto add = [&](const char *name, const char *role, const char *up) {
            Node n;
            n.name = QLatin1String(name) + sfx;
            n.role = QLatin1String(role);
            n.upstream = *up ? QLatin1String(up) + sfx : QString();
            m_nodes.push_back(n);
        };
        add("tp", "tickerplant", "");
        add("rdb1", "rdb", "tp");
        add("rdb2", "rdb", "tp");
        add("rte", "rte", "tp");
        add("ctp", "chained-tickerplant", "tp");
        add("crdb", "rdb", "ctp");
        add("gw", "gateway", "rdb1");
    }
    m_servers.resize(m_nodes.size());
    for (int i = 0; i < int(m_nodes.size()); ++i) {
        if (options.basePort)
            m_nodes[size_t(i)].port = quint16(options.basePort + i);
        else if (i == 0)
            m_nodes[0].port = options.tpPort;
        QString e;
        bool ok = startNode(i, &e);
        if (!ok && i == 0 && !options.basePort && options.tpPort) {
            // Taken (a qscope-demo or a q there): the tickerplant takes any free port.
            m_nodes[0].port = 0;
            ok = startNode(0, &e);
        }
        if (!ok) {
            if (error) *error = e;
            stop();
            return false;
        }
    }
    if (!options.slow.isEmpty()) setSlow(options.slow, options.slowBytesPerSecond);
    return true;
}

void DemoPlant::stop()
{
    // Downstream first, so nobody sees its upstream go during a normal stop.
    for (auto it = m_servers.rbegin(); it != m_servers.rend(); ++it)
        if (*it) (*it)->stop();
    m_servers.clear();
    m_nodes.clear();
}

int DemoPlant::indexOf(const QString &name) const
{
    for (size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].name == name) return int(i);
    return -1;
}

quint16 DemoPlant::port(const QString &name) const
{
    const int i = indexOf(name);
    return i < 0 ? 0 : m_nodes[size_t(i)].port;
}

DemoServer *DemoPlant::server(const QString &name) const
{
    const int i = indexOf(name);
    return i < 0 ? nullptr : m_servers[size_t(i)].get();
}

QByteArray DemoPlant::script(const Node &n) const
{
    const quint16 up = port(n.upstream);
    if (n.role == QLatin1String("rdb")) return rdbScript(up, true);
    if (n.role == QLatin1String("rte")) return rteScript(up);
    if (n.role == QLatin1String("chained-tickerplant")) return chainedScript(up);
    if (n.role == QLatin1String("gateway")) {
        const QString sfx = n.name.mid(2); // gw-N -> -N
        return gatewayScript(port(QStringLiteral("rdb1") + sfx),
                             port(QStringLiteral("rdb2") + sfx));
    }
    return {};
}

bool DemoPlant::startNode(int i, QString *error)
{
    Node &n = m_nodes[size_t(i)];
    DemoOptions o;
    o.port = n.port;
    o.unixSocket = false; // many servers in one process: TCP only
    o.bindAddress = m_options.bindAddress;
    o.tickerplant =
        n.role == QLatin1String("tickerplant") || n.role == QLatin1String("chained-tickerplant");
    o.feed = n.role == QLatin1String("tickerplant");
    o.socketSendBuffer = 64 * 1024; // a slow subscriber's queue shows in .z.W in seconds
    o.feedRowsPerSecond = m_options.feedRowsPerSecond;
    o.feedBatch = m_options.feedBatch;
    auto server = std::make_unique<DemoServer>();
    connect(server.get(), &DemoServer::logLine, this, [this, name = n.name](const QString &line) {
        Q_EMIT logLine(name + QStringLiteral(": ") + line);
    });
    connect(server.get(), &DemoServer::consoleOutput, this,
            [this, name = n.name](const QByteArray &text, bool err) {
                if (err)
                    Q_EMIT logLine(name + QStringLiteral(": ") + QString::fromUtf8(text.trimmed()));
            });
    QString e;
    if (!server->start(o, &e)) {
        if (error) *error = QStringLiteral("%1: %2").arg(n.name, e);
        return false;
    }
    n.port = server->port();
    n.running = true;
    const QByteArray q = script(n);
    // Each line as typed at the part's console, in order, on its interpreter thread.
    for (const QByteArray &line : q.split('\n'))
        if (!line.isEmpty()) server->execute(line);
    // Then the agent, as a user loads it after tick.q / r.q: it chains their .z.ps and .z.pc.
    if (m_options.agent) server->executeScript(qscopeAgentScript(), "qscope_agent.q");
    m_servers[size_t(i)] = std::move(server);
    return true;
}

bool DemoPlant::kill(const QString &name)
{
    const int i = indexOf(name);
    if (i < 0 || !m_servers[size_t(i)]) return false;
    m_servers[size_t(i)]->stop();
    m_servers[size_t(i)].reset();
    m_nodes[size_t(i)].running = false;
    return true;
}

bool DemoPlant::restart(const QString &name, QString *error)
{
    const int i = indexOf(name);
    if (i < 0) {
        if (error) *error = QStringLiteral("no part named %1").arg(name);
        return false;
    }
    if (m_servers[size_t(i)]) kill(name);
    if (!startNode(i, error)) return false;
    // Whoever subscribed to or queried it lost that handle: rerun their q to reconnect.
    for (size_t j = 0; j < m_nodes.size(); ++j) {
        const Node &d = m_nodes[j];
        const bool gwOf = d.role == QLatin1String("gateway") &&
                          m_nodes[size_t(i)].role == QLatin1String("rdb") &&
                          d.name.mid(2) == name.mid(4);
        if ((d.upstream == name || gwOf) && m_servers[j] && int(j) != i)
            for (const QByteArray &line : script(d).split('\n'))
                if (!line.isEmpty()) m_servers[j]->execute(line);
    }
    return true;
}

bool DemoPlant::setSlow(const QString &name, qint64 bytesPerSecond)
{
    DemoServer *s = server(name);
    if (!s) return false;
    s->setReadRate(bytesPerSecond);
    return true;
}

QStringList DemoPlant::describe() const
{
    QStringList out;
    for (const Node &n : m_nodes)
        out << QStringLiteral("%1 %2 %3 %4")
                   .arg(n.name, -8)
                   .arg(n.role, -20)
                   .arg(n.port)
                   .arg(n.upstream.isEmpty() ? QStringLiteral("-") : n.upstream);
    return out;
}

} // namespace qscope
