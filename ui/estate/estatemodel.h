#pragma once
/// The estate: the processes of a kdb+ plant (nodes), the subscriptions and queries between them
/// (edges) and the alerts the rules raise, rebuilt from one poll answer per process.
///
/// What a process answers decides what it is: a tickerplant has .u.w; a subscriber keeps its
/// publisher's address as kdb-tick's r.q does (.u.x 0) and, where the plant tells, the handle
/// its publisher knows it by (.u.wh); a gateway names its servers in .gw.x. A publisher's
/// subscribers whose address it does not expose stay "handle N" nodes until a process the user
/// added claims that handle. The role shown is guessed from this and may be set by the user.
///
/// Rows are nodes (a table model for lists and tests); edges and alerts are read through the
/// accessors. GUI thread only.

#include "protocol/value.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <optional>
#include <vector>

namespace qscope {

/// Thresholds of the alert rules (defaults as shown in the view).
struct EstateRules
{
    qint64 queueBytes = 1 << 20; ///< a subscriber's queue at its publisher over this...
    int queueGrowingSeconds = 5; ///< ...or growing at every poll for this long
    int logStallSeconds = 5;     ///< a publishing tickerplant's .u.i not advancing this long
};

struct EstateAlert
{
    enum Kind { Queue, Unreachable, LogStalled };
    Kind kind = Queue;
    QString node; ///< the node's key (host:port, or publisher#handle)
    QString text;
    qint64 raisedMs = 0;
    qint64 clearedMs = 0; ///< 0 while active
    bool active() const { return clearedMs == 0; }
};

struct EstateNode
{
    QString key; ///< "host:port"; "host:port#h" for a subscriber known only by handle h
    QString host;
    quint16 port = 0;
    QString role; ///< guessed unless roleSetByUser
    bool roleSetByUser = false;
    bool polled = false;    ///< answered at least once
    bool reachable = false; ///< the last poll was answered
    QString error;
    int pid = 0;
    qint64 used = 0, heap = 0, peak = 0;
    qint64 firstSeenMs = 0; ///< when it came up as seen from here (first answer, or again
                            ///< after being unreachable): kdb+ keeps no start time of its own
    qint64 lastSeenMs = 0;
    std::optional<qint64> logPosition; ///< .u.i
    double updPerSecond = 0;           ///< .u.i advance (a publisher's messages in)
    double msgsOutPerSecond = 0;       ///< upd messages sent on (one per subscribed handle)
    double rowsInPerSecond = 0;        ///< growth of its tables (a subscriber's rows in)
    qint64 rows = 0;
    QString upstreamKey;                 ///< publisher (from .u.x 0), "" if none
    QStringList queries;                 ///< gateway: servers it queries (.gw.x)
    int handleOnUpstream = 0;            ///< .u.wh, 0 if unknown
    QHash<int, qint64> queued;           ///< .z.W: handle -> bytes queued
    QHash<int, QStringList> subscribers; ///< .u.w: handle -> tables
    int publishedTables = 0;             ///< count of .u.w (tables it publishes)
    QHash<QString, qint64> tableRows;
    int depth = 0; ///< upstream to downstream position (0 = a source)
    int activeAlerts = 0;
};

struct EstateEdge
{
    QString from, to; ///< node keys, publisher to subscriber (server to gateway for queries)
    bool query = false;
    int handle = 0; ///< the subscriber's handle at the publisher, 0 if unknown
    QStringList tables;
    double msgsPerSecond = 0, rowsPerSecond = 0;
    /// msgsPerSecond is the publisher's whole rate but the subscriber takes only some tables.
    bool msgsUpperBound = false;
    std::optional<qint64> bytesQueued;
};

class EstateModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Role, Memory, Uptime, MsgsIn, MsgsOut, LogPosition, Alerts, ColumnCount };

    /// The one plain q sent per process per poll (shown in the view).
    static QByteArray pollQuery();
    /// ":host:port" / "host:port" / `:host:port -> "host:port" (localhost as 127.0.0.1).
    static QString keyOf(const QString &address);

    explicit EstateModel(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Adds a process to watch ("host:port"); its index, or -1 if it does not parse.
    int addProcess(const QString &address);
    void clear();
    int indexOf(const QString &key) const;
    const std::vector<EstateNode> &nodes() const { return m_nodes; }
    const std::vector<EstateEdge> &edges() const { return m_edges; }
    /// The alert log, oldest first: active ones and those cleared.
    const std::vector<EstateAlert> &alerts() const { return m_alerts; }
    int activeAlertCount() const;
    EstateRules rules() const { return m_rules; }
    void setRules(const EstateRules &rules) { m_rules = rules; }
    void setRole(int node, const QString &role);

    /// A poll of node answered (value = pollQuery()'s), or failed (error).
    void applyPoll(int node, const Value &answer, qint64 nowMs);
    void applyFailure(int node, const QString &error, qint64 nowMs);
    /// After a round of polls: edges, depths, rates on edges, alerts.
    void finishRound(qint64 nowMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// Nodes, edges or alerts changed (once per round).
    void estateChanged();
    /// A process was found that is not watched yet (an upstream or a gateway's server).
    void processFound(const QString &key);

private:
    struct Sample
    {
        qint64 atMs = 0;
        std::optional<qint64> logPosition;
        qint64 rows = 0;
    };
    struct QueueTrack
    {
        qint64 last = 0;
        qint64 growingSinceMs = 0;
    };
    QString guessRole(const EstateNode &n) const;
    void buildEdges();
    void computeDepths();
    void evaluateAlerts(qint64 nowMs);
    void raise(EstateAlert::Kind kind, const QString &node, const QString &text, qint64 nowMs,
               QSet<QString> *seen);
    static QString alertId(EstateAlert::Kind kind, const QString &node);

    std::vector<EstateNode> m_nodes;
    std::vector<EstateEdge> m_edges;
    std::vector<EstateAlert> m_alerts;
    QHash<QString, Sample> m_samples;    ///< previous poll per node
    QHash<QString, QueueTrack> m_queues; ///< publisher#handle
    QHash<QString, qint64> m_logMovedMs; ///< node -> last time .u.i advanced
    EstateRules m_rules;
};

} // namespace qscope
