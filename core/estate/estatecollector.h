#pragma once
/// Polls the processes of an EstateState in rounds, for qscope-cli estate: each process asked
/// EstateState::pollQuery() once per round over a connection of its own, opened straight to its
/// host:port with the options of a template (TLS, login, timeouts). Processes an answer names
/// (an upstream, a gateway's servers) are added and asked in the same round. A round ends when
/// every process answered or failed, or at its time limit (those still out count as failed). A
/// connection that fails is opened again the next round: the process may be back.
///
/// The estate view polls with ui/estate/EstatePoller instead (its handles are listed in
/// Activity and held only while the view can be seen); both feed the same EstateState.
///
/// Thread: the owner's (an event loop must run); all traffic through ConnectionManager.

#include "estate/estatestate.h"
#include "net/connectionmanager.h"

#include <QHash>
#include <QObject>

class QTimer;

namespace qscope {

class EstateCollector : public QObject
{
    Q_OBJECT
public:
    /// base: the options every connection starts from (host and port are each process's).
    EstateCollector(ConnectionManager *manager, EstateState *state, ConnectionOptions base,
                    QObject *parent = nullptr);
    ~EstateCollector() override;

    /// Asks every watched process; roundFinished follows (at the latest after timeoutMs).
    /// Ignored while a round is open.
    void startRound(int timeoutMs);
    bool roundOpen() const { return m_roundOpen; }
    /// Polls answered so far and the bytes they cost (what polling costs each process).
    qint64 pollsAnswered() const { return m_answered; }
    double bytesOutPerPoll() const;

Q_SIGNALS:
    /// The round is over and EstateState::finishRound has run; found = processes it added.
    void roundFinished(int found);

private:
    struct Proc
    {
        ConnectionId connection = 0;
        RequestId pending = 0;
        bool asked = false; ///< this round: sent, answered or failed
    };
    void ask(const QString &key);
    void fail(const QString &key, const QString &error);
    void onResult(const QueryResult &r);
    void onState(ConnectionId id, ConnectionState state, const QString &detail);
    void maybeFinish();
    void finish();

    ConnectionManager *m_manager;
    EstateState *m_state;
    ConnectionOptions m_base;
    QTimer *m_deadline;
    QHash<QString, Proc> m_procs;
    QHash<RequestId, QString> m_requests;
    QHash<ConnectionId, QString> m_connections;
    bool m_roundOpen = false;
    int m_found = 0;
    qint64 m_answered = 0, m_bytesOut = 0;
};

} // namespace qscope
