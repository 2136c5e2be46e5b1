#pragma once
// The real MainWindow for a UI test: test-mode settings with nothing left by an earlier run, a
// connection store, a history file in a temporary folder, and the FakeQServers (or a test's own
// struct around one) that the profiles point at. One per test class: prepare() and open() in
// initTestCase, close() in cleanupTestCase.

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/queryrunner.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "testshots.h"
#include "theme/theme.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

#include <functional>
#include <memory>
#include <vector>

// Q_INIT_RESOURCE declares the resource's init function in the namespace it is used in, so it is
// called from here, the global one.
inline void qscopeTestInitResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace qscope::test {

struct WindowFixture
{
    std::unique_ptr<ConnectionManager> manager;
    std::unique_ptr<ConnectionStore> store;
    std::unique_ptr<HistoryStore> history;
    std::unique_ptr<MainWindow> window;
    QTemporaryDir dir; ///< the history file; tests put their own files here too
    /// Every result the runner finished, by its query text (the last for a text run twice).
    QHash<QByteArray, QueryResult> results;

    /// Test-mode settings under the test's name, cleared of what an earlier (perhaps killed)
    /// run left: settings, saved connections, the recovery journal (its tabs would come back),
    /// pins. Then the engine, an empty connection store and a history. Returns the store's
    /// load error, empty when it loaded.
    QString prepare(const QString &testName)
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(testName);
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        QDir(SessionJournal::defaultDirectory()).removeRecursively();
        PinStore::clear();
        qscopeTestInitResources();
        Theme::apply(Theme::Light);
        manager = std::make_unique<ConnectionManager>();
        store = std::make_unique<ConnectionStore>();
        history = std::make_unique<HistoryStore>();
        history->load(dir.filePath(QStringLiteral("history.jsonl")));
        return store->load(ConnectionStore::defaultPath());
    }

    /// A server owned by the fixture (closed after the window), listening on 127.0.0.1: a
    /// FakeQServer, or a test's struct that holds one as `fake`. Null if it cannot listen.
    template<class S = FakeQServer, class... Args>
    S *addServer(Args &&...args)
    {
        auto server = std::make_shared<S>(std::forward<Args>(args)...);
        if (!fakeOf(*server).listenTcp()) return nullptr;
        m_servers.push_back(server);
        return server.get();
    }

    /// Saves a profile named `name` for `server`; `edit` sets anything else. Its id.
    QString addProfile(const QString &name, const FakeQServer &server,
                       const std::function<void(ConnectionProfile &)> &edit = {})
    {
        ConnectionProfile p;
        p.name = name;
        p.host = QStringLiteral("127.0.0.1");
        p.port = server.port();
        if (edit) edit(p);
        return store->add(p);
    }

    /// Makes the window, restores the session (falling back to `startProfile`), sizes it (after
    /// the restore, which sizes a first run to the screen; in pixels, or in line heights if
    /// `inEms`) and shows it. False if it never became exposed.
    bool open(const QString &startProfile, QSize size, bool inEms = false)
    {
        window = std::make_unique<MainWindow>(manager.get(), store.get(), history.get());
        window->passwords()->setKeychainEnabled(false); // as on CI: no secret service
        window->restoreState(startProfile);
        const int unit = inEms ? window->fontMetrics().height() : 1;
        window->resize(size * unit);
        window->show();
        QObject::connect(window->runner(), &QueryRunner::finished, window.get(),
                         [this](QueryRunner::Ticket, const QueryResult &r, const QString &,
                                QObject *) { results.insert(r.query, r); });
        return QTest::qWaitForWindowExposed(window.get());
    }

    /// Closes the window (its tabs' text is nobody's unsaved work) and its connections, then
    /// the engine and the servers.
    void close()
    {
        if (window) {
            for (int i = 0; i < window->editors()->count(); ++i)
                window->editors()->tab(i)->setModified(false);
            window->sessions()->disconnectAll();
        }
        window.reset();
        manager.reset();
        m_servers.clear();
    }

    EditorTab *tab() const { return window->editors()->current(); }

    /// A new tab on `profile` holding `text`, current and focused.
    EditorTab *openTab(const QString &profile, const QString &text = {})
    {
        EditorTab *t = window->editors()->newTab(profile, text);
        t->setFocus();
        return t;
    }

    /// Makes `tab` current, puts `text` in it (nobody's unsaved work: closing it does not ask)
    /// and runs it from the top as Ctrl+Return does.
    void runIn(EditorTab *tab, const QString &text)
    {
        window->editors()->tabWidget()->setCurrentWidget(tab);
        tab->setText(text);
        tab->setModified(false);
        tab->setCursorPosition(0, 0);
        window->runCurrent();
    }

    /// Puts `text` in the current tab and runs it.
    void run(const QString &text) { runIn(tab(), text); }

    /// Activates the window and waits until it is: window shortcuts (Ctrl+Return) fire only
    /// then, which on a loaded machine can trail the show by a while.
    bool activate()
    {
        window->activateWindow();
        return QTest::qWaitForWindowActive(window.get());
    }

    /// Types as a person does, into `tab`: "\n" is the Return key (the editor indents).
    static void type(EditorTab *tab, const QString &text)
    {
        const QStringList lines = text.split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            if (i > 0) QTest::keyClick(tab, Qt::Key_Return);
            QTest::keyClicks(tab, lines[i]);
        }
    }

    /// Presses Ctrl+Return in `tab` once the window is active; false if it never became so.
    bool pressRun(EditorTab *tab)
    {
        if (!activate()) return false;
        QTest::keyClick(tab, Qt::Key_Return, Qt::ControlModifier);
        return true;
    }

    /// Saves the whole window as the screenshot `name` (see testshots.h for where).
    bool shot(const QString &name)
    {
        QCoreApplication::processEvents(); // paint what the last step changed
        return saveShot(window->grab().toImage(), name);
    }

private:
    static FakeQServer &fakeOf(FakeQServer &server) { return server; }
    template<class S>
    static FakeQServer &fakeOf(S &server)
    {
        return server.fake;
    }

    std::vector<std::shared_ptr<void>> m_servers;
};

} // namespace qscope::test
