// Sessions you can trust (#14, items 3-5 and Activity), driven through the real MainWindow
// against a FakeQServer that plays a small tickerplant and records every connection and message:
// pollers ask nothing while their view is hidden or closed and follow the rate on the view; a
// feed subscribes on a connection of its own that closes with its last view; a replay opens a
// view of its own; Activity lists every handle with its owner and Stop ends it (the server sees
// the disconnect); the status bar says what runs in the background.

#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "editor/queryrunner.h"
#include "explorer/explorermodel.h"
#include "explorer/explorerview.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "monitor/activitymodel.h"
#include "monitor/activityview.h"
#include "monitor/backgroundindicator.h"
#include "monitor/feedpane.h"
#include "monitor/feedview.h"
#include "monitor/framesmodel.h"
#include "monitor/framesview.h"
#include "monitor/handlesview.h"
#include "monitor/pollrate.h"
#include "monitor/serverhandlespoller.h"
#include "monitor/symstats.h"
#include "monitor/viewhandle.h"
#include "monitortestdata.h"
#include "theme/theme.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;
using Event = FakeQServer::Event;

namespace {

/// Plain q the poller and the feed view send (ServerHandlesPoller::queries, FeedView's picker).
const QByteArray kPollFirst = ".z.H";
const QByteArray kTables = ".u.t";

bool isSub(const Value &v)
{
    return v.isList() && v.count() >= 2 && v.item(0).type() == -Symbol &&
           v.item(0).symbolValue() == ".u.sub";
}

} // namespace

class TstActivity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void handlesPollOnlyWhileVisible();
    void rateOnTheViewIsWhatTheServerSees();
    void feedsHaveConnectionsOfTheirOwn();
    void replayOpensItsOwnView();
    void explorerFetchesOnlyWhenVisible();
    void activityListsOwnersAndStopsThem();
    void randomMonitorSequences();

private:
    /// A tiny tickerplant: answers the poll and picker queries, .u.sub with a schema, "slow"
    /// after 20 s, and publishes a trade or quote row to each subscriber every 30 ms.
    void serve(QIODevice *io, const MessageHeader &h, const Value &v);
    void publish();
    /// Serial numbers of the clients that sent a message matching pred.
    std::set<int> clientsSending(const std::function<bool(const Value &)> &pred) const;
    int clientSending(const QByteArray &query) const;
    bool disconnected(int client) const { return m_fake.eventCount(Event::Disconnected, client); }
    /// .z.H messages (one per poll), optionally from one client, and their arrival times.
    QList<qint64> pollTimes(int client = 0) const;
    QDockWidget *dockOf(QWidget *w) const { return qobject_cast<QDockWidget *>(w->parentWidget()); }
    FeedView *currentFeedView() const
    {
        return m_window->feedViews()
                   ? qobject_cast<FeedView *>(m_window->feedViews()->currentWidget())
                   : nullptr;
    }
    void shot(QWidget *w, const QString &name);

    FakeQServer m_fake;
    std::map<QIODevice *, QByteArray> m_subscribers; ///< client -> table
    QTimer m_publisher;
    bool m_publishing = true;
    int m_published = 0;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<HistoryStore> m_history;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
    QString m_profile;
    int m_queryClient = 0;
};

void TstActivity::serve(QIODevice *io, const MessageHeader &h, const Value &v)
{
    if (h.type != MessageType::Sync) return;
    if (isSub(v)) {
        const QByteArray table = v.item(1).type() == -Symbol ? v.item(1).symbolValue() : "";
        m_subscribers[io] = table;
        const Value schema = table == "quote" ? test::quoteTable(0) : test::tradeRows(0);
        FakeQServer::reply(io, Value::list({Value::symbol(table), schema}));
        return;
    }
    const QByteArray q = queryText(v);
    if (q == kPollFirst) {
        FakeQServer::reply(io, Value::fromVector(Int, std::vector<int32_t>{5, 6, 7}));
    } else if (q == ServerHandlesPoller::queries().value(1)) {
        const Value w = Value::dict(Value::fromVector(Int, std::vector<int32_t>{5, 6, 7}),
                                    Value::fromVector(Long, std::vector<int64_t>{0, 0, 0}));
        const Value mem =
            Value::dict(Value::symbols({"used", "heap"}),
                        Value::fromVector(Long, std::vector<int64_t>{1 << 20, 64 << 20}));
        FakeQServer::reply(io, Value::list({w, Value::intAtom(5), mem, Value::floatAtom(4.1),
                                            Value::atom(-Date, 9000), Value::symbol("l64"),
                                            Value::intAtom(4242)}));
    } else if (q == kTables) {
        FakeQServer::reply(io, Value::symbols({"trade", "quote"}));
    } else if (q == "(.u.i;.u.L)") {
        FakeQServer::reply(io, Value::list({Value::longAtom(m_published),
                                            Value::symbol(":/tmp/tick/sym2026.12.04")}));
    } else if (q == "slow") {
        QPointer<QIODevice> c(io);
        QTimer::singleShot(20000, this, [c] {
            if (c) FakeQServer::reply(c, Value::longAtom(1));
        });
    } else if (q.startsWith("(key .z.W")) { // -38!: protocol q, family t (tcp)
        const Value info = Value::table(Value::symbols({"p", "f"}),
                                        Value::list({Value::string("qqq"), Value::string("ttt")}));
        FakeQServer::reply(
            io, Value::list({Value::fromVector(Int, std::vector<int32_t>{5, 6, 7}), info}));
    } else if (q == "key`") {
        FakeQServer::reply(io, Value::symbols({"q", "Q", "h", "u"}));
    } else if (q.startsWith(".u.w")) {
        FakeQServer::reply(io, Value::error(".u.w"));
    } else {
        FakeQServer::reply(io, Value::longAtom(2));
    }
}

void TstActivity::publish()
{
    if (!m_publishing) return;
    for (auto it = m_subscribers.begin(); it != m_subscribers.end();) {
        if (!m_fake.serialOf(it->first)) { // gone: the server forgets it, as .u.del on .z.pc
            it = m_subscribers.erase(it);
            continue;
        }
        const Value rows =
            it->second == "quote" ? test::quoteTable(1) : test::tradeRows(1, m_published);
        FakeQServer::send(it->first,
                          Value::list({Value::symbol("upd"), Value::symbol(it->second), rows}));
        ++it;
    }
    ++m_published;
}

std::set<int> TstActivity::clientsSending(const std::function<bool(const Value &)> &pred) const
{
    std::set<int> out;
    for (const Event &e : m_fake.events)
        if (e.kind == Event::Message && pred(e.value)) out.insert(e.client);
    return out;
}

int TstActivity::clientSending(const QByteArray &query) const
{
    const std::set<int> c = clientsSending([&](const Value &v) { return queryText(v) == query; });
    return c.empty() ? 0 : *c.rbegin(); // the newest
}

QList<qint64> TstActivity::pollTimes(int client) const
{
    QList<qint64> out;
    for (const Event &e : m_fake.events)
        if (e.kind == Event::Message && (client == 0 || e.client == client) &&
            queryText(e.value) == kPollFirst)
            out << e.atMs;
    return out;
}

void TstActivity::shot(QWidget *w, const QString &name)
{
    QCoreApplication::processEvents();
    const QImage img = w->grab().toImage();
    QVERIFY(!img.isNull());
    QDir().mkpath(QStringLiteral("/work/shots"));
    QVERIFY(img.save(QStringLiteral("/work/shots/") + name + QStringLiteral(".png")));
    const QString dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/screenshots");
    QDir().mkpath(dir);
    QVERIFY(img.save(dir + QLatin1Char('/') + name + QStringLiteral(".png")));
}

void TstActivity::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_activity"));
    QSettings().clear();
    QFile::remove(ConnectionStore::defaultPath());
    Q_INIT_RESOURCE(resources);
    Theme::apply(Theme::Light);

    m_fake.onMessage = [this](QIODevice *io, const MessageHeader &h, const Value &v,
                              const QByteArray &) { serve(io, h, v); };
    QVERIFY(m_fake.listenTcp());
    connect(&m_publisher, &QTimer::timeout, this, &TstActivity::publish);
    m_publisher.start(30);

    m_manager = std::make_unique<ConnectionManager>();
    m_store = std::make_unique<ConnectionStore>();
    QCOMPARE(m_store->load(ConnectionStore::defaultPath()), QString());
    ConnectionProfile p;
    p.name = QStringLiteral("Tick");
    p.host = QStringLiteral("127.0.0.1");
    p.port = m_fake.port();
    m_profile = m_store->add(p);
    QVERIFY(!m_profile.isEmpty());
    m_history = std::make_unique<HistoryStore>();
    m_history->load(m_dir.filePath(QStringLiteral("history.jsonl")));
    m_window = std::make_unique<MainWindow>(m_manager.get(), m_store.get(), m_history.get());
    m_window->restoreState(m_profile);
    const int em = m_window->fontMetrics().height();
    m_window->resize(em * 120, em * 56);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->sessions()->connectProfile(m_profile);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->sessions()->isOpen(m_profile), 10000);
    // the query tabs' connection: the one a query runs on
    QSignalSpy done(m_window->runner(), &QueryRunner::finished);
    m_window->runner()->run(m_profile, "1+1");
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
    m_queryClient = clientSending("1+1");
    QVERIFY(m_queryClient > 0);
}

void TstActivity::cleanupTestCase()
{
    if (m_window) m_window->sessions()->disconnectAll();
    m_window.reset();
    m_manager.reset();
}

// #14 item 3, "Hidden polling": after Monitor > Handles was opened once, nothing is polled once
// its dock is closed or tabbed away.
void TstActivity::handlesPollOnlyWhileVisible()
{
    m_window->showHandles();
    HandlesView *h = m_window->handlesView();
    QVERIFY(h);
    h->setPollInterval(400);
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes().size() >= 2, 10000);
    const int poller = clientSending(kPollFirst);
    QVERIFY2(poller != m_queryClient, "the poller must not use the query tabs' connection");
    QCOMPARE(clientsSending([](const Value &v) { return queryText(v) == kPollFirst; }).size(),
             size_t(1));

    // Closed: the poller's connection goes, and no poll comes within 3 poll periods.
    dockOf(h)->close();
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(poller), 3000);
    const qsizetype afterClose = pollTimes().size();
    QTest::qWait(3 * 400 + 300);
    QCOMPARE(pollTimes().size(), afterClose);

    // Shown again: polls resume, on a new connection.
    m_window->showHandles();
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes().size() > afterClose + 1, 10000);
    const int poller2 = clientSending(kPollFirst);
    QVERIFY(poller2 != poller && poller2 != m_queryClient);

    // Tabbed away behind the Feeds dock: hidden too, so nothing is asked.
    m_window->newFeedView();
    QVERIFY(currentFeedView());
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(poller2), 3000);
    const qsizetype afterTab = pollTimes().size();
    QTest::qWait(3 * 400 + 300);
    QCOMPARE(pollTimes().size(), afterTab);

    // Its tab chosen again: polling resumes.
    m_window->showHandles();
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes().size() > afterTab + 1, 10000);
}

void TstActivity::rateOnTheViewIsWhatTheServerSees()
{
    HandlesView *h = m_window->handlesView();
    QVERIFY(h && h->isVisible());
    // Through the control on the view, as a user does.
    h->pollRate()->setIntervalMs(1500);
    QCOMPARE(h->pollInterval(), 1500);
    QCOMPARE(h->pollRate()->currentText(), QStringLiteral("every 1.5 s"));
    const int poller = clientSending(kPollFirst);
    qsizetype from = pollTimes(poller).size();
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes(poller).size() >= from + 4, 15000);
    QList<qint64> t = pollTimes(poller).mid(from);
    qint64 slowest = 0, quickest = 1 << 30;
    for (qsizetype i = 1; i < t.size(); ++i) {
        QVERIFY2(t[i] - t[i - 1] >= 1300, qPrintable(QString::number(t[i] - t[i - 1])));
        slowest = std::max(slowest, t[i] - t[i - 1]);
        quickest = std::min(quickest, t[i] - t[i - 1]);
    }
    qInfo("every 1.5 s: the server saw polls %lld..%lld ms apart", quickest, slowest);

    h->pollRate()->setIntervalMs(300);
    from = pollTimes(poller).size();
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes(poller).size() >= from + 6, 15000);
    t = pollTimes(poller).mid(from);
    QList<qint64> gaps;
    for (qsizetype i = 1; i < t.size(); ++i)
        gaps << t[i] - t[i - 1];
    std::sort(gaps.begin(), gaps.end());
    QVERIFY2(gaps[gaps.size() / 2] < 1000, qPrintable(QString::number(gaps[gaps.size() / 2])));
    qInfo("every 0.3 s: the server saw polls %lld ms apart (median of %lld)", gaps[gaps.size() / 2],
          qint64(gaps.size()));

    // Paused: the handle closes and nothing more is asked.
    h->pollRate()->setIntervalMs(0);
    QCOMPARE(h->pollRate()->currentText(), QStringLiteral("paused"));
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(poller), 3000);
    const qsizetype paused = pollTimes().size();
    QTest::qWait(3 * 300 + 300);
    QCOMPARE(pollTimes().size(), paused);
    h->pollRate()->setIntervalMs(2000);
    QTRY_VERIFY_WITH_TIMEOUT(pollTimes().size() > paused, 10000);
}

// #14 item 4, "Feeds outlive their views": closing every feed view ends the subscription at the
// server, and a feed never shares the query tab's connection.
void TstActivity::feedsHaveConnectionsOfTheirOwn()
{
    FeedView *fv = currentFeedView();
    QVERIFY(fv);
    QCOMPARE(fv->pickerConnection(), ConnectionId(0)); // behind the Handles tab: closed
    const int oldPicker0 = clientSending(kTables);
    QVERIFY(disconnected(oldPicker0));
    dockOf(m_window->feedViews())->raise();
    QTRY_VERIFY_WITH_TIMEOUT(fv->tables().contains("trade"), 10000);

    QTRY_VERIFY_WITH_TIMEOUT(clientSending(kTables) != oldPicker0, 10000); // shown: asks anew
    const int picker = clientSending(kTables);
    QVERIFY(picker != m_queryClient);

    const std::set<int> subsBefore = clientsSending(isSub);
    const int connectedBefore = m_fake.eventCount(Event::Connected);
    FeedPane *trade = fv->subscribe("trade", {});
    FeedPane *quote = fv->subscribe("quote", {});
    QVERIFY(trade && quote);
    // Two more connections, each sending its own .u.sub; none on the query or picker connection.
    QTRY_COMPARE_WITH_TIMEOUT(m_fake.eventCount(Event::Connected), connectedBefore + 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clientsSending(isSub).size(), subsBefore.size() + 2, 10000);
    std::set<int> subs = clientsSending(isSub);
    for (int c : subsBefore)
        subs.erase(c);
    QCOMPARE(subs.size(), size_t(2));
    QVERIFY(!subs.count(m_queryClient) && !subs.count(picker));
    const auto subscriberOf = [this](const QByteArray &table) {
        const std::set<int> c = clientsSending(
            [&](const Value &v) { return isSub(v) && v.item(1).symbolValue() == table; });
        return c.empty() ? 0 : *c.rbegin();
    };
    const int tradeClient = subscriberOf("trade"), quoteClient = subscriberOf("quote");
    QVERIFY(subs.count(tradeClient) && subs.count(quoteClient));
    QTRY_VERIFY_WITH_TIMEOUT(trade->ingestedRows("trade") > 10, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(quote->ingestedRows("quote") > 10, 10000);

    // A query on the tab is answered at once: it does not queue behind tickerplant traffic.
    QSignalSpy done(m_window->runner(), &QueryRunner::finished);
    m_window->runner()->run(m_profile, "2+2");
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 5000);
    QCOMPARE(clientSending("2+2"), m_queryClient);

    // Closing the trade view unsubscribes and closes its connection: kdb-tick's .z.pc forgets it,
    // and the upd count on that handle stops, in the registry and in a frames view tapping it.
    HandleRegistry *reg = m_manager->registry();
    const ConnectionId tradeHandle = trade->handle()->id();
    QVERIFY(tradeHandle);
    FramesView frames(m_manager.get());
    frames.resize(900, 500);
    frames.show();
    frames.setConnection(tradeHandle);
    frames.setTapping(true);
    QTRY_VERIFY_WITH_TIMEOUT(frames.model()->rowCount() > 5, 5000);
    QCOMPARE(fv->pane(0), trade);
    fv->closePane(0);
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(tradeClient), 3000);
    QVERIFY(!disconnected(quoteClient));
    QTRY_COMPARE_WITH_TIMEOUT(reg->at(reg->rowOf(tradeHandle)).state, ConnectionState::Closed,
                              3000);
    const qint64 updsIn = reg->at(reg->rowOf(tradeHandle)).messagesIn;
    QTest::qWait(300); // a frames refresh after the close
    const int framesSeen = frames.model()->rowCount();
    const int64_t quoteRows = quote->ingestedRows("quote");
    QTRY_VERIFY_WITH_TIMEOUT(quote->ingestedRows("quote") > quoteRows + 5, 5000);
    QCOMPARE(reg->at(reg->rowOf(tradeHandle)).messagesIn, updsIn);
    QCOMPARE(frames.model()->rowCount(), framesSeen);

    // Closing the feed view itself closes the rest: the quote feed and the picker.
    const int views = m_window->feedViews()->count();
    Q_EMIT m_window->feedViews()->tabCloseRequested(m_window->feedViews()->indexOf(fv));
    QCOMPARE(m_window->feedViews()->count(), views - 1);
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(quoteClient), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(picker), 3000);
    QVERIFY(!disconnected(m_queryClient));
}

// #14 item 5, "Replay mixes with live": a replay opens its own view; live aggregates untouched.
void TstActivity::replayOpensItsOwnView()
{
    m_window->newFeedView();
    FeedView *fv = currentFeedView();
    QVERIFY(fv);
    QTRY_VERIFY_WITH_TIMEOUT(fv->tables().contains("trade"), 10000);
    FeedPane *live = fv->subscribe("trade", {});
    QVERIFY(live);
    QTRY_VERIFY_WITH_TIMEOUT(live->ingestedRows("trade") > 20, 10000);
    const QString log = m_dir.filePath(QStringLiteral("trade.qsfeed"));
    QString err;
    QVERIFY2(live->startRecording(log, FeedPane::BinaryLog, &err), qPrintable(err));
    const int64_t start = live->ingestedRows("trade");
    QTRY_VERIFY_WITH_TIMEOUT(live->ingestedRows("trade") > start + 30, 10000);
    QVERIFY2(live->stopRecording(&err), qPrintable(err));
    const int64_t recorded = live->ingestedRows("trade") - start;

    // Hold the feed still, so what the live view holds can be compared before and after.
    m_publishing = false;
    QTest::qWait(300);
    const int64_t liveRows = live->ingestedRows("trade");
    const auto statsCount = [](const SymStats *s) {
        int64_t n = 0;
        for (int i = 0; i < s->count(); ++i)
            n += s->at(i).count;
        return n;
    };
    const int64_t liveAgg = statsCount(live->stats("trade"));
    QVERIFY(liveAgg > 0);

    // A live view never takes replayed rows in.
    QVERIFY(!live->startReplay(log, &err));
    QVERIFY2(err.contains(QStringLiteral("view of its own")), qPrintable(err));

    // "Replay log…" on the live view opens a view of its own, with its own ring and aggregates.
    const int panes = fv->paneCount();
    const int connections = m_fake.eventCount(Event::Connected);
    Q_EMIT live->replayRequested(log);
    QCOMPARE(fv->paneCount(), panes + 1);
    FeedPane *replay = fv->pane(panes);
    QVERIFY(replay && replay != live);
    QCOMPARE(replay->subscription(), SubscriptionId(0));
    QSignalSpy finished(replay, &FeedPane::replayFinished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QVERIFY(finished.first().first().toBool());
    QCOMPARE(replay->ingestedRows("trade"), recorded);
    QCOMPARE(statsCount(replay->stats("trade")), recorded);
    QVERIFY(replay->rowsModel("trade") != live->rowsModel("trade"));
    // The live view is as it was.
    QCOMPARE(live->ingestedRows("trade"), liveRows);
    QCOMPARE(statsCount(live->stats("trade")), liveAgg);
    // A replay asks no server for anything.
    QCOMPARE(m_fake.eventCount(Event::Connected), connections);
    m_publishing = true;
    QTRY_VERIFY_WITH_TIMEOUT(live->ingestedRows("trade") > liveRows, 5000);
    QCOMPARE(replay->ingestedRows("trade"), recorded);
}

void TstActivity::explorerFetchesOnlyWhenVisible()
{
    ExplorerView *ev = m_window->explorer();
    const QModelIndex server = ev->model()->serverIndex(m_profile);
    QVERIFY(server.isValid());
    QVERIFY(ev->model()->canFetchMore(server));
    dockOf(ev)->close();
    const int asked = m_fake.queriesSeen("key`");
    ev->tree()->expand(server);
    ev->model()->fetchMore(server); // what the tree asks when a node opens
    QTest::qWait(500);
    QCOMPARE(m_fake.queriesSeen("key`"), asked);
    QVERIFY(ev->model()->canFetchMore(server)); // still to be fetched, once it can be seen
    dockOf(ev)->show();
    QTRY_COMPARE_WITH_TIMEOUT(m_fake.queriesSeen("key`"), asked + 1, 5000);
}

void TstActivity::activityListsOwnersAndStopsThem()
{
    // A feed (from the previous case), a poller and a running query.
    FeedView *fv = currentFeedView();
    QVERIFY(fv && fv->pane(0) && fv->pane(0)->subscription());
    const ConnectionId feedHandle = fv->pane(0)->handle()->id();
    m_window->showHandles();
    HandlesView *h = m_window->handlesView();
    QTRY_VERIFY_WITH_TIMEOUT(h->server() && m_manager->state(h->server()) == ConnectionState::Open,
                             10000);
    const ConnectionId pollHandle = h->server();
    const ConnectionId queryHandle = m_window->sessions()->connectionOf(m_profile);
    QSignalSpy finished(m_window->runner(), &QueryRunner::finished);
    const auto ticket = m_window->runner()->run(m_profile, "slow");
    m_window->showActivity();
    ActivityView *a = m_window->activityView();
    QVERIFY(a && a->isVisible());
    ActivityModel *m = a->model();
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto cell = [m](ConnectionId id, int column) {
        const int row = m->rowOf(id);
        return row < 0 ? QString() : m->data(m->index(row, column)).toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(cell(queryHandle, ActivityModel::OnWire),
                              QStringLiteral("query: slow"), 10000);
    QCOMPARE(cell(queryHandle, ActivityModel::Owner), QStringLiteral("query tabs and explorer"));
    QCOMPARE(cell(queryHandle, ActivityModel::Purpose), QStringLiteral("query"));
    QCOMPARE(cell(pollHandle, ActivityModel::Owner), QStringLiteral("Handles view"));
    QCOMPARE(cell(pollHandle, ActivityModel::Purpose), QStringLiteral("poller"));
    QCOMPARE(cell(feedHandle, ActivityModel::Owner), QStringLiteral("feed trade on Tick"));
    QCOMPARE(cell(feedHandle, ActivityModel::Purpose), QStringLiteral("feed"));
    QVERIFY(cell(feedHandle, ActivityModel::OnWire).startsWith(QStringLiteral(".u.sub[`trade;`]")));
    // The clock ticks while the query runs, and the feed's message rate shows.
    const auto seconds = [&] {
        return cell(queryHandle, ActivityModel::For).section(u' ', 0, 0).toDouble();
    };
    QTRY_VERIFY_WITH_TIMEOUT(seconds() > 0, 5000);
    const double first = seconds();
    QTRY_VERIFY_WITH_TIMEOUT(seconds() >= first + 1.5, 10000);
    const auto rate = [&] {
        return cell(feedHandle, ActivityModel::Rate).section(u'/', 0, 0).toDouble();
    };
    QTRY_VERIFY_WITH_TIMEOUT(rate() > 5, 5000); // a row every 30 ms
    // The status bar says what runs in the background.
    BackgroundIndicator *bg = m_window->backgroundIndicator();
    QTRY_VERIFY_WITH_TIMEOUT(bg->isVisible(), 5000);
    QVERIFY2(bg->text().contains(QStringLiteral("handles poll every 2 s")), qPrintable(bg->text()));
    QVERIFY2(bg->text().contains(QStringLiteral("feed trade")), qPrintable(bg->text()));
    QVERIFY2(bg->text().contains(QStringLiteral("background")), qPrintable(bg->text()));
    shot(m_window.get(), QStringLiteral("activity"));
    shot(a, QStringLiteral("activity-view"));
    shot(m_window->statusBar(), QStringLiteral("statusbar-background"));

    // Stop per row; the server sees each one end.
    const int feedClient = [&] {
        std::set<int> s = clientsSending(isSub);
        return *s.rbegin();
    }();
    QElapsedTimer clock;
    clock.start();
    a->stopButton(m->rowOf(feedHandle))->click();
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(feedClient), 3000);
    qInfo("Stop on the feed row: the server saw the disconnect within %lld ms", clock.elapsed());
    QCOMPARE(fv->pane(0)->subscription(), SubscriptionId(0));
    QTRY_COMPARE_WITH_TIMEOUT(m->rowOf(feedHandle), -1, 3000);

    const int pollClient = clientSending(kPollFirst);
    clock.restart();
    a->stopButton(m->rowOf(pollHandle))->click();
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(pollClient), 3000);
    qInfo("Stop on the poller row: the server saw the disconnect within %lld ms", clock.elapsed());
    QCOMPARE(h->pollInterval(), 0);
    QCOMPARE(h->pollRate()->currentText(), QStringLiteral("paused"));

    const int slowClient = clientSending("slow");
    QCOMPARE(slowClient, m_queryClient);
    clock.restart();
    a->stopButton(m->rowOf(queryHandle))->click();
    QTRY_VERIFY_WITH_TIMEOUT(disconnected(slowClient), 1000);
    qInfo("Stop on the query row: the server saw the disconnect within %lld ms", clock.elapsed());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
    QCOMPARE(finished.first().at(0).value<QueryRunner::Ticket>(), ticket);
    const QueryResult r = finished.first().at(1).value<QueryResult>();
    QVERIFY(r.error && r.error->kind == NetError::Cancelled);

    // Nothing in the background now; a poller again shows, and a click opens Activity.
    QTRY_VERIFY_WITH_TIMEOUT(!bg->isVisible(), 3000);
    dockOf(a)->close();
    h->pollRate()->setIntervalMs(2000);
    QTRY_VERIFY_WITH_TIMEOUT(bg->isVisible(), 5000);
    bg->click();
    QTRY_VERIFY(a->isVisible());
}

/// Seeded random walks over what a user does to the monitor (open, close, tab away and pause the
/// Handles view; open, subscribe in and close feed views; disconnect and reconnect), checking
/// after each step what the server saw: no poll for a view that cannot be seen or is paused
/// (and polls for one that can), and exactly one subscriber connection per live feed pane.
/// QSCOPE_SEED=n picks another walk.
void TstActivity::randomMonitorSequences()
{
    const quint32 seed = qEnvironmentVariableIsSet("QSCOPE_SEED")
                             ? quint32(qEnvironmentVariableIntValue("QSCOPE_SEED"))
                             : 20261204u;
    QRandomGenerator rng(seed);
    qInfo("random monitor sequence, seed %u", seed);
    m_window->showHandles();
    HandlesView *h = m_window->handlesView();
    h->pollRate()->setIntervalMs(300);
    const auto livePanes = [this] {
        int n = 0;
        QTabWidget *views = m_window->feedViews();
        for (int v = 0; views && v < views->count(); ++v)
            if (auto *fv = qobject_cast<FeedView *>(views->widget(v)))
                for (int i = 0; i < fv->paneCount(); ++i)
                    n += fv->pane(i)->subscription() != 0;
        return n;
    };
    const auto serverSubscribers = [this] {
        int n = 0;
        for (int c : clientsSending(isSub))
            n += !disconnected(c);
        return n;
    };
    const char *names[] = {"show handles",
                           "close handles",
                           "new feed view + subscribe",
                           "close a feed view",
                           "close a feed pane",
                           "pause or resume polling",
                           "disconnect and reconnect"};
    for (int step = 0; step < 14; ++step) {
        const int action = int(rng.bounded(7));
        qInfo("step %d: %s", step, names[action]);
        FeedView *fv = currentFeedView();
        switch (action) {
        case 0:
            m_window->showHandles();
            break;
        case 1:
            dockOf(h)->close();
            break;
        case 2:
            m_window->newFeedView();
            fv = currentFeedView();
            QVERIFY(fv);
            QVERIFY(fv->subscribe(rng.bounded(2) ? "trade" : "quote", {}));
            break;
        case 3:
            if (QTabWidget *views = m_window->feedViews(); views && views->count())
                Q_EMIT views->tabCloseRequested(int(rng.bounded(views->count())));
            break;
        case 4:
            if (fv && fv->paneCount()) fv->closePane(int(rng.bounded(fv->paneCount())));
            break;
        case 5:
            h->pollRate()->setIntervalMs(h->pollInterval() ? 0 : 300);
            break;
        case 6:
            m_window->sessions()->disconnectProfile(m_profile);
            m_window->sessions()->connectProfile(m_profile);
            QTRY_VERIFY_WITH_TIMEOUT(m_window->sessions()->isOpen(m_profile), 10000);
            break;
        }
        // (b) one subscriber connection at the server per live pane, no more, no less
        QTRY_COMPARE_WITH_TIMEOUT(serverSubscribers(), livePanes(), 5000);
        // (a) polls only for a view a user can see (not closed, not tabbed away) and not paused
        QTest::qWait(700);
        const bool seen = h->isVisible() && !h->visibleRegion().isEmpty();
        const bool expectPolls = seen && h->pollInterval() > 0;
        const qsizetype from = pollTimes().size();
        QTest::qWait(1000);
        const qsizetype polls = pollTimes().size() - from;
        if (expectPolls)
            QVERIFY2(polls >= 1,
                     qPrintable(QStringLiteral("step %1: no poll while visible").arg(step)));
        else
            QVERIFY2(polls == 0,
                     qPrintable(QStringLiteral("step %1: %2 polls while hidden or paused")
                                    .arg(step)
                                    .arg(polls)));
    }
}

QTEST_MAIN(TstActivity)
#include "tst_activity.moc"
