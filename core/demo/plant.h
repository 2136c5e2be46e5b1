#pragma once
/// A small kdb+ tick plant in one process, each part its own q-protocol server (its own port,
/// interpreter thread and state) wired over real IPC by the q each runs, as kdb-tick's scripts:
///
///   feed -> tp (tick.q) -> rdb1, rdb2 (r.q), rte (last price and VWAP per sym)
///                       -> ctp (chained tickerplant) -> crdb (r.q)
///   gw (gateway) queries rdb1 and rdb2 with sync requests
///
/// Subscribers keep their upstream as r.q does (.u.x 0 = ":host:port" of the tickerplant) and,
/// unlike r.q, the handle their publisher knows them by in .u.wh (asked with .u.sub, so a
/// monitor can tell which of the publisher's .z.W queues is whose); the gateway its servers in
/// .gw.x. Parts can be killed and restarted on their port (their
/// downstream resubscribe), and a subscriber made slow (its publisher's .z.W grows).
///
/// Thread: the owner's (a QCoreApplication thread); each server runs on its own threads.

#include "demo/demoserver.h"

#include <QCoreApplication>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace qscope {

struct PlantOptions
{
    quint16 basePort = 0; ///< 0: any free ports; else consecutive ports from here
    quint16 tpPort = 0;   ///< without basePort: the first tickerplant's port, if it is free
    QString bindAddress;  ///< empty = all interfaces
    int plants = 1;       ///< N independent plants (scale tests); names get a suffix
    int feedRowsPerSecond = 200;
    int feedBatch = 10;
    QString slow; ///< a subscriber's name to start slow ("rdb2"), empty = none
    qint64 slowBytesPerSecond = 512;
    /// Load resources/agent/qscope_agent.q into every part after its own q (publishers then keep
    /// .qscope.peers: each subscriber's listening port).
    bool agent = false;
};

class DemoPlant : public QObject
{
    Q_OBJECT
public:
    struct Node
    {
        QString name;     ///< tp, rdb1, rdb2, rte, ctp, crdb, gw (with "-N" past the first plant)
        QString role;     ///< tickerplant, rdb, rte, chained-tickerplant, gateway
        QString upstream; ///< name of the publisher or queried server, empty for the tp
        quint16 port = 0;
        bool running = false;
    };

    explicit DemoPlant(QObject *parent = nullptr);
    ~DemoPlant() override;

    bool start(const PlantOptions &options, QString *error = nullptr);
    void stop();
    const std::vector<Node> &nodes() const { return m_nodes; }
    quint16 port(const QString &name) const;
    /// Stops that part (its clients see the socket close) / starts it again on its port and
    /// reruns its q and that of the parts downstream of it (they lost their upstream).
    bool kill(const QString &name);
    bool restart(const QString &name, QString *error = nullptr);
    /// Reads of that part's subscription at most this fast (0 = at once).
    bool setSlow(const QString &name, qint64 bytesPerSecond);
    DemoServer *server(const QString &name) const;
    /// "name role port upstream" lines, as qscope-demo --plant prints them.
    QStringList describe() const;

Q_SIGNALS:
    void logLine(const QString &line);

private:
    int indexOf(const QString &name) const;
    bool startNode(int i, QString *error);
    QByteArray script(const Node &n) const;

    PlantOptions m_options;
    std::vector<Node> m_nodes;
    std::vector<std::unique_ptr<DemoServer>> m_servers;
};

/// qscope-demo --plant: start, print the parts, take kill/restart/slow/fast lines on stdin.
int runPlantMain(QCoreApplication &app, const PlantOptions &options, bool quiet);

} // namespace qscope
