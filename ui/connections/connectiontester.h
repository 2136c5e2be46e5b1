#pragma once
/// The connection dialog's Test: opens a temporary connection with the settings as typed (never
/// the saved connection, never retried), asks the server one empty query ("", the chaser kdb+
/// answers at once) to time a round trip, reads the capability the server granted in its login,
/// and closes the connection. Everything arrives by signals: the GUI never waits.

#include "net/connectionmanager.h"

#include <QElapsedTimer>
#include <QObject>

namespace qscope {

class ConnectionTester : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionTester(ConnectionManager *manager, QObject *parent = nullptr);
    /// Closes a test still running.
    ~ConnectionTester() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Starts a test (ending one still running).
    void start(ConnectionOptions options);
    bool isRunning() const { return m_connection != 0; }

Q_SIGNALS:
    /// ok: what the server granted and the round trip; else the engine's error, named.
    void finished(bool ok, const QString &report);

private:
    void onState(ConnectionId id, ConnectionState state, const QString &detail);
    void onResult(const QueryResult &r);
    void end(bool ok, const QString &report);

    ConnectionManager *m_manager;
    ConnectionId m_connection = 0;
    RequestId m_request = 0;
    QElapsedTimer m_clock;
    qint64 m_connectMs = 0;
};

} // namespace qscope
