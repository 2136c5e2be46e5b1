#pragma once
/// Polls every process of an EstateModel with one small query (EstateModel::pollQuery) per
/// interval, each over a connection of its own (HandlePurpose::Poller, owner "Estate"), so the
/// Activity dock lists and can stop them. Connections are open only while the poller runs (its
/// view can be seen) and is not paused: a hidden estate sends nothing and holds no handle. A
/// process that does not answer is retried once per interval (unreachable until it answers).
/// Processes the answers name (an upstream, a gateway's servers) are added as they are found.
/// GUI thread only; all traffic through ConnectionManager.

#include "monitor/viewhandle.h"
#include "net/connectionmanager.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <memory>

class QTimer;

namespace qscope {

class EstateModel;

class EstatePoller : public QObject
{
    Q_OBJECT
public:
    EstatePoller(ConnectionManager *manager, EstateModel *model, QObject *parent = nullptr);
    ~EstatePoller() override;

    // GUI thread ------------------------------------------------------------------------------
    /// ms <= 0 pauses; otherwise at least 200 ms. Default 1 s.
    void setInterval(int ms);
    int interval() const { return m_interval; }
    /// Running = the view can be seen. Stopping closes every connection.
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    bool isPolling() const { return m_running && m_interval > 0; }
    /// Where a process's connection comes from (a saved connection with its login, say); a
    /// source that is not valid, or no resolver, means straight to host:port without a login.
    void setSourceResolver(std::function<HandleSource(const QString &key)> resolver);
    /// Starts timing discovery: discovered() fires once a round answered by every process
    /// found no new one.
    void startDiscovery();
    /// Connections open now (for tests and the view's line).
    int openHandles() const;
    /// Mean bytes sent and received per process per poll, and the answer's time, over the
    /// polls so far (what polling costs each process).
    double bytesOutPerPoll() const;
    double bytesInPerPoll() const;
    double millisPerPoll() const;
    qint64 pollsAnswered() const { return m_answered; }

Q_SIGNALS:
    void roundFinished();
    void discovered(qint64 millis, int processes);

private:
    struct Proc
    {
        std::unique_ptr<ViewHandle> handle;
        RequestId pending = 0;
        QString lastError;
        bool stopped = false; ///< Activity's Stop: not polled again until the view is reshown
    };
    void tick();
    /// Polls key now if its connection is open and nothing is out; opens it otherwise.
    void pollOne(const QString &key, qint64 now);
    void finishRound();
    void onResult(const QueryResult &r);
    void onState(ConnectionId id, ConnectionState state, const QString &detail);
    Proc &proc(const QString &key);
    void releaseAll();

    ConnectionManager *m_manager;
    EstateModel *m_model;
    QTimer *m_timer;
    int m_interval = 1000;
    bool m_running = false;
    QHash<QString, std::shared_ptr<Proc>> m_procs;
    QHash<RequestId, QString> m_requests; ///< out now -> node key
    qint64 m_answered = 0, m_bytesOut = 0, m_bytesIn = 0, m_nanos = 0;
    bool m_roundOpen = false;
    bool m_discovering = false;
    bool m_foundThisRound = false;
    QElapsedTimer m_discoveryClock;
    std::function<HandleSource(const QString &key)> m_resolver;
};

} // namespace qscope
