#pragma once
/// Plain data shared by the connection engine and its users (UI, CLI, tests).

#include "protocol/value.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <functional>
#include <optional>

namespace qscope {

using ConnectionId = quint64;
using RequestId = quint64;
using SubscriptionId = quint64;

/// Where a server is: TCP host:port (optionally TLS), or a Unix domain socket.
struct ServerAddress
{
    QString host = QStringLiteral("localhost");
    quint16 port = 0;
    /// Unix socket: "@/tmp/kx.5000" (Linux abstract, what kdb+ listens on) or a filesystem path.
    QString unixSocket;
    bool tls = false;
    /// SHA-256 of a self-signed certificate the user chose to trust for this connection only.
    QByteArray trustedCertSha256;
    /// A PEM file of CA certificates this connection trusts besides the system's (a company CA);
    /// empty for none. Read when the connection opens (tlstrust.h).
    QString caFile;

    /// "host:port", ":port", "tls://host:port", "unix://5000" (abstract @/tmp/kx.5000),
    /// "unix:///path/to/socket". nullopt if it does not parse.
    static std::optional<ServerAddress> parse(const QString &text);
    QString display() const;
    bool isLocal() const; ///< loopback or unix socket: kdb+ does not compress to these
};

/// PyKX's reconnection_attempts / reconnection_delay / reconnection_function.
struct ReconnectPolicy
{
    int attempts = 0; ///< 0 = never reconnect, -1 = forever
    int initialDelayMs = 500;
    int maxDelayMs = 30000;
    /// next delay from the previous one; default doubles (capped at maxDelayMs)
    std::function<int(int previousDelayMs)> backoff;
    /// false: a connection that never opened fails at once (state Failed, with the reason);
    /// the attempts are then only for a connection that was open and was lost.
    bool retryFirstConnect = true;
};

/// The default per-connection limit on an incoming message: a quarter of this machine's physical
/// memory, at least 256 MiB and at most what the protocol can carry (1 TiB). Any thread.
qint64 defaultMessageLimit();
/// A size as a person reads it, in binary units: "900 bytes", "12 KB", "1 GB", "3.2 GB".
QString formatByteSize(qint64 bytes);

struct ConnectionOptions
{
    QString name;
    ServerAddress address;
    QString user;
    QString password;
    /// Asked for in the login; the server grants at most this (kdb+: min of both). 6 lets a
    /// server send messages over 2 GB (up to 1 TB), which maxMessageBytes then bounds.
    int capability = 6;
    /// Largest incoming message, uncompressed, header included. Checked against each frame's
    /// header (and a compressed frame's uncompressed size) before its bytes are kept; over it,
    /// the request fails with NetError::TooLarge and the connection is reset (closed and
    /// reopened without reading the rest), so the session goes on. A message the server pushes
    /// over it (a feed's update) is a loss like any other: the reconnect policy decides.
    qint64 maxMessageBytes = defaultMessageLimit();
    /// A response whose header announces at least this many (uncompressed) bytes is not read
    /// further until ConnectionManager::acceptLarge or cancel answers sizeAnnounced; its
    /// timeout stops (the server has answered). 0 = never ask. Set it only where something
    /// answers sizeAnnounced, or such a request waits until cancelled.
    qint64 confirmAboveBytes = 0;
    int connectTimeoutMs = 5000;
    /// 0 = none; a request may override. A request's timeout counts from when it is written to
    /// the socket, never while it waits to be sent (connecting, logging in, reconnecting, or the
    /// answer to the sync request ahead of it: one sync request is on the wire at a time).
    int queryTimeoutMs = 0;
    ReconnectPolicy reconnect;
    bool acceptServerSyncRequests = false; ///< else a sync request from the server gets an error
    bool tapFrames = false;
    qint64 frameTapBudgetBytes = 64ll << 20;
};

enum class ConnectionState { Connecting, Open, Reconnecting, Closed, Failed };

/// The one word for a state wherever a person reads it (status bar, tooltips, the handles and
/// Activity views): "connecting", "connected", "reconnecting", "disconnected", "failed".
QString connectionStateName(ConnectionState state);

/// An error as data: which kind, q's own word or the reason, and where it applies.
struct NetError
{
    enum Kind {
        QError,
        AccessDenied,
        ConnectFailed,
        Timeout,
        Cancelled,
        Disconnected,
        Protocol,
        Tls,
        /// A message over the connection's maxMessageBytes, or more than this process could
        /// allocate: the connection was reset without reading it.
        TooLarge
    };
    Kind kind = QError;
    QString message; ///< for QError, q's word without the quote (e.g. "type")
};

struct QueryResult
{
    RequestId id = 0;
    ConnectionId connection = 0;
    QByteArray query; ///< text or a description of the call, for history/error display
    Value value;
    std::optional<NetError> error;
    qint64 bytesIn = 0; ///< wire bytes of the response
    qint64 bytesOut = 0;
    qint64 elapsedNs = 0; ///< request written to value decoded
    bool ok() const { return !error.has_value(); }
};

/// One IPC frame seen on a connection (the frame tap).
struct FrameRecord
{
    quint64 seq = 0;
    bool incoming = true;
    quint8 messageType = 0; ///< 0 async, 1 sync, 2 response
    bool compressed = false;
    qint64 wireBytes = 0;
    qint64 decodedBytes = 0;
    qint64 timestampNs = 0;  ///< since epoch
    qint64 roundTripNs = -1; ///< responses: since the matching sync request
    QByteArray raw;          ///< the wire bytes, empty once over the tap's budget
};

/// Rows from tickerplant upd messages, batched in the engine between UI ticks (every 50 ms).
/// The engine joins each run of consecutive updates of one table and one layout (same column
/// names and types, up to 1,024 rows each) into one table of typed columns on its network
/// thread, so a tick of 5,000 one-row messages crosses to the GUI thread as one table, not 5,000
/// decoded messages.
struct FeedBatch
{
    SubscriptionId subscription = 0;
    /// The table every update of this batch belongs to; empty when the batch mixes tables
    /// (a ` subscription): then read `tables`.
    QByteArray table;
    /// In arrival order: each entry is one run of consecutive upd messages of one table and
    /// layout, joined (their rows in order); an update that does not join (a column list, a
    /// table of another layout, a table over 1,024 rows) is an entry of its own, as it came.
    QList<Value> updates;
    /// The table name of each entry, parallel to `updates` (tables[i] names updates[i]);
    /// always filled, whether or not the batch mixes tables.
    QList<QByteArray> tables;
    /// How many upd messages each entry holds, parallel to `updates`.
    QList<qint64> updateMessages;
    qint64 messages = 0; ///< upd messages in the batch (the sum of updateMessages)
    qint64 rows = 0;
    qint64 bytes = 0;

    /// Messages in entry i (1 for a batch built without updateMessages, as a replay does).
    qint64 messagesAt(qsizetype i) const
    {
        return updateMessages.size() == updates.size() ? updateMessages.at(i) : 1;
    }
};

} // namespace qscope

Q_DECLARE_METATYPE(qscope::QueryResult)
Q_DECLARE_METATYPE(qscope::FeedBatch)
Q_DECLARE_METATYPE(qscope::NetError)
