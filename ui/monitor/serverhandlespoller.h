#pragma once
/// Polls one server's handles at a chosen interval with plain q (no agent needed), feeding a
/// ServerHandlesModel and reporting memory (.Q.w[]) and identity (.z.K .z.k .z.o .z.i).
/// A poll is skipped while the previous one is still out, so a slow server is never piled on.
/// The timer runs only while the poller is running (its view can be seen) and not paused
/// (interval 0): a hidden or paused view sends nothing. What is out is reported to the
/// HandleRegistry as the handle's activity.
/// GUI thread only; all traffic through ConnectionManager.

#include "net/connectionmanager.h"

#include <QObject>
#include <QSet>

class QTimer;

namespace qscope {

class ServerHandlesModel;

class ServerHandlesPoller : public QObject
{
    Q_OBJECT
public:
    /// The plain q the poller sends, in order (shown in the UI so a user knows what runs).
    static QList<QByteArray> queries();

    ServerHandlesPoller(ConnectionManager *manager, ServerHandlesModel *model,
                        QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void setServer(ConnectionId id);
    ConnectionId server() const { return m_server; }
    /// ms <= 0 pauses; otherwise at least 100 ms.
    void setInterval(int ms);
    int interval() const { return m_interval; }
    /// Running = its view can be seen. Starting polls at once (unless paused).
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    /// Whether the timer is on (running, not paused, a server chosen).
    bool isPolling() const;
    /// One poll now, whether or not the timer runs (a user's "Poll now").
    void pollNow();
    int pollsCompleted() const { return m_completed; }
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void polled();
    /// .Q.w[]'s used and heap, in bytes.
    void memorySample(qint64 msecsSinceEpoch, double used, double heap);
    void serverInfo(const QString &text);
    void pollError(const QString &text);

private:
    void onResult(const QueryResult &r);
    void updateTimer();

    ConnectionManager *m_manager;
    ServerHandlesModel *m_model;
    ConnectionId m_server = 0;
    QTimer *m_timer;
    int m_interval = 2000;
    bool m_running = true;
    QList<RequestId> m_requests; ///< one per query of the current poll, 0 once answered
    Value m_zH;                  ///< .z.H of the current poll (asked first)
    QString m_pollErrors;
    QString m_lastError;
    int m_completed = 0;
};

} // namespace qscope
