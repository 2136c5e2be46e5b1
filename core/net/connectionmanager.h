#pragma once
/// The GUI-facing facade of the connection engine. Lives on the thread that creates it (the GUI
/// thread in the app); sockets live on a bounded pool of network threads; results come back as
/// queued signals carrying finished values. Every request has an id; a result for a request that
/// was cancelled or whose connection was closed is dropped, never delivered late.
/// One shortcut: a small sync request (no timeout) to an idle plain TCP or Unix socket is written
/// by the calling thread itself, with one non-blocking send, instead of waking the network thread
/// to write it (see ConnectionGuard in connection.h); everything else, and all reading, happens on
/// the network threads.

#include "handleregistry.h"
#include "nettypes.h"

#include <QObject>

#include <memory>

namespace qscope {

namespace detail {
class ConnectionManagerPrivate;
}

class ConnectionManager : public QObject
{
    Q_OBJECT
public:
    /// networkThreads 0 = a small default (2..4); connections are spread over them.
    explicit ConnectionManager(int networkThreads = 0, QObject *parent = nullptr);
    ~ConnectionManager() override;

    // GUI thread (the manager's thread) ------------------------------------------------------
    ConnectionId open(const ConnectionOptions &options);
    void close(ConnectionId id);
    ConnectionState state(ConnectionId id) const;
    const ConnectionOptions *options(ConnectionId id) const;

    /// Sync query as a string (q's h"expr"). timeoutMs -1 = the connection's default, 0 = none.
    /// Sync requests on one connection go out one at a time, as from q's blocking client: the
    /// next is written when the answer before it arrives (a server that defers an answer with
    /// -30! may answer a later request first, so pipelined answers could not be matched). The
    /// timeout counts from when the request is written to the socket (not while it waits for
    /// the connection or the answer ahead). On timeout the connection is dropped and reopened,
    /// as kdb+ cannot abort a query: the requests waiting behind it go out after the reconnect.
    RequestId query(ConnectionId id, const QByteArray &text, int timeoutMs = -1);
    /// Sync call of a function with arguments: message is a general list, e.g. (`f;1;2) or
    /// ("{x+y}";1;2) (PyKX conn('{x+y}', 1, 2)). timeoutMs as for query().
    RequestId call(ConnectionId id, const Value &message, int timeoutMs = -1);
    /// Async send (neg h), fire and forget.
    void send(ConnectionId id, const Value &message);
    /// Async flush then sync chaser h"" : the result arrives once all earlier messages were read.
    RequestId flush(ConnectionId id);
    /// One async message to several connections, encoded once (as -25!).
    void broadcast(const QList<ConnectionId> &ids, const Value &message);
    /// Execute a local .q file on the server line-block by line-block (PyKX file_execute).
    RequestId executeFile(ConnectionId id, const QString &path);
    /// Ends the request: its result is a NetError::Cancelled, never its answer, even one that
    /// arrived as it was cancelled. A request still queued is dropped from the queue ("cancelled
    /// before it was sent") and the connection stays; one on the wire cannot be stopped in
    /// kdb+, so the socket is closed (the server sees the disconnect) and reopened, and the
    /// requests queued behind it go out on the new socket.
    void cancel(RequestId request);
    /// Read on a response held back by sizeAnnounced. To refuse it, cancel(request): the
    /// socket is reset without reading it.
    void acceptLarge(RequestId request);

    /// .u.sub[table;syms] on a tickerplant; rows arrive as feedBatch; resubscribes after reconnect.
    /// table empty = all tables (`), syms empty = all syms.
    SubscriptionId subscribe(ConnectionId id, const QByteArray &table,
                             const QList<QByteArray> &syms = {});
    void unsubscribe(SubscriptionId sub);

    /// Answer the oldest unanswered sync request from the server (serverRequest), in order. Only
    /// with acceptServerSyncRequests; the server waits until it is answered.
    void replyToServer(ConnectionId id, const Value &reply);

    HandleRegistry *registry() const;
    /// Network threads serving all connections (fixed at construction).
    int networkThreadCount() const;
    /// Snapshot of a connection's frame tap (empty unless tapFrames).
    QList<FrameRecord> frames(ConnectionId id) const;
    /// Only the tap's records with seq above `seq`, at most the newest `maxRecords`: the cheap
    /// incremental hand-over for a view that already holds the older ones.
    QList<FrameRecord> framesSince(ConnectionId id, quint64 seq, int maxRecords) const;
    void setFrameTap(ConnectionId id, bool on);

Q_SIGNALS:
    void stateChanged(qscope::ConnectionId id, qscope::ConnectionState state,
                      const QString &detail);
    /// Bytes of the response received so far against the total its header announced.
    void progress(qscope::RequestId request, qint64 received, qint64 total);
    /// The response to `request` announced (in its header) `bytes` bytes, uncompressed, at
    /// least the connection's confirmAboveBytes. Nothing more is read from that connection
    /// until acceptLarge(request) or cancel(request) (the refusal).
    void sizeAnnounced(qscope::RequestId request, qint64 bytes);
    /// A message over the connection's maxMessageBytes (or more than could be allocated) made
    /// the engine drop the connection unread: a result (its request fails with TooLarge, and
    /// the socket is reopened at once) or a message the server pushed, such as a feed's update
    /// (then the reconnect policy decides, as for any loss).
    void limitExceeded(qscope::ConnectionId id, const qscope::NetError &error);
    void resultReady(const qscope::QueryResult &result);
    /// Async messages the server pushed that no subscription consumed (neg[.z.w](`f;x)).
    void pushed(qscope::ConnectionId id, const qscope::Value &message);
    /// A sync request from the server (only reported; answered per acceptServerSyncRequests).
    void serverRequest(qscope::ConnectionId id, const qscope::Value &message);
    /// .u.sub's return value: (table name; empty schema table) or a list of them for `. If the
    /// server refused (e.g. 'unknown table), schema is the q error value (type -128).
    void subscribed(qscope::SubscriptionId sub, const qscope::Value &schema);
    /// Batched upd rows, 10 to 30 times a second while a feed is busy.
    void feedBatch(const qscope::FeedBatch &batch);
    /// .u.end[date] received on a subscribed connection.
    void endOfDay(qscope::SubscriptionId sub, const qscope::Value &date);
    /// Reconnected and resubscribed after a loss: a gap in the feed.
    void feedGap(qscope::SubscriptionId sub, const QString &reason);

private:
    std::unique_ptr<detail::ConnectionManagerPrivate> d;
};

} // namespace qscope
