// FeedView against an in-process DemoServer tickerplant: subscribe, rows, pause/resume, filter,
// end of day, tickerplant restart with resubscribe, record and replay.

#include "demo/demoserver.h"
#include "monitor/feedpane.h"
#include "monitor/feedringmodel.h"
#include "monitor/feedview.h"
#include "monitor/symstats.h"
#include "monitor/symstatsmodels.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QListWidget>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
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

int markerRows(FeedRingModel *m, FeedRingModel::RowKind kind)
{
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r)
        n += m->rowKind(r) == kind;
    return n;
}

} // namespace

class TstFeedView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void subscribeAndSeeRows();
    void pickerKeepsChecksAcrossRefresh();
    void pauseAndResume();
    void filterRows();
    void endOfDayMarker();
    void recordAndReplay();
    void restartResubscribes();

private:
    std::unique_ptr<DemoServer> m_server;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<FeedView> m_view;
    FeedPane *m_pane = nullptr;
    ConnectionId m_id = 0;
    quint16 m_port = 0;
    DemoOptions m_options;
};

void TstFeedView::initTestCase()
{
    m_options.port = 0;
    m_options.unixSocket = false;
    m_options.feedRowsPerSecond = 400;
    m_options.feedBatch = 4;
    m_options.endOfDaySeconds = 4;
    m_server = std::make_unique<DemoServer>();
    QString err;
    QVERIFY2(m_server->start(m_options, &err), qPrintable(err));
    m_port = m_server->port();
    m_manager = std::make_unique<ConnectionManager>(1);
    ConnectionOptions o;
    o.name = QStringLiteral("demo tp");
    o.address.host = QStringLiteral("127.0.0.1");
    o.address.port = m_port;
    o.reconnect.attempts = -1;
    o.reconnect.initialDelayMs = 100;
    o.reconnect.maxDelayMs = 400;
    m_id = m_manager->open(o);
    QTRY_COMPARE_WITH_TIMEOUT(m_manager->state(m_id), ConnectionState::Open, 10000);
    m_view = std::make_unique<FeedView>(m_manager.get(), HandleSource::direct(m_manager.get(), o));
    m_view->resize(1200, 700);
    m_view->show();
}

void TstFeedView::cleanupTestCase()
{
    m_view.reset();
    m_manager.reset();
    m_server.reset();
}

void TstFeedView::subscribeAndSeeRows()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_view->tables().contains("trade"), 10000);
    QVERIFY(m_view->tables().contains("quote"));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->logPositionText().contains(QStringLiteral(".u.i")), 5000);

    m_pane = m_view->subscribe("trade", {});
    QCOMPARE(m_view->paneCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->rowsModel("trade") != nullptr, 10000);
    FeedRingModel *m = m_pane->rowsModel("trade");
    QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(m->rowCount() > 20, 10000);
    const QStringList cols = m->columnNames();
    QVERIFY2(cols.contains(QStringLiteral("sym")) && cols.contains(QStringLiteral("price")),
             qPrintable(cols.join(QLatin1Char(','))));
    // Typed cells formatted on demand: a price parses as a number, a sym is not empty.
    const int p = int(cols.indexOf(QStringLiteral("price")));
    bool ok = false;
    m->data(m->index(0, p)).toString().toDouble(&ok);
    QVERIFY(ok);
    QVERIFY(!m->data(m->index(0, int(cols.indexOf(QStringLiteral("sym"))))).toString().isEmpty());
    // No quote rows on a trade subscription.
    QVERIFY(m_pane->rowsModel("quote") == nullptr);
    // Aggregates and last values follow.
    const SymStats *s = m_pane->stats("trade");
    QVERIFY(s->count() > 0);
    int64_t counted = 0;
    for (int i = 0; i < s->count(); ++i)
        counted += s->at(i).count;
    QVERIFY(counted >= m->receivedRows());
    QVERIFY(s->at(0).vwap() > 0);
    QAbstractItemModelTester t2(m_pane->aggregatesModel("trade"),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(m_pane->lastValueModel("trade"),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->rates("trade").rows > 0, 3000);
    QTest::qWait(300);
    saveShot(m_view.get(), QStringLiteral("feedview"));
}

void TstFeedView::pickerKeepsChecksAcrossRefresh()
{
    // Subscribing refreshes .u.t (the log position moves on); what the user checked stays.
    auto *list = m_view->findChild<QListWidget *>();
    QVERIFY(list);
    QTRY_VERIFY(list->count() >= 2);
    list->item(0)->setCheckState(Qt::Checked);
    QSignalSpy changed(m_view.get(), &FeedView::tablesChanged);
    m_view->refreshTables();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
    QCOMPARE(list->item(0)->checkState(), Qt::Checked);
    QCOMPARE(list->item(1)->checkState(), Qt::Unchecked);
    list->item(0)->setCheckState(Qt::Unchecked);
}

void TstFeedView::pauseAndResume()
{
    QVERIFY(m_pane);
    FeedRingModel *m = m_pane->rowsModel("trade");
    m_pane->setPaused(true);
    const int shown = m->rowCount();
    const int64_t received = m->receivedRows();
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->heldRows() > 20, 5000);
    QCOMPARE(m->rowCount(), shown); // the view is frozen
    QCOMPARE(m->receivedRows(), received);
    QVERIFY(m_pane->statusText().contains(QStringLiteral("PAUSED")));
    const int64_t held = m_pane->heldRows();
    m_pane->setPaused(false);
    QTRY_VERIFY(m->receivedRows() >= received + held); // held rows applied at resume
    QCOMPARE(m_pane->heldRows(), 0);
}

void TstFeedView::filterRows()
{
    FeedRingModel *m = m_pane->rowsModel("trade");
    const int symCol = int(m->columnNames().indexOf(QStringLiteral("sym")));
    const QString sym = m->data(m->index(0, symCol)).toString();
    QVERIFY(m_pane->setFilterText(QLatin1Char('`') + sym));
    QVERIFY(m->rowCount() > 0);
    const int64_t before = m->receivedRows();
    QTRY_VERIFY_WITH_TIMEOUT(m->receivedRows() > before + 20, 5000);
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->rowKind(r) == FeedRingModel::DataRow)
            QCOMPARE(m->data(m->index(r, symCol)).toString(), sym);
    QString err;
    QVERIFY(!m_pane->setFilterText(QStringLiteral("price >"), &err));
    QVERIFY(!err.isEmpty());
    QVERIFY(m_pane->setFilterText(QStringLiteral("price > 0")));
    const int pc = int(m->columnNames().indexOf(QStringLiteral("price")));
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->rowKind(r) == FeedRingModel::DataRow)
            QVERIFY(m->data(m->index(r, pc)).toString().toDouble() > 0);
    QVERIFY(m_pane->setFilterText(QString()));
}

void TstFeedView::endOfDayMarker()
{
    FeedRingModel *m = m_pane->rowsModel("trade");
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->endOfDayCount() >= 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(markerRows(m, FeedRingModel::EndOfDayMarker) >= 1, 2000);
    // Rows that arrive after end of day are still shown, below the marker.
    int marker = -1;
    for (int r = m->rowCount() - 1; r >= 0 && marker < 0; --r)
        if (m->rowKind(r) == FeedRingModel::EndOfDayMarker) marker = r;
    QTRY_VERIFY_WITH_TIMEOUT(m->rowCount() > marker + 5, 5000);
    QCOMPARE(m->rowKind(m->rowCount() - 1), FeedRingModel::DataRow);
    QVERIFY(m->data(m->index(marker, 0)).toString().contains(QStringLiteral("end of day")));
}

void TstFeedView::recordAndReplay()
{
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("trade.qsfeed"));
    const QString csv = dir.filePath(QStringLiteral("trade.csv"));
    QString err;
    QVERIFY2(m_pane->startRecording(log, FeedPane::BinaryLog, &err), qPrintable(err));
    // Recording happens as rows are taken in (not as the view shows them, a tick later: rows that
    // arrived before the start may still be shown after it), so count them there.
    const int64_t start = m_pane->ingestedRows("trade");
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->ingestedRows("trade") > start + 50, 5000);
    QVERIFY2(m_pane->stopRecording(&err), qPrintable(err));
    const int64_t recorded = m_pane->ingestedRows("trade") - start;

    QVERIFY2(m_pane->startRecording(csv, FeedPane::Csv, &err), qPrintable(err));
    const int64_t s2 = m_pane->ingestedRows("trade");
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->ingestedRows("trade") > s2 + 10, 5000);
    QVERIFY2(m_pane->stopRecording(&err), qPrintable(err));
    const int64_t csvRows = m_pane->ingestedRows("trade") - s2;
    // Once stopRecording returns the file is complete: every row taken in meanwhile is there.
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    // A header line (an end-of-day marker line "#,..." may come first).
    QVERIFY2(text.contains("table,time,sym,price,size\n"), text.left(200).constData());
    int64_t dataLines = 0;
    for (const QByteArray &line : text.split('\n'))
        dataLines += line.startsWith("trade,");
    QCOMPARE(dataLines, csvRows);

    FeedPane *replay = m_view->openReplay(log, &err);
    QVERIFY2(replay, qPrintable(err));
    QSignalSpy done(replay, &FeedPane::replayFinished);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
    QCOMPARE(done.first().first().toBool(), true);
    QTRY_VERIFY(replay->rowsModel("trade") != nullptr);
    QTRY_COMPARE(replay->rowsModel("trade")->receivedRows(), recorded);
    QCOMPARE(replay->ingestedRows("trade"), recorded);
    QVERIFY(m_view->openReplay(dir.filePath(QStringLiteral("missing.qsfeed")), &err) == nullptr);
    QVERIFY(err.contains(QStringLiteral("cannot read")));
}

void TstFeedView::restartResubscribes()
{
    FeedRingModel *m = m_pane->rowsModel("trade");
    m_server->stop();
    m_server.reset();
    QTRY_VERIFY_WITH_TIMEOUT(m_manager->state(m_id) != ConnectionState::Open, 5000);
    const int64_t before = m->receivedRows();
    m_server = std::make_unique<DemoServer>();
    DemoOptions o = m_options;
    o.port = m_port;
    o.endOfDaySeconds = 0;
    QString err;
    QVERIFY2(m_server->start(o, &err), qPrintable(err));
    QTRY_VERIFY_WITH_TIMEOUT(m_pane->gapCount() >= 1, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(markerRows(m, FeedRingModel::GapMarker) >= 1, 2000);
    QTRY_VERIFY_WITH_TIMEOUT(m->receivedRows() > before + 20, 10000);
    m_view->showPane(0);
    // Show the gap marker: newest rows on top put it near the top of the view.
    m_pane->setNewestOnTop(true);
    QTest::qWait(300);
    saveShot(m_view.get(), QStringLiteral("feedview-gap"));
}

QTEST_MAIN(TstFeedView)
#include "tst_feedview.moc"
