#pragma once
/// The estate: the processes of a kdb+ plant (nodes), the subscriptions and queries between them
/// (edges), the alerts the rules raise, and the last hour of each figure, rebuilt from one poll
/// answer per process. Plain code over the value model (QtCore only): the estate view's model
/// (ui/estate/estatemodel.h) and qscope-cli estate both read this one class.
///
/// What a process answers decides what it is: a tickerplant has .u.w; a subscriber keeps its
/// publisher's address as kdb-tick's r.q does (.u.x 0) and, where the plant tells, the handle
/// its publisher knows it by (.u.wh); a gateway names its servers in .gw.x. A publisher's
/// subscribers whose address it does not expose stay "handle N" nodes until a process the user
/// added claims that handle. The role shown is guessed from this and may be set by the user.
///
/// Thread: one thread at a time (the GUI thread in the app, the command's in the CLI).

#include "estate/estatehistory.h"
#include "net/nettypes.h"
#include "protocol/value.h"

#include <QHash>
#include <QStringList>

#include <deque>
#include <optional>
#include <vector>

namespace qscope {

/// Thresholds of the alert rules (defaults as shown in the view and used by the CLI).
struct EstateRules
{
    qint64 queueBytes = 1 << 20; ///< a subscriber's queue at its publisher over this...
    int queueGrowingSeconds = 5; ///< ...or growing at every poll for this long
    int logStallSeconds = 5;     ///< a publishing tickerplant's .u.i not advancing this long
    /// A process's heap over this share of its limit: the -w limit (.Q.w[]'s wmax) where it was
    /// started with one, else the machine's physical memory (mphy). In percent.
    double memoryPercent = 80;
    /// A process seen coming back (unreachable, then answering) more than this many times...
    int reconnects = 3;
    int reconnectWindowSeconds = 60; ///< ...within this many seconds: it is restarting in a loop
    /// A subscriber that keeps a log position of its own (a chained tickerplant) this many
    /// messages further behind its publisher's .u.i than it was when in step.
    qint64 logBehindMessages = 100;
};

struct EstateAlert
{
    enum Kind { Queue, Unreachable, LogStalled, Memory, Reconnects, LogBehind };
    Kind kind = Queue;
    QString node; ///< the node's key (host:port, or publisher#handle)
    QString text;
    qint64 raisedMs = 0;
    qint64 clearedMs = 0; ///< 0 while active
    bool active() const { return clearedMs == 0; }
    /// "queue", "unreachable", "log-stalled", "memory", "reconnects", "log-behind".
    static QString kindName(Kind kind);
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
    /// Not reachable because the last poll was answered, but not as asked (a q error such as
    /// 'access from a locked-down .z.pg, or a malformed answer): the process is up, its figures
    /// cannot be read. Says "cannot be polled" where an unreachable one says "unreachable".
    bool answeredBadly = false;
    QString error;
    int pid = 0;
    qint64 used = 0, heap = 0, peak = 0;
    qint64 wmax = 0;        ///< .Q.w[] wmax: the -w limit, 0 if none
    qint64 mphy = 0;        ///< .Q.w[] mphy: the machine's physical memory
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
    int handleOnUpstream = 0;            ///< .u.wh, else from the publisher's .qscope.peers
    bool handleFromPeers = false;        ///< handleOnUpstream came from .qscope.peers
    QHash<int, QString> peers;           ///< .qscope.peers (the agent): handle -> "host:port"
    QHash<int, qint64> queued;           ///< .z.W: handle -> bytes queued
    QHash<int, QStringList> subscribers; ///< .u.w: handle -> tables
    int publishedTables = 0;             ///< count of .u.w (tables it publishes)
    QHash<QString, qint64> tableRows;
    int depth = 0; ///< upstream to downstream position (0 = a source)
    int activeAlerts = 0;
    int comebacks = 0; ///< times seen coming back (unreachable, then answering)

    bool standIn() const { return key.contains(QLatin1Char('#')); }
    /// What it takes in per second: upd messages for a publisher, rows for a subscriber.
    double msgsInPerSecond() const { return logPosition ? updPerSecond : rowsInPerSecond; }
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
    /// "from>to" (one edge per pair and kind).
    QString key() const { return from + (query ? QStringLiteral("?") : QStringLiteral(">")) + to; }
};

class EstateState
{
public:
    /// Told before and after the node list changes shape (a table model's begin/end calls).
    class Listener
    {
    public:
        virtual ~Listener() = default;
        virtual void nodesAboutToBeInserted(int first, int last) = 0;
        virtual void nodesInserted() = 0;
        virtual void nodeAboutToBeRemoved(int index) = 0;
        virtual void nodeRemoved() = 0;
        virtual void aboutToReset() = 0;
        virtual void reset() = 0;
    };

    /// Cleared alerts the log keeps (the newest; active ones always stay): a process flapping
    /// for a day raises thousands, and the view rewrites the log every round.
    static constexpr int kClearedAlertsKept = 500;

    /// The one plain q sent per process per poll.
    static QByteArray pollQuery();
    /// ":host:port" / "host:port" / `:host:port -> "host:port" (localhost as 127.0.0.1); "" if
    /// it is not an address.
    static QString keyOf(const QString &address);
    /// "12 B", "3 KB", "1.5 MB"; "42 s", "3 min", "2 h".
    static QString bytesText(qint64 bytes);
    static QString durationText(qint64 ms);

    void setListener(Listener *listener) { m_listener = listener; }

    /// Adds a process to watch ("host:port"); its index, or -1 if it does not parse.
    int addProcess(const QString &address);
    void clear();
    int indexOf(const QString &key) const;
    const std::vector<EstateNode> &nodes() const { return m_nodes; }
    const std::vector<EstateEdge> &edges() const { return m_edges; }
    /// The alert log, oldest first: active ones and the last kClearedAlertsKept cleared.
    const std::vector<EstateAlert> &alerts() const { return m_alerts; }
    /// Indexes into alerts() of those the last finishRound raised (new, not updated ones).
    const std::vector<int> &raisedLastRound() const { return m_raisedLastRound; }
    int activeAlertCount() const;
    const EstateRules &rules() const { return m_rules; }
    void setRules(const EstateRules &rules) { m_rules = rules; }
    void setRole(int node, const QString &role);

    /// A poll of node answered (value = pollQuery()'s), or failed (error). applyPoll returns
    /// the processes the answer names that are not watched yet (an upstream, a gateway's
    /// servers), for the caller to add.
    QStringList applyPoll(int node, const Value &answer, qint64 nowMs);
    /// answered: the process answered, with a q error or something that is not the poll's
    /// answer (EstateNode::answeredBadly).
    void applyFailure(int node, const QString &error, qint64 nowMs, bool answered = false);
    /// What a failed poll says: a q error as the process's answer ("it answered 'access"), else
    /// the error's message.
    static QString pollErrorText(const NetError &error);
    /// "unreachable: connection refused", "cannot be polled: it answered 'access".
    static QString downText(const EstateNode &n);
    /// After a round of polls: stand-in nodes, edges, depths, alerts, one history sample.
    void finishRound(qint64 nowMs);

    /// The figures of a node (by key) or edge (by EstateEdge::key()) over the last hour; null
    /// if none yet.
    const EstateSeries *nodeHistory(const QString &key) const;
    const EstateSeries *edgeHistory(const QString &key) const;

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
    void resolvePeers();
    void updateStandIns();
    void buildEdges();
    void computeDepths();
    void evaluateAlerts(qint64 nowMs);
    void trimAlertLog();
    void queueAlerts(const EstateNode &n, qint64 nowMs, QSet<QString> *seen);
    void memoryAlert(const EstateNode &n, qint64 nowMs, QSet<QString> *seen);
    void reconnectAlert(const EstateNode &n, qint64 nowMs, QSet<QString> *seen);
    void logBehindAlerts(qint64 nowMs, QSet<QString> *seen);
    void recordHistory(qint64 nowMs);
    void raise(EstateAlert::Kind kind, const QString &node, const QString &text, qint64 nowMs,
               QSet<QString> *seen);
    static QString alertId(EstateAlert::Kind kind, const QString &node);

    Listener *m_listener = nullptr;
    std::vector<EstateNode> m_nodes;
    std::vector<EstateEdge> m_edges;
    std::vector<EstateAlert> m_alerts;
    std::vector<int> m_raisedLastRound;
    QHash<QString, Sample> m_samples;               ///< previous poll per node
    QHash<QString, QueueTrack> m_queues;            ///< publisher#handle
    QHash<QString, qint64> m_logMovedMs;            ///< node -> last time .u.i advanced
    QHash<QString, std::deque<qint64>> m_comebacks; ///< node -> when it came back, oldest first
    QHash<QString, qint64> m_inStepGap; ///< edge key -> least .u.i gap seen while it exists
    QHash<QString, EstateSeries> m_nodeHistory;
    QHash<QString, EstateSeries> m_edgeHistory;
    EstateRules m_rules;
};

} // namespace qscope
