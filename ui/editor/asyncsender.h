#pragma once
/// Sends a tab's statement asynchronously, as q's `neg[h] "stmt"`: the server runs it and sends
/// nothing back, so a plain async send can only say that it was handed to the connection.
///
/// With the chaser on, the statement goes wrapped in a trap that pushes a failure back
/// (`@[value;"stmt";{neg[.z.w](`.qscope.asyncError;x)}]`, the statement still run by `value` as
/// the server would run the string itself), followed by the engine's flush (a sync `""`, answered
/// once the server has read everything before it). A failure pushed back arrives ahead of the
/// chaser's answer on the same socket, so when the chaser is answered the outcome is known: the
/// server's own error word, or success.
///
/// A connection not yet open is opened first; the statement waits (without blocking) until it is
/// open, or fails with the connection's error.

#include "net/connectionmanager.h"

#include <QHash>
#include <QObject>

namespace qscope {

class ServerSessions;

class AsyncSender : public QObject
{
    Q_OBJECT
public:
    explicit AsyncSender(ServerSessions *sessions, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void send(const QString &profileId, const QByteArray &statement, bool chaser);
    /// The message the chaser sends in place of the plain statement (exposed for tests).
    static QByteArray trapped(const QByteArray &statement);
    static QByteArray errorTag() { return QByteArrayLiteral(".qscope.asyncError"); }

Q_SIGNALS:
    /// What happened, in words, for the message bar. level as MessageBar::Level (0 info,
    /// 1 warning, 2 error).
    void outcome(int level, const QString &text);

private:
    struct Pending
    {
        QString profileId;
        QByteArray statement;
        bool chaser = false;
    };
    struct Chase
    {
        QString profileId;
        QByteArray statement;
        ConnectionId connection = 0;
        QByteArray error; ///< pushed back by the trap, before the chaser's answer
    };
    void write(const Pending &p);
    void onState(const QString &profileId, ConnectionState state, const QString &detail);
    void onResult(const QueryResult &r);
    void onPushed(ConnectionId id, const Value &message);
    QString serverName(const QString &profileId) const;

    ServerSessions *m_sessions;
    QList<Pending> m_waiting; ///< for a connection being opened
    QHash<RequestId, Chase> m_chases;
};

} // namespace qscope
