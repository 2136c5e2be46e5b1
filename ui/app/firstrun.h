#pragma once
/// First-run and --demo set-up: makes sure the "Demo" connection exists (pointing at the demo
/// server's port) and starts the embedded demo plant on request. The plant starts and stops on
/// a thread of its own, so the GUI thread never waits for it: start and stop return at once and
/// the outcome comes as a signal. Start failures are data (the error text) for the message bar,
/// never a dialog.

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QThread;

namespace qscope {

class ConnectionStore;

class FirstRun : public QObject
{
    Q_OBJECT
public:
    explicit FirstRun(ConnectionStore *store, QObject *parent = nullptr);
    /// Stops the plant and joins its thread: the one wait left, at exit (measured by tst_estate).
    ~FirstRun() override;

    // GUI thread ------------------------------------------------------------------------------
    static QString demoName() { return QStringLiteral("Demo (qscope-demo)"); }
    /// The id of the Demo connection, created (tagged dev) if missing.
    QString ensureDemoConnection(int port);
    /// Starts the in-process demo plant with its tickerplant on `port` (any free port if taken)
    /// and returns at once; demoReady (after pointing the Demo connection at it) or demoFailed
    /// follows. Does nothing while starting or running.
    void startDemo(int port);
    /// Returns at once; demoStopped follows once every part has stopped.
    void stopDemo();
    bool demoStarting() const { return m_state == State::Starting; }
    bool demoRunning() const { return m_state == State::Running; }
    int demoPort() const { return m_port; }
    /// Every part of the demo plant ("127.0.0.1:port"), for the estate view; empty if not running.
    QStringList demoPlantAddresses() const { return m_addresses; }

Q_SIGNALS:
    void demoReady(int port);
    void demoFailed(const QString &error);
    void demoStopped();

private:
    enum class State { Stopped, Starting, Running };
    struct Host;
    void started(quint64 generation, int port, const QStringList &addresses, const QString &error);
    void ensureThread();

    ConnectionStore *m_store;
    State m_state = State::Stopped;
    quint64 m_generation = 0; ///< bumped by every start and stop: a late answer is ignored
    int m_port = 0;
    QStringList m_addresses;
    std::unique_ptr<QThread> m_thread;
    QObject *m_hostContext = nullptr; ///< lives on m_thread: where the plant's work is posted
    std::shared_ptr<Host> m_host;     ///< the plant, touched only on m_thread
};

} // namespace qscope
