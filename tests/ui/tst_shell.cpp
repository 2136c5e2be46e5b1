// The workbench shell (issues #15 and #20), through the real MainWindow against FakeQServer,
// asserting what the server saw:
//   - the toolbar: Run / Run all / Cancel follow the current tab's state, the server box is the
//     tab's profile, Ctrl+E is named in the Query menu, the empty editor shows its hint;
//   - async mode sends one Async message and nothing else; with the chaser, the statement's
//     error comes back and is shown;
//   - connections: the dialog's Test opens and closes one connection of its own and reports the
//     capability and round trip, or the error; the search box over the tree; New folder on
//     empty space goes to the top level; a rename reaches the status bar and the handles; tag
//     and state icons have different shapes;
//   - TLS: a refused certificate opens the trust prompt with its SHA-256 and subject; trusting
//     pins it to that connection (kept in the profile) and the query then runs, against the
//     demo server's TLS with a certificate made by openssl; a connection's own CA file;
//   - several servers: the statement runs on each selected server at once (sync, each answer
//     pinned in a result tab of its own, which names its server), or as one async broadcast;
//   - keyboard: F6 / Shift+F6 cycle editor, results, tree, server box; Tab in the editor indents;
// Screenshots: /work/shots/toolbar.png, /work/shots/connections-search.png,
// /work/shots/trust-dialog.png, /work/shots/multi-server.png.

#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "connections/trustprompt.h"
#include "demo/demoserver.h"
#include "editor/asyncsender.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/emptyhint.h"
#include "editor/messagebar.h"
#include "editor/queryrunner.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>
#include <QtTest>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

constexpr int kWaitMs = 20000;

/// Answers a sync query with its own text, except "hold" (never answered); an async message
/// that is the chaser's trap around something with "bad" in it pushes back 'type, as q would.
struct Server
{
    FakeQServer fake;
    explicit Server()
    {
        fake.onMessage = [](QIODevice *io, const MessageHeader &h, const Value &v,
                            const QByteArray &) {
            const QByteArray q = queryText(v);
            if (h.type == MessageType::Async) {
                if (q.startsWith("@[value;") && q.contains("bad"))
                    FakeQServer::send(io, Value::list({Value::symbol(AsyncSender::errorTag()),
                                                       Value::string("type")}));
                return;
            }
            if (h.type != MessageType::Sync || q == "hold") return;
            FakeQServer::reply(io, Value::string(q));
        };
    }
    /// The messages the server received, as (type, text).
    QList<QPair<MessageType, QByteArray>> messages() const
    {
        QList<QPair<MessageType, QByteArray>> out;
        for (const auto &e : fake.events)
            if (e.kind == FakeQServer::Event::Message) out.append({e.type, queryText(e.value)});
        return out;
    }
};

/// A self-signed EC certificate for localhost (as tst_nettls makes them: Qt cannot).
bool makeSelfSigned(const QString &cert, const QString &key, QString *error)
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        *error = QStringLiteral("the openssl command is not installed (Debian package openssl)");
        return false;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                      QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                      QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                      QStringLiteral("/CN=localhost/O=qscope tests"), QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1")});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("openssl req failed: ") + QString::fromLocal8Bit(p.readAll());
        return false;
    }
    return true;
}

} // namespace

class TestShell : public QObject
{
    Q_OBJECT

    std::unique_ptr<Server> m_server;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<HistoryStore> m_history;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
    QString m_profile;
    QHash<QByteArray, QueryResult> m_results;

    EditorTab *tab() const { return m_window->editors()->current(); }
    void run(const QString &text)
    {
        tab()->setText(text);
        tab()->setCursorPosition(0, 0);
        m_window->runCurrent();
    }
    /// Runs a sync query and waits for its answer: everything sent before it has been read.
    void syncMarker(const QByteArray &marker)
    {
        m_window->asyncToggle()->setChecked(false);
        run(QString::fromUtf8(marker));
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains(marker), kWaitMs);
    }
    void shoot(QWidget *w, const QString &name)
    {
        QDir().mkpath(QStringLiteral("/work/shots"));
        QVERIFY(w->grab().save(QStringLiteral("/work/shots/") + name + QStringLiteral(".png")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_shell"));
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        QDir(SessionJournal::defaultDirectory()).removeRecursively();
        PinStore::clear();
        Q_INIT_RESOURCE(resources);
        Theme::apply(Theme::Light);

        m_server = std::make_unique<Server>();
        QVERIFY(m_server->fake.listenTcp());
        m_manager = std::make_unique<ConnectionManager>();
        m_store = std::make_unique<ConnectionStore>();
        QCOMPARE(m_store->load(ConnectionStore::defaultPath()), QString());
        m_history = std::make_unique<HistoryStore>();
        m_history->load(m_dir.filePath(QStringLiteral("history.jsonl")));
        ConnectionProfile p;
        p.name = QStringLiteral("rdb");
        p.host = QStringLiteral("127.0.0.1");
        p.port = m_server->fake.port();
        m_profile = m_store->add(p);
        m_window = std::make_unique<MainWindow>(m_manager.get(), m_store.get(), m_history.get());
        m_window->passwords()->setKeychainEnabled(false);
        m_window->restoreState(m_profile);
        m_window->resize(1100, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        connect(m_window->runner(), &QueryRunner::finished, this,
                [this](QueryRunner::Ticket, const QueryResult &r, const QString &, QObject *) {
                    m_results.insert(r.query, r);
                });
        tab()->setProfileId(m_profile);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_manager.reset();
    }

    void emptyEditorShowsHint()
    {
        EditorTab *t = tab();
        t->setText(QString());
        auto *hint = t->findChild<EmptyHint *>();
        QVERIFY(hint);
        QVERIFY(hint->isShown());
        QVERIFY(EmptyHint::text().contains(QStringLiteral("select from trade")));
        QVERIFY(EmptyHint::text().contains(QStringLiteral(".u.w")));
        QVERIFY(EmptyHint::text().contains(QStringLiteral("tables[]")));
        shoot(m_window.get(), QStringLiteral("toolbar"));
        QTest::keyClicks(t, QStringLiteral("til 3"));
        QCOMPARE(t->text(), QStringLiteral("til 3")); // the hint is not text of the buffer
        QVERIFY(!hint->isShown());
        t->setText(QString());
        QVERIFY(hint->isShown());
    }

    void queryMenuNamesCtrlE()
    {
        QMenu *query = nullptr;
        for (QAction *a : m_window->menuBar()->actions())
            if (a->text() == QStringLiteral("&Query")) query = a->menu();
        QVERIFY(query);
        QAction *run = nullptr;
        for (QAction *a : query->actions())
            if (a->text().startsWith(QStringLiteral("Run line"))) run = a;
        QVERIFY(run);
        QVERIFY(run->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_E)));
        // the menu's key column (after the tab) names both keys
        const QString keys = run->text().section(QLatin1Char('\t'), 1);
        QVERIFY2(
            keys.contains(QKeySequence(Qt::CTRL | Qt::Key_E).toString(QKeySequence::NativeText)),
            qPrintable(run->text()));
        // the help's table lists it once, without the key column in its name
        const QString html = m_window->shortcutsHtml();
        QVERIFY(html.contains(QStringLiteral("<td>Run line or selection</td>")));
    }

    void toolbarFollowsTheTab()
    {
        QToolBar *bar = m_window->toolBar();
        QVERIFY(bar->isVisible());
        QVERIFY(bar->actions().contains(m_window->runButton()));
        QComboBox *server = m_window->editors()->serverCombo();
        QCOMPARE(server->parentWidget(), bar); // the tab's server sits in the toolbar
        QCOMPARE(server->currentData().toString(), m_profile);
        QVERIFY(m_window->runButton()->isEnabled());
        QVERIFY(m_window->runAllButton()->isEnabled());
        QVERIFY(!m_window->cancelButton()->isEnabled());

        // a tab bound to no server cannot run
        server->setCurrentIndex(server->findData(QString()));
        QCOMPARE(tab()->profileId(), QString());
        QVERIFY(!m_window->runButton()->isEnabled());
        server->setCurrentIndex(server->findData(m_profile));
        QCOMPARE(tab()->profileId(), m_profile);
        QVERIFY(m_window->runButton()->isEnabled());

        // while the tab's query runs: Cancel, not Run; the Run button sends it
        tab()->setText(QStringLiteral("hold"));
        tab()->setCursorPosition(0, 0);
        const int disconnects = m_server->fake.eventCount(FakeQServer::Event::Disconnected);
        m_window->runButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_server->fake.queriesSeen("hold") == 1, kWaitMs);
        QVERIFY(m_window->cancelButton()->isEnabled());
        QVERIFY(!m_window->runButton()->isEnabled());
        QVERIFY(!m_window->runAllButton()->isEnabled());
        m_window->cancelButton()->trigger(); // kdb+ cannot abort: the socket is dropped
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->cancelButton()->isEnabled(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->fake.eventCount(FakeQServer::Event::Disconnected) > disconnects, kWaitMs);
        QVERIFY(m_window->runButton()->isEnabled());

        // Run all sends the whole buffer
        tab()->setText(QStringLiteral("a:1\nb:2"));
        m_window->runAllButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("a:1\nb:2"), kWaitMs);
    }

    void asyncSendsOneAsyncMessageAndNothingElse()
    {
        syncMarker("before");
        const int seen = int(m_server->messages().size());
        m_window->asyncToggle()->setChecked(true);
        m_window->chaserToggle()->setChecked(false);
        QVERIFY(m_window->chaserToggle()->isEnabled());
        run(QStringLiteral("x:42"));
        QTRY_VERIFY_WITH_TIMEOUT(m_server->messages().size() == seen + 1, kWaitMs);
        QVERIFY(m_window->messageBar()->text().contains(QStringLiteral("Sent async")));
        syncMarker("after");
        const auto msgs = m_server->messages().mid(seen);
        QCOMPARE(msgs.size(), 2);
        QCOMPARE(msgs[0].first, MessageType::Async);
        QCOMPARE(msgs[0].second, QByteArray("x:42"));
        QCOMPARE(msgs[1].first, MessageType::Sync);
        QCOMPARE(msgs[1].second, QByteArray("after"));
        QVERIFY(!m_results.contains("x:42")); // async: no result for the tab
    }

    void chaserSurfacesTheServersError()
    {
        syncMarker("before chase");
        const int seen = int(m_server->messages().size());
        m_window->asyncToggle()->setChecked(true);
        m_window->chaserToggle()->setChecked(true);
        run(QStringLiteral("bad \"quoted\"+`a"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->messageBar()->text().contains(QStringLiteral("failed on the server")),
            kWaitMs);
        QVERIFY2(m_window->messageBar()->text().contains(QStringLiteral("'type")),
                 qPrintable(m_window->messageBar()->text()));
        auto msgs = m_server->messages().mid(seen);
        QCOMPARE(msgs.size(), 2);
        QCOMPARE(msgs[0].first, MessageType::Async);
        QCOMPARE(msgs[0].second, AsyncSender::trapped("bad \"quoted\"+`a"));
        QCOMPARE(
            msgs[0].second,
            QByteArray("@[value;\"bad \\\"quoted\\\"+`a\";{neg[.z.w](`.qscope.asyncError;x)}]"));
        QCOMPARE(msgs[1].first, MessageType::Sync);
        QCOMPARE(msgs[1].second, QByteArray()); // the chaser, h""

        // a statement that runs: the chaser says so
        run(QStringLiteral("y:1"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->messageBar()->text().contains(QStringLiteral("ran without error")), kWaitMs);
        msgs = m_server->messages().mid(seen + 2);
        QCOMPARE(msgs.size(), 2);
        QCOMPARE(msgs[0].second, AsyncSender::trapped("y:1"));
        m_window->asyncToggle()->setChecked(false);
    }

    void testButtonOpensAndClosesOneConnection()
    {
        const ConnectionProfile *p = m_store->profile(m_profile);
        ConnectionDialog dialog(*p, m_store->folders(), QString());
        dialog.enableTest(m_manager.get());
        QVERIFY(dialog.testButton());
        const int connected = m_server->fake.eventCount(FakeQServer::Event::Connected);
        const int gone = m_server->fake.eventCount(FakeQServer::Event::Disconnected);
        const int seen = int(m_server->messages().size());
        dialog.testButton()->click();
        QVERIFY(!dialog.testButton()->isEnabled()); // one test at a time; the GUI goes on
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult()->text().startsWith(QStringLiteral("OK")),
                                 kWaitMs);
        const QString report = dialog.testResult()->text();
        qInfo("Test button against FakeQServer: %s", qPrintable(report)); // the figure, printed
        QVERIFY2(report.contains(QStringLiteral("capability 3")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("round trip")), qPrintable(report));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->fake.eventCount(FakeQServer::Event::Disconnected),
                                  gone + 1, kWaitMs);
        QCOMPARE(m_server->fake.eventCount(FakeQServer::Event::Connected), connected + 1);
        const auto msgs = m_server->messages().mid(seen);
        QCOMPARE(msgs.size(), 1);
        QCOMPARE(msgs[0].first, MessageType::Sync);
        QVERIFY(dialog.testButton()->isEnabled());

        // a port nobody listens on: the named error, inline
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        dialog.portSpin()->setValue(port);
        dialog.testButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult()->text().startsWith(QStringLiteral("Failed")),
                                 kWaitMs);
        QVERIFY2(
            dialog.testResult()->text().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
            qPrintable(dialog.testResult()->text()));
        // an unusable form is not tested
        dialog.hostEdit()->clear();
        dialog.testButton()->click();
        QVERIFY(dialog.testResult()->text().startsWith(QStringLiteral("Not tested")));
    }

    void searchOverTheTree()
    {
        ConnectionProfile a;
        a.name = QStringLiteral("tp-emea");
        a.host = QStringLiteral("tick1.example");
        a.folder = QStringLiteral("Prod/London");
        a.tag = QStringLiteral("prod");
        const QString idA = m_store->add(a);
        ConnectionProfile b;
        b.name = QStringLiteral("hdb-us");
        b.host = QStringLiteral("hist.example");
        b.folder = QStringLiteral("UAT");
        b.tag = QStringLiteral("uat");
        const QString idB = m_store->add(b);
        ConnectionsView *view = m_window->connectionsView();
        QTreeView *tree = view->tree();
        ConnectionModel *model = view->model();
        const auto shown = [&](const QString &id) {
            QModelIndex i = model->indexOfProfile(id);
            for (; i.isValid(); i = i.parent())
                if (tree->isRowHidden(i.row(), i.parent())) return false;
            return true;
        };
        QVERIFY(shown(idA) && shown(idB) && shown(m_profile));
        view->searchEdit()->setText(QStringLiteral("TICK1")); // host, any case
        QVERIFY(shown(idA));                                  // with Prod and Prod/London
        QVERIFY(!shown(idB) && !shown(m_profile));
        shoot(view, QStringLiteral("connections-search"));
        view->searchEdit()->setText(QStringLiteral("uat")); // tag (and folder)
        QVERIFY(shown(idB) && !shown(idA));
        view->searchEdit()->setText(QStringLiteral("london")); // a folder keeps what it holds
        QVERIFY(shown(idA) && !shown(idB));
        view->searchEdit()->setText(QStringLiteral("rdb")); // name
        QVERIFY(shown(m_profile) && !shown(idA) && !shown(idB));
        // a connection added while searching is filtered too
        ConnectionProfile c;
        c.name = QStringLiteral("other");
        const QString idC = m_store->add(c);
        QVERIFY(!shown(idC));
        view->searchEdit()->clear();
        QVERIFY(shown(idA) && shown(idB) && shown(idC) && shown(m_profile));
        m_store->remove(QStringList{idA, idB, idC});
    }

    void newFolderOnEmptySpaceIsTopLevel()
    {
        ConnectionProfile a;
        a.name = QStringLiteral("in-folder");
        a.folder = QStringLiteral("Desk");
        const QString id = m_store->add(a);
        ConnectionsView *view = m_window->connectionsView();
        view->selectProfile(id); // the current row is inside Desk
        QCOMPARE(view->currentFolder(), QStringLiteral("Desk"));
        QTreeView *tree = view->tree();
        const QPoint below(4, tree->viewport()->height() - 2); // under the last row
        QVERIFY(!tree->indexAt(below).isValid());
        QCOMPARE(view->folderAt(below), QString());
        const QPoint onRow = tree->visualRect(view->model()->indexOfProfile(id)).center();
        QCOMPARE(view->folderAt(onRow), QStringLiteral("Desk"));
        QCOMPARE(view->newFolder(view->folderAt(below), QStringLiteral("Archive")),
                 QStringLiteral("Archive"));
        QVERIFY(m_store->folders().contains(QStringLiteral("Archive")));
        QVERIFY(!m_store->folders().contains(QStringLiteral("Desk/Archive")));
        m_store->remove(id);
    }

    void renameReachesStatusBarAndHandles()
    {
        syncMarker("open"); // the tab's connection is open
        const ConnectionId conn = m_window->sessions()->connectionOf(m_profile);
        const HandleRegistry *reg = m_manager->registry();
        QVERIFY(reg->rowOf(conn) >= 0);
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb"));
        ConnectionProfile p = *m_store->profile(m_profile);
        p.name = QStringLiteral("rdb-renamed");
        QVERIFY(m_store->update(p));
        QVERIFY2(m_window->serverStatus()->text().contains(QStringLiteral("rdb-renamed")),
                 qPrintable(m_window->serverStatus()->text()));
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb-renamed"));
        QCOMPARE(m_window->editors()->serverCombo()->currentText(), QStringLiteral("rdb-renamed"));
        // the engine's next row for the handle (a query's bytes) keeps the new name
        syncMarker("after rename");
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb-renamed"));
        p.name = QStringLiteral("rdb");
        QVERIFY(m_store->update(p));
    }

    void tagAndStateIconsDiffer()
    {
        // a red square is "prod", a red cross "failed": told apart by shape, not only colour
        const QImage tag = Theme::tagIcon(QStringLiteral("prod")).pixmap(32).toImage();
        const QImage failed = Theme::stateIcon(int(ConnectionState::Failed)).pixmap(32).toImage();
        const QPoint edge(16, 8); // the square's top edge; the cross's arms pass elsewhere
        QVERIFY(qAlpha(tag.pixel(edge)) > 200);
        QCOMPARE(qAlpha(failed.pixel(edge)), 0);
        const QPoint corner(9, 9); // the cross's arm
        QVERIFY(qAlpha(failed.pixel(corner)) > 100);
        QVERIFY(Theme::tagIcon(QString()).isNull());
    }

    void trustOnFirstUse()
    {
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        QString err;
        QVERIFY2(makeSelfSigned(cert, key, &err), qPrintable(err));
        QFile f(cert);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray sha =
            QSslCertificate::fromData(f.readAll()).value(0).digest(QCryptographicHash::Sha256);
        QCOMPARE(sha.size(), 32);
        DemoServer demo;
        DemoOptions o;
        o.port = 0;
        o.feed = false;
        o.unixSocket = false;
        o.tlsCert = cert;
        o.tlsKey = key;
        QVERIFY2(demo.start(o, &err), qPrintable(err));

        ConnectionProfile p;
        p.name = QStringLiteral("tls-demo");
        p.host = QStringLiteral("localhost");
        p.port = demo.port();
        p.tls = true;
        const QString id = m_store->add(p);
        m_window->editors()->newTab(id);
        run(QStringLiteral("1+1"));
        // refused: the prompt names the certificate
        TrustPrompt *prompt = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("1+1"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT((prompt = m_window->findChild<TrustPrompt *>()), kWaitMs);
        QCOMPARE(prompt->profileId(), id);
        const QString text = prompt->text();
        QVERIFY2(text.contains(QStringLiteral("CN=localhost")), qPrintable(text));
        QVERIFY2(text.contains(colonHex(sha.left(16))), qPrintable(text));
        QVERIFY2(text.contains(colonHex(sha.mid(16))), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
                 qPrintable(text));
        QVERIFY(m_window->serverStatus()->text().contains(colonHex(sha).left(8)) ||
                m_window->statusBar()->currentMessage().contains(colonHex(sha)));
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("1+1"), kWaitMs);
        QVERIFY(!m_results["1+1"].ok());
        QVERIFY(m_store->profile(id)->trustedCertSha256.isEmpty()); // nothing pinned unasked
        shoot(prompt, QStringLiteral("trust-dialog"));

        prompt->trustButton()->click();
        QCOMPARE(m_store->profile(id)->trustedCertSha256, sha); // pinned, in the profile
        QTRY_VERIFY_WITH_TIMEOUT(m_window->sessions()->isOpen(id), kWaitMs);
        m_results.remove("1+1");
        run(QStringLiteral("1+1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("1+1"), kWaitMs);
        QVERIFY(m_results["1+1"].ok());
        // kept across a save and load of the profile
        QString jsonError;
        QCOMPARE(ConnectionProfile::fromJson(m_store->profile(id)->toJson(), &jsonError)
                     .trustedCertSha256,
                 sha);

        // a connection whose CA file holds the certificate trusts it without a pin
        ConnectionProfile ca = p;
        ca.name = QStringLiteral("tls-ca");
        ca.caFile = cert;
        const QString caId = m_store->add(ca);
        QCOMPARE(ConnectionProfile::fromJson(m_store->profile(caId)->toJson(), &jsonError).caFile,
                 cert);
        m_window->editors()->current()->setProfileId(caId);
        run(QStringLiteral("2+2"));
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("2+2"), kWaitMs);
        QVERIFY2(m_results["2+2"].ok(),
                 m_results["2+2"].ok() ? "" : qPrintable(m_results["2+2"].error->message));
        // an unreadable CA file is named
        ConnectionProfile bad = p;
        bad.name = QStringLiteral("tls-bad-ca");
        bad.caFile = m_dir.filePath(QStringLiteral("missing.pem"));
        const QString badId = m_store->add(bad);
        m_window->editors()->current()->setProfileId(badId);
        run(QStringLiteral("3+3"));
        QTRY_VERIFY_WITH_TIMEOUT(m_results.contains("3+3"), kWaitMs);
        QVERIFY(!m_results["3+3"].ok());
        QVERIFY2(m_results["3+3"].error->message.contains(QStringLiteral("CA file")),
                 qPrintable(m_results["3+3"].error->message));
        m_window->editors()->current()->setModified(false); // closes without asking to save
        m_window->editors()->closeTab(m_window->editors()->tabWidget()->currentIndex());
        m_window->sessions()->disconnectAll();
    }

    void focusCyclesWithF6()
    {
        m_window->activateWindow();
        QTRY_VERIFY_WITH_TIMEOUT(QApplication::activeWindow() == m_window.get(), kWaitMs);
        const QList<QWidget *> panes = m_window->focusPanes();
        QCOMPARE(panes.size(), 4);
        tab()->setFocus();
        QTRY_COMPARE_WITH_TIMEOUT(QApplication::focusWidget(), static_cast<QWidget *>(tab()),
                                  kWaitMs);
        // Tab in the editor indents: the focus stays
        tab()->setText(QString());
        QTest::keyClick(tab(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(tab()));
        QVERIFY(!tab()->text().isEmpty());
        tab()->setText(QString());
        const auto inPane = [&](int i) {
            QWidget *f = QApplication::focusWidget();
            return f && (f == panes[i] || panes[i]->isAncestorOf(f));
        };
        for (int i : {1, 2, 3, 0}) { // results, tree, server box, editor
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
            QTRY_VERIFY2_WITH_TIMEOUT(inPane(i), qPrintable(QString::number(i)), kWaitMs);
        }
        for (int i : {3, 2, 1, 0}) { // and back
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6, Qt::ShiftModifier);
            QTRY_VERIFY2_WITH_TIMEOUT(inPane(i), qPrintable(QString::number(i)), kWaitMs);
        }
        // the help's shortcut table lists them from the live actions
        const QString html = m_window->shortcutsHtml();
        QVERIFY(html.contains(QStringLiteral("Next pane")));
        QVERIFY(
            html.contains(QKeySequence(Qt::SHIFT | Qt::Key_F6).toString(QKeySequence::NativeText)));
    }
    void runOnSelectedServersInParallel()
    {
        // Neither answers "multi" until both have it: run one after the other, this never ends
        FakeQServer a, b;
        QIODevice *heldA = nullptr, *heldB = nullptr;
        const auto holder = [&heldA, &heldB](QIODevice **mine) {
            return [&heldA, &heldB, mine](QIODevice *io, const MessageHeader &h, const Value &v,
                                          const QByteArray &) {
                if (h.type != MessageType::Sync) return;
                if (queryText(v) != "multi") {
                    FakeQServer::reply(io, Value::string(queryText(v)));
                    return;
                }
                *mine = io;
                if (!heldA || !heldB) return;
                FakeQServer::reply(heldA, Value::string(QByteArrayLiteral("a:multi")));
                FakeQServer::reply(heldB, Value::string(QByteArrayLiteral("b:multi")));
            };
        };
        a.onMessage = holder(&heldA);
        b.onMessage = holder(&heldB);
        QVERIFY(a.listenTcp());
        QVERIFY(b.listenTcp());
        const auto profile = [this](const QString &name, quint16 port) {
            ConnectionProfile p;
            p.name = name;
            p.host = QStringLiteral("127.0.0.1");
            p.port = port;
            return m_store->add(p);
        };
        const QString idA = profile(QStringLiteral("srv-a"), a.port());
        const QString idB = profile(QStringLiteral("srv-b"), b.port());
        ConnectionsView *view = m_window->connectionsView();
        auto *sel = view->tree()->selectionModel();
        sel->clearSelection();
        for (const QString &id : {idA, idB})
            sel->select(view->model()->indexOfProfile(id),
                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(view->selectedProfiles().size(), 2);

        ResultPane *pane = m_window->resultsFor(tab());
        const int pins = pane->pinnedCount();
        tab()->setText(QStringLiteral("multi")); // the tab's own server gets nothing of it
        tab()->setCursorPosition(0, 0);
        const int own = m_server->fake.queriesSeen("multi");
        m_window->runOnSelectedButton()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(pane->pinnedCount(), pins + 2, kWaitMs);
        QCOMPARE(a.queriesSeen("multi"), 1); // each server once
        QCOMPARE(b.queriesSeen("multi"), 1);
        QCOMPARE(m_server->fake.queriesSeen("multi"), own);
        QStringList servers;
        for (const auto &[result, server] : pane->pinnedResults())
            servers << server;
        QVERIFY(servers.contains(QStringLiteral("srv-a")));
        QVERIFY(servers.contains(QStringLiteral("srv-b")));
        QVERIFY2(m_window->messageBar()->text().contains(QStringLiteral("2 answered")),
                 qPrintable(m_window->messageBar()->text()));
        shoot(m_window.get(), QStringLiteral("multi-server"));

        // async: one broadcast, one Async message on each server and nothing else
        const auto messages = [](const FakeQServer &f) {
            int n = 0;
            for (const auto &e : f.events)
                n += e.kind == FakeQServer::Event::Message;
            return n;
        };
        const int seenA = messages(a), seenB = messages(b);
        m_window->asyncToggle()->setChecked(true);
        m_window->chaserToggle()->setChecked(false);
        tab()->setText(QStringLiteral("bcast:1"));
        tab()->setCursorPosition(0, 0);
        m_window->runOnSelectedButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(messages(a) == seenA + 1 && messages(b) == seenB + 1, kWaitMs);
        QCOMPARE(a.events.last().type, MessageType::Async);
        QCOMPARE(queryText(a.events.last().value), QByteArray("bcast:1"));
        QCOMPARE(b.events.last().type, MessageType::Async);
        QCOMPARE(queryText(b.events.last().value), QByteArray("bcast:1"));
        QVERIFY(m_window->messageBar()->text().contains(QStringLiteral("Broadcast async to 2")));
        m_window->asyncToggle()->setChecked(false);
        sel->clearSelection();
        m_window->sessions()->disconnectProfile(idA);
        m_window->sessions()->disconnectProfile(idB);
        m_store->remove(QStringList{idA, idB});
    }
};

QTEST_MAIN(TestShell)
#include "tst_shell.moc"
