// The workbench against a real in-process DemoServer: add a connection through the dialog, run
// queries (result in the ResultPane, error inline, history), the password prompt when no
// keychain runs, an unreachable server, cancel, load a .q file into the server, the explorer
// (QAbstractItemModelTester, namespaces, tables, meta, function source), the call form, delete
// with confirmation, import of a Studio for kdb+ list, session restore, and screenshots of the
// main window in the light and dark themes.
#include "app/confirm.h"
#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordprompt.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "demo/demoserver.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/messagebar.h"
#include "editor/queryrunner.h"
#include "explorer/callformdialog.h"
#include "explorer/explorermodel.h"
#include "explorer/explorerview.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "recovery/sessionjournal.h"
#include "results/resultpane.h"
#include "theme/theme.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTcpServer>
#include <QTreeView>
#include <QtTest>

using namespace qscope;
using qscope::test::WindowFixture;

class TestWorkbench : public QObject
{
    Q_OBJECT

    WindowFixture m_fx;
    std::unique_ptr<DemoServer> m_demo;
    QString m_demoProfile;

    /// Runs text on a profile through the runner; returns the result.
    QueryResult run(const QString &profile, const QByteArray &text)
    {
        QSignalSpy spy(m_fx.window->runner(), &QueryRunner::finished);
        const auto ticket = m_fx.window->runner()->run(profile, text);
        for (int i = 0; i < 200; ++i) {
            for (const auto &args : spy)
                if (args[0].value<QueryRunner::Ticket>() == ticket)
                    return args[1].value<QueryResult>();
            spy.wait(100);
        }
        QueryResult timeout;
        timeout.error = NetError{NetError::Timeout, QStringLiteral("test waited 20 s")};
        return timeout;
    }

    /// Writes a .q file into the test's temporary directory; its path, empty if it failed.
    QString writeQFile(const QString &name, const QByteArray &text)
    {
        const QString path = m_fx.dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size()) return {};
        return path;
    }

    /// The largest row count of any item view inside the result pane.
    int resultRows() const
    {
        int best = -1;
        for (QAbstractItemView *v : m_fx.window->results()->findChildren<QAbstractItemView *>())
            if (v->model() && v->isVisibleTo(m_fx.window->results()))
                best = qMax(best, v->model()->rowCount());
        return best;
    }

    void screenshot(const QString &name) { QVERIFY(m_fx.shot(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_workbench")), QString());
        m_demo = std::make_unique<DemoServer>();
        DemoOptions o;
        o.port = 0;
        o.unixSocket = false;
        o.bindAddress = QStringLiteral("127.0.0.1");
        o.feedRowsPerSecond = 50;
        QString error;
        QVERIFY2(m_demo->start(o, &error), qPrintable(error));
        QVERIFY(m_demo->port() > 0);

        QVERIFY(m_fx.open(QString(), QSize(90, 55), true));
    }

    void cleanupTestCase()
    {
        m_fx.close();
        m_demo.reset();
    }

    void addConnectionThroughDialog()
    {
        bool filled = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<ConnectionDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QVERIFY(!dialog->buttons()->button(QDialogButtonBox::Ok)->isEnabled());
            dialog->nameEdit()->setText(QStringLiteral("Demo"));
            dialog->hostEdit()->setText(QStringLiteral("127.0.0.1"));
            dialog->portSpin()->setValue(m_demo->port());
            dialog->tagCombo()->setCurrentIndex(
                dialog->tagCombo()->findData(QStringLiteral("dev")));
            QVERIFY2(dialog->buttons()->button(QDialogButtonBox::Ok)->isEnabled(),
                     qPrintable(dialog->problem()));
            filled = true;
            dialog->buttons()->button(QDialogButtonBox::Ok)->click();
        });
        m_demoProfile = m_fx.window->connectionsView()->addConnection();
        QVERIFY(filled);
        QVERIFY(!m_demoProfile.isEmpty());
        const ConnectionProfile *p = m_fx.store->profile(m_demoProfile);
        QVERIFY(p);
        QCOMPARE(p->port, int(m_demo->port()));
        QCOMPARE(p->tag, QStringLiteral("dev"));
        QFile f(ConnectionStore::defaultPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("\"Demo\""));
        QVERIFY(m_fx.window->connectionsView()->model()->indexOfProfile(m_demoProfile).isValid());
        QAbstractItemModelTester tester(m_fx.window->connectionsView()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void runQueryShowsResult()
    {
        EditorTab *tab = m_fx.window->editors()->current();
        QVERIFY(tab);
        tab->setProfileId(m_demoProfile);
        tab->setText(QStringLiteral("([]a:til 7;b:7#`x`y`z)\n"));
        tab->setCursorPosition(0, 0);
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        QSignalSpy state(m_fx.window->sessions(), &ServerSessions::stateChanged);
        m_fx.window->runCurrent();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 20000);
        const QueryResult r = finished[0][1].value<QueryResult>();
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        QVERIFY(r.value.isTable());
        QCOMPARE(r.value.count(), int64_t(7));
        QCOMPARE(finished[0][2].toString(), QStringLiteral("Demo"));
        QVERIFY(m_fx.window->sessions()->isOpen(m_demoProfile));
        QTRY_COMPARE_WITH_TIMEOUT(resultRows(), 7, 5000);
        QCOMPARE(m_fx.history->count(), 1);
        QCOMPARE(m_fx.history->at(0).server, QStringLiteral("Demo"));
        QVERIFY(m_fx.history->at(0).bytes > 0);
        QVERIFY(m_fx.window->serverStatus()->text().contains(QStringLiteral("connected")));
        QVERIFY(m_fx.window->serverStatus()->text().contains(QStringLiteral("DEV")));
        // the tab shows the server it is bound to
        QVERIFY(m_fx.window->editors()
                    ->tabWidget()
                    ->tabText(m_fx.window->editors()->tabWidget()->currentIndex())
                    .contains(QStringLiteral("@ Demo")));
    }

    void qErrorIsData()
    {
        const QueryResult r = run(m_demoProfile, "1+`a");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->kind, NetError::QError);
        QCOMPARE(r.error->message, QStringLiteral("type"));
        QCOMPARE(m_fx.history->at(m_fx.history->count() - 1).error, QStringLiteral("type"));
        QVERIFY(m_fx.window->sessions()->isOpen(m_demoProfile)); // a q error keeps the connection
    }

    void runAllSendsBuffer()
    {
        EditorTab *tab = m_fx.window->editors()->newTab(m_demoProfile);
        tab->setText(QStringLiteral("wbx:6*7;\nwbx+1\n"));
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        m_fx.window->runAll();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 20000);
        const QueryResult r = finished[0][1].value<QueryResult>();
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        QCOMPARE(r.value.rawInt(), int64_t(43));
    }

    void loadFileIntoServer()
    {
        const QString path =
            writeQFile(QStringLiteral("load.q"), "/ loaded from the workbench\nloadedA:100\n"
                                                 "loadedF:{x+loadedA}\n");
        QVERIFY(!path.isEmpty());
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        m_fx.window->loadFileIntoServer(path);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 20000);
        const QueryResult lr = finished[0][1].value<QueryResult>();
        QVERIFY2(lr.ok(), qPrintable(lr.error ? lr.error->message : QString()));
        const QueryResult r = run(m_demoProfile, "loadedF 1");
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        QCOMPARE(r.value.rawInt(), int64_t(101));
    }

    void loadFileWithNoTabOpen()
    {
        // with every editor tab closed, the server is the dock's: the load's result still needs
        // a tab's pane to show in (a job nobody owns is dropped when it finishes)
        EditorArea *editors = m_fx.window->editors();
        for (int i = 0; i < editors->count(); ++i)
            editors->tab(i)->setModified(false);
        while (editors->count() > 0)
            QVERIFY(editors->closeTab(0));
        m_fx.window->connectionsView()->selectProfile(m_demoProfile);
        const QString path = writeQFile(QStringLiteral("load2.q"), "loadedB:7\n");
        QVERIFY(!path.isEmpty());
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        m_fx.window->loadFileIntoServer(path);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 20000);
        QVERIFY2(finished[0][1].value<QueryResult>().ok(),
                 qPrintable(finished[0][1].value<QueryResult>().error->message));
        QCOMPARE(editors->count(), 1);
        QCOMPARE(finished[0][3].value<QObject *>(), editors->current());
        ResultPane *pane = m_fx.window->resultsFor(editors->current());
        QVERIFY(pane);
        QCOMPARE(pane->runCount(), 1);
        QCOMPARE(m_fx.window->results(), pane);
    }

    void unreachableServerFailsClearly()
    {
        QTcpServer probe; // find a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const int port = probe.serverPort();
        probe.close();
        ConnectionProfile p;
        p.name = QStringLiteral("nowhere");
        p.host = QStringLiteral("127.0.0.1");
        p.port = port;
        p.connectTimeoutMs = 2000;
        const QString id = m_fx.store->add(p);
        const QueryResult r = run(id, "1+1");
        QVERIFY(!r.ok());
        QVERIFY(r.error->kind != NetError::Timeout ||
                !r.error->message.contains(QStringLiteral("test waited")));
        QVERIFY(!r.error->message.isEmpty());
        QVERIFY(m_fx.store->remove(id));
    }

    void passwordAskedWithoutKeychain()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("Demo with user");
        p.host = QStringLiteral("127.0.0.1");
        p.port = m_demo->port();
        p.user = QStringLiteral("alice");
        const QString id = m_fx.store->add(p);
        QSignalSpy needed(m_fx.window->sessions(), &ServerSessions::passwordNeeded);
        PasswordPrompt::setNextAnswer(QStringLiteral("pw"));
        const QueryResult r = run(id, "2+2");
        QCOMPARE(needed.size(), 1);
        QVERIFY(needed[0][1].toString().contains(QStringLiteral("keychain")));
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        QCOMPARE(r.value.rawInt(), int64_t(4));
        // the password stayed in memory only
        QCOMPARE(m_fx.window->passwords()->sessionPassword(id).value_or(QString()),
                 QStringLiteral("pw"));
        QFile f(ConnectionStore::defaultPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("\"pw\""));
        // cancelling the prompt gives a clear error, not a hang
        m_fx.window->sessions()->disconnectProfile(id);
        m_fx.window->passwords()->clearSession(id);
        PasswordPrompt::setNextAnswer(std::nullopt);
        const QueryResult c = run(id, "2+2");
        QVERIFY(!c.ok());
        QVERIFY(c.error->message.contains(QStringLiteral("password")));
        m_fx.store->remove(id);
    }

    void cancelDropsAndReconnects()
    {
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(m_demoProfile), 20000);
        const auto ticket = m_fx.window->runner()->run(m_demoProfile, "count til 1000000");
        m_fx.window->runner()->cancel(ticket);
        // the engine confirms (its own text), within a second
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, QueryRunner::kCancelConfirmMs + 500);
        QCOMPARE(finished[0][0].value<QueryRunner::Ticket>(), ticket);
        const QueryResult r = finished[0][1].value<QueryResult>();
        // the demo may have answered before the cancel reached the engine: then the answer
        // stands, or (read but not yet delivered) it is discarded with words that claim no
        // drop; otherwise the engine dropped the connection and says it reconnects
        if (!r.ok()) {
            QCOMPARE(r.error->kind, NetError::Cancelled);
            const QString &text = r.error->message;
            if (text.contains(QStringLiteral("arrived as it was cancelled")))
                QVERIFY2(!text.contains(QStringLiteral("reconnect")), qPrintable(text));
            else
                QVERIFY2(text.contains(QStringLiteral("reconnect")), qPrintable(text));
        }
        QVERIFY(!m_fx.window->runner()->isRunning(ticket));
        QVERIFY(QueryRunner::cancelExplanation().contains(QStringLiteral("cannot interrupt")));
        // and the server is usable again afterwards
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(m_demoProfile), 20000);
        const QueryResult again = run(m_demoProfile, "3*3");
        QVERIFY2(again.ok(), qPrintable(again.error ? again.error->message : QString()));
    }

    void explorer()
    {
        ExplorerModel *model = m_fx.window->explorer()->model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(run(m_demoProfile, ".wbns.f:{[a;b] a+b}; .wbns.v:42; wbtab:([]p:1 2 3f;s:`a`b`c)")
                    .ok());
        const QPersistentModelIndex server = model->serverIndex(m_demoProfile);
        QVERIFY(server.isValid());
        // the view may have listed it before .wbns existed: list again
        if (model->canFetchMore(server))
            model->fetchMore(server);
        else
            model->refresh(server);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount(server) > 0, 10000);
        QPersistentModelIndex root, wbns; // held across event processing
        for (int i = 0; i < model->rowCount(server); ++i) {
            const QModelIndex ns = model->index(i, 0, server);
            if (ns.data(ExplorerModel::QualifiedNameRole).toString() == QLatin1String("."))
                root = ns;
            if (ns.data(ExplorerModel::QualifiedNameRole).toString() == QLatin1String(".wbns"))
                wbns = ns;
        }
        QVERIFY(root.isValid());
        QVERIFY(wbns.isValid());
        // (tst_explorer checks each listing; here the tree is opened as a user would, for the
        // picture)

        QCOMPARE(root.data(ExplorerModel::KindRole).toInt(), int(ExplorerModel::Namespace));

        // the preview is bounded, and runs
        QCOMPARE(ExplorerModel::previewQuery(QStringLiteral("wbtab")),
                 QByteArray("select[100] from wbtab"));
        const QueryResult preview =
            run(m_demoProfile, ExplorerModel::previewQuery(QStringLiteral("wbtab")));
        QVERIFY2(preview.ok(), qPrintable(preview.error ? preview.error->message : QString()));
        QCOMPARE(preview.value.count(), int64_t(3));

        QTreeView *tree = m_fx.window->explorer()->tree();
        tree->expand(server);
        tree->expand(root);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount(root) > 0, 10000);
        for (int i = 0; i < model->rowCount(root); ++i)
            tree->expand(model->index(i, 0, root));
        // for the picture only (tst_explorer asserts the listings): give the folders a moment to
        // fill
        QTest::qWait(500);
        screenshot(QStringLiteral("workbench-explorer-light"));
    }

    void callForm()
    {
        QCOMPARE(CallFormDialog::parameters(QStringLiteral("{[a;b] a+b}")),
                 QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(CallFormDialog::parameters(QStringLiteral("{x*y}")),
                 QStringList({QStringLiteral("x"), QStringLiteral("y")}));
        QCOMPARE(CallFormDialog::parameters(QStringLiteral("{\"z\",x}")),
                 QStringList({QStringLiteral("x")}));
        CallFormDialog form(QStringLiteral(".wbns.f"), QStringLiteral("{[a;b] a+b}"));
        QCOMPARE(form.argumentEdits().size(), 2);
        form.argumentEdits()[0]->setText(QStringLiteral("40"));
        form.argumentEdits()[1]->setText(QStringLiteral("2 3 ("));
        QVERIFY(!form.problem().isEmpty());
        form.argumentEdits()[1]->setText(QStringLiteral("2"));
        QVERIFY2(form.problem().isEmpty(), qPrintable(form.problem()));
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        m_fx.window->runner()->call(m_demoProfile, form.message(), form.description());
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 10000);
        const QueryResult r = finished[0][1].value<QueryResult>();
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        QCOMPARE(r.value.rawInt(), int64_t(42));
        QCOMPARE(m_fx.history->at(m_fx.history->count() - 1).query,
                 QStringLiteral(".wbns.f[40;2]"));
    }

    void importStudioList()
    {
        const QString path = m_fx.dir.filePath(QStringLiteral("studio.properties"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version=1.3\nserverTree.0folder=Imported\nserverTree.0.0=studio-rdb\n"
                "server.0.host=127.0.0.1\nserver.0.port=" +
                QByteArray::number(m_demo->port()) + "\nserver.0.user=\nserver.0.password=\n");
        f.close();
        const int before = int(m_fx.store->profiles().size());
        QSignalSpy imported(m_fx.window->connectionsView(), &ConnectionsView::importFinished);
        m_fx.window->connectionsView()->importFile(path); // parsed on a worker thread
        QVERIFY(imported.wait(20000));
        const QString summary = imported[0][0].toString();
        QVERIFY2(summary.contains(QStringLiteral("Studio for kdb+")), qPrintable(summary));
        QCOMPARE(int(m_fx.store->profiles().size()), before + 1);
        const ConnectionProfile *p = m_fx.store->findByName(QStringLiteral("studio-rdb"));
        QVERIFY(p);
        QCOMPARE(p->folder, QStringLiteral("Imported"));
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("Imported 1")));
        // the imported server works
        const QueryResult r = run(p->id, "1+2");
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
    }

    void deleteAsksFirst()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("to delete");
        const QString id = m_fx.store->add(p);
        const int asked = Confirm::askedCount();
        Confirm::setNextAnswer(Confirm::No);
        QVERIFY(!m_fx.window->connectionsView()->deleteConnection(id));
        QVERIFY(m_fx.store->profile(id));
        Confirm::setNextAnswer(Confirm::Yes);
        QVERIFY(m_fx.window->connectionsView()->deleteConnection(id));
        QVERIFY(!m_fx.store->profile(id));
        QCOMPARE(Confirm::askedCount(), asked + 2);
    }

    void screenshotsLightAndDark()
    {
        EditorTab *tab = m_fx.window->editors()->newTab(m_demoProfile);
        tab->setText(QStringLiteral(
            "/ qscope workbench: run a line with Ctrl+Enter\n"
            "t:([]time:.z.p+til 5;sym:`IBM`MSFT`AAPL`IBM`GOOG;price:101.5 320.25 189.1 101.75 "
            "140.0)\n"
            "select max price by sym from t where time>2024.01.31D00:00:00 / trailing comment\n"
            "f:{[x;y] x+y*2}\n\"a string\"\n"));
        tab->setCursorPosition(1, 0);
        QSignalSpy finished(m_fx.window->runner(), &QueryRunner::finished);
        m_fx.window->runCurrent();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 1, 10000);
        tab->setCursorPosition(2, 0);
        m_fx.window->runCurrent();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2, 10000);
        QVERIFY(finished[1][1].value<QueryResult>().ok());
        m_fx.window->explorer()->tree()->expandAll();
        screenshot(QStringLiteral("workbench-light"));
        Theme::apply(Theme::Dark);
        m_fx.window->applyTheme();
        QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() < 100, true);
        screenshot(QStringLiteral("workbench-dark"));
        Theme::apply(Theme::Light);
        m_fx.window->applyTheme();
    }

    void sessionRestore()
    {
        EditorTab *tab =
            m_fx.window->editors()->newTab(m_demoProfile, QStringLiteral("unsaved work 123"));
        tab->setModified(true);
        const QString file = m_fx.dir.filePath(QStringLiteral("saved.q"));
        EditorTab *fileTab = m_fx.window->editors()->newTab(m_demoProfile, QStringLiteral("a:1\n"));
        QCOMPARE(fileTab->saveFile(file), QString());
        const int tabs = m_fx.window->editors()->count();
        m_fx.window->saveState();

        MainWindow second(m_fx.manager.get(), m_fx.store.get(), m_fx.history.get());
        second.restoreState(QString());
        QCOMPARE(second.editors()->count(), tabs);
        bool sawUnsaved = false, sawFile = false;
        for (int i = 0; i < second.editors()->count(); ++i) {
            EditorTab *t = second.editors()->tab(i);
            if (t->text() == QLatin1String("unsaved work 123")) {
                sawUnsaved = true;
                QCOMPARE(t->profileId(), m_demoProfile);
            }
            if (t->filePath() == QFileInfo(file).absoluteFilePath()) {
                sawFile = true;
                QCOMPARE(t->text(), QStringLiteral("a:1\n"));
            }
        }
        QVERIFY(sawUnsaved);
        QVERIFY(sawFile);
        // closing a modified tab asks; Cancel keeps it
        Confirm::setNextAnswer(Confirm::Cancel);
        for (int i = 0; i < second.editors()->count(); ++i)
            if (second.editors()->tab(i)->isModified()) {
                QVERIFY(!second.editors()->closeTab(i));
                break;
            }
        QCOMPARE(second.editors()->count(), tabs);
    }

    void restoredTabsShowModifiedMarks()
    {
        EditorArea *editors = m_fx.window->editors();
        const auto write = [](const QString &path, const QByteArray &bytes) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
        };
        // saved and untouched
        const QString clean = m_fx.dir.filePath(QStringLiteral("clean.q"));
        EditorTab *a = editors->newTab(m_demoProfile, QStringLiteral("c:1\n"));
        QCOMPARE(a->saveFile(clean), QString());
        // saved, then edited and not saved
        const QString edited = m_fx.dir.filePath(QStringLiteral("edited.q"));
        EditorTab *b = editors->newTab(m_demoProfile, QStringLiteral("e:1\n"));
        QCOMPARE(b->saveFile(edited), QString());
        b->append(QStringLiteral("e:2\n"));
        QVERIFY(b->isModified());
        // edited, and meanwhile the file on disk came to hold exactly the edited text
        const QString matched = m_fx.dir.filePath(QStringLiteral("matched.q"));
        EditorTab *c = editors->newTab(m_demoProfile, QStringLiteral("m:1\n"));
        QCOMPARE(c->saveFile(matched), QString());
        c->append(QStringLiteral("m:2\n"));
        QVERIFY(c->isModified());
        QVERIFY(write(matched, "m:1\nm:2\n"));
        // an untitled buffer holding text that was never saved anywhere, and an empty one
        EditorTab *d = editors->newTab(m_demoProfile, QStringLiteral("scratch 456"));
        QVERIFY(!d->isModified());
        editors->newTab(m_demoProfile);
        m_fx.window->saveState();

        MainWindow second(m_fx.manager.get(), m_fx.store.get(), m_fx.history.get());
        second.restoreState(QString());
        const auto find = [&](const std::function<bool(EditorTab *)> &match) -> int {
            for (int i = 0; i < second.editors()->count(); ++i)
                if (match(second.editors()->tab(i))) return i;
            return -1;
        };
        const auto byFile = [&](const QString &path) {
            return find(
                [&](EditorTab *t) { return t->filePath() == QFileInfo(path).absoluteFilePath(); });
        };
        const auto marked = [&](int i) {
            const bool modified = second.editors()->tab(i)->isModified();
            // the tab's title carries the mark the user sees
            const bool star =
                second.editors()->tabWidget()->tabText(i).endsWith(QStringLiteral(" *"));
            return modified && star ? 1 : (!modified && !star ? 0 : -1);
        };
        const int ia = byFile(clean), ib = byFile(edited), ic = byFile(matched);
        const int id = find([](EditorTab *t) { return t->text() == QLatin1String("scratch 456"); });
        QVERIFY(ia >= 0 && ib >= 0 && ic >= 0 && id >= 0);
        QCOMPARE(marked(ia), 0); // the file on disk matches: unmodified
        QCOMPARE(marked(ib), 1); // unsaved edits: modified, with the edited text
        QCOMPARE(second.editors()->tab(ib)->text(), QStringLiteral("e:1\ne:2\n"));
        QCOMPARE(marked(ic), 0); // the kept text equals the file now: unmodified
        QCOMPARE(second.editors()->tab(ic)->text(), QStringLiteral("m:1\nm:2\n"));
        QCOMPARE(marked(id), 1); // an untitled buffer with text is unsaved work
        const int empty =
            find([](EditorTab *t) { return t->filePath().isEmpty() && t->text().isEmpty(); });
        QVERIFY(empty >= 0);
        QCOMPARE(marked(empty), 0);
        // and the marks follow edits from here: saving the edited file clears its mark
        QCOMPARE(second.editors()->tab(ib)->saveFile(edited), QString());
        QCOMPARE(marked(ib), 0);
        for (EditorTab *t : {a, b, c, d})
            t->setModified(false); // the first window's tabs: nothing to ask about at the end
    }

    void statusBarDropsStaleError()
    {
        QTcpServer probe; // a port nobody listens on, for now
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        ConnectionProfile p;
        p.name = QStringLiteral("flaky");
        p.host = QStringLiteral("127.0.0.1");
        p.port = port;
        p.connectTimeoutMs = 2000;
        const QString id = m_fx.store->add(p);
        QStatusBar *bar = m_fx.window->statusBar();
        m_fx.window->sessions()->connectProfile(id);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->sessions()->state(id), ConnectionState::Failed,
                                  10000);
        QVERIFY2(bar->currentMessage().startsWith(QStringLiteral("flaky: ")),
                 qPrintable(bar->currentMessage()));
        // the user points it at the running server and connects again: the error is history
        ConnectionProfile fixed = *m_fx.store->profile(id);
        fixed.port = m_demo->port();
        QVERIFY(m_fx.store->update(fixed));
        m_fx.window->sessions()->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(id), 10000);
        QVERIFY2(bar->currentMessage().isEmpty(), qPrintable(bar->currentMessage()));
        // another part's newer message is not taken down by a later success
        m_fx.window->sessions()->disconnectProfile(id);
        fixed.port = port;
        QVERIFY(m_fx.store->update(fixed));
        m_fx.window->sessions()->connectProfile(id);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->sessions()->state(id), ConnectionState::Failed,
                                  10000);
        bar->showMessage(QStringLiteral("something else"));
        fixed.port = m_demo->port();
        QVERIFY(m_fx.store->update(fixed));
        m_fx.window->sessions()->connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(id), 10000);
        QCOMPARE(bar->currentMessage(), QStringLiteral("something else"));
        bar->clearMessage();
        m_fx.window->sessions()->disconnectProfile(id);
        QVERIFY(m_fx.store->remove(id));
    }

    void monitorViewsShareTheBottomAsTabs()
    {
        // Feeds, Handles and Frames open from the Monitor menu; side by side they would need a
        // window about 2,000 px wide, so each new one is tabbed with the ones already open.
        QVERIFY(!m_demoProfile.isEmpty()); // added by addConnectionThroughDialog
        EditorTab *tab = m_fx.window->editors()->current();
        QVERIFY(tab);
        tab->setProfileId(m_demoProfile);
        m_fx.window->sessions()->connectProfile(m_demoProfile);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(m_demoProfile), 10000);
        const QStringList names{tr("New feed view"), tr("Handles"), tr("Frames")};
        for (const QString &name : names) {
            QAction *action = nullptr;
            for (QAction *a : m_fx.window->findChildren<QAction *>())
                if (a->text() == name) action = a;
            QVERIFY2(action, qPrintable(name));
            action->trigger();
        }
        auto *feeds = m_fx.window->findChild<QDockWidget *>(QStringLiteral("feedsDock"));
        auto *handles = m_fx.window->findChild<QDockWidget *>(QStringLiteral("handlesDock"));
        auto *frames = m_fx.window->findChild<QDockWidget *>(QStringLiteral("framesDock"));
        QVERIFY(feeds && handles && frames);
        const QList<QDockWidget *> tabbed = m_fx.window->tabifiedDockWidgets(feeds);
        QVERIFY(tabbed.contains(handles));
        QVERIFY(tabbed.contains(frames));
        QCOMPARE(m_fx.window->dockWidgetArea(frames), Qt::BottomDockWidgetArea);
        screenshot(QStringLiteral("workbench-monitor-tabs"));
    }

    void helpListsShortcuts()
    {
        const QString html = m_fx.window->shortcutsHtml();
        QVERIFY(html.contains(QStringLiteral("Run line or selection")));
        QVERIFY(
            html.contains(QKeySequence(Qt::CTRL | Qt::Key_E).toString(QKeySequence::NativeText)));
        QVERIFY(html.contains(QStringLiteral("Run whole buffer")));
        QFile f(QStringLiteral(":/qscope/help/help.html"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("<!--SHORTCUTS-->"));
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
