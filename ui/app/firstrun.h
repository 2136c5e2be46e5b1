#pragma once
/// First-run and --demo set-up: makes sure the "Demo" connection exists (pointing at the demo
/// server's port) and starts the embedded DemoServer on request. Start failures are reported as
/// data (the error text) for the message bar, never as a dialog.

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace qscope {

class ConnectionStore;
class DemoPlant;

class FirstRun : public QObject
{
    Q_OBJECT
public:
    explicit FirstRun(ConnectionStore *store, QObject *parent = nullptr);
    ~FirstRun() override;

    // GUI thread ------------------------------------------------------------------------------
    static QString demoName() { return QStringLiteral("Demo (qscope-demo)"); }
    /// The id of the Demo connection, created (tagged dev) if missing.
    QString ensureDemoConnection(int port);
    /// Starts the in-process demo server on `port` (falls back to any free port if taken) and
    /// points the Demo connection at it. Empty on success, else why not.
    QString startDemo(int port);
    bool demoRunning() const { return m_demo != nullptr; }
    int demoPort() const;
    /// Every part of the demo plant ("127.0.0.1:port"), for the estate view; empty if not running.
    QStringList demoPlantAddresses() const;

private:
    ConnectionStore *m_store;
    std::unique_ptr<DemoPlant> m_demo; ///< its tickerplant is the Demo connection
};

} // namespace qscope
