#pragma once
/// The app's own trackConnections: every handle the engine opened, kept after close (bounded).
/// Updated from network threads through queued calls; read on the GUI thread. Model-friendly:
/// rows only get appended (or the oldest closed ones trimmed), and changes are signalled by row.

#include "nettypes.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QVector>

namespace qscope {

struct HandleInfo
{
    ConnectionId id = 0;
    QString name;
    QString server; ///< host:port or unix socket
    QString user;
    QString transport;          ///< "tcp", "tls", "unix"
    int capability = -1;        ///< what the server granted in the login (-1: not yet)
    qint64 maxMessageBytes = 0; ///< this connection's limit on an incoming message
    ConnectionState state = ConnectionState::Connecting;
    QDateTime opened;
    QDateTime closed;
    qint64 messagesIn = 0, messagesOut = 0;
    qint64 bytesIn = 0, bytesOut = 0;
    int pendingQueries = 0;
    QString lastError;
};

/// Why the app holds a handle. Set by whoever opened it (the UI), never by the engine: a feed
/// and a poller get connections of their own, so a query tab never waits behind them.
enum class HandlePurpose { Other, Query, Feed, Poller };

/// Who holds a handle and what it is doing, as its owner reports it (GUI thread).
struct HandleOwner
{
    HandlePurpose purpose = HandlePurpose::Other;
    QString owner;    ///< "Handles view", "feed trade", "query tabs" ...
    QString summary;  ///< one line for the status bar, e.g. "handles poll every 2 s"
    QString activity; ///< what is on the wire now; empty when idle
    QDateTime since;  ///< when `activity` began
};

class HandleRegistry : public QObject
{
    Q_OBJECT
public:
    explicit HandleRegistry(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    int count() const { return int(m_rows.size()); }
    const HandleInfo &at(int row) const { return m_rows[row]; }
    int rowOf(ConnectionId id) const;
    void setHistoryLimit(int closedRowsKept);

    /// Ownership, kept beside the engine's rows (which the engine rewrites wholesale). It may be
    /// set before the engine's first row for the handle arrives; it is dropped when the handle
    /// closes.
    void setOwner(ConnectionId id, HandlePurpose purpose, const QString &owner,
                  const QString &summary = {});
    void setSummary(ConnectionId id, const QString &summary);
    /// What is on the wire now (empty = idle); the clock restarts when the text changes.
    void setActivity(ConnectionId id, const QString &activity);
    HandleOwner owner(ConnectionId id) const { return m_owners.value(id); }
    bool hasOwner(ConnectionId id) const { return m_owners.contains(id); }
    QList<ConnectionId> ownedHandles() const { return m_owners.keys(); }
    /// Asks the handle's owner to stop what it does there (Activity's Stop): owners listen to
    /// stopRequested for their own handles. False when the handle has no owner to ask.
    bool requestStop(ConnectionId id);
    /// The name the handle is shown by (a saved connection renamed while open): kept over the
    /// engine's rows, which carry the name the connection was opened with.
    void rename(ConnectionId id, const QString &name);

    // engine (called on the registry's thread) ------------------------------------------------
    void upsert(const HandleInfo &info);

Q_SIGNALS:
    void rowAdded(int row);
    void rowChanged(int row);
    void rowsRemoved(int first, int last);
    /// setOwner / setSummary / setActivity changed what owner(id) returns.
    void ownerChanged(qscope::ConnectionId id);
    void stopRequested(qscope::ConnectionId id);

private:
    void ownerEdited(ConnectionId id);

    QVector<HandleInfo> m_rows;
    QHash<ConnectionId, HandleOwner> m_owners;
    QHash<ConnectionId, QString> m_names; ///< rename()'s, over the engine's name
    int m_historyLimit = 200;
};

} // namespace qscope
