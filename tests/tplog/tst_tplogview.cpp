// The log view (#18): its messages model under QAbstractItemModelTester, a corrupted log shown
// with its first bad chunk, the selected messages' rows, filters, the valid-prefix export,
// publishing into the in-process demo server (rows checked there), and the MainWindow opening a
// log dropped on it. Screenshot: /work/shots/tplog-view.png.

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "demo/demoserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "monitor/feedpane.h"
#include "monitor/feedringmodel.h"
#include "qtestclient.h"
#include "results/gridview.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "theme/theme.h"
#include "tplog/tplogmessagesmodel.h"
#include "tplog/tplogview.h"
#include "tplogtestutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPointer>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

using namespace qscope;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void saveShot(QWidget *w, const QString &name)
{
    QDir().mkpath(QStringLiteral("/work/shots"));
    QVERIFY(w->grab().save(QStringLiteral("/work/shots/") + name));
}

} // namespace

class TestTpLogView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void messagesModel();
    void corruptLogInTheView();
    void publishIntoTheDemo();
    void replayIntoAFeedTab();
    void mainWindowOpensADroppedLog();
    void selectAllIsReadAsOneRange();
    void rowsShowBeforeIndexingEnds();
    void closingTheViewEndsIndexing();
    void cancellingIndexingKeepsWhatIsIndexed();
    void newSelectionCancelsThePreviousDecode();
    void closingTheViewCancelsTheSelectionDecode();

private:
    /// A log of several index batches (the first is 64k messages): written once.
    QString bigLog();

    QTemporaryDir m_dir;
    QString m_good;
    int64_t m_chunks = 0;
    QString m_big;
    int64_t m_bigChunks = 0;
};

namespace {

/// Holds the index scan at its first batch until released; records what was published.
struct ScanGate
{
    QSemaphore release;
    QMutex mutex;
    int batches = 0;
    int64_t firstChunks = -1;
    bool sawDone = false, endedCancelled = false;

    TpLogView::IndexGate gate()
    {
        return [this](const tplog::IndexProgress &p) {
            int n;
            {
                QMutexLocker lock(&mutex);
                n = ++batches;
                if (n == 1) firstChunks = p.chunks;
                if (p.done) {
                    sawDone = true;
                    endedCancelled = p.summary.cancelled;
                }
            }
            if (n == 1) release.acquire();
        };
    }
};

} // namespace

void TestTpLogView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_tplogview"));
    QSettings().clear();
    Q_INIT_RESOURCE(resources);
    Theme::apply(Theme::Light);
    m_good = m_dir.filePath(QStringLiteral("sym2026.01.01"));
    m_chunks = test::writeTradeLog(m_good, 200000, 4);
    QVERIFY(m_chunks > 1000);
}

void TestTpLogView::messagesModel()
{
    auto r = std::make_shared<tplog::TpLogReader>();
    QString err;
    QVERIFY(r->open(m_good, &err));
    r->index();
    TpLogMessagesModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setReader(r);
    QCOMPARE(m.rowCount(), int(m_chunks));
    QCOMPARE(m.columnCount(), int(TpLogMessagesModel::ColumnCount));
    QCOMPARE(m.data(m.index(2, TpLogMessagesModel::Function)).toString(), QStringLiteral("upd"));
    QCOMPARE(m.data(m.index(2, TpLogMessagesModel::Table)).toString(), QStringLiteral("trade"));
    QCOMPARE(m.data(m.index(2, TpLogMessagesModel::Rows)).toString(), QStringLiteral("4"));
    QCOMPARE(m.data(m.index(2, TpLogMessagesModel::FirstTime)).toString(),
             QStringLiteral("0D09:00:00.002000000"));
    QCOMPARE(m.data(m.index(0, TpLogMessagesModel::Offset)).toString(), QStringLiteral("14"));
    m.setRows(std::make_shared<const std::vector<int64_t>>(std::vector<int64_t>{5, 9}));
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.chunkAt(1), int64_t(9));
    QCOMPARE(m.data(m.index(1, TpLogMessagesModel::Index)).toString(), QStringLiteral("9"));
    m.setRows(nullptr);
    QCOMPARE(m.rowCount(), int(m_chunks));
}

void TestTpLogView::corruptLogInTheView()
{
    // a log whose chunk 700 has a broken type byte, followed by more messages; messages 40 ms
    // apart, so the chart spans half a minute
    const QString source = m_dir.filePath(QStringLiteral("paced"));
    QVERIFY(test::writeTradeLog(source, 200000, 4, nullptr, 40000000) > 1000);
    tplog::TpLogReader gr;
    QString err;
    QVERIFY(gr.open(source, &err));
    gr.index();
    QByteArray bytes = readAll(source);
    const int64_t badOffset = gr.chunk(700).offset;
    bytes[qsizetype(badOffset)] = char(0x42);
    const QString bad = m_dir.filePath(QStringLiteral("sym2026.01.02"));
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    ConnectionManager manager(1);
    TpLogView view(&manager);
    const int em = view.fontMetrics().height();
    view.resize(em * 100, em * 60);
    view.show();
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(bad);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QCOMPARE(view.summary().chunks, int64_t(700));
    QCOMPARE(view.summary().badOffset, badOffset);
    QVERIFY2(view.summaryLabel()->text().contains(QStringLiteral("first bad chunk")),
             qPrintable(view.summaryLabel()->text()));
    QVERIFY(view.summaryLabel()->text().contains(QString::number(badOffset)));
    QCOMPARE(view.messagesModel()->rowCount(), 700);

    // the rows of three selected messages, in the results grid
    QSignalSpy rows(&view, &TpLogView::rowsShown);
    GridView *grid = view.messagesGrid();
    grid->selectionModel()->select(
        QItemSelection(grid->model()->index(1, 0), grid->model()->index(2, 0)),
        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    grid->selectionModel()->select(grid->model()->index(4, 0),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTRY_VERIFY_WITH_TIMEOUT(!rows.isEmpty() && rows.last().at(0).toLongLong() == 12, 10000);
    ResultTableModel *rm = view.rowsView()->model();
    QCOMPARE(rm->rowCount(), 12); // messages 1, 2, 4 are trades of 4 rows each
    QCOMPARE(rm->headerData(0, Qt::Horizontal).toString(), QStringLiteral("time"));
    QCOMPARE(rm->headerData(1, Qt::Horizontal).toString(), QStringLiteral("sym"));

    // filter: table trade, sym KX: the grid shrinks, every selected row is KX
    QSignalSpy filtered(&view, &TpLogView::filtered);
    view.tableFilter()->setCurrentText(QStringLiteral("trade"));
    view.symFilter()->setText(QStringLiteral("KX"));
    view.fromFilter()->setText(QStringLiteral("09:00:04"));
    QCOMPARE(view.applyFilter(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(filtered.count(), 1, 30000);
    const qint64 matching = filtered.first().at(0).toLongLong();
    QVERIFY(matching > 10 && matching < 700);
    QCOMPARE(view.messagesModel()->rowCount(), int(matching));
    const int64_t first = view.messagesModel()->chunkAt(0);
    QVERIFY(view.messagesModel()->reader()->chunk(first).time >= int64_t(32404000000000));
    rows.clear();
    grid->selectRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(!rows.isEmpty(), 10000);
    for (int r = 0; r < rm->rowCount(); ++r)
        QCOMPARE(rm->data(rm->index(r, 1)).toString(), QStringLiteral("KX"));
    // a bad time is shown inline, the filter unchanged
    view.toFilter()->setText(QStringLiteral("25:99"));
    QVERIFY(!view.applyFilter().isEmpty());
    QVERIFY(view.statusLabel()->text().contains(QStringLiteral("25:99")));
    view.toFilter()->clear();

    saveShot(&view, QStringLiteral("tplog-view.png"));

    // export the valid prefix: a log -11!(-2;f) calls valid, of 700 chunks
    QSignalSpy done(&view, &TpLogView::actionFinished);
    const QString fixed = m_dir.filePath(QStringLiteral("fixed"));
    view.exportValidPrefix(fixed);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
    QVERIFY(done.first().at(0).toBool());
    tplog::TpLogReader fr;
    QVERIFY(fr.open(fixed, &err));
    const tplog::LogSummary fs = fr.verify();
    QVERIFY(fs.isValid());
    QCOMPARE(fs.chunks, int64_t(700));
}

void TestTpLogView::publishIntoTheDemo()
{
    DemoServer s;
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    o.tplogDir = m_dir.filePath(QStringLiteral("tp"));
    QVERIFY(s.start(o));
    ConnectionManager manager(1);
    TpLogView view(&manager);
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(m_good);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    int64_t tradeRows = 0;
    for (const auto &t : view.summary().tables)
        if (t.name == "trade") tradeRows = t.rows;
    QSignalSpy filtered(&view, &TpLogView::filtered);
    view.tableFilter()->setCurrentText(QStringLiteral("trade"));
    view.applyFilter();
    QTRY_COMPARE_WITH_TIMEOUT(filtered.count(), 1, 30000);
    QSignalSpy done(&view, &TpLogView::actionFinished);
    view.publish(QStringLiteral("127.0.0.1:%1").arg(s.port()), ".u.upd", 0);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    test::QTestClient c(s.port());
    QCOMPARE(c.login("u:p"), 3);
    QCOMPARE(c.sync("count trade").longValue(), tradeRows);
    QCOMPARE(c.sync("count quote").longValue(), int64_t(0));
    // cancel stops a paced publish early
    QSignalSpy done2(&view, &TpLogView::actionFinished);
    view.publish(QStringLiteral("127.0.0.1:%1").arg(s.port()), ".u.upd", 1); // original pace
    QTest::qWait(300);
    view.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(done2.count(), 1, 10000);
    QVERIFY(!done2.first().at(0).toBool());
    QVERIFY(done2.first().at(1).toString().contains(QStringLiteral("cancelled")));
    // a bad address is an inline error
    QSignalSpy done3(&view, &TpLogView::actionFinished);
    view.publish(QStringLiteral("no port here"), ".u.upd", 0);
    QCOMPARE(done3.count(), 1);
    QVERIFY(!done3.first().at(0).toBool());
}

void TestTpLogView::replayIntoAFeedTab()
{
    ConnectionManager manager(1);
    TpLogView view(&manager);
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(m_good);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    int64_t tradeRows = 0;
    for (const auto &t : view.summary().tables)
        if (t.name == "trade") tradeRows = t.rows;
    QSignalSpy done(&view, &TpLogView::actionFinished);
    view.replayHere(0);
    QVERIFY(view.feedPane());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(view.feedPane()->tables().contains("trade"));
    QVERIFY(view.feedPane()->tables().contains("quote"));
    FeedRingModel *rows = view.feedPane()->rowsModel("trade");
    QVERIFY(rows);
    QTRY_COMPARE_WITH_TIMEOUT(int64_t(rows->rowCount()), tradeRows, 10000);
}

void TestTpLogView::mainWindowOpensADroppedLog()
{
    ConnectionManager manager;
    ConnectionStore store;
    QCOMPARE(store.load(m_dir.filePath(QStringLiteral("connections.json"))), QString());
    HistoryStore history;
    history.load(m_dir.filePath(QStringLiteral("history.jsonl")));
    MainWindow w(&manager, &store, &history);
    w.passwords()->setKeychainEnabled(false);
    w.resize(1400, 900);
    w.show();
    QVERIFY(w.findChildren<TpLogView *>().isEmpty());
    auto *mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(m_good)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    QTRY_COMPARE(w.findChildren<TpLogView *>().size(), 1);
    TpLogView *v = w.findChildren<TpLogView *>().first();
    QCOMPARE(v->path(), m_good);
    QTRY_VERIFY_WITH_TIMEOUT(!v->isBusy(), 30000);
    QCOMPARE(v->messagesModel()->rowCount(), int(m_chunks));
    // a file that is not a log is not taken
    const QString text = m_dir.filePath(QStringLiteral("notes.q"));
    {
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a:1\n");
    }
    auto *mime2 = new QMimeData;
    mime2->setUrls({QUrl::fromLocalFile(text)});
    QDragEnterEvent enter2(QPoint(50, 50), Qt::CopyAction, mime2, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter2);
    QCOMPARE(w.findChildren<TpLogView *>().size(), 1);
    delete mime;
    delete mime2;
    // closing the log's dock ends the view (and so any index scan it runs)
    QPointer<TpLogView> view = v;
    auto *dock = qobject_cast<QDockWidget *>(v->parentWidget());
    QVERIFY(dock);
    QVERIFY(dock->close());
    QTRY_VERIFY(view.isNull());
    QVERIFY(w.findChildren<TpLogView *>().isEmpty());
}

void TestTpLogView::selectAllIsReadAsOneRange()
{
    const QString path = bigLog();
    const int64_t n = m_bigChunks;
    QVERIFY(n > 4 * 65536);
    ConnectionManager manager(1);
    TpLogView view(&manager);
    const int em = view.fontMetrics().height();
    view.resize(em * 100, em * 60);
    view.show();
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(path);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
    // nothing in the view keeps a section per message (a QTableView's row header would)
    for (const QHeaderView *h : view.findChildren<QHeaderView *>())
        QVERIFY2(h->count() < 100, qPrintable(QString::number(h->count())));

    // a press on a column's name selects nothing (whole rows only, as a QTableView's
    // SelectRows): no decode of every message
    QHeaderView *names = view.messagesGrid()->horizontalHeader();
    QTest::mouseClick(names->viewport(), Qt::LeftButton, {},
                      QPoint(names->sectionViewportPosition(2) + 5, names->height() / 2));
    QVERIFY(!view.messagesGrid()->selectionModel()->hasSelection());
    QVERIFY(view.selectedMessages().empty());

    // select-all: the rows pane's decode and the export get one range, every message in it
    QSignalSpy rows(&view, &TpLogView::rowsShown);
    view.messagesGrid()->selectAll();
    const TpLogSelection all = view.selectedMessages();
    QCOMPARE(all.rowRanges().size(), size_t(1));
    QCOMPARE(all.rowRanges().front(), std::make_pair(int64_t(0), n - 1));
    QCOMPARE(all.size(), n);
    QTRY_COMPARE_WITH_TIMEOUT(rows.count(), 1, 120000); // quotes and trades: -1, not a table
    QSignalSpy done(&view, &TpLogView::actionFinished);
    const QString selected = m_dir.filePath(QStringLiteral("big.selected"));
    const QString prefix = m_dir.filePath(QStringLiteral("big.prefix"));
    view.exportSelected(selected);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
    view.exportValidPrefix(prefix);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 60000);
    QVERIFY(done.at(1).at(0).toBool());
    // every message, in order: the same bytes as the whole valid log
    QCOMPARE(QFileInfo(selected).size(), QFileInfo(prefix).size());
    QVERIFY(readAll(selected) == readAll(prefix));

    // filtered to the trades, a select-all is again one range of rows, read through the
    // filter's list of messages
    QSignalSpy filtered(&view, &TpLogView::filtered);
    view.tableFilter()->setCurrentText(QStringLiteral("trade"));
    QCOMPARE(view.applyFilter(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(filtered.count(), 1, 60000);
    const qint64 trades = filtered.at(0).at(0).toLongLong();
    QCOMPARE(trades, n - (n + 2) / 3); // message i is a quote when i % 3 == 0
    view.messagesGrid()->selectAll();
    const TpLogSelection some = view.selectedMessages();
    QCOMPARE(some.rowRanges().size(), size_t(1));
    QCOMPARE(some.size(), trades);
    int64_t expected = 1, seen = 0;
    for (int64_t chunk : some) {
        QCOMPARE(chunk, expected);
        expected += expected % 3 == 1 ? 1 : 2; // 1, 2, 4, 5, 7, ...
        ++seen;
    }
    QCOMPARE(seen, trades);
    // a shift-click's rows 10..19 of the trades: one range, the trades among messages 15..29
    view.messagesGrid()->selectRows(10, 19, QItemSelectionModel::ClearAndSelect);
    const std::vector<int64_t> part = view.selectedMessages().toVector();
    QCOMPARE(part, (std::vector<int64_t>{16, 17, 19, 20, 22, 23, 25, 26, 28, 29}));
    rows.clear();
    QTRY_VERIFY_WITH_TIMEOUT(!rows.isEmpty() && rows.last().at(0).toLongLong() == 10, 30000);
    view.messagesGrid()->scrollTo(view.messagesModel()->index(8, 0),
                                  QAbstractItemView::PositionAtTop);
    QTest::qWait(50);
    saveShot(&view, QStringLiteral("tplog-gridview.png"));
    // the superseded decodes end before the next test holds the pool's index scan
    QThreadPool::globalInstance()->waitForDone();
}

QString TestTpLogView::bigLog()
{
    if (m_big.isEmpty()) {
        m_big = m_dir.filePath(QStringLiteral("sym2026.01.03"));
        // about 100 bytes a message: 40 MB is some 400k messages, several batches of 64k
        m_bigChunks = test::writeTradeLog(m_big, 40000000, 1);
    }
    return m_big;
}

void TestTpLogView::rowsShowBeforeIndexingEnds()
{
    const QString path = bigLog();
    QVERIFY(m_bigChunks > 4 * 65536);
    ConnectionManager manager(1);
    TpLogView view(&manager);
    const int em = view.fontMetrics().height();
    view.resize(em * 100, em * 60);
    view.show();
    ScanGate gate;
    view.setIndexGate(gate.gate());
    QSignalSpy loaded(&view, &TpLogView::loaded);
    QAbstractItemModelTester tester(view.messagesModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.open(path);
    // the scan is held after its first batch: those rows are on screen, indexing goes on
    QTRY_VERIFY_WITH_TIMEOUT(view.messagesModel()->rowCount() > 0 && view.isIndexing(), 30000);
    QVERIFY(gate.firstChunks > 0 && gate.firstChunks < m_bigChunks);
    QCOMPARE(view.messagesModel()->rowCount(), int(gate.firstChunks));
    QCOMPARE(loaded.count(), 0);
    QVERIFY2(view.summaryLabel()->text().contains(QStringLiteral("indexing")),
             qPrintable(view.summaryLabel()->text()));
    QVERIFY(!view.tableFilter()->isEnabled()); // needs the whole index
    QVERIFY(!view.applyFilter().isEmpty());
    QCOMPARE(view.messagesModel()
                 ->data(view.messagesModel()->index(0, TpLogMessagesModel::Table))
                 .toString(),
             QStringLiteral("quote"));
    // a row picked now shows its message's rows already
    QSignalSpy rows(&view, &TpLogView::rowsShown);
    view.messagesGrid()->selectRow(3);
    QTRY_COMPARE_WITH_TIMEOUT(rows.count(), 1, 10000);
    QCOMPARE(rows.at(0).at(0).toLongLong(), qint64(1));
    QTest::qWait(50);
    saveShot(&view, QStringLiteral("tplog-indexing.png"));
    gate.release.release();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
    QVERIFY(!view.isIndexing());
    QCOMPARE(view.messagesModel()->rowCount(), int(m_bigChunks));
    QCOMPARE(view.summary().chunks, m_bigChunks);
    QVERIFY(view.summary().isValid());
    QVERIFY(view.tableFilter()->isEnabled());
    QVERIFY(!view.summaryLabel()->text().contains(QStringLiteral("indexing")));
    {
        QMutexLocker lock(&gate.mutex);
        QVERIFY(gate.batches >= 2);
        QVERIFY(gate.sawDone && !gate.endedCancelled);
    }
    // the last row is the last message
    const QModelIndex last = view.messagesModel()->index(int(m_bigChunks) - 1, 0);
    QCOMPARE(view.messagesModel()->data(last).toString(), QString::number(m_bigChunks - 1));
    view.messagesGrid()->scrollToBottom();
    QTest::qWait(50);
    saveShot(&view, QStringLiteral("tplog-done.png"));
}

void TestTpLogView::closingTheViewEndsIndexing()
{
    const QString path = bigLog();
    ConnectionManager manager(1);
    auto *view = new TpLogView(&manager);
    view->show();
    ScanGate gate;
    view->setIndexGate(gate.gate());
    view->open(path);
    QTRY_VERIFY_WITH_TIMEOUT(view->messagesModel()->rowCount() > 0 && view->isIndexing(), 30000);
    std::weak_ptr<const tplog::TpLogReader> reader = view->reader();
    QVERIFY(!reader.expired());
    delete view; // mid-scan
    gate.release.release();
    // the job sees the cancel at its next batch and ends: the last reference to the mapped
    // file (the job's) goes with it
    QTRY_VERIFY_WITH_TIMEOUT(reader.expired(), 10000);
    QMutexLocker lock(&gate.mutex);
    QVERIFY(gate.sawDone);
    QVERIFY(gate.endedCancelled);
}

void TestTpLogView::cancellingIndexingKeepsWhatIsIndexed()
{
    const QString path = bigLog();
    ConnectionManager manager(1);
    TpLogView view(&manager);
    view.show();
    ScanGate gate;
    view.setIndexGate(gate.gate());
    QSignalSpy failed(&view, &TpLogView::failed);
    view.open(path);
    QTRY_VERIFY_WITH_TIMEOUT(view.messagesModel()->rowCount() > 0 && view.isIndexing(), 30000);
    const int shown = view.messagesModel()->rowCount();
    view.cancel(); // the Cancel button
    gate.release.release();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QVERIFY(!view.isIndexing());
    QCOMPARE(view.messagesModel()->rowCount(), shown); // what was indexed stays on screen
    QVERIFY(shown < m_bigChunks);
    QVERIFY2(view.summaryLabel()->text().contains(QStringLiteral("cancelled")),
             qPrintable(view.summaryLabel()->text()));
    QVERIFY(view.statusLabel()->text().contains(QStringLiteral("open the log again")));
    // the filters need the whole index: still off, and asking says why
    QVERIFY(!view.tableFilter()->isEnabled());
    QVERIFY(!view.applyFilter().isEmpty());
    QMutexLocker lock(&gate.mutex);
    QVERIFY(gate.endedCancelled);
}

namespace {

/// Holds the first decode of a selection until released; counts every decode.
struct HeldDecodes
{
    std::atomic<int> decoded{0};
    std::atomic<bool> first{true};
    QSemaphore entered, release;
    TpLogView::DecodeGate gate()
    {
        return [this](int64_t) {
            ++decoded;
            if (first.exchange(false)) {
                entered.release();
                release.acquire();
            }
        };
    }
};

} // namespace

void TestTpLogView::newSelectionCancelsThePreviousDecode()
{
    ConnectionManager manager(1);
    TpLogView view(&manager);
    QSignalSpy loaded(&view, &TpLogView::loaded);
    view.open(m_good);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    HeldDecodes held;
    view.setDecodeGate(held.gate());
    QSignalSpy rows(&view, &TpLogView::rowsShown);
    view.messagesGrid()->selectAll(); // every message: a long decode
    QVERIFY(held.entered.tryAcquire(1, 30000));
    view.messagesGrid()->selectRow(3); // supersedes it while it is held at its first message
    held.release.release();
    QTRY_COMPARE_WITH_TIMEOUT(rows.count(), 1, 30000);
    QCOMPARE(rows.at(0).at(0).toLongLong(), qint64(4)); // the one message's 4 rows
    QThreadPool::globalInstance()->waitForDone();
    QCOMPARE(rows.count(), 1); // the superseded one shows nothing
    // the first decode stopped at its next message: its one, and the new selection's one
    QVERIFY2(held.decoded == 2, qPrintable(QString::number(held.decoded.load())));
}

void TestTpLogView::closingTheViewCancelsTheSelectionDecode()
{
    ConnectionManager manager(1);
    auto *view = new TpLogView(&manager);
    QSignalSpy loaded(view, &TpLogView::loaded);
    view->open(m_good);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    HeldDecodes held;
    view->setDecodeGate(held.gate());
    view->messagesGrid()->selectAll();
    QVERIFY(held.entered.tryAcquire(1, 30000));
    delete view;
    held.release.release();
    QThreadPool::globalInstance()->waitForDone();
    QVERIFY2(held.decoded == 1, qPrintable(QString::number(held.decoded.load())));
}

QTEST_MAIN(TestTpLogView)
#include "tst_tplogview.moc"
