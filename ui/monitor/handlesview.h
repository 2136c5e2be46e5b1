#pragma once
/// Handles: the app's own (the engine's HandleRegistry, live) and, for a chosen server, that
/// server's handles polled with plain q, its memory over time, an optional tracking agent
/// (installed only after the user confirmed the exact q), and closing a remote handle.
/// The server's handles are polled on a connection of the view's own (a HandleSource's), open
/// only while the view can be seen and not paused: hidden, closed or paused, it sends nothing.

#include "net/connectionmanager.h"
#include "viewhandle.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QComboBox;
class QTableView;

class QChartView;
class QLineSeries;
class QValueAxis;
class QDateTimeAxis;

namespace qscope {

class OwnHandlesModel;
class PollRate;
class ServerHandlesModel;
class ServerHandlesPoller;

/// The app's handles over a server's handles. GUI thread only.
class HandlesView : public QWidget
{
    Q_OBJECT
public:
    HandlesView(qscope::ConnectionManager *manager, QWidget *parent = nullptr);
    ~HandlesView() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Poll this connection as it is (a test's, or a caller that owns it): never closed here.
    void setServer(qscope::ConnectionId id);
    /// Poll a server on a connection of this view's own, opened from source while the view is
    /// visible and not paused, closed otherwise.
    void setSource(const qscope::HandleSource &source);
    qscope::ConnectionId server() const { return m_server; }
    /// The poll interval shown on the view; 0 = paused.
    void setPollInterval(int ms);
    int pollInterval() const;
    PollRate *pollRate() const { return m_rate; }
    OwnHandlesModel *ownModel() const { return m_ownModel; }
    ServerHandlesModel *serverModel() const { return m_serverModel; }
    ServerHandlesPoller *poller() const { return m_poller; }

    /// Ask (showing the q), then install the agent statement by statement. False if declined.
    bool installAgent();
    /// Ask, then restore the chained handlers and drop .qscope. False if declined.
    bool uninstallAgent();
    bool agentInstalled() const { return m_agentInstalled; }
    /// Ask, then hclose the handle on the server and call its .z.pc. Our own handle is refused.
    bool closeRemoteHandle(int handle);
    QString messageText() const;
    int memoryPoints() const;

Q_SIGNALS:
    void agentChanged(bool installed);
    void actionFinished(bool ok);

private:
    void buildUi();
    /// Opens or closes the poller's handle and starts or stops polling, from visibility and rate.
    void updateActivity();
    void useServer(qscope::ConnectionId id);
    void runStatements(const QList<QByteArray> &statements, int kind);
    void onResult(const qscope::QueryResult &result);
    void onPushed(qscope::ConnectionId id, const qscope::Value &message);
    void addMemory(qint64 ms, double used, double heap);
    void showMessage(const QString &text, bool error);

    enum Action { NoAction, Install, Uninstall, CloseHandle, Probe, FetchTrack };

    qscope::ConnectionManager *m_manager;
    qscope::ConnectionId m_server = 0;
    OwnHandlesModel *m_ownModel = nullptr;
    ServerHandlesModel *m_serverModel = nullptr;
    ServerHandlesPoller *m_poller = nullptr;
    bool m_agentInstalled = false;

    // the statements of the running action, sent one after another
    int m_action = NoAction;
    QList<QByteArray> m_statements;
    int m_next = 0;
    qscope::RequestId m_request = 0;

    QTableView *m_ownView = nullptr;
    QTableView *m_serverView = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLabel *m_infoLabel = nullptr;
    QLabel *m_message = nullptr;
    PollRate *m_rate = nullptr;
    ViewHandle *m_handle = nullptr;
    VisibilityWatch *m_watch = nullptr;
    QSpinBox *m_slowKb = nullptr;
    QPushButton *m_installButton = nullptr;
    QPushButton *m_uninstallButton = nullptr;
    QPushButton *m_closeButton = nullptr;
    QPushButton *m_pollButton = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_used = nullptr;
    QLineSeries *m_heap = nullptr;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_memAxis = nullptr;
    double m_memMax = 1;
};

} // namespace qscope
