// The result pane inside the real MainWindow against a FakeQServer: a keyed table run from the
// editor shows its keys shaded and frozen, and the selected cells' statistics reach the status
// bar; a 10M-row result is one grid row per row (select-all, a shift-range to row 9,000,000,
// Ctrl+C and the statistics all cover every selected row). Screenshots
// /work/shots/results-window-keyed.png and /work/shots/grid-10m.png.
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "results/frozencolumns.h"
#include "results/gridview.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "theme/theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QtTest>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

/// ([sym;day] price; size; bid; ask; volume; note) of 30 rows
Value keyedTrades()
{
    std::vector<QByteArray> sym;
    std::vector<int32_t> day;
    std::vector<double> price, bid, ask;
    std::vector<int64_t> size, volume;
    const char *names[] = {"AAPL", "MSFT", "IBM"};
    for (int i = 0; i < 30; ++i) {
        sym.push_back(names[i % 3]);
        day.push_back(9800 + i / 3);
        price.push_back(100.25 + i);
        bid.push_back(100 + i);
        ask.push_back(100.5 + i);
        size.push_back(100 * (1 + i % 4));
        volume.push_back(1000000 + i * 7919);
    }
    const auto table = [](std::vector<QByteArray> names, std::vector<Value> cols) {
        return Value::table(Value::symbols(names), Value::list(std::move(cols)));
    };
    return Value::dict(table({"sym", "date"}, {Value::symbols(sym), Value::fromVector(Date, day)}),
                       table({"price", "size", "bid", "ask", "volume"},
                             {Value::fromVector(Float, price), Value::fromVector(Long, size),
                              Value::fromVector(Float, bid), Value::fromVector(Float, ask),
                              Value::fromVector(Long, volume)}));
}

constexpr int64_t kBigRows = 10000000;

/// ([] x: til n; y: x % 1000 as floats): 10M rows by default
Value bigTable(int64_t rows = kBigRows)
{
    Value x = Value::uninitialised(Long, rows);
    Value y = Value::uninitialised(Float, rows);
    auto *px = x.mutableData<int64_t>();
    auto *py = y.mutableData<double>();
    for (int64_t i = 0; i < rows; ++i) {
        px[i] = i;
        py[i] = double(i % 1000) + 0.5;
    }
    return Value::table(Value::symbols({"x", "y"}), Value::list({x, y}));
}

} // namespace

class TestResultWindow : public QObject
{
    Q_OBJECT

    FakeQServer m_fake;
    std::unique_ptr<ConnectionManager> m_manager;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<HistoryStore> m_history;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;

    QString statusText() const
    {
        QString all;
        for (const QLabel *l : m_window->statusBar()->findChildren<QLabel *>())
            all += l->text() + QLatin1Char('\n');
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_resultwindow"));
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        PinStore::clear();
        Q_INIT_RESOURCE(resources);
        Theme::apply(Theme::Light);
        m_fake.onMessage = [](QIODevice *io, const MessageHeader &h, const Value &v,
                              const QByteArray &) {
            if (h.type != MessageType::Sync) return;
            const QByteArray text = queryText(v);
            if (text == "big")
                FakeQServer::reply(io, bigTable());
            else if (text == "mid")
                FakeQServer::reply(io, bigTable(300000));
            else
                FakeQServer::reply(io,
                                   text.startsWith("select") ? keyedTrades() : Value::string(text));
        };
        QVERIFY(m_fake.listenTcp());
        m_manager = std::make_unique<ConnectionManager>();
        m_store = std::make_unique<ConnectionStore>();
        QCOMPARE(m_store->load(ConnectionStore::defaultPath()), QString());
        m_history = std::make_unique<HistoryStore>();
        m_history->load(m_dir.filePath(QStringLiteral("history.jsonl")));
        ConnectionProfile p;
        p.name = QStringLiteral("fake");
        p.host = QStringLiteral("127.0.0.1");
        p.port = m_fake.port();
        p.connectTimeoutMs = 3000;
        const QString profile = m_store->add(p);
        m_window = std::make_unique<MainWindow>(m_manager.get(), m_store.get(), m_history.get());
        m_window->passwords()->setKeychainEnabled(false);
        m_window->restoreState(profile);
        m_window->resize(1100, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        if (m_window) m_window->sessions()->disconnectAll();
        m_window.reset();
        m_manager.reset();
    }

    void keyedResultAndSelectionStatistics()
    {
        EditorTab *tab = m_window->editors()->current();
        tab->setText(
            QStringLiteral("select last price,size,bid,ask,volume by sym,date from trade"));
        tab->setModified(false);
        tab->setCursorPosition(0, 0);
        m_window->runCurrent();
        ResultPane *pane = m_window->resultsFor(tab);
        QVERIFY(pane);
        QTRY_VERIFY_WITH_TIMEOUT(pane->currentView()->hasResult(), 10000);
        ResultView *view = pane->currentView();
        QCOMPARE(view->model()->keyColumnCount(), 2);
        QVERIFY(view->frozenColumns()->view()->isVisibleTo(view));
        // select three prices: their statistics are in the status bar
        auto *m = view->model();
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 2), m->index(2, 2)),
                                               QItemSelectionModel::ClearAndSelect);
        QTRY_VERIFY2(statusText().contains(QStringLiteral(
                         "count 3 \u00b7 sum 303.75 \u00b7 avg 101.25 \u00b7 min 100.25 \u00b7 max "
                         "102.25")),
                     qPrintable(statusText()));
        QTest::qWait(50);
        QDir().mkpath(QStringLiteral("/work/shots"));
        QVERIFY(m_window->grab().save(QStringLiteral("/work/shots/results-window-keyed.png")));
        // cleared with the selection
        view->grid()->selectionModel()->clearSelection();
        QTRY_VERIFY(!statusText().contains(QStringLiteral("count 3")));
    }

    void modelTesterOverSortAndFilter()
    {
        // the grid's model under QAbstractItemModelTester while a result larger than the old
        // 262,144-row window arrives, is sorted (off the GUI thread) and filtered
        EditorTab *tab = m_window->editors()->current();
        ResultPane *pane = m_window->resultsFor(tab);
        QVERIFY(pane);
        ResultTableModel *m = pane->currentView()->model();
        QAbstractItemModelTester tester(m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tab->setText(QStringLiteral("mid"));
        tab->setModified(false);
        tab->setCursorPosition(0, 0);
        m_window->runCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 300000, 20000);
        QCOMPARE(pane->currentView()->model(), m);
        m->sort(0, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), 20000);
        QCOMPARE(m->index(0, 0).data().toString(), QStringLiteral("299999"));
        QCOMPARE(m->headerData(0, Qt::Vertical).toString(), QStringLiteral("299999"));
        QVERIFY(pane->currentView()->applyFilter(QStringLiteral("x<1000")).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy() && m->rowCount() == 1000, 20000);
        QCOMPARE(m->index(999, 0).data().toString(), QStringLiteral("0"));
        pane->currentView()->applyFilter(QString());
        QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 300000, 20000);
    }

    void tenMillionRows()
    {
        EditorTab *tab = m_window->editors()->current();
        tab->setText(QStringLiteral("big"));
        tab->setModified(false);
        tab->setCursorPosition(0, 0);
        m_window->runCurrent();
        ResultPane *pane = m_window->resultsFor(tab);
        QVERIFY(pane);
        QTRY_VERIFY_WITH_TIMEOUT(pane->currentView()->hasResult() &&
                                     pane->currentView()->model()->rowCount() == kBigRows,
                                 60000);
        ResultView *view = pane->currentView();
        GridView *grid = view->grid();
        auto *m = view->model();
        QVERIFY(!view->result().error);
        QCOMPARE(int64_t(m->rowCount()), kBigRows); // every row is a grid row

        // select all: the statistics count every cell (summed off the GUI thread)
        grid->setFocus();
        grid->selectAll();
        QTRY_VERIFY2_WITH_TIMEOUT(
            statusText().contains(QStringLiteral("count 20,000,000 \u00b7 sum ")) &&
                statusText().contains(QStringLiteral("min 0 \u00b7 max 9,999,999")),
            qPrintable(statusText()), 30000);
        // Ctrl+C copies every row: a header line and 10M lines, written on a worker (the note
        // says so meanwhile)
        QApplication::clipboard()->clear();
        QTest::keyClick(grid, Qt::Key_C, Qt::ControlModifier);
        QVERIFY2(view->copiedNote()->text().startsWith(QStringLiteral("Copying 10,000,000 rows")),
                 qPrintable(view->copiedNote()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(!QApplication::clipboard()->text().isEmpty(), 60000);
        QCOMPARE(view->copiedNote()->text(), QStringLiteral("Copied 10,000,000 rows"));
        const QString copied = QApplication::clipboard()->text();
        QCOMPARE(copied.count(QLatin1Char('\n')), int(kBigRows) + 1);
        QVERIFY(copied.startsWith(QStringLiteral("x\ty\n0\t0.5\n")));
        QVERIFY(copied.endsWith(QStringLiteral("\n9999999\t999.5\n")));

        // a click on row 5, then a shift-click on row 9,000,000: the statistics are of every
        // cell between them
        const auto click = [grid](int row, Qt::KeyboardModifiers modifiers) {
            const QModelIndex index = grid->model()->index(row, 0);
            grid->scrollTo(index, QAbstractItemView::PositionAtCenter);
            QTest::mouseClick(grid->viewport(), Qt::LeftButton, modifiers,
                              grid->visualRect(index).center());
        };
        click(5, Qt::NoModifier);
        click(9000000, Qt::ShiftModifier);
        const QItemSelection selected = grid->selectionModel()->selection();
        QCOMPARE(selected.size(), 1); // one range, not nine million indexes
        QCOMPARE(selected.first().top(), 5);
        QCOMPARE(selected.first().bottom(), 9000000);
        QTRY_VERIFY2_WITH_TIMEOUT(
            statusText().contains(
                QStringLiteral("count 8,999,996 \u00b7 sum 40,500,004,499,990 \u00b7 avg ")) &&
                statusText().contains(QStringLiteral("min 5 \u00b7 max 9,000,000")),
            qPrintable(statusText()), 30000);

        // to the last row: its number is the result's, and the row header is wide enough for it
        grid->verticalScrollBar()->setValue(grid->verticalScrollBar()->maximum());
        const int bottom = grid->rowAt(grid->viewport()->height() - 2);
        QCOMPARE(bottom, int(kBigRows - 1));
        QCOMPARE(m->headerData(bottom, Qt::Vertical).toString(), QStringLiteral("9999999"));
        QVERIFY(grid->gutterWidth() >
                grid->fontMetrics().horizontalAdvance(QStringLiteral("9999999")));

        // the screenshot: near the end, the selection's last rows on screen, its statistics below
        grid->scrollTo(m->index(9000000 - 8, 0), QAbstractItemView::PositionAtTop);
        QTest::qWait(100);
        QVERIFY(m_window->grab().save(QStringLiteral("/work/shots/grid-10m.png")));
        grid->clearSelection();
        m_window->editors()->current()->setText(QString());
        pane->currentView()->clear();
    }
};

QTEST_MAIN(TestResultWindow)
#include "tst_resultwindow.moc"
