#pragma once
/// One q connection, living on a network thread: its socket, login, its sync requests (one on
/// the wire at a time, the rest queued), routing of what the server pushes, feed batching,
/// reconnects and the frame tap. It never touches the GUI: everything it reports goes through a
/// ConnectionSink, whose implementation posts to the manager's thread.

#include "frametap.h"
#include "handleregistry.h"
#include "nettypes.h"
#include "scriptsplitter.h"
#include "tsanannotate.h"

#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

class QAbstractSocket;
class QIODevice;
class QLocalSocket;
class QSslError;
class QThreadPool;
class QTimer;

namespace qscope::detail {

class Connection;

/// Where a connection reports. Called on the connection's network thread; implementations must
/// only post (never block). Results and feed batches are handed over by value, so the receiving
/// thread holds the last reference and frees them there, not on the network thread.
class ConnectionSink
{
public:
    virtual ~ConnectionSink() = default;
    virtual void connectionState(ConnectionId id, ConnectionState state, const QString &detail) = 0;
    virtual void connectionResult(QueryResult result) = 0;
    virtual void connectionProgress(RequestId request, qint64 received, qint64 total) = 0;
    virtual void connectionSizeAnnounced(RequestId request, qint64 bytes) = 0;
    virtual void connectionLimitExceeded(ConnectionId id, const NetError &error) = 0;
    virtual void connectionPushed(ConnectionId id, const Value &message) = 0;
    virtual void connectionServerRequest(ConnectionId id, const Value &message) = 0;
    virtual void connectionSubscribed(SubscriptionId sub, const Value &schema) = 0;
    virtual void connectionFeed(QList<FeedBatch> batches) = 0;
    virtual void connectionEndOfDay(SubscriptionId sub, const Value &date) = 0;
    virtual void connectionFeedGap(SubscriptionId sub, const QString &reason) = 0;
    virtual void connectionInfo(const HandleInfo &info) = 0;
};

/// A request queued for, or in flight on, a connection.
struct OutRequest
{
    enum Kind { User, Flush, File, Subscribe, Async };
    Kind kind = User;
    RequestId id = 0;
    QByteArray description;
    Value message;          ///< User: the sync message (a string or a general list)
    int timeoutMs = 0;      ///< 0 = none; counts once the server can start on it (see nettypes.h)
    QByteArray asyncPlain;  ///< Async: the encoded message (broadcast), or empty: encode message
    QByteArray asyncPacked; ///< Async: its compressed form for non-local peers, or empty
    QString path;           ///< File: the script
    QList<ScriptStatement> statements;
    int nextStatement = 0;
    SubscriptionId sub = 0;
    // in flight
    qint64 writtenNs = 0;
    qint64 startNs = 0;    ///< first write (File: the first statement)
    qint64 deadlineNs = 0; ///< 0 = none, or not yet written
    qint64 bytesOut = 0;
    qint64 bytesIn = 0;
};

/// Lets other threads (decode workers, the manager) post to a connection only while it lives:
/// the connection clears `target` under the mutex in its destructor.
///
/// It also holds the connection's direct lane: while the socket is idle (open, plain TCP or Unix,
/// nothing queued, buffered or awaiting an answer, nothing posted and not yet run), the manager's
/// thread may write a small sync request to the socket itself instead of waking the network
/// thread to do it, which saves a thread hop on every round trip. Every write to the socket, from
/// either thread, is made under `laneMutex`; a request written directly waits in `laneSent` until
/// the network thread takes it as the one awaiting an answer (it does before it writes, reads an
/// answer, or looks at what awaits one).
struct ConnectionGuard
{
    QMutex mutex;
    Connection *target = nullptr;
    /// Queue fn(Connection &) to run on the connection's thread, if it still exists. Any thread.
    template<class Fn>
    bool post(Fn &&fn);

    /// Largest request written directly (smaller than kdb+ would compress).
    static constexpr qint64 kDirectMaxBytes = 2000;
    /// Write r directly if the lane is open; false (r untouched) means: post it instead. Never
    /// waits: if the network thread is writing, it gives up at once. Manager's thread.
    bool writeDirect(OutRequest &r);

    std::atomic<int> postsPending{0}; ///< posted and not yet run: the lane stays shut meanwhile
    QMutex laneMutex;
    // under laneMutex:
    /// A duplicate of the socket's descriptor, owned here and closed only under laneMutex: Qt
    /// may close its own descriptor (on EOF) before it tells us, and that number may be reused.
    int laneFd = -1;
    bool laneOpen = false;              ///< the socket is idle: the manager's thread may write
    QElapsedTimer laneClock;            ///< the connection's clock, for writtenNs
    std::optional<OutRequest> laneSent; ///< written directly, not yet taken by the network thread
    QByteArray laneRemainder;           ///< a frame's tail the kernel did not take; goes out first
};

class Connection : public QObject
{
    Q_OBJECT
public:
    /// Messages at least this big are decoded on the worker pool, in order.
    static constexpr qint64 kOffThreadDecodeBytes = 1 << 20;
    /// Most bytes taken from the kernel per read, so a burst (a feed catching up, a big answer)
    /// is handled in slices, between which feed ticks, timers and the other connections on the
    /// thread get their turn.
    static constexpr qint64 kReadChunkBytes = 256 * 1024;
    /// Responses smaller than this get no progress reports.
    static constexpr qint64 kProgressMinimumBytes = 64 * 1024;

    // created on the manager's thread, then moved to a network thread -------------------------
    Connection(ConnectionId id, ConnectionOptions options, ConnectionSink *sink,
               QThreadPool *decodePool, std::shared_ptr<FrameTap> tap);
    ~Connection() override;
    std::shared_ptr<ConnectionGuard> guard() const { return m_guard; }

    // network thread (queued through the guard) -----------------------------------------------
    void start();
    void submit(OutRequest request);
    void cancel(RequestId id);
    /// Read on a response held back for its size (confirmAboveBytes).
    void acceptLarge(RequestId id);
    void subscribe(SubscriptionId sub, const QByteArray &table, const QList<QByteArray> &syms);
    void unsubscribe(SubscriptionId sub);
    void replyToServer(const Value &reply);
    /// Write the tail of a frame the manager's thread could only partly write (direct lane).
    void writeLaneRemainder();
    /// Close for good. notify=false during the manager's destruction (no more reports).
    void shutdown(bool notify);

private:
    enum class Phase { Idle, Connecting, Handshake, Open, Waiting, Closed };
    struct Inbound
    {
        quint64 seq = 0;
        QByteArray raw;
        MessageHeader header;
        std::optional<Decoded> decoded;
    };
    struct Subscription
    {
        QByteArray table;
        QList<QByteArray> syms;
        bool everSubscribed = false;
        QString gapReason;
        qsizetype lastBatchMessages = 0; ///< to reserve the next batch's run at once
    };
    /// A subscription's batch being filled until the next feed tick: the runs joined so far, and
    /// the open run (updates of one table and layout, joined when it ends).
    struct PendingFeed
    {
        FeedBatch batch;
        std::vector<Value> run;
        QByteArray runTable;
    };

    // network thread --------------------------------------------------------------------------
    void openSocket();
    void onTransportConnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onReadyRead();
    void onBytesWritten();
    void onSocketGone(const QString &reason);
    void onConnectTimeout();
    void onQueryTimeout();
    void onDecoded(quint64 seq, Decoded decoded);
    void onLoginReply(char capability);

    void processIncoming(const QByteArray &bytes);
    /// A response held back waiting for acceptLarge? (Announces it the first time.)
    bool holdForConsent();
    /// The reader stopped on a frame over the limit or out of memory: fail and reset.
    void handleOversize(const DecodeError &e, MessageType type);
    /// Allocation failed on the receive path outside the codec (a read, a copy).
    void handleOutOfMemory(const char *where);
    void failOversize(const NetError &error, bool response);
    void drainInbox();
    void dispatch(Inbound &in);
    void handleResponse(Inbound &in);
    void answer(Inbound &in);
    void routeAsync(const Value &v, qint64 wireBytes);
    void handleServerSync(const Value &v);

    void writeRequest(OutRequest request);
    void writeFrame(const QByteArray &frame, MessageType type, qint64 plainBytes);
    /// Take the request the manager's thread wrote directly into m_awaiting.
    void takeDirect();
    void takeDirectLocked();
    /// Open the direct lane if the socket is idle, else keep it shut. Call with laneMutex held.
    void updateLaneLocked();
    void updateLane(); ///< updateLaneLocked under the lane's lock, while there is a socket
    void shutLane();
    /// Hand what the socket buffered to the kernel now (never blocks), instead of on the next
    /// event loop pass: someone is waiting for the answer.
    void pushToKernel();
    void startDeadline(OutRequest &r, qint64 nowNs) const;
    void writePending();
    /// A sync request written and not yet answered (direct-lane writes included)?
    bool syncInFlight();
    QByteArray encodeSync(const Value &v) const;
    void armTimeout();

    void handleLoss(NetError::Kind kind, const QString &reason);
    void finishLoss(NetError::Kind kind, const QString &reason);
    void forceReconnect(const QString &reason);
    void teardownSocket();
    void failAwaiting(const NetError &error);
    void failQueued(const NetError &error);
    void failRequest(const OutRequest &r, const NetError &error);
    void resubscribe();
    void flushFeeds();
    static void closeRun(PendingFeed &pending);
    static void addUpdate(PendingFeed &pending, const QByteArray &table, const Value &data);
    void setState(ConnectionState state, const QString &detail);
    void publishInfo();
    void noteError(const QString &error);

    /// q's error word, with what it means here where that is known.
    QString qErrorText(const QByteArray &word) const;
    Value subscribeMessage(const Subscription &s) const;
    QString serverText() const { return m_options.address.display(); }
    /// Wall-clock nanoseconds, for the frame tap's timestamps.
    static qint64 wallClockNs();

    ConnectionId m_id;
    ConnectionOptions m_options;
    ConnectionSink *m_sink;
    QThreadPool *m_decodePool;
    std::shared_ptr<FrameTap> m_tap;
    std::shared_ptr<ConnectionGuard> m_guard;

    QIODevice *m_io = nullptr;
    QAbstractSocket *m_tcp = nullptr; ///< QTcpSocket or QSslSocket
    QLocalSocket *m_local = nullptr;
    QTimer *m_connectTimer = nullptr;
    QTimer *m_timeoutTimer = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_feedTimer = nullptr;
    QTimer *m_infoTimer = nullptr;
    QElapsedTimer m_clock;

    Phase m_phase = Phase::Idle;
    ConnectionState m_state = ConnectionState::Connecting;
    bool m_everOpened = false;
    bool m_peerLocal = false;
    int m_capability = -1;
    int m_attempt = 0;
    int m_nextDelayMs = 0;
    DecodeLimits m_limits;
    FrameReader m_reader;
    bool m_awaitingConsent = false; ///< a response is held back until acceptLarge or cancel
    bool m_consentGiven = false;    ///< the frame being assembled was accepted
    qint64 m_announcedBytes = 0;    ///< the held response's size
    /// An oversize frame seen while earlier frames still decode: handled once they are out.
    std::optional<std::pair<DecodeError, MessageType>> m_deferredOversize;

    std::deque<OutRequest> m_queued; ///< waiting for the connection to open
    /// The sync request on the wire, awaiting its answer: one at a time, as from q's blocking
    /// client (see writePending), whether the network thread or the direct lane wrote it.
    std::optional<OutRequest> m_awaiting;
    std::deque<Inbound> m_inbox; ///< frames received, dispatched strictly in order
    quint64 m_inboxSeq = 0;
    std::optional<std::pair<NetError::Kind, QString>> m_deferredLoss;

    QMap<SubscriptionId, Subscription> m_subs; // few: a QHash would scan a 128-slot span per walk
    QHash<SubscriptionId, PendingFeed> m_batches;
    int m_serverRepliesOwed = 0;
    bool m_writingSync = false; ///< a sync request is being written, not yet in m_awaiting

    HandleInfo m_info;
    bool m_infoDirty = false;
    qint64 m_lastProgressNs = 0;
    bool m_laneTried = false; ///< this socket's direct lane was set up (or refused) once
};

template<class Fn>
bool ConnectionGuard::post(Fn &&fn)
{
    QMutexLocker lock(&mutex);
    Connection *t = target;
    if (!t) return false;
    // The event is bound to t: if t is deleted first, Qt discards it undelivered (the lane then
    // stays shut, which is right for a connection that is gone).
    postsPending.fetch_add(1, std::memory_order_relaxed);
    postQueued(t, [t, g = this, f = std::forward<Fn>(fn)]() mutable {
        f(*t);
        g->postsPending.fetch_sub(1, std::memory_order_release);
    });
    return true;
}

} // namespace qscope::detail
