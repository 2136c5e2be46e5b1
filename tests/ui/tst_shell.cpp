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
#include "mainwindow.h"
#include "results/resultpane.h"
#include "theme/theme.h"
#include "windowfixture.h"

#include <QComboBox>
#include <QCryptographicHash>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
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
using qscope::test::WindowFixture;

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

    WindowFixture m_fx;
    Server *m_server = nullptr;
    QString m_profile;

    /// Runs a sync query and waits for its answer: everything sent before it has been read.
    void syncMarker(const QByteArray &marker)
    {
        m_fx.window->asyncToggle()->setChecked(false);
        m_fx.run(QString::fromUtf8(marker));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains(marker), kWaitMs);
    }
    void shoot(QWidget *w, const QString &name)
    {
        QVERIFY(qscope::test::saveShot(w->grab().toImage(), name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_shell")), QString());
        m_server = m_fx.addServer<Server>();
        QVERIFY(m_server);
        m_profile = m_fx.addProfile(QStringLiteral("rdb"), m_server->fake);
        QVERIFY(m_fx.open(m_profile, QSize(1100, 700)));
        m_fx.tab()->setProfileId(m_profile);
    }

    void cleanupTestCase() { m_fx.close(); }

    void emptyEditorShowsHint()
    {
        EditorTab *t = m_fx.tab();
        t->setText(QString());
        auto *hint = t->findChild<EmptyHint *>();
        QVERIFY(hint);
        QVERIFY(hint->isShown());
        QVERIFY(EmptyHint::text().contains(QStringLiteral("select from trade")));
        QVERIFY(EmptyHint::text().contains(QStringLiteral(".u.w")));
        QVERIFY(EmptyHint::text().contains(QStringLiteral("tables[]")));
        shoot(m_fx.window.get(), QStringLiteral("toolbar"));
        QTest::keyClicks(t, QStringLiteral("til 3"));
        QCOMPARE(t->text(), QStringLiteral("til 3")); // the hint is not text of the buffer
        QVERIFY(!hint->isShown());
        t->setText(QString());
        QVERIFY(hint->isShown());
    }

    void queryMenuNamesCtrlE()
    {
        QMenu *query = nullptr;
        for (QAction *a : m_fx.window->menuBar()->actions())
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
        const QString html = m_fx.window->shortcutsHtml();
        QVERIFY(html.contains(QStringLiteral("<td>Run line or selection</td>")));
    }

    void toolbarFollowsTheTab()
    {
        QToolBar *bar = m_fx.window->toolBar();
        QVERIFY(bar->isVisible());
        QVERIFY(bar->actions().contains(m_fx.window->runButton()));
        QComboBox *server = m_fx.window->editors()->serverCombo();
        QCOMPARE(server->parentWidget(), bar); // the tab's server sits in the toolbar
        QCOMPARE(server->currentData().toString(), m_profile);
        QVERIFY(m_fx.window->runButton()->isEnabled());
        QVERIFY(m_fx.window->runAllButton()->isEnabled());
        QVERIFY(!m_fx.window->cancelButton()->isEnabled());

        // a tab bound to no server cannot run
        server->setCurrentIndex(server->findData(QString()));
        QCOMPARE(m_fx.tab()->profileId(), QString());
        QVERIFY(!m_fx.window->runButton()->isEnabled());
        server->setCurrentIndex(server->findData(m_profile));
        QCOMPARE(m_fx.tab()->profileId(), m_profile);
        QVERIFY(m_fx.window->runButton()->isEnabled());

        // while the tab's query runs: Cancel, not Run; the Run button sends it
        m_fx.tab()->setText(QStringLiteral("hold"));
        m_fx.tab()->setCursorPosition(0, 0);
        const int disconnects = m_server->fake.eventCount(FakeQServer::Event::Disconnected);
        m_fx.window->runButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_server->fake.queriesSeen("hold") == 1, kWaitMs);
        QVERIFY(m_fx.window->cancelButton()->isEnabled());
        QVERIFY(!m_fx.window->runButton()->isEnabled());
        QVERIFY(!m_fx.window->runAllButton()->isEnabled());
        m_fx.window->cancelButton()->trigger(); // kdb+ cannot abort: the socket is dropped
        QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->cancelButton()->isEnabled(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->fake.eventCount(FakeQServer::Event::Disconnected) > disconnects, kWaitMs);
        QVERIFY(m_fx.window->runButton()->isEnabled());

        // Run all sends the whole buffer
        m_fx.tab()->setText(QStringLiteral("a:1\nb:2"));
        m_fx.window->runAllButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("a:1\nb:2"), kWaitMs);
    }

    void asyncSendsOneAsyncMessageAndNothingElse()
    {
        syncMarker("before");
        const int seen = int(m_server->messages().size());
        m_fx.window->asyncToggle()->setChecked(true);
        m_fx.window->chaserToggle()->setChecked(false);
        QVERIFY(m_fx.window->chaserToggle()->isEnabled());
        m_fx.run(QStringLiteral("x:42"));
        QTRY_VERIFY_WITH_TIMEOUT(m_server->messages().size() == seen + 1, kWaitMs);
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("Sent async")));
        syncMarker("after");
        const auto msgs = m_server->messages().mid(seen);
        QCOMPARE(msgs.size(), 2);
        QCOMPARE(msgs[0].first, MessageType::Async);
        QCOMPARE(msgs[0].second, QByteArray("x:42"));
        QCOMPARE(msgs[1].first, MessageType::Sync);
        QCOMPARE(msgs[1].second, QByteArray("after"));
        QVERIFY(!m_fx.results.contains("x:42")); // async: no result for the tab
    }

    void chaserSurfacesTheServersError()
    {
        syncMarker("before chase");
        const int seen = int(m_server->messages().size());
        m_fx.window->asyncToggle()->setChecked(true);
        m_fx.window->chaserToggle()->setChecked(true);
        m_fx.run(QStringLiteral("bad \"quoted\"+`a"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->messageBar()->text().contains(QStringLiteral("failed on the server")),
            kWaitMs);
        QVERIFY2(m_fx.window->messageBar()->text().contains(QStringLiteral("'type")),
                 qPrintable(m_fx.window->messageBar()->text()));
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
        m_fx.run(QStringLiteral("y:1"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->messageBar()->text().contains(QStringLiteral("ran without error")),
            kWaitMs);
        msgs = m_server->messages().mid(seen + 2);
        QCOMPARE(msgs.size(), 2);
        QCOMPARE(msgs[0].second, AsyncSender::trapped("y:1"));
        m_fx.window->asyncToggle()->setChecked(false);
    }

    void testButtonOpensAndClosesOneConnection()
    {
        const ConnectionProfile *p = m_fx.store->profile(m_profile);
        ConnectionDialog dialog(*p, m_fx.store->folders(), QString());
        dialog.enableTest(m_fx.manager.get());
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
        const QString idA = m_fx.store->add(a);
        ConnectionProfile b;
        b.name = QStringLiteral("hdb-us");
        b.host = QStringLiteral("hist.example");
        b.folder = QStringLiteral("UAT");
        b.tag = QStringLiteral("uat");
        const QString idB = m_fx.store->add(b);
        ConnectionsView *view = m_fx.window->connectionsView();
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
        const QString idC = m_fx.store->add(c);
        QVERIFY(!shown(idC));
        view->searchEdit()->clear();
        QVERIFY(shown(idA) && shown(idB) && shown(idC) && shown(m_profile));
        m_fx.store->remove(QStringList{idA, idB, idC});
    }

    void newFolderOnEmptySpaceIsTopLevel()
    {
        ConnectionProfile a;
        a.name = QStringLiteral("in-folder");
        a.folder = QStringLiteral("Desk");
        const QString id = m_fx.store->add(a);
        ConnectionsView *view = m_fx.window->connectionsView();
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
        QVERIFY(m_fx.store->folders().contains(QStringLiteral("Archive")));
        QVERIFY(!m_fx.store->folders().contains(QStringLiteral("Desk/Archive")));
        m_fx.store->remove(id);
    }

    void renameReachesStatusBarAndHandles()
    {
        syncMarker("open"); // the tab's connection is open
        const ConnectionId conn = m_fx.window->sessions()->connectionOf(m_profile);
        const HandleRegistry *reg = m_fx.manager->registry();
        QVERIFY(reg->rowOf(conn) >= 0);
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb"));
        ConnectionProfile p = *m_fx.store->profile(m_profile);
        p.name = QStringLiteral("rdb-renamed");
        QVERIFY(m_fx.store->update(p));
        QVERIFY2(m_fx.window->serverStatus()->text().contains(QStringLiteral("rdb-renamed")),
                 qPrintable(m_fx.window->serverStatus()->text()));
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb-renamed"));
        QCOMPARE(m_fx.window->editors()->serverCombo()->currentText(),
                 QStringLiteral("rdb-renamed"));
        // the engine's next row for the handle (a query's bytes) keeps the new name
        syncMarker("after rename");
        QCOMPARE(reg->at(reg->rowOf(conn)).name, QStringLiteral("rdb-renamed"));
        p.name = QStringLiteral("rdb");
        QVERIFY(m_fx.store->update(p));
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
        const QString cert = m_fx.dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_fx.dir.filePath(QStringLiteral("key.pem"));
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
        const QString id = m_fx.store->add(p);
        m_fx.window->editors()->newTab(id);
        m_fx.run(QStringLiteral("1+1"));
        // refused: the prompt names the certificate
        TrustPrompt *prompt = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("1+1"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT((prompt = m_fx.window->findChild<TrustPrompt *>()), kWaitMs);
        QCOMPARE(prompt->profileId(), id);
        const QString text = prompt->text();
        QVERIFY2(text.contains(QStringLiteral("CN=localhost")), qPrintable(text));
        QVERIFY2(text.contains(colonHex(sha.left(16))), qPrintable(text));
        QVERIFY2(text.contains(colonHex(sha.mid(16))), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
                 qPrintable(text));
        QVERIFY(m_fx.window->serverStatus()->text().contains(colonHex(sha).left(8)) ||
                m_fx.window->statusBar()->currentMessage().contains(colonHex(sha)));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("1+1"), kWaitMs);
        QVERIFY(!m_fx.results["1+1"].ok());
        QVERIFY(m_fx.store->profile(id)->trustedCertSha256.isEmpty()); // nothing pinned unasked
        shoot(prompt, QStringLiteral("trust-dialog"));

        prompt->trustButton()->click();
        QCOMPARE(m_fx.store->profile(id)->trustedCertSha256, sha); // pinned, in the profile
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sessions()->isOpen(id), kWaitMs);
        m_fx.results.remove("1+1");
        m_fx.run(QStringLiteral("1+1"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("1+1"), kWaitMs);
        QVERIFY(m_fx.results["1+1"].ok());
        // kept across a save and load of the profile
        QString jsonError;
        QCOMPARE(ConnectionProfile::fromJson(m_fx.store->profile(id)->toJson(), &jsonError)
                     .trustedCertSha256,
                 sha);

        // a connection whose CA file holds the certificate trusts it without a pin
        ConnectionProfile ca = p;
        ca.name = QStringLiteral("tls-ca");
        ca.caFile = cert;
        const QString caId = m_fx.store->add(ca);
        QCOMPARE(
            ConnectionProfile::fromJson(m_fx.store->profile(caId)->toJson(), &jsonError).caFile,
            cert);
        m_fx.window->editors()->current()->setProfileId(caId);
        m_fx.run(QStringLiteral("2+2"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("2+2"), kWaitMs);
        QVERIFY2(m_fx.results["2+2"].ok(),
                 m_fx.results["2+2"].ok() ? "" : qPrintable(m_fx.results["2+2"].error->message));
        // an unreadable CA file is named
        ConnectionProfile bad = p;
        bad.name = QStringLiteral("tls-bad-ca");
        bad.caFile = m_fx.dir.filePath(QStringLiteral("missing.pem"));
        const QString badId = m_fx.store->add(bad);
        m_fx.window->editors()->current()->setProfileId(badId);
        m_fx.run(QStringLiteral("3+3"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("3+3"), kWaitMs);
        QVERIFY(!m_fx.results["3+3"].ok());
        QVERIFY2(m_fx.results["3+3"].error->message.contains(QStringLiteral("CA file")),
                 qPrintable(m_fx.results["3+3"].error->message));
        m_fx.window->editors()->current()->setModified(false); // closes without asking to save
        m_fx.window->editors()->closeTab(m_fx.window->editors()->tabWidget()->currentIndex());
        m_fx.window->sessions()->disconnectAll();
    }

    void focusCyclesWithF6()
    {
        m_fx.window->activateWindow();
        QTRY_VERIFY_WITH_TIMEOUT(QApplication::activeWindow() == m_fx.window.get(), kWaitMs);
        const QList<QWidget *> panes = m_fx.window->focusPanes();
        QCOMPARE(panes.size(), 4);
        m_fx.tab()->setFocus();
        QTRY_COMPARE_WITH_TIMEOUT(QApplication::focusWidget(), static_cast<QWidget *>(m_fx.tab()),
                                  kWaitMs);
        // Tab in the editor indents: the focus stays
        m_fx.tab()->setText(QString());
        QTest::keyClick(m_fx.tab(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget *>(m_fx.tab()));
        QVERIFY(!m_fx.tab()->text().isEmpty());
        m_fx.tab()->setText(QString());
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
        const QString html = m_fx.window->shortcutsHtml();
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
            return m_fx.store->add(p);
        };
        const QString idA = profile(QStringLiteral("srv-a"), a.port());
        const QString idB = profile(QStringLiteral("srv-b"), b.port());
        ConnectionsView *view = m_fx.window->connectionsView();
        auto *sel = view->tree()->selectionModel();
        sel->clearSelection();
        for (const QString &id : {idA, idB})
            sel->select(view->model()->indexOfProfile(id),
                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(view->selectedProfiles().size(), 2);

        ResultPane *pane = m_fx.window->resultsFor(m_fx.tab());
        const int pins = pane->pinnedCount();
        m_fx.tab()->setText(QStringLiteral("multi")); // the tab's own server gets nothing of it
        m_fx.tab()->setCursorPosition(0, 0);
        const int own = m_server->fake.queriesSeen("multi");
        m_fx.window->runOnSelectedButton()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(pane->pinnedCount(), pins + 2, kWaitMs);
        QCOMPARE(a.queriesSeen("multi"), 1); // each server once
        QCOMPARE(b.queriesSeen("multi"), 1);
        QCOMPARE(m_server->fake.queriesSeen("multi"), own);
        QStringList servers;
        for (const auto &[result, server] : pane->pinnedResults())
            servers << server;
        QVERIFY(servers.contains(QStringLiteral("srv-a")));
        QVERIFY(servers.contains(QStringLiteral("srv-b")));
        QVERIFY2(m_fx.window->messageBar()->text().contains(QStringLiteral("2 answered")),
                 qPrintable(m_fx.window->messageBar()->text()));
        shoot(m_fx.window.get(), QStringLiteral("multi-server"));

        // async: one broadcast, one Async message on each server and nothing else
        const auto messages = [](const FakeQServer &f) {
            int n = 0;
            for (const auto &e : f.events)
                n += e.kind == FakeQServer::Event::Message;
            return n;
        };
        const int seenA = messages(a), seenB = messages(b);
        m_fx.window->asyncToggle()->setChecked(true);
        m_fx.window->chaserToggle()->setChecked(false);
        m_fx.tab()->setText(QStringLiteral("bcast:1"));
        m_fx.tab()->setCursorPosition(0, 0);
        m_fx.window->runOnSelectedButton()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(messages(a) == seenA + 1 && messages(b) == seenB + 1, kWaitMs);
        QCOMPARE(a.events.last().type, MessageType::Async);
        QCOMPARE(queryText(a.events.last().value), QByteArray("bcast:1"));
        QCOMPARE(b.events.last().type, MessageType::Async);
        QCOMPARE(queryText(b.events.last().value), QByteArray("bcast:1"));
        QVERIFY(m_fx.window->messageBar()->text().contains(QStringLiteral("Broadcast async to 2")));
        m_fx.window->asyncToggle()->setChecked(false);
        sel->clearSelection();
        m_fx.window->sessions()->disconnectProfile(idA);
        m_fx.window->sessions()->disconnectProfile(idB);
        m_fx.store->remove(QStringList{idA, idB});
    }
};

QTEST_MAIN(TestShell)
#include "tst_shell.moc"
