#include "mainwindow.h"

#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordprompt.h"
#include "connections/passwordstore.h"
#include "connections/queryactivity.h"
#include "connections/serversessions.h"
#include "connections/trustprompt.h"
#include "editor/asyncsender.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/findbar.h"
#include "editor/messagebar.h"
#include "editor/multirun.h"
#include "editor/qlexer.h"
#include "editor/queryrunner.h"
#include "editor/querystatus.h"
#include "editor/servernames.h"
#include "estate/estatepoller.h"
#include "estate/estateview.h"
#include "explorer/explorermodel.h"
#include "explorer/explorerview.h"
#include "history/historymodel.h"
#include "history/historystore.h"
#include "history/historyview.h"
#include "monitor/activityview.h"
#include "monitor/backgroundindicator.h"
#include "monitor/feedview.h"
#include "monitor/framesview.h"
#include "monitor/handlesview.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "results/resultview.h"
#include "theme/theme.h"
#include "tplog/tplogview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QPromise>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QThreadPool>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace qscope {

MainWindow::MainWindow(ConnectionManager *manager, ConnectionStore *store, HistoryStore *history,
                       QWidget *parent)
    : QMainWindow(parent), m_manager(manager), m_store(store), m_history(history)
{
    setWindowTitle(tr("qscope"));
    setWindowIcon(QIcon(QStringLiteral(":/qscope/icons/qscope.svg")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_passwords = new PasswordStore(QStringLiteral("qscope"), this);
    m_sessions = new ServerSessions(manager, store, m_passwords, this);
    m_runner = new QueryRunner(m_sessions, history, this);
    m_journal = new SessionJournal(SessionJournal::defaultDirectory(), this);

    // centre: message bar, editor tabs, find bar, running query; results under it
    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(0);
    m_message = new MessageBar(top);
    m_editors = new EditorArea(m_sessions, top);
    m_find = new FindBar(top);
    m_status = new QueryStatus(m_runner, top);
    topLayout->addWidget(m_message);
    topLayout->addWidget(m_editors, 1);
    topLayout->addWidget(m_find);
    topLayout->addWidget(m_status);
    // each editor tab has its own result pane; the stack shows the current tab's
    m_resultStack = new QStackedWidget(this);
    m_noTabResults = new ResultPane(manager, m_resultStack);
    m_resultStack->addWidget(m_noTabResults);
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(top);
    m_split->addWidget(m_resultStack);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    setCentralWidget(m_split);
    const int em = fontMetrics().height();
    m_split->setSizes({em * 22, em * 16}); // font-relative, so HiDPI keeps the proportions

    m_connections = new ConnectionsView(m_sessions, this);
    m_explorer = new ExplorerView(m_sessions, this);
    m_historyView = new HistoryView(history, this);
    addDock(tr("Connections"), QStringLiteral("connectionsDock"), m_connections,
            Qt::LeftDockWidgetArea);
    addDock(tr("Explorer"), QStringLiteral("explorerDock"), m_explorer, Qt::LeftDockWidgetArea);
    QDockWidget *historyDock = addDock(tr("History"), QStringLiteral("historyDock"), m_historyView,
                                       Qt::RightDockWidgetArea);
    historyDock->hide();

    m_serverLabel = new QLabel(this);
    m_serverLabel->setTextFormat(Qt::RichText);
    m_resultLabel = new QLabel(this);
    statusBar()->addWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_resultLabel);
    // what the monitor runs besides the query tabs; a click shows it all in Activity
    m_background = new BackgroundIndicator(manager->registry(), this);
    statusBar()->addPermanentWidget(m_background);
    connect(m_background, &QToolButton::clicked, this, &MainWindow::showActivity);
    m_queryActivity = new QueryActivity(m_runner, m_sessions, this);

    // wiring
    connect(m_sessions, &ServerSessions::passwordNeeded, this,
            [this](const QString &id, const QString &reason) {
                PasswordPrompt::ask(this, m_sessions, id, reason);
            });
    connect(m_sessions, &ServerSessions::passwordNote, this,
            [this](const QString &, const QString &note) {
                m_message->showMessage(MessageBar::Warning, note);
            });
    connect(m_sessions, &ServerSessions::stateChanged, this,
            [this](const QString &id, ConnectionState s, const QString &detail) {
                updateServerStatus();
                if (m_handles && s == ConnectionState::Open && id == currentProfile())
                    m_handles->setSource(m_sessions->handleSource(id)); // now it can log in
                const ConnectionProfile *p = m_store->profile(id);
                if (p && s == ConnectionState::Failed) {
                    // a refused certificate: show it, and offer to trust it on this connection
                    if (const auto cert = refusedCertificateIn(detail))
                        TrustPrompt::ask(this, m_sessions, id, *cert, detail);
                    m_statusError = tr("%1: %2").arg(p->name, detail);
                    m_statusErrorProfile = id;
                    statusBar()->showMessage(m_statusError, 15000);
                } else if (id == m_statusErrorProfile &&
                           (s == ConnectionState::Open || s == ConnectionState::Closed)) {
                    clearStatusError(); // it worked (or was closed) since: the error is stale
                }
            });
    connect(m_store, &ConnectionStore::changed, this, [this] {
        updateServerStatus(); // a renamed or re-tagged server
        if (!m_feeds) return;
        for (int i = 0; i < m_feeds->count(); ++i) // feed tabs are titled by their server
            if (const ConnectionProfile *p =
                    m_store->profile(m_feeds->tabBar()->tabData(i).toString()))
                m_feeds->setTabText(i, p->name);
    });
    connect(m_store, &ConnectionStore::saveFailed, this,
            [this](const QString &e) { m_message->showMessage(MessageBar::Error, e); });
    connect(m_editors, &EditorArea::currentProfileChanged, this, &MainWindow::onCurrentProfile);
    connect(m_editors, &EditorArea::currentTabChanged, this, &MainWindow::onCurrentTab);
    connect(m_editors, &EditorArea::tabOpened, this, &MainWindow::onTabOpened);
    auto *names = new ServerNames(m_sessions, this); // completion: each server's own names
    connect(m_editors, &EditorArea::tabOpened, this, [names](EditorTab *t) { t->setNames(names); });
    connect(m_editors, &EditorArea::tabClosing, this, &MainWindow::onTabClosing);
    connect(m_runner, &QueryRunner::jobsChanged, this, &MainWindow::updateBusyTabs);
    connect(m_runner, &QueryRunner::jobsChanged, this, &MainWindow::dropBusyNote);
    connect(m_editors, &EditorArea::sessionChanged, m_journal, &SessionJournal::markTabsChanged);
    connect(m_journal, &SessionJournal::written, this, &MainWindow::onJournalWritten);
    connect(m_editors, &EditorArea::message, this, [this](int level, const QString &text) {
        m_message->showMessage(MessageBar::Level(level), text);
    });
    connect(m_connections, &ConnectionsView::message, this, [this](int level, const QString &text) {
        m_message->showMessage(MessageBar::Level(level), text);
    });
    connect(m_explorer, &ExplorerView::message, this, [this](int level, const QString &text) {
        m_message->showMessage(MessageBar::Level(level), text);
    });
    connect(m_connections, &ConnectionsView::openQueryTab, this, [this](const QString &id) {
        EditorTab *t = m_editors->current();
        if (t && t->profileId().isEmpty() && t->text().isEmpty())
            t->setProfileId(id);
        else if (!t || t->profileId() != id)
            m_editors->newTab(id);
        m_sessions->connectProfile(id);
    });
    // the explorer's queries show in the current tab, which must be free, as for the editor's
    connect(m_explorer, &ExplorerView::runQuery, this,
            [this](const QString &profile, const QByteArray &q) {
                EditorTab *t = m_editors->current();
                runFor(t ? t : m_editors->newTab(profile), profile, q);
            });
    connect(m_explorer, &ExplorerView::runCall, this,
            [this](const QString &profile, const Value &msg, const QByteArray &description) {
                EditorTab *t = m_editors->current();
                if (!t) t = m_editors->newTab(profile);
                if (!refuseIfBusy(t)) m_runner->call(profile, msg, description, t);
            });
    connect(m_historyView, &HistoryView::queryActivated, this,
            [this](const QString &query, const QString &profile) {
                EditorTab *t = m_editors->current();
                if (!t) t = m_editors->newTab(profile);
                t->insertStatement(query);
                t->setFocus();
            });
    connect(m_runner, &QueryRunner::sizeAnnounced, this, &MainWindow::onSizeAnnounced);
    connect(m_manager->registry(), &HandleRegistry::rowChanged, this, [this](int row) {
        // the capability the server granted arrives with the login
        if (m_manager->registry()->at(row).id == m_sessions->connectionOf(currentProfile()))
            updateServerStatus();
    });
    connect(m_runner, &QueryRunner::finished, this,
            [this](QueryRunner::Ticket, const QueryResult &r, const QString &server,
                   QObject *owner) { onFinished(r, server, owner); });

    m_async = new AsyncSender(m_sessions, this);
    connect(m_async, &AsyncSender::outcome, this, [this](int level, const QString &text) {
        m_message->showMessage(MessageBar::Level(level), text);
    });

    buildMenus();
    buildToolBar();
    EditorTab::reserveKeys(m_shortcutActions);
    updateServerStatus();
    new TpLogDropFilter(this, [this](const QString &path) { openTickerplantLog(path); });
}

void MainWindow::openTickerplantLog(const QString &path)
{
    auto *view = new TpLogView(m_manager, this);
    QDockWidget *dock =
        addMonitorDock(QFileInfo(path).fileName(), QStringLiteral("tplogDock:") + path, view);
    // closing a log's dock ends its view: an index scan still running stops, the file is unmapped
    dock->setAttribute(Qt::WA_DeleteOnClose);
    connect(dock, &QObject::destroyed, this, [this, dock] {
        m_docks.removeAll(dock);
        m_monitorDocks.removeAll(dock);
    });
    dock->show();
    dock->raise();
    view->open(path);
}

MainWindow::~MainWindow()
{
    // the docks go with the QWidget base, after these members: a log dock's destroyed handler
    // (openTickerplantLog) must not run then
    for (QDockWidget *d : std::as_const(m_docks))
        disconnect(d, &QObject::destroyed, this, nullptr);
}

QDockWidget *MainWindow::addDock(const QString &title, const QString &objectName, QWidget *widget,
                                 Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // QMainWindow::saveState keys docks by object name
    dock->setWidget(widget);
    addDockWidget(area, dock);
    m_docks << dock;
    return dock;
}

void MainWindow::buildMenus()
{
    const auto act = [this](QMenu *menu, const QString &text, const QList<QKeySequence> &keys,
                            auto &&slot) {
        QAction *a = menu->addAction(text);
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        if (!keys.isEmpty()) m_shortcutActions << a;
        return a;
    };
    QMenu *file = menuBar()->addMenu(tr("&File"));
    act(file, tr("New query tab"), {QKeySequence(Qt::CTRL | Qt::Key_N)},
        [this] { m_editors->newTab(currentProfile()); });
    act(file, tr("Open .q file…"), {QKeySequence::Open}, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open q script"), QString(),
                                                          tr("q scripts (*.q *.k);;All files (*)"));
        if (!path.isEmpty()) m_editors->openFile(path, currentProfile());
    });
    act(file, tr("Save"), {QKeySequence::Save}, [this] { m_editors->save(m_editors->current()); });
    act(file, tr("Save as…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)},
        [this] { m_editors->saveAs(m_editors->current()); });
    act(file, tr("Close tab"), {QKeySequence(Qt::CTRL | Qt::Key_W)},
        [this] { m_editors->closeTab(m_editors->tabWidget()->currentIndex()); });
    file->addSeparator();
    act(file, tr("Load a local .q file into the server…"),
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)}, [this] {
            const QString path = QFileDialog::getOpenFileName(
                this, tr("Load into server"), QString(), tr("q scripts (*.q *.k);;All files (*)"));
            if (!path.isEmpty()) loadFileIntoServer(path);
        });
    act(file, tr("Open tickerplant log…"), {}, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open tickerplant log"));
        if (!path.isEmpty()) openTickerplantLog(path);
    });
    file->addSeparator();
    file->addAction(m_connections->importAction());
    file->addAction(m_connections->exportAction());
    file->addSeparator();
    act(file, tr("Quit"), {QKeySequence(Qt::CTRL | Qt::Key_Q)}, [this] { close(); });

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    act(edit, tr("Find…"), {QKeySequence::Find}, [this] { m_find->showFind(false); });
    act(edit, tr("Replace…"), {QKeySequence(Qt::CTRL | Qt::Key_H)},
        [this] { m_find->showFind(true); });
    // F3 alone: the platform's FindNext list holds Ctrl+G on GNOME, which is "go to line" here
    act(edit, tr("Find next"), {QKeySequence(Qt::Key_F3)}, [this] { m_find->findNext(); });
    act(edit, tr("Go to line…"), {QKeySequence(Qt::CTRL | Qt::Key_G)},
        [this] { m_find->showGoToLine(); });
    act(edit, tr("Comment/uncomment lines"), {QKeySequence(Qt::CTRL | Qt::Key_Slash)}, [this] {
        if (EditorTab *t = m_editors->current()) t->toggleComment();
    });
    act(edit, tr("Complete name"), {QKeySequence(Qt::CTRL | Qt::Key_Space)}, [this] {
        if (EditorTab *t = m_editors->current()) t->autoCompleteFromAll();
    });

    QMenu *query = menuBar()->addMenu(tr("&Query"));
    // A menu shows an action's first key only: the text names Ctrl+E (Studio for kdb+'s key)
    // too, after the tab that QMenu reads as the shortcut column.
    const QKeySequence runKey(Qt::CTRL | Qt::Key_Return), studioKey(Qt::CTRL | Qt::Key_E);
    act(query,
        tr("Run line or selection") + QLatin1Char('\t') +
            runKey.toString(QKeySequence::NativeText) + QStringLiteral(", ") +
            studioKey.toString(QKeySequence::NativeText),
        {runKey, QKeySequence(Qt::CTRL | Qt::Key_Enter), studioKey}, [this] { runCurrent(); });
    act(query, tr("Run whole buffer"),
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Enter)},
        [this] { runAll(); });
    act(query, tr("Run on the servers selected in Connections"),
        {QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Return)}, [this] { runOnSelected(); });
    QAction *cancel = act(query, tr("Cancel this tab's query"),
                          {QKeySequence(Qt::CTRL | Qt::Key_Period)}, [this] { cancelQuery(); });
    cancel->setToolTip(QueryRunner::cancelExplanation());
    query->addSeparator();
    act(query, tr("Connect this tab's server"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)},
        [this] { m_sessions->connectProfile(currentProfile()); });
    act(query, tr("Disconnect this tab's server"), {},
        [this] { m_sessions->disconnectProfile(currentProfile()); });
    act(query, tr("Add connection…"), {}, [this] { m_connections->addConnection(); });
    act(query, tr("Ask before fetching large answers…"), {}, [this] { askConfirmSize(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    auto *themes = new QActionGroup(this);
    for (Theme::Kind k : {Theme::Light, Theme::Dark}) {
        QAction *a = view->addAction(k == Theme::Light ? tr("Light theme") : tr("Dark theme"));
        a->setCheckable(true);
        a->setChecked(Theme::current() == k);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [this, k] {
            Theme::apply(k);
            QSettings().setValue(QStringLiteral("theme"), Theme::name(k));
            applyTheme();
        });
    }
    view->addSeparator();
    for (QDockWidget *d : m_docks)
        view->addAction(d->toggleViewAction());

    view->addSeparator();
    act(view, tr("Next pane (editor, results, connections, server)"), {QKeySequence(Qt::Key_F6)},
        [this] { cyclePane(1); });
    act(view, tr("Previous pane"), {QKeySequence(Qt::SHIFT | Qt::Key_F6)},
        [this] { cyclePane(-1); });

    QMenu *monitor = menuBar()->addMenu(tr("&Monitor"));
    act(monitor, tr("New feed view"), {}, [this] { newFeedView(); });
    act(monitor, tr("Handles"), {}, [this] { showHandles(); });
    act(monitor, tr("Activity"), {}, [this] { showActivity(); });
    act(monitor, tr("Estate"), {}, [this] { showEstate(); });
    act(monitor, tr("Frames"), {}, [this] {
        if (!m_frames) {
            m_frames = new FramesView(m_manager, this);
            addMonitorDock(tr("Frames"), QStringLiteral("framesDock"), m_frames);
            m_frames->setConnection(m_sessions->connectionOf(currentProfile()));
        }
        m_frames->parentWidget()->show();
        m_frames->parentWidget()->raise();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    act(help, tr("Keyboard shortcuts and help"), {QKeySequence::HelpContents},
        [this] { showHelp(); });
}

void MainWindow::buildToolBar()
{
    // Buttons of their own rather than the menu's actions: a disabled action loses its shortcut,
    // and Ctrl+Return on a busy tab should still say why it does not run.
    m_toolbar = addToolBar(tr("Query"));
    m_toolbar->setObjectName(QStringLiteral("queryToolBar")); // saveState keys it by name
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    const auto button = [this](QStyle::StandardPixmap icon, const QString &text, const QString &tip,
                               auto &&slot) {
        QAction *a = m_toolbar->addAction(style()->standardIcon(icon), text);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_runButton = button(QStyle::SP_MediaPlay, tr("Run"),
                         tr("Run the statement under the cursor, or the selection (Ctrl+Return, "
                            "Ctrl+E)"),
                         [this] { runCurrent(); });
    m_runAllButton = button(QStyle::SP_MediaSeekForward, tr("Run all"),
                            tr("Run the whole buffer (Ctrl+Shift+Return)"), [this] { runAll(); });
    m_cancelButton =
        button(QStyle::SP_MediaStop, tr("Cancel"),
               tr("Cancel this tab's query (Ctrl+.)\n") + QueryRunner::cancelExplanation(),
               [this] { cancelQuery(); });
    m_runOnSelected = button(QStyle::SP_DriveNetIcon, tr("Run on selected"),
                             tr("Run the statement on every server selected in Connections, in "
                                "parallel; each answer gets a tab of its own (Ctrl+Alt+Return)"),
                             [this] { runOnSelected(); });
    m_toolbar->addSeparator();
    m_toolbar->addWidget(new QLabel(tr(" Server: "), m_toolbar));
    QComboBox *server = m_editors->serverCombo();
    m_toolbar->addWidget(server);
    server->show();
    m_toolbar->addSeparator();
    m_asyncToggle = m_toolbar->addAction(tr("Async"));
    m_asyncToggle->setCheckable(true);
    m_asyncToggle->setToolTip(
        tr("Send statements asynchronously (neg h): the server runs them and answers nothing, "
           "so no result comes back"));
    m_chaserToggle = m_toolbar->addAction(tr("Chaser"));
    m_chaserToggle->setCheckable(true);
    m_chaserToggle->setChecked(true);
    m_chaserToggle->setToolTip(
        tr("After an async statement, a sync chaser (\"\") waits until the server has run it; "
           "an error the statement raised is sent back and shown"));
    m_chaserToggle->setEnabled(false);
    connect(m_asyncToggle, &QAction::toggled, m_chaserToggle, &QAction::setEnabled);
    connect(m_asyncToggle, &QAction::toggled, this, &MainWindow::updateRunButtons);

    connect(m_runner, &QueryRunner::jobsChanged, this, &MainWindow::updateRunButtons);
    connect(m_editors, &EditorArea::currentTabChanged, this, &MainWindow::updateRunButtons);
    connect(m_editors, &EditorArea::currentProfileChanged, this, &MainWindow::updateRunButtons);
    updateRunButtons();
}

void MainWindow::updateRunButtons()
{
    EditorTab *t = m_editors->current();
    const bool busy = t && m_runner->activeFor(t) != 0;
    const bool bound = t && !t->profileId().isEmpty();
    // async sends do not occupy the tab: nothing comes back to wait for
    m_runButton->setEnabled(bound && (!busy || m_asyncToggle->isChecked()));
    m_runAllButton->setEnabled(m_runButton->isEnabled());
    m_cancelButton->setEnabled(busy);
}

QList<QWidget *> MainWindow::focusPanes() const
{
    QWidget *editor = m_editors->current();
    return {editor ? editor : static_cast<QWidget *>(m_editors), results(), m_connections->tree(),
            m_editors->serverCombo()};
}

void MainWindow::cyclePane(int step)
{
    const QList<QWidget *> panes = focusPanes();
    QWidget *focus = QApplication::focusWidget();
    int at = -1;
    for (int i = 0; i < panes.size() && at < 0; ++i)
        if (focus && (focus == panes[i] || panes[i]->isAncestorOf(focus))) at = i;
    // from outside the four (a dock's other widget, the menu): the editor, or the last pane
    for (int n = 1; n <= panes.size(); ++n) {
        const int i = int((at < 0 ? (step > 0 ? -1 : 0) : at) + step * n + panes.size() * 2) %
                      int(panes.size());
        QWidget *pane = panes[i];
        if (!pane->isVisible()) continue; // a closed dock is skipped
        // a container takes focus in its first focusable view (the result grid)
        QWidget *target = pane;
        if (pane->focusPolicy() == Qt::NoFocus)
            for (QWidget *w : pane->findChildren<QWidget *>())
                if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus)) {
                    target = w;
                    break;
                }
        target->setFocus(step > 0 ? Qt::TabFocusReason : Qt::BacktabFocusReason);
        return;
    }
}

void MainWindow::showHandles()
{
    if (!m_handles) {
        m_handles = new HandlesView(m_manager, this);
        addMonitorDock(tr("Handles"), QStringLiteral("handlesDock"), m_handles);
        m_handles->setSource(m_sessions->handleSource(currentProfile()));
    }
    m_handles->parentWidget()->show();
    m_handles->parentWidget()->raise();
}

EstateView *MainWindow::showEstate(const QStringList &addresses)
{
    if (!m_estate) {
        m_estate = new EstateView(m_manager, m_store, this);
        addMonitorDock(tr("Estate"), QStringLiteral("estateDock"), m_estate);
        connect(m_estate, &EstateView::openRequested, this, &MainWindow::openEstateNode);
        // A process with a saved connection is polled with its login (and keychain password).
        m_estate->poller()->setSourceResolver([this](const QString &key) {
            const QString id = EstateView::findProfile(m_store, key);
            return id.isEmpty() ? HandleSource() : m_sessions->handleSource(id);
        });
    }
    m_estate->addProcesses(addresses);
    m_estate->parentWidget()->show();
    m_estate->parentWidget()->raise();
    return m_estate;
}

void MainWindow::openEstateNode(const QString &key, const QString &what)
{
    const QString id = EstateView::profileFor(m_store, key);
    if (id.isEmpty()) return;
    if (what == QLatin1String("handles")) {
        showHandles();
        m_handles->setSource(m_sessions->handleSource(id));
        return;
    }
    m_editors->newTab(id); // its server becomes the current one
    m_sessions->connectProfile(id);
    if (what != QLatin1String("feed")) return;
    if (m_sessions->isOpen(id)) {
        newFeedView();
        return;
    }
    // The feed view needs the connection open: once it is, once.
    auto *once = new QObject(this);
    connect(m_sessions, &ServerSessions::stateChanged, once,
            [this, once, id](const QString &p, ConnectionState st, const QString &) {
                if (p != id || st == ConnectionState::Connecting) return;
                if (st == ConnectionState::Open && currentProfile() == id) newFeedView();
                once->deleteLater();
            });
}

void MainWindow::showActivity()
{
    if (!m_activity) {
        m_activity = new ActivityView(m_manager, this);
        // Beside the monitor's tabbed docks, not among them: it watches them work.
        QDockWidget *dock = addDock(tr("Activity"), QStringLiteral("activityDock"), m_activity,
                                    Qt::BottomDockWidgetArea);
        if (!m_monitorDocks.isEmpty()) // half the width: its rows are long
            resizeDocks({m_monitorDocks.last(), dock}, {width() / 2, width() / 2}, Qt::Horizontal);
    }
    m_activity->parentWidget()->show();
    m_activity->parentWidget()->raise();
}

QDockWidget *MainWindow::addMonitorDock(const QString &title, const QString &objectName,
                                        QWidget *widget)
{
    // Feeds, Handles and Frames share the bottom area as tabs: side by side, three wide views would
    // need a window wider than most screens.
    QDockWidget *peer = nullptr;
    for (QDockWidget *d : std::as_const(m_monitorDocks))
        if (!d->isFloating() && dockWidgetArea(d) == Qt::BottomDockWidgetArea) peer = d;
    QDockWidget *dock = addDock(title, objectName, widget, Qt::BottomDockWidgetArea);
    if (peer) tabifyDockWidget(peer, dock);
    m_monitorDocks << dock;
    return dock;
}

ResultPane *MainWindow::results() const
{
    ResultPane *p = m_panes.value(m_editors->current());
    return p ? p : m_noTabResults;
}

void MainWindow::onTabOpened(EditorTab *tab)
{
    auto *pane = new ResultPane(m_manager, m_resultStack);
    m_resultStack->addWidget(pane);
    for (auto signal : {&ResultPane::shownRunChanged, &ResultPane::selectionStatsChanged})
        connect(pane, signal, this, [this, pane] {
            if (pane == results()) showResultSummary();
        });
    connect(pane, &ResultPane::pinsChanged, m_journal, &SessionJournal::markPinsChanged);
    m_panes.insert(tab, pane);
}

void MainWindow::onTabClosing(EditorTab *tab)
{
    // the tab's queries end with it: one not yet written is withdrawn, one on the wire is
    // cancelled (the connection is dropped), so the server gets nothing more for this tab
    if (m_runner->activeFor(tab))
        m_message->showMessage(MessageBar::Info,
                               tr("The closed tab's query was cancelled: %1")
                                   .arg(m_runner->job(m_runner->activeFor(tab))->what));
    m_runner->cancelOwnedBy(tab);
    for (const MultiRun *run : tab->findChildren<MultiRun *>()) // its runs on several servers
        m_runner->cancelOwnedBy(run);
    if (ResultPane *pane = m_panes.take(tab)) {
        if (pane->pinnedCount() > 0) m_journal->markPinsChanged(); // its pins go with it
        pane->deleteLater();
    }
    m_closedTabIds.insert(tab->tabId());
}

void MainWindow::onCurrentTab(EditorTab *tab)
{
    m_find->setEditor(tab);
    // the result pane and the running strip are the tab's own; a switch never touches a job
    m_resultStack->setCurrentWidget(results());
    m_status->setOwner(tab);
    showResultSummary();
}

void MainWindow::onFinished(const QueryResult &r, const QString &server, QObject *owner)
{
    const ConnectionProfile *failed = m_store->profile(m_statusErrorProfile);
    if (r.ok() && failed && failed->name == server) clearStatusError();
    // a result lands in the tab that asked, whether or not it is shown; a closed tab's is gone
    auto *tab = qobject_cast<EditorTab *>(owner);
    ResultPane *pane = m_panes.value(tab);
    if (!pane) return;
    pane->setResult(r, server);
    if (tab == m_editors->current()) showResultSummary();
}

void MainWindow::onSizeAnnounced(QueryRunner::Ticket ticket, qint64 bytes, QObject *owner)
{
    auto *tab = qobject_cast<EditorTab *>(owner);
    ResultPane *pane = m_panes.value(tab);
    if (!pane) {
        // asked by no tab (or one gone): nobody to ask, and the hard limit still bounds it
        m_runner->acceptLarge(ticket);
        return;
    }
    const auto job = m_runner->job(ticket);
    pane->askFetch(bytes, job ? job->what : QString(), [this, ticket](bool fetch) {
        if (fetch)
            m_runner->acceptLarge(ticket);
        else
            m_runner->cancel(ticket); // the engine resets the socket without reading it
    });
    if (tab != m_editors->current())
        m_message->showMessage(MessageBar::Info,
                               tr("The answer in %1 is %2: its result pane asks whether to "
                                  "fetch it.")
                                   .arg(tab->displayName(), formatByteSize(bytes)));
}

void MainWindow::askConfirmSize()
{
    // a setting, not a confirmation: the dialog is window-modal and nothing waits on it
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Large answers"));
    dialog->setLabelText(tr("Ask before fetching an answer of at least (MB, 0 = never ask).\n"
                            "Each connection's \"Largest result\" is the hard limit."));
    dialog->setInputMode(QInputDialog::IntInput);
    dialog->setIntRange(0, 1 << 20);
    dialog->setIntValue(int(ServerSessions::confirmAboveBytes() >> 20));
    connect(dialog, &QInputDialog::intValueSelected, this, [this](int mb) {
        ServerSessions::setConfirmAboveBytes(qint64(mb) << 20);
        m_message->showMessage(MessageBar::Info,
                               mb == 0 ? tr("Large answers are fetched without asking (from "
                                            "connections opened now on).")
                                       : tr("Answers from %1 up are asked about (from "
                                            "connections opened now on).")
                                             .arg(formatByteSize(qint64(mb) << 20)));
        updateServerStatus();
    });
    dialog->open();
}

void MainWindow::showResultSummary()
{
    // the status bar sums up what the current tab's pane shows
    const ResultView *view = results()->currentView();
    const QueryResult &r = view->result();
    const QString &server = view->serverName();
    if (!view->hasResult())
        m_resultLabel->clear();
    else if (r.ok())
        m_resultLabel->setText(tr("%1 · %2 · %3")
                                   .arg(server, HistoryModel::formatDuration(r.elapsedNs),
                                        HistoryModel::formatBytes(r.bytesIn)));
    else
        m_resultLabel->setText(tr("%1 · error").arg(server));
    // selected cells: count, sum, avg, min, max
    const QString stats = results()->selectionStats();
    if (!stats.isEmpty())
        m_resultLabel->setText(stats % QStringLiteral("   ") % m_resultLabel->text());
}

void MainWindow::updateBusyTabs()
{
    bool changed = false;
    for (int i = 0; i < m_editors->count(); ++i) {
        EditorTab *t = m_editors->tab(i);
        const bool busy = m_runner->activeFor(t) != 0;
        if (t->isBusy() == busy) continue;
        t->setBusy(busy);
        changed = true;
    }
    if (changed) m_editors->refreshTitles();
}

bool MainWindow::refuseIfBusy(EditorTab *tab)
{
    const QueryRunner::Ticket running = m_runner->activeFor(tab);
    if (!running) return false;
    const auto job = m_runner->job(running);
    QString what = job->what.simplified();
    if (what.size() > 60) what = what.left(59) + QStringLiteral("\u2026");
    m_busyNoteText =
        tr("Not run: this tab is still running \u201c%1\u201d (%2). Wait for it, cancel it "
           "(Ctrl+.), or run this in another tab.")
            .arg(what, HistoryModel::formatDuration(job->elapsedMs * 1000000));
    m_busyNoteJob = running;
    m_message->showMessage(MessageBar::Warning, m_busyNoteText);
    return true;
}

void MainWindow::dropBusyNote()
{
    if (!m_busyNoteJob || m_runner->job(m_busyNoteJob)) return;
    // the job is over: the note is no longer true (another message since stays)
    if (m_message->text() == m_busyNoteText) m_message->hide();
    m_busyNoteJob = 0;
    m_busyNoteText.clear();
}

quint64 MainWindow::runFor(EditorTab *tab, const QString &profileId, const QByteArray &text)
{
    if (refuseIfBusy(tab)) return 0;
    return m_runner->run(profileId, text, tab);
}

QList<PinStore::TabPins> MainWindow::pinSnapshot() const
{
    // while the kept pins are still being read, list no tab: a save then leaves every pin file
    // as it is rather than writing none
    if (m_pinsRestoring) return {};
    // every tab of this window, pins or not, and the tabs closed since it opened (their pins
    // go); another qscope's tabs are not listed, so their pins stay
    QList<PinStore::TabPins> tabs;
    for (int i = 0; i < m_editors->count(); ++i) {
        EditorTab *t = m_editors->tab(i);
        PinStore::TabPins tab{t->tabId(), {}};
        if (const ResultPane *pane = m_panes.value(t))
            for (const auto &[result, server] : pane->pinnedResults())
                tab.pins.append({result, server});
        tabs << tab;
    }
    for (const QString &id : m_closedTabIds)
        tabs.append({id, {}});
    return tabs;
}

void MainWindow::savePins() const
{
    for (const QString &line : PinStore::saveAll(pinSnapshot()))
        qWarning("qscope: pinned result not kept: %s", qUtf8Printable(line));
}

void MainWindow::restorePins(std::function<void(int restored)> done)
{
    // Reading and decoding the kept pins (up to PinStore::kMaxTotalBytes) is a worker's job;
    // the panes get them back here, on the GUI thread. Until then savePins leaves them alone.
    struct TabPins
    {
        QString tabId;
        QList<PinStore::Pin> pins;
        QString error;
    };
    QStringList ids;
    for (int i = 0; i < m_editors->count(); ++i)
        ids << m_editors->tab(i)->tabId();
    if (ids.isEmpty()) {
        done(0);
        return;
    }
    m_pinsRestoring = true;
    auto promise = std::make_shared<QPromise<QList<TabPins>>>();
    auto *watcher = new QFutureWatcher<QList<TabPins>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done] {
        watcher->deleteLater();
        m_pinsRestoring = false;
        int restored = 0;
        if (watcher->future().resultCount() == 0) {
            done(0);
            return;
        }
        QStringList problems;
        for (const TabPins &loaded : watcher->future().result()) {
            if (!loaded.error.isEmpty()) problems << loaded.error;
            for (int i = 0; i < m_editors->count(); ++i) {
                EditorTab *t = m_editors->tab(i);
                ResultPane *pane = m_panes.value(t);
                if (t->tabId() != loaded.tabId || !pane) continue; // a tab closed meanwhile
                for (const PinStore::Pin &p : loaded.pins) {
                    pane->addPinned(p.result, p.server);
                    ++restored;
                }
            }
        }
        if (!problems.isEmpty())
            m_message->showMessage(MessageBar::Warning, problems.join(QStringLiteral("; ")));
        done(restored);
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, ids] {
        QList<TabPins> all;
        for (const QString &id : ids) {
            TabPins loaded{id, {}, {}};
            loaded.pins = PinStore::load(id, &loaded.error);
            all << loaded;
        }
        promise->addResult(all);
        promise->finish();
    });
}

void MainWindow::onJournalWritten(const QString &error, const QStringList &pinsNotKept)
{
    QString problem;
    if (!error.isEmpty())
        problem = tr("Unsaved work could not be written to %1: %2. It is safe only until "
                     "qscope closes normally.")
                      .arg(m_journal->filePath(), error);
    else if (!pinsNotKept.isEmpty())
        problem = tr("Pinned results not kept across restarts: %1")
                      .arg(pinsNotKept.join(QStringLiteral("; ")));
    // a problem is said once, not at every tick that meets it again
    if (!problem.isEmpty() && problem != m_journalProblem)
        m_message->showMessage(MessageBar::Warning, problem);
    m_journalProblem = problem;
}

QString MainWindow::currentProfile() const
{
    if (EditorTab *t = m_editors->current(); t && !t->profileId().isEmpty()) return t->profileId();
    return m_connections->currentProfile();
}

void MainWindow::onCurrentProfile(const QString &profileId)
{
    updateServerStatus();
    const ConnectionId conn = m_sessions->connectionOf(profileId);
    if (m_handles) m_handles->setSource(m_sessions->handleSource(profileId));
    if (m_frames) m_frames->setConnection(conn);
}

void MainWindow::clearStatusError()
{
    // only the connection error this window put up; a newer message stays
    if (statusBar()->currentMessage() == m_statusError) statusBar()->clearMessage();
    m_statusErrorProfile.clear();
    m_statusError.clear();
}

void MainWindow::updateServerStatus()
{
    const QString id = currentProfile();
    const ConnectionProfile *p = m_store->profile(id);
    if (!p) {
        m_serverLabel->setText(tr("No server chosen"));
        return;
    }
    const QString tag = Theme::tagLabel(p->tag);
    const QString state = connectionStateName(m_sessions->state(id));
    const QString detail = m_sessions->stateDetail(id);
    // what the server granted in the login (kdb+: the lower of both sides' capability)
    const HandleRegistry *reg = m_manager->registry();
    const int row = reg->rowOf(m_sessions->connectionOf(id));
    const int capability = m_sessions->isOpen(id) && row >= 0 ? reg->at(row).capability : -1;
    const QString granted =
        capability < 0 ? QString() : QStringLiteral(" · ") + tr("capability %1").arg(capability);
    m_serverLabel->setText((tag.isEmpty() ? QString() : tag + QStringLiteral(" · ")) +
                           p->name.toHtmlEscaped() + QStringLiteral(" (") +
                           p->addressText().toHtmlEscaped() + QStringLiteral(") · ") + state +
                           (detail.isEmpty() || m_sessions->isOpen(id)
                                ? QString()
                                : QStringLiteral(": ") + detail.toHtmlEscaped()) +
                           granted);
    QString tip = m_serverLabel->text();
    if (capability >= 0)
        tip += QStringLiteral("<br>") +
               (capability >= 6
                    ? tr("The server granted capability %1: messages over 2 GB are allowed.")
                    : tr("The server granted capability %1: it sends no message over 2 GB "
                         "(kdb+ answers 'limit instead)."))
                   .arg(capability);
    const qint64 confirm = ServerSessions::confirmAboveBytes();
    tip += QStringLiteral("<br>") +
           tr("Largest result: %1.").arg(formatByteSize(p->effectiveMaxResultBytes()));
    if (confirm > 0)
        tip += QStringLiteral(" ") +
               tr("Answers from %1 up are asked about first.").arg(formatByteSize(confirm));
    m_serverLabel->setToolTip(tip);
}

void MainWindow::runCurrent()
{
    EditorTab *t = m_editors->current();
    if (!t) return;
    t->closePopups();
    const QByteArray text = t->currentStatement();
    if (text.trimmed().isEmpty()) {
        m_message->showMessage(MessageBar::Info, tr("Nothing to run on this line."));
        return;
    }
    if (t->profileId().isEmpty()) {
        m_message->showMessage(MessageBar::Warning,
                               tr("This tab is not bound to a server: choose one in the Server box "
                                  "above the editor."));
        return;
    }
    runText(t, text);
}

void MainWindow::runAll()
{
    EditorTab *t = m_editors->current();
    if (!t) return;
    if (t->profileId().isEmpty()) {
        m_message->showMessage(MessageBar::Warning,
                               tr("This tab is not bound to a server: choose one in the Server box "
                                  "above the editor."));
        return;
    }
    const QByteArray text = t->wholeText();
    if (!text.trimmed().isEmpty()) runText(t, text);
}

void MainWindow::runOnSelected()
{
    EditorTab *t = m_editors->current();
    if (!t) return;
    t->closePopups();
    const QByteArray text = t->currentStatement();
    const QStringList servers = m_connections->selectedProfiles();
    if (text.trimmed().isEmpty()) {
        m_message->showMessage(MessageBar::Info, tr("Nothing to run on this line."));
        return;
    }
    if (servers.isEmpty()) {
        m_message->showMessage(MessageBar::Warning,
                               tr("Select the servers to run on in Connections first (Ctrl+click "
                                  "or Shift+click for several)."));
        return;
    }
    if (m_asyncToggle->isChecked()) {
        if (m_chaserToggle->isChecked()) { // each server's own chaser brings its error back
            for (const QString &id : servers)
                m_async->send(id, text, true);
            return;
        }
        // one message encoded once for every open connection (-25!); the rest as they open
        QList<ConnectionId> open;
        for (const QString &id : servers)
            if (m_sessions->isOpen(id))
                open << m_sessions->connectionOf(id);
            else
                m_async->send(id, text, false);
        m_manager->broadcast(open, Value::string(text));
        m_message->showMessage(
            MessageBar::Info,
            tr("Broadcast async to %1 open server(s)%2.")
                .arg(open.size())
                .arg(open.size() == servers.size()
                         ? QString()
                         : tr("; %1 more once they open").arg(servers.size() - open.size())));
        return;
    }
    ResultPane *pane = m_panes.value(t);
    auto *run = new MultiRun(m_runner, t); // goes with the tab; onTabClosing cancels its jobs
    connect(run, &MultiRun::result, pane,
            [pane](const QueryResult &r, const QString &server) { pane->addPinned(r, server); });
    connect(run, &MultiRun::done, this, [this, run, n = servers.size()](int ok, int failed) {
        m_message->showMessage(failed ? MessageBar::Warning : MessageBar::Info,
                               tr("Ran on %1 servers: %2 answered, %3 failed; each answer (or "
                                  "error) is pinned in a result tab of its own, its server named "
                                  "in the tab's summary line.")
                                   .arg(n)
                                   .arg(ok)
                                   .arg(failed));
        run->deleteLater();
    });
    run->run(servers, text);
}

void MainWindow::runText(EditorTab *tab, const QByteArray &text)
{
    if (m_asyncToggle->isChecked())
        m_async->send(tab->profileId(), text, m_chaserToggle->isChecked());
    else
        runFor(tab, tab->profileId(), text);
}

void MainWindow::cancelQuery()
{
    if (const QueryRunner::Ticket t = m_runner->activeFor(m_editors->current()))
        m_runner->cancel(t);
    else
        m_message->showMessage(MessageBar::Info, tr("Nothing is running in this tab."));
}

void MainWindow::loadFileIntoServer(const QString &path)
{
    const QString id = currentProfile();
    if (id.isEmpty()) {
        m_message->showMessage(MessageBar::Warning, tr("Choose a server for this tab first."));
        return;
    }
    // the result needs a tab to land in (a job without one is dropped), as for the explorer's
    EditorTab *t = m_editors->current();
    if (!t) t = m_editors->newTab(id);
    if (!refuseIfBusy(t)) m_runner->runFile(id, path, t);
}

void MainWindow::newFeedView()
{
    const QString id = currentProfile();
    if (!m_sessions->isOpen(id)) {
        m_message->showMessage(MessageBar::Warning,
                               tr("Connect to a tickerplant first: a feed view opens connections "
                                  "of its own to the current tab's server, with its login."));
        return;
    }
    if (!m_feeds) {
        m_feeds = new QTabWidget(this);
        m_feeds->setTabsClosable(true);
        m_feeds->setDocumentMode(true);
        connect(m_feeds, &QTabWidget::tabCloseRequested, this, [this](int i) {
            QWidget *w = m_feeds->widget(i);
            m_feeds->removeTab(i);
            w->deleteLater();
        });
        m_feedsDock = addMonitorDock(tr("Feeds"), QStringLiteral("feedsDock"), m_feeds);
    }
    auto *view = new FeedView(m_manager, m_sessions->handleSource(id), m_feeds);
    const ConnectionProfile *p = m_store->profile(id);
    const int index = m_feeds->addTab(view, p ? p->name : tr("feed"));
    m_feeds->tabBar()->setTabData(index, id);
    m_feeds->setCurrentIndex(index);
    m_feedsDock->show();
    m_feedsDock->raise();
}

QString MainWindow::shortcutsHtml() const
{
    QString rows;
    for (const QAction *a : m_shortcutActions) {
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText).toHtmlEscaped();
        QString text = a->text().section(QLatin1Char('\t'), 0, 0); // not the menu's key column
        text.remove(QLatin1Char('&'));
        rows += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td></tr>")
                    .arg(text.toHtmlEscaped(), keys.join(QStringLiteral(", ")));
    }
    return QStringLiteral("<table cellpadding=\"3\">") + rows + QStringLiteral("</table>");
}

void MainWindow::showHelp()
{
    QFile f(QStringLiteral(":/qscope/help/help.html"));
    QString html = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll())
                                               : QStringLiteral("<!--SHORTCUTS-->");
    html.replace(QStringLiteral("<!--SHORTCUTS-->"), shortcutsHtml());
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("qscope help"));
    auto *browser = new QTextBrowser(dialog);
    browser->setHtml(html);
    browser->setOpenExternalLinks(true);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(browser);
    const int em = fontMetrics().height();
    dialog->resize(em * 40, em * 36);
    dialog->show();
}

void MainWindow::applyTheme()
{
    if (const QString text = m_message->text(); !text.isEmpty())
        m_message->showMessage(m_message->level(), text); // re-tint for the new palette
    m_editors->applyTheme();
    updateServerStatus();
}

void MainWindow::restoreState(const QString &fallbackProfile)
{
    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
        // First run, or a reset layout: most of the screen, centred, rather than the smallest
        // size the docks and editor fit in.
        const QRect avail = screen()->availableGeometry();
        resize(avail.width() * 4 / 5, avail.height() * 4 / 5);
        move(avail.center() - QPoint(width() / 2, height() / 2));
    }
    QMainWindow::restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_split->restoreState(s.value(QStringLiteral("window/split")).toByteArray());
    // A journal is there only when the last run did not close: its tabs are newer than the
    // session saved before, so they are what comes back.
    QString journalError;
    const auto leftover = m_journal->leftover(&journalError);
    QStringList recovered;
    if (leftover) {
        recovered =
            m_editors->restoreTabs(leftover->tabs, leftover->current, fallbackProfile, true);
    } else {
        s.beginGroup(QStringLiteral("session"));
        m_editors->restoreSession(s, fallbackProfile);
        s.endGroup();
    }
    if (m_editors->count() == 0) m_editors->newTab(fallbackProfile);
    if (!journalError.isEmpty()) m_message->showMessage(MessageBar::Warning, journalError);
    // The note on what came back waits for the pins, which are read off the GUI thread.
    restorePins([this, crashed = leftover.has_value(), recovered](int pins) {
        if (!crashed) return;
        QStringList what;
        if (!recovered.isEmpty())
            what << (recovered.size() == 1 ? tr("1 tab with unsaved text (%1)")
                                           : tr("%1 tabs with unsaved text").arg(recovered.size()) +
                                                 QStringLiteral(" (%1)"))
                        .arg(recovered.join(QStringLiteral(", ")));
        if (pins > 0)
            what << (pins == 1 ? tr("1 pinned result") : tr("%1 pinned results").arg(pins));
        m_message->showMessage(
            MessageBar::Warning,
            what.isEmpty()
                ? tr("qscope did not close last time; its tabs were reopened.")
                : tr("qscope did not close last time. Recovered: %1.").arg(what.join(tr(" and "))));
    });
    m_journal->markTabsChanged(); // the journal now describes this run
    m_journal->start(
        [this](int *current) {
            *current = m_editors->tabWidget()->currentIndex();
            return m_editors->tabStates();
        },
        [this] { return pinSnapshot(); });
}

void MainWindow::saveState() const
{
    saveState(PinSave::Now);
}

void MainWindow::saveState(PinSave pins) const
{
    m_journal->settle(); // a journal write in flight finishes before the pins are saved here
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    s.setValue(QStringLiteral("window/split"), m_split->saveState());
    s.remove(QStringLiteral("session"));
    s.beginGroup(QStringLiteral("session"));
    m_editors->saveSession(s);
    s.endGroup();
    s.sync();
    if (pins == PinSave::Now)
        savePins();
    else
        // encoded and written on PinStore's worker; the process's exit waits for it after the
        // window is gone (PinStore::waitForSaves, run as QCoreApplication ends), which is the
        // one wait at shutdown we accept. Killed before that, the pins kept before stay.
        PinStore::saveAllInBackground(pinSnapshot());
    if (s.status() == QSettings::NoError) m_journal->discard(); // saved: nothing to recover
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // unsaved buffers are kept in the session, so closing never loses work: no question here
    m_journal->stop();
    saveState(PinSave::InBackground);
    m_sessions->disconnectAll();
    event->accept();
}

} // namespace qscope
