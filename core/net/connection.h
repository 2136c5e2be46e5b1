#pragma once
/// One q connection, living on a network thread: its socket, login, the FIFO of sync requests in
/// flight (kdb+ answers in order), routing of what the server pushes, feed batching, reconnects
/// and the frame tap. It never touches the GUI: everything it reports goes through a
/// ConnectionSink, whose implementation posts to the manager's thread.

#include "frametap.h"
#include "handleregistry.h"
#include "nettypes.h"
#include "scriptsplitter.h"

#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>

#include <deque>
#include <memory>

class QAbstractSocket;
class QIODevice;
class QLocalSocket;
class QSslError;
class QThreadPool;
class QTimer;

namespace qscope::detail {

class Connection;

/// Where a connection reports. Called on the connection's network thread; implementations must
/// only post (never block).
class ConnectionSink
{
public:
    virtual ~ConnectionSink() = default;
    virtual void connectionState(ConnectionId id, ConnectionState state, const QString &detail) = 0;
    virtual void connectionResult(const QueryResult &result) = 0;
    virtual void connectionProgress(RequestId request, qint64 received, qint64 total) = 0;
    virtual void connectionPushed(ConnectionId id, const Value &message) = 0;
    virtual void connectionServerRequest(ConnectionId id, const Value &message) = 0;
    virtual void connectionSubscribed(SubscriptionId sub, const Value &schema) = 0;
    virtual void connectionFeed(const QList<FeedBatch> &batches) = 0;
    virtual void connectionEndOfDay(SubscriptionId sub, const Value &date) = 0;
    virtual void connectionFeedGap(SubscriptionId sub, const QString &reason) = 0;
    virtual void connectionInfo(const HandleInfo &info) = 0;
};

/// Lets other threads (decode workers, the manager) post to a connection only while it lives:
/// the connection clears `target` under the mutex in its destructor.
struct ConnectionGuard
{
    QMutex mutex;
    Connection *target = nullptr;
    /// Queue fn(Connection &) to run on the connection's thread, if it still exists. Any thread.
    template<class Fn>
    bool post(Fn &&fn);
};

/// A request queued for, or in flight on, a connection.
struct OutRequest
{
    enum Kind { User, Flush, File, Subscribe, Async };
    Kind kind = User;
    RequestId id = 0;
    QByteArray description;
    Value message;          ///< User: the sync message (a string or a general list)
    int timeoutMs = 0;      ///< 0 = none
    QByteArray asyncPlain;  ///< Async: the encoded message (broadcast), or empty: encode message
    QByteArray asyncPacked; ///< Async: its compressed form for non-local peers, or empty
    QString path;           ///< File: the script
    QList<ScriptStatement> statements;
    int nextStatement = 0;
    SubscriptionId sub = 0;
    // in flight
    qint64 writtenNs = 0;
    qint64 startNs = 0; ///< first write (File: the first statement)
    qint64 deadlineNs = 0;
    qint64 bytesOut = 0;
    qint64 bytesIn = 0;
};

class Connection : public QObject
{
    Q_OBJECT
public:
    /// Messages at least this big are decoded on the worker pool, in order.
    static constexpr qint64 kOffThreadDecodeBytes = 1 << 20;

    // created on the manager's thread, then moved to a network thread -------------------------
    Connection(ConnectionId id, ConnectionOptions options, ConnectionSink *sink,
               QThreadPool *decodePool, std::shared_ptr<FrameTap> tap);
    ~Connection() override;
    std::shared_ptr<ConnectionGuard> guard() const { return m_guard; }

    // network thread (queued through the guard) -----------------------------------------------
    void start();
    void submit(OutRequest request);
    void cancel(RequestId id);
    void subscribe(SubscriptionId sub, const QByteArray &table, const QList<QByteArray> &syms);
    void unsubscribe(SubscriptionId sub);
    void replyToServer(const Value &reply);
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
    };

    // network thread --------------------------------------------------------------------------
    void openSocket();
    void onTransportConnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onReadyRead();
    void onSocketGone(const QString &reason);
    void onConnectTimeout();
    void onQueryTimeout();
    void onDecoded(quint64 seq, Decoded decoded);
    void onLoginReply(char capability);

    void processIncoming(const QByteArray &bytes);
    void drainInbox();
    void dispatch(Inbound &in);
    void handleResponse(Inbound &in);
    void routeAsync(const Value &v, qint64 wireBytes);
    void handleServerSync(const Value &v);

    void writeRequest(OutRequest request);
    void writeFrame(const QByteArray &frame, MessageType type, qint64 plainBytes);
    void writePending();
    QByteArray encodeSync(const Value &v) const;
    void armTimeout();

    void handleLoss(NetError::Kind kind, const QString &reason);
    void finishLoss(NetError::Kind kind, const QString &reason);
    void forceReconnect(const QString &reason);
    void teardownSocket();
    void failInFlight(const NetError &front, const NetError &others);
    void failQueued(const NetError &error);
    void failRequest(const OutRequest &r, const NetError &error);
    void resubscribe();
    void flushFeeds();
    void setState(ConnectionState state, const QString &detail);
    void publishInfo();
    void noteError(const QString &error);

    Value subscribeMessage(const Subscription &s) const;
    QString serverText() const { return m_options.address.display(); }

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
    FrameReader m_reader;

    std::deque<OutRequest> m_queued;   ///< waiting for the connection to open
    std::deque<OutRequest> m_inFlight; ///< written sync requests, in the order sent
    std::deque<Inbound> m_inbox;       ///< frames received, dispatched strictly in order
    quint64 m_inboxSeq = 0;
    std::optional<std::pair<NetError::Kind, QString>> m_deferredLoss;

    QHash<SubscriptionId, Subscription> m_subs;
    QHash<SubscriptionId, FeedBatch> m_batches;
    int m_serverRepliesOwed = 0;

    HandleInfo m_info;
    bool m_infoDirty = false;
    qint64 m_lastProgressNs = 0;
};

template<class Fn>
bool ConnectionGuard::post(Fn &&fn)
{
    QMutexLocker lock(&mutex);
    Connection *t = target;
    if (!t) return false;
    // The event is bound to t: if t is deleted first, Qt discards it undelivered.
    QMetaObject::invokeMethod(
        t, [t, f = std::forward<Fn>(fn)]() mutable { f(*t); }, Qt::QueuedConnection);
    return true;
}

} // namespace qscope::detail
