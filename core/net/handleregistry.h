#pragma once
/// The app's own trackConnections: every handle the engine opened, kept after close (bounded).
/// Updated from network threads through queued calls; read on the GUI thread. Model-friendly:
/// rows only get appended (or the oldest closed ones trimmed), and changes are signalled by row.

#include "nettypes.h"

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

    // engine (called on the registry's thread) ------------------------------------------------
    void upsert(const HandleInfo &info);

Q_SIGNALS:
    void rowAdded(int row);
    void rowChanged(int row);
    void rowsRemoved(int first, int last);

private:
    QVector<HandleInfo> m_rows;
    int m_historyLimit = 200;
};

} // namespace qscope
