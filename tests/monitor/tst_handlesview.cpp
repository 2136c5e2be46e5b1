// HandlesView against an in-process DemoServer: our own handles and the server's, as clients
// come and go; closing a remote handle and the agent behind a confirmation; the memory chart.

#include "app/confirm.h"
#include "demo/demoserver.h"
#include "monitor/handlesagent.h"
#include "monitor/handlesview.h"
#include "monitor/ownhandlesmodel.h"
#include "monitor/serverhandlesmodel.h"
#include "monitor/serverhandlespoller.h"
#include "protocol/format.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace qscope;

namespace {

void saveShot(QWidget *w, const QString &name)
{
    const QString dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/screenshots");
    QDir().mkpath(dir);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
}

} // namespace

class TstHandlesView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void ownAndServerHandles();
    void clientsComeAndGo();
    void closeRemoteHandleNeedsConfirmation();
    void agentShowsItsCodeFirst();
    void agentTracksThenUninstallRestores();
    void hiddenOrPausedSendsNothing();

private:
    ConnectionId openClient(const QString &name);
    /// One query on the monitor's connection, answered (or an error value naming the failure).
    Value ask(const QByteArray &q);
    std::unique_ptr<DemoServer> m_server;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<HandlesView> m_view;
    ConnectionId m_id = 0;
    quint16 m_port = 0;
};

ConnectionId TstHandlesView::openClient(const QString &name)
{
    ConnectionOptions o;
    o.name = name;
    o.address.host = QStringLiteral("127.0.0.1");
    o.address.port = m_port;
    return m_manager->open(o);
}

Value TstHandlesView::ask(const QByteArray &q)
{
    QSignalSpy spy(m_manager.get(), &ConnectionManager::resultReady);
    const RequestId id = m_manager->query(m_id, q);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000) {
        for (const QList<QVariant> &args : std::as_const(spy)) {
            const QueryResult r = args.at(0).value<QueryResult>();
            if (r.id != id) continue;
            return r.ok() ? r.value : Value::error(r.error->message.toUtf8());
        }
        spy.wait(50);
    }
    return Value::error("no answer");
}

void TstHandlesView::initTestCase()
{
    DemoOptions d;
    d.port = 0;
    d.unixSocket = false;
    d.feedRowsPerSecond = 50;
    m_server = std::make_unique<DemoServer>();
    QString err;
    QVERIFY2(m_server->start(d, &err), qPrintable(err));
    m_port = m_server->port();
    m_manager = std::make_unique<ConnectionManager>(1);
    m_id = openClient(QStringLiteral("monitor"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(m_id), ConnectionState::Open, 10000);
    m_view = std::make_unique<HandlesView>(m_manager.get());
    m_view->resize(1200, 800);
    m_view->show();
    m_view->poller()->setInterval(200);
    m_view->setServer(m_id);
}

void TstHandlesView::cleanupTestCase()
{
    m_view.reset();
    m_manager.reset();
    m_server.reset();
}

void TstHandlesView::ownAndServerHandles()
{
    QAbstractItemModelTester t1(m_view->ownModel(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(m_view->serverModel(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m_view->ownModel()->rowCount(), 1);
    QCOMPARE(
        m_view->ownModel()->data(m_view->ownModel()->index(0, OwnHandlesModel::State)).toString(),
        QStringLiteral("connected"));
    ServerHandlesModel *s = m_view->serverModel();
    QTRY_VERIFY_WITH_TIMEOUT(m_view->poller()->pollsCompleted() >= 2, 10000);
    QVERIFY2(m_view->poller()->lastError().isEmpty(), qPrintable(m_view->poller()->lastError()));
    QVERIFY(s->rowCount() >= 1);
    QVERIFY(s->ownHandle() > 0);
    const int own = s->rowOfHandle(s->ownHandle());
    QVERIFY(own >= 0);
    QVERIFY(s->at(own).ours);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->memoryPoints() >= 2, 5000);
}

void TstHandlesView::clientsComeAndGo()
{
    ServerHandlesModel *s = m_view->serverModel();
    QAbstractItemModelTester t(s, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int base = s->rowCount();
    const ConnectionId b = openClient(QStringLiteral("second"));
    const ConnectionId c = openClient(QStringLiteral("third"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(c), ConnectionState::Open, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->ownModel()->rowCount(), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(s->rowCount(), base + 2, 5000);
    QTest::qWait(300);
    saveShot(m_view.get(), QStringLiteral("handlesview"));
    m_manager->close(b);
    QTRY_COMPARE_WITH_TIMEOUT(s->rowCount(), base + 1, 5000);
    const int row = m_view->ownModel()->rowCount() >= 2 ? 1 : 0;
    QTRY_COMPARE_WITH_TIMEOUT(
        m_view->ownModel()->data(m_view->ownModel()->index(row, OwnHandlesModel::State)).toString(),
        QStringLiteral("disconnected"), 5000);
    m_manager->close(c);
    QTRY_COMPARE_WITH_TIMEOUT(s->rowCount(), base, 5000);
}

void TstHandlesView::closeRemoteHandleNeedsConfirmation()
{
    ServerHandlesModel *s = m_view->serverModel();
    const ConnectionId victim = openClient(QStringLiteral("victim"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(victim), ConnectionState::Open, 5000);
    const int base = s->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(s->rowCount() >= 2, 5000);
    int handle = -1;
    for (int r = 0; r < s->rowCount(); ++r)
        if (!s->at(r).ours) handle = s->at(r).handle;
    QVERIFY(handle > 0);
    Q_UNUSED(base);

    // Our own handle is refused without asking.
    const int asked = Confirm::askedCount();
    QVERIFY(!m_view->closeRemoteHandle(s->ownHandle()));
    QCOMPARE(Confirm::askedCount(), asked);
    QVERIFY(m_view->messageText().contains(QStringLiteral("own")));

    // Declined: nothing happens.
    Confirm::setNextAnswer(Confirm::No);
    QVERIFY(!m_view->closeRemoteHandle(handle));
    QCOMPARE(Confirm::askedCount(), asked + 1);
    QCOMPARE(Confirm::lastDetails(), QString::fromUtf8(HandlesAgent::closeHandleCode(handle)));
    QTest::qWait(300);
    QCOMPARE(m_manager->state(victim), ConnectionState::Open);

    // Confirmed: the server drops that client.
    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy done(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->closeRemoteHandle(handle));
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
    QVERIFY2(done.first().first().toBool(), qPrintable(m_view->messageText()));
    // The victim's side sees its socket closed; the server lists the handle no more.
    QTRY_VERIFY_WITH_TIMEOUT(m_manager->state(victim) != ConnectionState::Open, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(s->rowOfHandle(handle), -1, 5000);
    // Closing it again is q's error for a handle that is not open, shown with its query.
    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy again(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->closeRemoteHandle(handle));
    QTRY_COMPARE_WITH_TIMEOUT(again.count(), 1, 5000);
    QVERIFY(!again.first().first().toBool());
    QVERIFY2(m_view->messageText().startsWith(QStringLiteral("': Bad file descriptor")),
             qPrintable(m_view->messageText()));
}

void TstHandlesView::agentShowsItsCodeFirst()
{
    const int asked = Confirm::askedCount();
    Confirm::setNextAnswer(Confirm::No);
    QVERIFY(!m_view->installAgent());
    QCOMPARE(Confirm::askedCount(), asked + 1);
    QCOMPARE(Confirm::lastDetails(), QString::fromUtf8(HandlesAgent::installCode()));
    QVERIFY(!m_view->agentInstalled());

    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy done(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->installAgent());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
    QVERIFY2(done.first().first().toBool(), qPrintable(m_view->messageText()));
    QVERIFY(m_view->agentInstalled());
    // A new client is pushed to us by the agent, with its user.
    const ConnectionId d = openClient(QStringLiteral("tracked"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(d), ConnectionState::Open, 5000);
    ServerHandlesModel *s = m_view->serverModel();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int r = 0; r < s->rowCount(); ++r)
                if (!s->at(r).ours && s->at(r).tracked && !s->at(r).opened.isEmpty()) return true;
            return false;
        }(),
        5000);
    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy undone(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->uninstallAgent());
    QTRY_COMPARE_WITH_TIMEOUT(undone.count(), 1, 5000);
    QVERIFY2(undone.first().first().toBool(), qPrintable(m_view->messageText()));
    QVERIFY(!m_view->agentInstalled());
    m_manager->close(d);
}

void TstHandlesView::agentTracksThenUninstallRestores()
{
    // Before: a user's own .z.po, and no .z.pg / .z.ps (q's defaults).
    QVERIFY(!ask(".seen:`int$(); .z.po:{[h] .seen,:h}; .userpo:.z.po;").isError());
    QCOMPARE(formatOneLine(ask("`po`pc`pg`ps in key`.z")), QByteArray("1100b"));

    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy done(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->installAgent());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
    QVERIFY2(done.first().first().toBool(), qPrintable(m_view->messageText()));
    QCOMPARE(formatOneLine(ask("`po`pc`pg`ps in key`.z")), QByteArray("1111b"));

    // A client comes: the agent's row is pushed to us, and the user's .z.po still ran.
    const Value known = ask("key .z.W");
    QCOMPARE(known.type(), int(Int));
    QSet<int> earlier;
    for (int64_t i = 0; i < known.count(); ++i)
        earlier.insert(known.at<int32_t>(i));
    const ConnectionId e = openClient(QStringLiteral("comes-and-goes"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(e), ConnectionState::Open, 5000);
    ServerHandlesModel *s = m_view->serverModel();
    int handle = -1;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int r = 0; r < s->rowCount(); ++r)
                if (!s->at(r).ours && s->at(r).tracked && !s->at(r).opened.isEmpty() &&
                    !earlier.contains(s->at(r).handle)) {
                    handle = s->at(r).handle;
                    return true;
                }
            return false;
        }(),
        5000);
    const QByteArray h = QByteArray::number(handle) + 'i';
    QCOMPARE(ask(h + " in .seen").boolean(), true);
    QCOMPARE(ask("exec first sync from .qscope.track where handle=.z.w").type(), -Long);
    // ... and goes: the agent's table keeps it, closed.
    m_manager->close(e);
    QTRY_VERIFY_WITH_TIMEOUT(
        !ask("null exec first closed from .qscope.track where handle=" + h).boolean(), 5000);

    Confirm::setNextAnswer(Confirm::Yes);
    QSignalSpy undone(m_view.get(), &HandlesView::actionFinished);
    QVERIFY(m_view->uninstallAgent());
    QTRY_COMPARE_WITH_TIMEOUT(undone.count(), 1, 5000);
    QVERIFY2(undone.first().first().toBool(), qPrintable(m_view->messageText()));
    // After: the user's .z.po exactly as it was, .z.pg/.z.ps gone again, no .qscope left.
    QCOMPARE(ask(".z.po~.userpo").boolean(), true);
    QCOMPARE(formatOneLine(ask("-3!.z.po")), QByteArray("\"{[h] .seen,:h}\""));
    QCOMPARE(formatOneLine(ask("`po`pc`pg`ps in key`.z")), QByteArray("1100b"));
    QCOMPARE(ask("`qscope in key`").boolean(), false);
    // and it still runs for the next client
    const int before = int(ask("count .seen").longValue());
    const ConnectionId f = openClient(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(f), ConnectionState::Open, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(int(ask("count .seen").longValue()), before + 1, 5000);
    m_manager->close(f);
}

void TstHandlesView::hiddenOrPausedSendsNothing()
{
    // Counted at the engine: requests written on the view's connection.
    HandleRegistry *reg = m_manager->registry();
    const auto sent = [&] { return reg->at(reg->rowOf(m_id)).messagesOut; };
    ServerHandlesPoller *p = m_view->poller();
    QVERIFY(p->isPolling());
    QTRY_VERIFY_WITH_TIMEOUT(p->pollsCompleted() >= 1, 5000);
    m_view->hide();
    QVERIFY(!p->isPolling());
    QTest::qWait(400); // the registry's counters refresh every 250 ms
    const qint64 hidden = sent();
    const int polls = p->pollsCompleted();
    QTest::qWait(3 * 200 + 400);
    QCOMPARE(sent(), hidden);
    QCOMPARE(p->pollsCompleted(), polls);

    m_view->show();
    QTRY_VERIFY_WITH_TIMEOUT(p->pollsCompleted() > polls + 1, 5000);
    m_view->setPollInterval(0); // paused on the view
    QVERIFY(!p->isPolling());
    QTest::qWait(400);
    const qint64 paused = sent();
    QTest::qWait(3 * 200 + 400);
    QCOMPARE(sent(), paused);
    m_view->setPollInterval(200);
    QTRY_VERIFY_WITH_TIMEOUT(sent() > paused, 5000);
}

QTEST_MAIN(TstHandlesView)
#include "tst_handlesview.moc"
