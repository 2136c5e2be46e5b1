#pragma once
/// The workbench window. It only assembles: connections and explorer docks on the left, editor
/// tabs with the message bar, find bar and running-query strip in the middle, the ResultPane
/// under the editor, history and the monitor's views (handles, frames, feeds) in docks, menus and
/// shortcuts, and the status bar with the current server's tag and state. Behaviour lives in the
/// parts (ServerSessions, QueryRunner, EditorArea, ...).

#include "editor/queryrunner.h"
#include "net/connectionmanager.h"
#include "results/pinstore.h"

#include <QHash>
#include <QMainWindow>

#include <QSet>
#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QToolBar;

namespace qscope {

class ActivityView;
class AsyncSender;
class BackgroundIndicator;
class ConnectionStore;
class ConnectionsView;
class EditorArea;
class EditorTab;
class ExplorerView;
class FindBar;
class FramesView;
class EstateView;
class HandlesView;
class HistoryStore;
class HistoryView;
class MessageBar;
class PasswordStore;
class QueryActivity;
class QueryRunner;
class QueryStatus;
class ResultPane;
class ServerSessions;
class SessionJournal;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// The stores are loaded by the caller (the app, or a test with its own files).
    MainWindow(ConnectionManager *manager, ConnectionStore *store, HistoryStore *history,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Window layout, docks and open tabs from QSettings; opens a tab if none came back.
    void restoreState(const QString &fallbackProfile);
    /// Saves the session and pins; the journal of unsaved work is then no longer needed.
    void saveState() const;
    void applyTheme();

    /// Runs the current statement (selection or line) / the whole buffer of the current tab.
    /// A tab runs one query at a time: running again while it runs is refused with a message
    /// (the first run keeps its clock and its place).
    void runCurrent();
    void runAll();
    /// Runs the current statement on every connection selected in the Connections tree: sync,
    /// in parallel, each answer pinned in a result tab of its own (its summary names the server);
    /// in async mode, one broadcast (-25!) to those open, the others once they open (with the
    /// chaser: each server's error comes back).
    void runOnSelected();
    /// Cancels the current tab's query (the one its strip shows).
    void cancelQuery();
    void loadFileIntoServer(const QString &path);
    /// A TpLogView of the log in a monitor dock (File > Open tickerplant log, or a drop).
    void openTickerplantLog(const QString &path);
    QString currentProfile() const;

    // the parts, for the app and tests
    ServerSessions *sessions() const { return m_sessions; }
    PasswordStore *passwords() const { return m_passwords; }
    QueryRunner *runner() const { return m_runner; }
    EditorArea *editors() const { return m_editors; }
    /// The current tab's result pane (each editor tab has its own).
    ResultPane *results() const;
    /// A tab's result pane (null for a tab that is not this window's).
    ResultPane *resultsFor(EditorTab *tab) const { return m_panes.value(tab); }
    /// The pins kept across restarts are being read (restoreState starts it off the GUI thread).
    bool pinsRestoring() const { return m_pinsRestoring; }
    ConnectionsView *connectionsView() const { return m_connections; }
    ExplorerView *explorer() const { return m_explorer; }
    HistoryView *historyView() const { return m_historyView; }
    MessageBar *messageBar() const { return m_message; }
    QueryStatus *queryStatus() const { return m_status; }
    QLabel *serverStatus() const { return m_serverLabel; }
    /// Monitor views (created on first use from the Monitor menu; nullptr before).
    HandlesView *handlesView() const { return m_handles; }
    QTabWidget *feedViews() const { return m_feeds; }
    ActivityView *activityView() const { return m_activity; }
    BackgroundIndicator *backgroundIndicator() const { return m_background; }
    void showHandles();
    void showActivity();
    /// Monitor > Estate (created on first use); addresses given are watched.
    EstateView *showEstate(const QStringList &addresses = {});
    EstateView *estateView() const { return m_estate; }
    void newFeedView();
    SessionJournal *journal() const { return m_journal; }
    /// Shortcut table for the help page (from the live actions, so it never drifts).
    QString shortcutsHtml() const;
    /// The panes F6 cycles through, in order (for tests): editor, results, tree, server box.
    QList<QWidget *> focusPanes() const;
    /// The workbench toolbar: Run, Run all, Cancel (for the current tab, enabled by its state),
    /// the tab's server, and the async send mode with its chaser.
    QToolBar *toolBar() const { return m_toolbar; }
    QAction *runButton() const { return m_runButton; }
    QAction *runAllButton() const { return m_runAllButton; }
    QAction *cancelButton() const { return m_cancelButton; }
    QAction *runOnSelectedButton() const { return m_runOnSelected; }
    QAction *asyncToggle() const { return m_asyncToggle; }
    QAction *chaserToggle() const { return m_chaserToggle; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildToolBar();
    /// Enables the toolbar's Run, Run all and Cancel for the current tab's state.
    void updateRunButtons();
    /// Keyboard focus to the next (step 1) or previous (-1) of: the editor, the results, the
    /// connections tree, the server box (F6 / Shift+F6; Tab in the editor stays an indent).
    void cyclePane(int step);
    /// Runs text for the tab: async (AsyncSender) when the toolbar says so, else a sync query.
    void runText(EditorTab *tab, const QByteArray &text);
    QDockWidget *addDock(const QString &title, const QString &objectName, QWidget *widget,
                         Qt::DockWidgetArea area);
    QDockWidget *addMonitorDock(const QString &title, const QString &objectName, QWidget *widget);
    void onCurrentProfile(const QString &profileId);
    void updateServerStatus();
    /// Takes down the connection error shown in the status bar once it no longer holds.
    void clearStatusError();
    void showHelp();
    /// A node of the estate asked for its workbench tab, handles or feed.
    void openEstateNode(const QString &key, const QString &what);
    /// Sends a query for the tab, unless the tab still runs one (then says so and returns 0).
    quint64 runFor(EditorTab *tab, const QString &profileId, const QByteArray &text);
    bool refuseIfBusy(EditorTab *tab);
    /// The "still running" note goes once the job it names has ended (answered, failed or
    /// cancelled), unless another message has replaced it.
    void dropBusyNote();
    void onTabOpened(EditorTab *tab);
    void onTabClosing(EditorTab *tab);
    void onCurrentTab(EditorTab *tab);
    void onFinished(const QueryResult &r, const QString &server, QObject *owner);
    /// A tab's answer is large: its result pane asks (inline) whether to fetch it.
    void onSizeAnnounced(QueryRunner::Ticket ticket, qint64 bytes, QObject *owner);
    /// The "results/confirmAboveBytes" setting, from the Query menu.
    void askConfirmSize();
    /// Tab titles mark the tabs whose query runs.
    void updateBusyTabs();
    /// The status bar's summary of the result the current tab shows.
    void showResultSummary();
    /// Every tab's pins, in tab order (for the save and the journal).
    QList<PinStore::TabPins> pinSnapshot() const;
    void savePins() const;
    /// saveState's work; the pins written before it returns, or handed to PinStore's worker
    /// (at close: encoding up to 256 MB of pins must not freeze the window).
    enum class PinSave { Now, InBackground };
    void saveState(PinSave pins) const;
    /// Returns the number of pins restored.
    /// Reads the kept pins on a worker and gives them back to their tabs' panes; `done` gets how
    /// many came back. Until then savePins leaves the pin files alone.
    void restorePins(std::function<void(int restored)> done);
    void onJournalWritten(const QString &error, const QStringList &pinsNotKept);

    ConnectionManager *m_manager;
    ConnectionStore *m_store;
    HistoryStore *m_history;
    PasswordStore *m_passwords;
    ServerSessions *m_sessions;
    QueryRunner *m_runner;
    EditorArea *m_editors;
    MessageBar *m_message;
    QueryRunner::Ticket m_busyNoteJob = 0; ///< the job refuseIfBusy's note names, 0 if none
    QString m_busyNoteText;
    FindBar *m_find;
    QueryStatus *m_status;
    QStackedWidget *m_resultStack;
    ResultPane *m_noTabResults; ///< shown while no editor tab is open
    QHash<EditorTab *, ResultPane *> m_panes;
    QSet<QString> m_closedTabIds; ///< tabs closed in this window: their pins are not kept
    ConnectionsView *m_connections;
    ExplorerView *m_explorer;
    HistoryView *m_historyView;
    HandlesView *m_handles = nullptr;
    EstateView *m_estate = nullptr;
    FramesView *m_frames = nullptr;
    ActivityView *m_activity = nullptr;
    BackgroundIndicator *m_background = nullptr;
    QueryActivity *m_queryActivity = nullptr;
    QTabWidget *m_feeds = nullptr;
    QDockWidget *m_feedsDock = nullptr;
    QList<QDockWidget *> m_monitorDocks; ///< Feeds, Handles, Frames: tabbed together at the bottom
    QSplitter *m_split;
    QLabel *m_serverLabel;
    QLabel *m_resultLabel;
    QString m_statusErrorProfile; ///< whose connection error the status bar shows
    QString m_statusError;        ///< and its text
    QList<QAction *> m_shortcutActions;
    QToolBar *m_toolbar = nullptr;
    QAction *m_runButton = nullptr;
    QAction *m_runAllButton = nullptr;
    QAction *m_cancelButton = nullptr;
    QAction *m_runOnSelected = nullptr;
    QAction *m_asyncToggle = nullptr;
    QAction *m_chaserToggle = nullptr;
    AsyncSender *m_async = nullptr;
    QList<QDockWidget *> m_docks;
    bool m_pinsRestoring = false;
    SessionJournal *m_journal;
    QString m_journalProblem; ///< last journal/pin problem shown, so a tick does not repeat it
};

} // namespace qscope
