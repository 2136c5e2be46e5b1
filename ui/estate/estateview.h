#pragma once
/// Monitor > Estate: a kdb+ plant live. Processes come from addresses typed in (a tickerplant
/// is enough to start: its upstreams, a gateway's servers and its subscribers follow) or a
/// folder of saved connections; EstatePoller asks each one small query per interval, only while
/// this view can be seen and is not paused (the rate is on the view); EstateGraph draws them;
/// the alert log lists what the rules raised and when it cleared. GUI thread only.

#include "net/connectionmanager.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace qscope {

class ConnectionStore;
class EstateGraph;
class EstateHistoryChart;
class EstateNotifier;
class NotificationSink;
class EstateModel;
class EstatePoller;
class PollRate;
class VisibilityWatch;

class EstateView : public QWidget
{
    Q_OBJECT
public:
    /// store may be null (no folders to offer).
    EstateView(ConnectionManager *manager, ConnectionStore *store, QWidget *parent = nullptr);
    ~EstateView() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Watch these ("host:port", ":port", `:host:port); returns how many parsed.
    int addProcesses(const QStringList &addresses);
    EstateModel *model() const { return m_model; }
    EstatePoller *poller() const { return m_poller; }
    EstateGraph *graph() const { return m_graph; }
    PollRate *pollRate() const { return m_rate; }
    QListWidget *alertList() const { return m_alerts; }
    /// The saved connection for a node's "host:port": one whose host and port match, else a new
    /// one in the folder "Estate" (so a workbench tab, Handles or a feed can use it). "" if the
    /// key is not an address.
    static QString profileFor(ConnectionStore *store, const QString &key);
    /// The saved connection whose host and port are key's, "" if none (nothing is created).
    static QString findProfile(ConnectionStore *store, const QString &key);
    /// A window charting the history of a node (edge false) or an edge (EstateEdge::key()); the
    /// one already open for it is raised. Closed with this view.
    EstateHistoryChart *openChart(const QString &key, bool edge);
    /// Desktop notifications of new alerts (the checkbox; off by default).
    void setNotificationsEnabled(bool on);
    bool notificationsEnabled() const;
    /// Where notifications go instead of the desktop (tests); not owned, null for the desktop.
    void setNotificationSink(NotificationSink *sink);
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    /// A node asked to be opened: what is "workbench", "handles" or "feed"; key "host:port".
    void openRequested(const QString &key, const QString &what);

private:
    void addFromLine();
    void addFolder();
    void refreshFolders();
    void refreshStatus();
    void refreshAlerts();
    void applyRules();

    ConnectionStore *m_store;
    EstateModel *m_model;
    EstatePoller *m_poller;
    EstateGraph *m_graph;
    VisibilityWatch *m_watch;
    QLineEdit *m_address;
    QComboBox *m_folders;
    PollRate *m_rate;
    QLabel *m_status;
    QListWidget *m_alerts;
    QSpinBox *m_queueMb;
    QSpinBox *m_growSeconds;
    QSpinBox *m_stallSeconds;
    QDoubleSpinBox *m_memoryPercent;
    QSpinBox *m_reconnects;
    QSpinBox *m_reconnectWindow;
    QSpinBox *m_logBehind;
    int m_alertsShown = -1;
    QHash<QString, QPointer<EstateHistoryChart>> m_charts;
    QCheckBox *m_notify;
    EstateNotifier *m_notifier;
    NotificationSink *m_sink = nullptr;          ///< the one in use (m_desktop's or a test's)
    std::unique_ptr<NotificationSink> m_desktop; ///< made when first turned on
    QString m_notifyProblem;                     ///< said once on the status line
};

} // namespace qscope
