// The estate against a whole demo plant in this process (core/demo/plant.h): each part its own
// q server on its own port, wired by its own q over real IPC. The plant is checked over the wire
// with the test client alone; the estate model and poller through the real ConnectionManager.

#include "app/firstrun.h"
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "demo/plant.h"
#include "editor/editorarea.h"
#include "estate/estategraph.h"
#include "estate/estatehistorychart.h"
#include "estate/estatemodel.h"
#include "estate/estatepoller.h"
#include "estate/estateview.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "monitor/handlesview.h"
#include "net/connectionmanager.h"
#include "qtestclient.h"
#include "theme/theme.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QListWidget>
#include <QPointer>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace qscope;
using qscope::test::QTestClient;

namespace {

QString key(const DemoPlant &p, const char *name)
{
    return QStringLiteral("127.0.0.1:%1").arg(p.port(QLatin1String(name)));
}

QByteArray str(const Value &v)
{
    return v.type() == Char ? QByteArray(v.rawData(), qsizetype(v.count())) : QByteArray();
}

const EstateEdge *edge(const EstateModel &m, const QString &from, const QString &to)
{
    for (const EstateEdge &e : m.edges())
        if (e.from == from && e.to == to) return &e;
    return nullptr;
}

bool activeAlert(const EstateModel &m, EstateAlert::Kind kind, const QString &node)
{
    for (const EstateAlert &a : m.alerts())
        if (a.active() && a.kind == kind && a.node == node) return true;
    return false;
}

} // namespace

class TstEstate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void plantAnswersIntrospection();
    void discoveryFindsEveryProcessAndEdge();
    void discoveryFromOneTickerplantShowsItsSubscribers();
    void slowSubscriberRaisesQueueAlert();
    void killedProcessIsUnreachableUntilRestarted();
    void chainedLogStallsWhenItsTickerplantDies();
    void memoryAlertFiresOverTheShareAndClears();
    void restartLoopRaisesReconnectAlertThenClears();
    void slowChainedTickerplantFallsBehindItsPublisher();
    void stoppedPollerSendsNothing();
    void rulesControlsSetTheModelsRules();
    void hiddenViewSendsNothingAndShowsAlerts();
    void mainWindowOpensANodesTabAndHandles();
    void demoIsAPlantWhoseTickerplantIsTheDemoConnection();
    void qscopeDemoPlantPrintsPortsAndTakesCommands();

private:
    void startPlant(int rate = 400);
    std::unique_ptr<DemoPlant> m_plant;
    std::unique_ptr<ConnectionManager> m_manager;
};

void TstEstate::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_estate"));
    QSettings().clear();
    QFile::remove(ConnectionStore::defaultPath());
}

void TstEstate::init()
{
    m_manager = std::make_unique<ConnectionManager>(1);
}

void TstEstate::cleanup()
{
    m_manager.reset();
    m_plant.reset();
}

void TstEstate::startPlant(int rate)
{
    m_plant = std::make_unique<DemoPlant>();
    PlantOptions o;
    o.feedRowsPerSecond = rate;
    o.feedBatch = 20;
    QString err;
    QVERIFY2(m_plant->start(o, &err), qPrintable(err));
}

void TstEstate::plantAnswersIntrospection()
{
    // kdb-tick's introspection as kdb+ answers it (code.kx.com/q/kb/publish-subscribe/ for .u.w
    // .u.t .u.i; code.kx.com/q/ref/dotz/ for .z.W .z.H .z.i; code.kx.com/q/ref/dotq/#w-memory-stats
    // for .Q.w; code.kx.com/q/basics/internal/#-38x-socket-table for -38!).
    startPlant();
    const quint16 tp = m_plant->port(QStringLiteral("tp"));
    QTestClient c(tp);
    QCOMPARE(c.login("estate:"), 3);
    // The four direct subscribers: rdb1, rdb2 and the chained tp take everything; rte trade only.
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count .u.w`trade").rawInt() == 4, 10000);
    QCOMPARE(c.sync("count .u.w`quote").rawInt(), 3);
    QCOMPARE(c.sync(".u.t").count(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(c.sync(".u.i").rawInt() > 0, 10000);
    QCOMPARE(c.sync("system\"p\"").rawInt(), qint64(tp));
    QVERIFY(c.sync(".z.i").rawInt() > 0);
    const Value w = c.sync(".Q.w[]");
    QVERIFY(w.isDict());
    QCOMPARE(w.keys().symAt(0), QByteArray("used"));
    const Value zw = c.sync(".z.W");
    QVERIFY(zw.isDict());
    QCOMPARE(zw.keys().count(), 5); // four subscribers and this client
    QCOMPARE(c.sync("count .z.H").rawInt(), 5);
    QCOMPARE(c.sync("count -38!.z.H").rawInt(), 5);

    // An RDB keeps its upstream as r.q does, and holds the rows the feed published.
    QTestClient r(m_plant->port(QStringLiteral("rdb1")));
    QCOMPARE(r.login("estate:"), 3);
    QCOMPARE(str(r.sync(".u.x 0")), ":127.0.0.1:" + QByteArray::number(tp));
    QTRY_VERIFY_WITH_TIMEOUT(r.sync("count trade").rawInt() > 0, 10000);
    QVERIFY(r.sync("@[value;`.u.w;{`none}]").type() == -Symbol); // not a tickerplant
    // The chained tickerplant republishes to its own RDB.
    QTestClient cr(m_plant->port(QStringLiteral("crdb")));
    QCOMPARE(cr.login("estate:"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(cr.sync("count quote").rawInt() > 0, 10000);
    QTestClient ctp(m_plant->port(QStringLiteral("ctp")));
    QCOMPARE(ctp.login("estate:"), 3);
    QCOMPARE(ctp.sync("count .u.w`trade").rawInt(), 1);
    QVERIFY(ctp.sync(".u.i").rawInt() > 0);
    // The engine keeps last price and VWAP per sym from the trades.
    QTestClient e(m_plant->port(QStringLiteral("rte")));
    QCOMPARE(e.login("estate:"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(e.sync("count vwap").rawInt() == 10, 10000);
    QVERIFY(e.sync("all vwap within (min;max)@\\:lastpx").type() == -Boolean);
    // The gateway asks both RDBs over its own handles.
    QTestClient g(m_plant->port(QStringLiteral("gw")));
    QCOMPARE(g.login("estate:"), 3);
    QVERIFY(g.sync("tradeCount[]").rawInt() > 0);
    QCOMPARE(g.sync("count .gw.h").rawInt(), 2);
    QVERIFY(g.sync("count .z.W").rawInt() >= 3); // its two handles and this client
}

void TstEstate::discoveryFindsEveryProcessAndEdge()
{
    startPlant();
    EstateModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    EstatePoller poller(m_manager.get(), &model);
    // A folder of saved connections: every part, in no particular order.
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral(":localhost:%1").arg(n.port));
    QSignalSpy found(&poller, &EstatePoller::discovered);
    poller.setInterval(300);
    poller.startDiscovery();
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(found.count() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 5000);
    qInfo("discovery of 7 processes: %lld ms", found.at(0).at(0).toLongLong());
    QCOMPARE(int(model.nodes().size()), 7);
    const QString tp = key(*m_plant, "tp"), ctp = key(*m_plant, "ctp");
    const QStringList both{QStringLiteral("quote"), QStringLiteral("trade")};
    QVERIFY(edge(model, tp, key(*m_plant, "rdb1")));
    QCOMPARE(edge(model, tp, key(*m_plant, "rdb1"))->tables, both);
    QCOMPARE(edge(model, tp, key(*m_plant, "rdb2"))->tables, both);
    QCOMPARE(edge(model, tp, key(*m_plant, "rte"))->tables, QStringList{QStringLiteral("trade")});
    QVERIFY(edge(model, tp, key(*m_plant, "rte"))->msgsUpperBound);
    QVERIFY(!edge(model, tp, key(*m_plant, "rdb1"))->msgsUpperBound);
    QCOMPARE(edge(model, tp, ctp)->tables, both);
    QVERIFY(edge(model, ctp, key(*m_plant, "crdb")));
    QVERIFY(edge(model, key(*m_plant, "rdb1"), key(*m_plant, "gw"))->query);
    QVERIFY(edge(model, key(*m_plant, "rdb2"), key(*m_plant, "gw"))->query);
    auto role = [&](const char *n) {
        return model.nodes()[size_t(model.indexOf(key(*m_plant, n)))].role;
    };
    QCOMPARE(role("tp"), QStringLiteral("tickerplant"));
    QCOMPARE(role("ctp"), QStringLiteral("chained tickerplant"));
    QCOMPARE(role("rdb1"), QStringLiteral("rdb"));
    QCOMPARE(role("rte"), QStringLiteral("real-time engine"));
    QCOMPARE(role("gw"), QStringLiteral("gateway"));
    QCOMPARE(model.nodes()[size_t(model.indexOf(key(*m_plant, "crdb")))].depth, 2);
    // Rates: the edge carries what the tickerplant publishes; the RDB's rows grow with it.
    QTRY_VERIFY_WITH_TIMEOUT(edge(model, tp, key(*m_plant, "rdb1"))->msgsPerSecond > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(edge(model, tp, key(*m_plant, "rdb1"))->rowsPerSecond > 0, 5000);
    // A role set by hand stays.
    model.setRole(model.indexOf(tp), QStringLiteral("feed tp"));
    QTest::qWait(700);
    QCOMPARE(role("tp"), QStringLiteral("feed tp"));
    qInfo("poll cost per process: %.0f bytes out, %.0f bytes in, %.2f ms", poller.bytesOutPerPoll(),
          poller.bytesInPerPoll(), poller.millisPerPoll());
    QVERIFY(poller.bytesOutPerPoll() > 0 && poller.bytesOutPerPoll() < 400);
}

void TstEstate::discoveryFromOneTickerplantShowsItsSubscribers()
{
    startPlant();
    EstateModel model;
    EstatePoller poller(m_manager.get(), &model);
    // From the gateway alone: its servers (.gw.x), their upstream (.u.x), and the tickerplant's
    // other subscribers, whose addresses kdb+ does not expose, as handles.
    model.addProcess(QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QStringLiteral("gw"))));
    QSignalSpy found(&poller, &EstatePoller::discovered);
    poller.setInterval(300);
    poller.startDiscovery();
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(found.count() > 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(int(model.nodes().size()), 6, 5000); // gw rdb1 rdb2 tp + rte, ctp
    const QString tp = key(*m_plant, "tp");
    int byHandle = 0;
    for (const EstateNode &n : model.nodes())
        if (n.key.startsWith(tp + QLatin1Char('#'))) {
            ++byHandle;
            QVERIFY(edge(model, tp, n.key));
        }
    QCOMPARE(byHandle, 2);
    QVERIFY(model.indexOf(key(*m_plant, "rdb1")) >= 0);
    QVERIFY(model.indexOf(tp) >= 0);
}

void TstEstate::slowSubscriberRaisesQueueAlert()
{
    startPlant(3000);
    EstateModel model;
    EstateRules rules;
    rules.queueBytes = 256 * 1024;
    rules.queueGrowingSeconds = 1;
    model.setRules(rules);
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(300);
    poller.setRunning(true);
    const QString rdb2 = key(*m_plant, "rdb2"), tp = key(*m_plant, "tp");
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 10000);
    QVERIFY(!activeAlert(model, EstateAlert::Queue, rdb2));
    m_plant->setSlow(QStringLiteral("rdb2"), 256);
    QElapsedTimer t;
    t.start();
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Queue, rdb2), 20000);
    qInfo("queue alert %lld ms after rdb2 went slow", t.elapsed());
    const EstateEdge *e = edge(model, tp, rdb2);
    QVERIFY(e && e->bytesQueued && *e->bytesQueued > 0);
    QVERIFY(!activeAlert(model, EstateAlert::Queue, key(*m_plant, "rdb1")));
    m_plant->setSlow(QStringLiteral("rdb2"), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::Queue, rdb2), 20000);
    QVERIFY(!model.alerts().empty() && model.alerts().front().clearedMs > 0); // kept in the log
}

void TstEstate::killedProcessIsUnreachableUntilRestarted()
{
    startPlant();
    EstateModel model;
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(300);
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 10000);
    const QString rdb1 = key(*m_plant, "rdb1");
    QVERIFY(m_plant->kill(QStringLiteral("rdb1")));
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Unreachable, rdb1), 5000);
    QString err;
    QVERIFY2(m_plant->restart(QStringLiteral("rdb1"), &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::Unreachable, rdb1), 10000);
    // Back as the tickerplant's subscriber, and queried by the gateway again.
    QTRY_VERIFY_WITH_TIMEOUT(edge(model, key(*m_plant, "tp"), rdb1) &&
                                 edge(model, key(*m_plant, "tp"), rdb1)->handle != 0,
                             10000);
}

void TstEstate::chainedLogStallsWhenItsTickerplantDies()
{
    startPlant();
    EstateModel model;
    EstateRules rules;
    rules.logStallSeconds = 1;
    model.setRules(rules);
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(250);
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 10000);
    const QString ctp = key(*m_plant, "ctp"), tp = key(*m_plant, "tp");
    QTest::qWait(1500); // both logs advance: no alert
    QVERIFY(!activeAlert(model, EstateAlert::LogStalled, ctp));
    QVERIFY(!activeAlert(model, EstateAlert::LogStalled, tp));
    // The feed's tickerplant goes: the chained one still has a subscriber but nothing to log.
    QVERIFY(m_plant->kill(QStringLiteral("tp")));
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Unreachable, tp), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::LogStalled, ctp), 5000);
    QString err;
    QVERIFY2(m_plant->restart(QStringLiteral("tp"), &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::LogStalled, ctp), 8000);
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::Unreachable, tp), 8000);
}

void TstEstate::memoryAlertFiresOverTheShareAndClears()
{
    // The plant's parts share one process, so their heap (VmRSS) is one figure of the machine's
    // memory (mphy; no -w limit: wmax 0). At 0.01 % every part is over; at 100 % none is.
    startPlant();
    EstateModel model;
    EstateRules rules;
    rules.memoryPercent = 0.01;
    model.setRules(rules);
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(250);
    poller.setRunning(true);
    const QString tp = key(*m_plant, "tp"), gw = key(*m_plant, "gw");
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Memory, tp), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Memory, gw), 5000);
    const EstateNode &n = model.nodes()[size_t(model.indexOf(tp))];
    QCOMPARE(n.wmax, 0);
    QVERIFY(n.mphy > n.heap && n.heap > 0);
    rules.memoryPercent = 100;
    model.setRules(rules);
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::Memory, tp), 5000);
    QVERIFY(!activeAlert(model, EstateAlert::Memory, gw));
}

void TstEstate::restartLoopRaisesReconnectAlertThenClears()
{
    startPlant();
    EstateModel model;
    EstateRules rules;
    rules.reconnects = 2;
    rules.reconnectWindowSeconds = 20;
    model.setRules(rules);
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(200);
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 10000);
    const QString rdb1 = key(*m_plant, "rdb1");
    auto node = [&] { return model.nodes()[size_t(model.indexOf(rdb1))]; };
    // Killed and restarted three times, each seen down and back: more than 2 in 20 s.
    QElapsedTimer clock;
    clock.start();
    for (int i = 1; i <= 3; ++i) {
        QVERIFY(m_plant->kill(QStringLiteral("rdb1")));
        QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::Unreachable, rdb1), 5000);
        QString err;
        QVERIFY2(m_plant->restart(QStringLiteral("rdb1"), &err), qPrintable(err));
        QTRY_VERIFY_WITH_TIMEOUT(node().reachable && node().comebacks == i, 5000);
        QCOMPARE(activeAlert(model, EstateAlert::Reconnects, rdb1), i == 3);
    }
    qInfo("three restarts seen in %lld ms", clock.elapsed());
    QVERIFY(!activeAlert(model, EstateAlert::Unreachable, rdb1));
    // Up since: once the window no longer holds three comebacks, the alert clears (a shorter
    // window here, as a person would set it in the view, rather than a 20 s wait).
    rules.reconnectWindowSeconds = 1;
    model.setRules(rules);
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::Reconnects, rdb1), 5000);
}

void TstEstate::slowChainedTickerplantFallsBehindItsPublisher()
{
    // The chained tickerplant republishes each upd it reads: made slow, its .u.i falls behind
    // the tickerplant's; made fast again, it catches up.
    startPlant(3000);
    EstateModel model;
    EstateRules rules;
    rules.logBehindMessages = 50;
    rules.queueGrowingSeconds = 3600; // only the log rule is under test here
    rules.queueBytes = qint64(1) << 40;
    model.setRules(rules);
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(250);
    poller.setRunning(true);
    QTRY_VERIFY_WITH_TIMEOUT(model.edges().size() == 7, 10000);
    const QString ctp = key(*m_plant, "ctp");
    QTest::qWait(1000); // in step for a few rounds
    QVERIFY(!activeAlert(model, EstateAlert::LogBehind, ctp));
    QVERIFY(m_plant->setSlow(QStringLiteral("ctp"), 256));
    QElapsedTimer t;
    t.start();
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(model, EstateAlert::LogBehind, ctp), 20000);
    qInfo("log-behind alert %lld ms after ctp went slow", t.elapsed());
    QVERIFY(m_plant->setSlow(QStringLiteral("ctp"), 0));
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlert(model, EstateAlert::LogBehind, ctp), 30000);
}

void TstEstate::rulesControlsSetTheModelsRules()
{
    EstateView view(m_manager.get(), nullptr);
    QDoubleSpinBox *memory = view.findChild<QDoubleSpinBox *>();
    QVERIFY(memory);
    QCOMPARE(memory->value(), EstateRules().memoryPercent);
    memory->setValue(42.5);
    QCOMPARE(view.model()->rules().memoryPercent, 42.5);
    // The spin boxes in the order the rules read: queue MB, growing s, stall s, reconnects,
    // window s, log behind.
    const QList<QSpinBox *> boxes = view.findChildren<QSpinBox *>();
    QCOMPARE(boxes.size(), 6);
    boxes[3]->setValue(7);
    boxes[4]->setValue(90);
    boxes[5]->setValue(250);
    QCOMPARE(view.model()->rules().reconnects, 7);
    QCOMPARE(view.model()->rules().reconnectWindowSeconds, 90);
    QCOMPARE(view.model()->rules().logBehindMessages, qint64(250));
    QCOMPARE(view.model()->rules().memoryPercent, 42.5); // one change keeps the others
}

void TstEstate::stoppedPollerSendsNothing()
{
    startPlant();
    int connections = 0;
    connect(m_plant.get(), &DemoPlant::logLine, this, [&](const QString &line) {
        if (line.contains(QStringLiteral("connection from"))) ++connections;
    });
    EstateModel model;
    EstatePoller poller(m_manager.get(), &model);
    for (const DemoPlant::Node &n : m_plant->nodes())
        model.addProcess(QStringLiteral("127.0.0.1:%1").arg(n.port));
    poller.setInterval(200);
    // The plant's own wiring first: 4 subscribers of tp, 1 of ctp, the gateway's 2 handles.
    QTRY_COMPARE_WITH_TIMEOUT(connections, 7, 5000);
    connections = 0;
    QTest::qWait(800); // not running: nothing opened, nothing sent
    QCOMPARE(connections, 0);
    QCOMPARE(poller.openHandles(), 0);
    poller.setRunning(true);
    QTRY_COMPARE_WITH_TIMEOUT(connections, 7, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(poller.pollsAnswered() >= 14, 5000);
    // The handles are the estate's, listed for Activity as a poller's.
    int pollers = 0;
    HandleRegistry *reg = m_manager->registry();
    for (ConnectionId id : reg->ownedHandles())
        if (reg->owner(id).purpose == HandlePurpose::Poller) ++pollers;
    QCOMPARE(pollers, 7);
    // Activity's Stop on one of them: that process is let go and not asked again.
    reg->requestStop(reg->ownedHandles().first());
    QCOMPARE(poller.openHandles(), 6);
    QTest::qWait(600);
    QCOMPARE(poller.openHandles(), 6);
    poller.setRunning(false);
    QCOMPARE(poller.openHandles(), 0);
    const qint64 answered = poller.pollsAnswered();
    connections = 0;
    QTest::qWait(1000);
    QCOMPARE(connections, 0);
    QCOMPARE(poller.pollsAnswered(), answered);
}

void TstEstate::hiddenViewSendsNothingAndShowsAlerts()
{
    startPlant(3000);
    int connections = 0;
    connect(m_plant.get(), &DemoPlant::logLine, this, [&](const QString &line) {
        if (line.contains(QStringLiteral("connection from"))) ++connections;
    });
    QTRY_COMPARE_WITH_TIMEOUT(connections, 7, 5000); // the plant's own wiring
    connections = 0;
    EstateView view(m_manager.get(), nullptr);
    view.resize(1500, 820);
    // Added while hidden: nothing opened, nothing sent.
    QCOMPARE(view.addProcesses(
                 {QStringLiteral(":127.0.0.1:%1").arg(m_plant->port(QStringLiteral("tp"))),
                  QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QStringLiteral("gw"))),
                  QStringLiteral("localhost:%1").arg(m_plant->port(QStringLiteral("rte"))),
                  QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QStringLiteral("ctp"))),
                  QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QStringLiteral("crdb"))),
                  QStringLiteral("not an address")}),
             5);
    QTest::qWait(600);
    QCOMPARE(connections, 0);
    QVERIFY(!view.poller()->isRunning());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY_WITH_TIMEOUT(view.poller()->isRunning(), 2000);
    // rdb1 and rdb2 come from the gateway's .gw.x: 7 processes, every one asked.
    QTRY_COMPARE_WITH_TIMEOUT(connections, 7, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(int(view.model()->edges().size()), 7, 8000);
    EstateRules rules;
    rules.queueBytes = 256 * 1024;
    rules.queueGrowingSeconds = 1;
    view.model()->setRules(rules);
    m_plant->setSlow(QStringLiteral("rdb2"), 256);
    const QString rdb2 = key(*m_plant, "rdb2");
    QTRY_VERIFY_WITH_TIMEOUT(activeAlert(*view.model(), EstateAlert::Queue, rdb2), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(view.alertList()->count() > 0, 3000);
    QVERIFY(view.alertList()->item(0)->text().contains(QStringLiteral("ACTIVE")));
    // Every node drawn, downstream to the right of its upstream.
    QVERIFY(!view.graph()->nodeRect(rdb2).isEmpty());
    QVERIFY(view.graph()->nodeRect(key(*m_plant, "crdb")).left() >
            view.graph()->nodeRect(key(*m_plant, "ctp")).left());
    QVERIFY(view.graph()->nodeRect(key(*m_plant, "ctp")).left() >
            view.graph()->nodeRect(key(*m_plant, "tp")).left());
    QTest::qWait(2500); // some rounds, so the rates on the edges and the sparklines fill in
    // History: a sample per round in the node's and the edge's rings, charted on demand.
    const EstateSeries *h = view.model()->state().nodeHistory(rdb2);
    QVERIFY(h && h->size() >= 3);
    EstateHistoryChart *chart = view.openChart(rdb2, false);
    QVERIFY(chart && chart->isVisible());
    QCOMPARE(chart->chartCount(), 5); // memory, msgs in, msgs out, rows in, log position
    QTRY_VERIFY_WITH_TIMEOUT(chart->pointCount(0) >= 3, 3000);
    QCOMPARE(view.openChart(rdb2, false), chart); // the one open is raised, not a second
    const QString tp = key(*m_plant, "tp");
    const EstateEdge *slowEdge = edge(*view.model(), tp, rdb2);
    QVERIFY(slowEdge);
    EstateHistoryChart *edgeChart = view.openChart(slowEdge->key(), true);
    QCOMPARE(edgeChart->chartCount(), 3); // msgs/s, rows/s, bytes queued
    QTRY_VERIFY_WITH_TIMEOUT(edgeChart->pointCount(2) >= 2, 3000);
    // The edge's label is where a click asks for its chart.
    view.graph()->grab(); // painted: the labels are placed
    const QRectF label = view.graph()->edgeLabelRect(slowEdge->key());
    QVERIFY(!label.isEmpty());
    QCOMPARE(view.graph()->edgeAt(label.center()), slowEdge->key());
    QVERIFY(view.graph()->edgeAt(QPointF(-1, -1)).isEmpty());
    const QString dir = QDir(QStringLiteral("/work/shots")).exists()
                            ? QStringLiteral("/work/shots")
                            : QStringLiteral(QSCOPE_BINARY_DIR);
    QVERIFY(view.grab().save(dir + QStringLiteral("/estate-light.png")));
    QVERIFY(edgeChart->grab().save(dir + QStringLiteral("/estate-chart-light.png")));
    qInfo("screenshots: %s/estate-*.png", qPrintable(dir));
    edgeChart->close();
    Theme::apply(Theme::Dark); // the graph takes its colours from the palette
    QTest::qWait(400);
    QVERIFY(view.grab().save(dir + QStringLiteral("/estate-dark.png")));
    const QPointer<EstateHistoryChart> closing(chart);
    chart->close(); // deleted on close: the next one is new, in the dark theme's colours
    QTRY_VERIFY_WITH_TIMEOUT(closing.isNull(), 3000);
    EstateHistoryChart *darkChart = view.openChart(rdb2, false);
    QTRY_VERIFY_WITH_TIMEOUT(darkChart->pointCount(0) >= 3, 3000);
    QVERIFY(darkChart->grab().save(dir + QStringLiteral("/estate-chart-dark.png")));
    darkChart->close();
    Theme::apply(Theme::Light);

    // Hidden again: the handles close and the plant hears nothing more.
    view.hide();
    QTRY_VERIFY_WITH_TIMEOUT(!view.poller()->isRunning(), 2000);
    QCOMPARE(view.poller()->openHandles(), 0);
    const qint64 answered = view.poller()->pollsAnswered();
    connections = 0;
    QTest::qWait(1000);
    QCOMPARE(connections, 0);
    QCOMPARE(view.poller()->pollsAnswered(), answered);
}

void TstEstate::mainWindowOpensANodesTabAndHandles()
{
    startPlant();
    int rdb1Connections = 0;
    connect(m_plant.get(), &DemoPlant::logLine, this, [&](const QString &line) {
        if (line.startsWith(QStringLiteral("rdb1: ")) &&
            line.contains(QStringLiteral("connection from")))
            ++rdb1Connections;
    });
    QTemporaryDir dir;
    ConnectionStore store;
    QCOMPARE(store.load(dir.filePath(QStringLiteral("connections.json"))), QString());
    HistoryStore history;
    history.load(dir.filePath(QStringLiteral("history.jsonl")));
    MainWindow window(m_manager.get(), &store, &history);
    window.passwords()->setKeychainEnabled(false);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    EstateView *view = window.showEstate(
        {QStringLiteral("127.0.0.1:%1").arg(m_plant->port(QStringLiteral("gw")))});
    QVERIFY(view && window.estateView() == view);
    const QString rdb1 = key(*m_plant, "rdb1");
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->indexOf(rdb1) >= 0, 8000);
    QTRY_VERIFY_WITH_TIMEOUT(rdb1Connections == 2, 8000); // the gateway's and the estate's
    // A node's workbench tab: a saved connection for it (folder Estate), a tab, a login.
    const int tabs = window.editors()->count();
    Q_EMIT view->openRequested(rdb1, QStringLiteral("workbench"));
    QCOMPARE(window.editors()->count(), tabs + 1);
    const QString id = EstateView::profileFor(&store, rdb1);
    QVERIFY(store.profile(id));
    QCOMPARE(store.profile(id)->folder, QStringLiteral("Estate"));
    QCOMPARE(window.currentProfile(), id);
    QTRY_COMPARE_WITH_TIMEOUT(rdb1Connections, 3, 8000);
    // Its handles: the Handles view now polls that server.
    Q_EMIT view->openRequested(rdb1, QStringLiteral("handles"));
    QVERIFY(window.handlesView());
    QTRY_VERIFY_WITH_TIMEOUT(rdb1Connections >= 4, 8000);
    QCOMPARE(int(store.profiles().size()), 1); // the same saved connection, not a second one
}

void TstEstate::demoIsAPlantWhoseTickerplantIsTheDemoConnection()
{
    // qscope --demo: FirstRun starts the plant; the Demo connection is its tickerplant, and
    // every part's address goes to the estate. A taken port moves the tickerplant elsewhere.
    QTemporaryDir dir;
    ConnectionStore store;
    QCOMPARE(store.load(dir.filePath(QStringLiteral("connections.json"))), QString());
    startPlant();
    const quint16 taken = m_plant->port(QStringLiteral("tp"));
    auto first = std::make_unique<FirstRun>(&store);
    QSignalSpy ready(first.get(), &FirstRun::demoReady);
    QSignalSpy failed(first.get(), &FirstRun::demoFailed);
    // start returns at once, before the plant listens; readiness arrives later, by signal.
    QElapsedTimer clock;
    clock.start();
    first->startDemo(taken);
    const qint64 startNs = clock.nsecsElapsed();
    QVERIFY(first->demoStarting());
    QCOMPARE(ready.count(), 0);
    QCOMPARE(first->demoPort(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1 || failed.count() > 0, 20000);
    const qint64 readyNs = clock.nsecsElapsed();
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].toString()));
    QVERIFY(first->demoRunning());
    QVERIFY(startNs < readyNs);
    qInfo("demo plant: startDemo returned in %.3f ms, ready after %.1f ms", double(startNs) / 1e6,
          double(readyNs) / 1e6);
    QCOMPARE(ready[0][0].toInt(), first->demoPort());
    FirstRun &firstRef = *first;
    QVERIFY(firstRef.demoPort() > 0 && firstRef.demoPort() != taken);
    const QStringList parts = firstRef.demoPlantAddresses();
    QCOMPARE(parts.size(), 7);
    QCOMPARE(parts.first(), QStringLiteral("127.0.0.1:%1").arg(firstRef.demoPort()));
    const ConnectionProfile *demo = store.findByName(FirstRun::demoName());
    QVERIFY(demo);
    QCOMPARE(demo->port, firstRef.demoPort());
    QTestClient c(quint16(firstRef.demoPort()));
    QCOMPARE(c.login("estate:"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count .u.w`trade").rawInt() == 4, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count trade").rawInt() > 0, 10000); // its RDB tables

    // stop returns at once; demoStopped follows, and the tickerplant's port is closed.
    const quint16 tp = quint16(firstRef.demoPort());
    QSignalSpy stopped(first.get(), &FirstRun::demoStopped);
    clock.restart();
    firstRef.stopDemo();
    const qint64 stopNs = clock.nsecsElapsed();
    QVERIFY(!firstRef.demoRunning());
    QCOMPARE(stopped.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    qInfo("demo plant: stopDemo returned in %.3f ms, stopped after %.1f ms", double(stopNs) / 1e6,
          double(clock.nsecsElapsed()) / 1e6);
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, tp);
    QVERIFY(!probe.waitForConnected(2000));

    // Started again, then destroyed while running: the one join left, at exit, measured.
    firstRef.startDemo(0);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, 20000);
    clock.restart();
    first.reset();
    qInfo("demo plant: ~FirstRun with the plant running joined in %.1f ms",
          double(clock.nsecsElapsed()) / 1e6);
}

void TstEstate::qscopeDemoPlantPrintsPortsAndTakesCommands()
{
    QProcess demo;
    demo.start(QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-demo"),
               {QStringLiteral("--plant"), QStringLiteral("-q")});
    QVERIFY(demo.waitForStarted(5000));
    QByteArray out, err;
    QTRY_VERIFY_WITH_TIMEOUT((out += demo.readAllStandardOutput()).count('\n') >= 8, 15000);
    const QList<QByteArray> lines = out.split('\n');
    QVERIFY(lines[0].startsWith("name"));
    QStringList names;
    quint16 tp = 0;
    for (int i = 1; i <= 7; ++i) {
        const QList<QByteArray> w = lines[i].simplified().split(' ');
        QCOMPARE(w.size(), 4);
        names << QString::fromLatin1(w[0]);
        if (w[0] == "tp") tp = quint16(w[2].toUInt());
    }
    QCOMPARE(names,
             (QStringList{QStringLiteral("tp"), QStringLiteral("rdb1"), QStringLiteral("rdb2"),
                          QStringLiteral("rte"), QStringLiteral("ctp"), QStringLiteral("crdb"),
                          QStringLiteral("gw")}));
    QTestClient c(tp);
    QCOMPARE(c.login("estate:"), 3);
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count .u.w`trade").rawInt() == 4, 10000);
    demo.write("slow rdb2 256\nkill rdb1\nfly rdb1\n");
    QTRY_VERIFY_WITH_TIMEOUT((err += demo.readAllStandardError()).contains("commands:"), 10000);
    QVERIFY(err.contains("slow rdb2: done"));
    QVERIFY(err.contains("kill rdb1: done"));
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count .u.w`trade").rawInt() == 3, 10000); // rdb1 is gone
    demo.write("restart rdb1\n");
    QTRY_VERIFY_WITH_TIMEOUT(c.sync("count .u.w`trade").rawInt() == 4, 10000);
    demo.write("\\\\\n");
    QVERIFY(demo.waitForFinished(10000));
    QCOMPARE(demo.exitCode(), 0);
}

QTEST_MAIN(TstEstate)
#include "tst_estate.moc"
