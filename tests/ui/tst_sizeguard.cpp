// The size guard in the workbench (issue #16), through the real MainWindow against FakeQServer:
//   - an answer from the confirm size up is asked about inline in the tab's result pane ("The
//     answer is 3.1 MB. Fetch it? / Cancel"); Fetch reads it on the same socket, Cancel resets
//     the socket without reading it (the server sees the disconnect) and the session goes on;
//   - an answer over the connection's own limit (the profile's "largest result") shows the
//     engine's TooLarge text inline, naming the reset; the next query works;
//   - the status bar names the capability the server granted;
//   - the profile keeps its limit (JSON) and hands it to the engine.
// Screenshots: /work/shots/size-prompt.png, /work/shots/size-over-limit.png.

#include "connections/connectiondialog.h"
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/queryrunner.h"
#include "editor/querystatus.h"
#include "fakeqserver.h"
#include "mainwindow.h"
#include "results/resultpane.h"
#include "results/resultview.h"
#include "windowfixture.h"

#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QtTest>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;
using qscope::test::WindowFixture;

namespace {

constexpr int kWaitMs = 20000;
constexpr qint64 kConfirm = 100 * 1024;    // asked about from here
constexpr qint64 kLimit = qint64(8) << 20; // the profile's largest result

/// Answers "big N" with N longs (N*8+14 bytes), anything else with its text.
struct Server
{
    FakeQServer fake;
    Server()
    {
        fake.onMessage = [](QIODevice *io, const MessageHeader &h, const Value &v,
                            const QByteArray &) {
            if (h.type != MessageType::Sync) return;
            const QByteArray q = queryText(v);
            if (q.startsWith("big ")) {
                std::vector<int64_t> xs(size_t(q.mid(4).toInt()));
                for (size_t i = 0; i < xs.size(); ++i)
                    xs[i] = int64_t(i);
                EncodeOptions o;
                o.type = MessageType::Response;
                io->write(encodeMessage(Value::fromVector(Long, std::move(xs)), o));
            } else {
                FakeQServer::reply(io, Value::string(q));
            }
        };
    }
};

} // namespace

class TestSizeGuard : public QObject
{
    Q_OBJECT

    WindowFixture m_fx;
    Server *m_server = nullptr;
    QString m_profile;

    ResultPane *pane() const { return m_fx.window->resultsFor(m_fx.tab()); }
    void shoot(const QString &name) { QVERIFY(m_fx.shot(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(m_fx.prepare(QStringLiteral("tst_sizeguard")), QString());
        QCOMPARE(ServerSessions::confirmAboveBytes(), ServerSessions::kDefaultConfirmAboveBytes);
        ServerSessions::setConfirmAboveBytes(kConfirm);
        m_server = m_fx.addServer<Server>();
        QVERIFY(m_server);
        m_profile = m_fx.addProfile(QStringLiteral("hdb"), m_server->fake,
                                    [](ConnectionProfile &p) { p.maxResultBytes = kLimit; });
        QVERIFY(m_fx.open(m_profile, QSize(1100, 700)));
        m_fx.tab()->setProfileId(m_profile);
    }

    void cleanupTestCase() { m_fx.close(); }

    void profileCarriesTheLimit()
    {
        const ConnectionProfile *p = m_fx.store->profile(m_profile);
        QVERIFY(p);
        QCOMPARE(p->toOptions(QString()).maxMessageBytes, kLimit);
        QString error;
        const ConnectionProfile back = ConnectionProfile::fromJson(p->toJson(), &error);
        QCOMPARE(error, QString());
        QCOMPARE(back.maxResultBytes, kLimit);
        ConnectionProfile plain;
        plain.name = QStringLiteral("plain");
        QCOMPARE(plain.toOptions(QString()).maxMessageBytes, defaultMessageLimit());
        QVERIFY(!plain.toJson().contains(QStringLiteral("maxResultBytes")));
        // the dialog shows the profile's limit in MB and gives it back
        ConnectionDialog dialog(*p, {}, QString());
        QCOMPARE(dialog.maxResultSpin()->value(), 8);
        dialog.maxResultSpin()->setValue(0);
        QCOMPARE(dialog.profile().maxResultBytes, qint64(0));
        QVERIFY(dialog.maxResultSpin()->specialValueText().contains(
            formatByteSize(defaultMessageLimit())));
        dialog.maxResultSpin()->setValue(16);
        QCOMPARE(dialog.profile().maxResultBytes, qint64(16) << 20);
    }

    void smallAnswerIsNotAsked()
    {
        m_fx.run(QStringLiteral("big 1000")); // 8 KB
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("big 1000"), kWaitMs);
        QVERIFY(m_fx.results["big 1000"].ok());
        QVERIFY(!pane()->isAskingFetch());
    }

    void capabilityShown()
    {
        // FakeQServer grants at most 3, whatever qscope asks (6)
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->serverStatus()->text().contains(QStringLiteral("capability 3")), kWaitMs);
        QVERIFY(m_fx.window->serverStatus()->toolTip().contains(QStringLiteral("2 GB")));
        QVERIFY(m_fx.window->serverStatus()->toolTip().contains(formatByteSize(kLimit)));
    }

    void largeAnswerAskedThenFetched()
    {
        const int logins = m_server->fake.logins;
        m_fx.run(QStringLiteral("big 400000"));
        QTRY_VERIFY_WITH_TIMEOUT(pane()->isAskingFetch(), kWaitMs);
        const qint64 bytes = qint64(400000) * 8 + 14;
        QVERIFY2(pane()->fetchQuestion().contains(QStringLiteral("The answer is ") +
                                                  formatByteSize(bytes)),
                 qPrintable(pane()->fetchQuestion()));
        QVERIFY(pane()->fetchQuestion().contains(QStringLiteral("big 400000")));
        QTest::qWait(300); // held while the user decides: nothing arrives
        QVERIFY(!m_fx.results.contains("big 400000"));
        QVERIFY(m_fx.window->runner()->activeFor(m_fx.tab()) != 0);
        QCOMPARE(m_fx.window->runner()
                     ->job(m_fx.window->runner()->activeFor(m_fx.tab()))
                     ->awaitingConsent,
                 bytes);
        // the running strip says what the query waits for
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->queryStatus()->text().contains(
                                     QStringLiteral("The answer is ") + formatByteSize(bytes)),
                                 kWaitMs);
        shoot(QStringLiteral("size-prompt"));
        QTest::mouseClick(pane()->fetchButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("big 400000"), kWaitMs);
        const QueryResult &r = m_fx.results["big 400000"];
        QVERIFY(r.ok());
        QCOMPARE(r.value.count(), int64_t(400000));
        QCOMPARE(r.value.at<int64_t>(399999), int64_t(399999));
        QVERIFY(!pane()->isAskingFetch());
        QCOMPARE(m_server->fake.logins, logins); // read on the same socket
    }

    void largeAnswerRefused()
    {
        m_fx.results.clear();
        const int disconnects = m_server->fake.eventCount(FakeQServer::Event::Disconnected);
        m_fx.run(QStringLiteral("big 400001"));
        QTRY_VERIFY_WITH_TIMEOUT(pane()->isAskingFetch(), kWaitMs);
        QTest::mouseClick(pane()->refuseFetchButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("big 400001"), kWaitMs);
        QCOMPARE(m_fx.results["big 400001"].error->kind, NetError::Cancelled);
        // not read: the socket was reset, which the server saw
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->fake.eventCount(FakeQServer::Event::Disconnected) > disconnects, kWaitMs);
        QVERIFY(!pane()->isAskingFetch());
        m_fx.run(QStringLiteral("after refusal"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("after refusal"), kWaitMs);
        QVERIFY(m_fx.results["after refusal"].ok());
    }

    void overTheLimitShownInline()
    {
        m_fx.results.clear();
        const int disconnects = m_server->fake.eventCount(FakeQServer::Event::Disconnected);
        m_fx.run(QStringLiteral("big 2000000")); // 16 MB: over the profile's 8 MB
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("big 2000000"), kWaitMs);
        const QueryResult &r = m_fx.results["big 2000000"];
        QCOMPARE(r.error->kind, NetError::TooLarge);
        QVERIFY(!pane()->isAskingFetch()); // over the limit is never offered
        const QString shown = pane()->currentView()->errorLabel()->text();
        QVERIFY2(shown.contains(QStringLiteral("exceeds this connection's limit of ") +
                                formatByteSize(kLimit)),
                 qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("reset")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("big 2000000")), qPrintable(shown));
        QVERIFY(pane()->currentView()->errorLabel()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->fake.eventCount(FakeQServer::Event::Disconnected) > disconnects, kWaitMs);
        shoot(QStringLiteral("size-over-limit"));
        m_fx.run(QStringLiteral("after limit"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.results.contains("after limit"), kWaitMs);
        QVERIFY(m_fx.results["after limit"].ok());
    }
};

QTEST_MAIN(TestSizeGuard)
#include "tst_sizeguard.moc"
