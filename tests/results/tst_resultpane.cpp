// The result pane's widgets driven as a user would: grid, inline error, q text, drill-down, pin,
// copy, export from the view, a decimated chart, and a live query + send against the in-process
// demo server. Saves screenshots under test-output/screenshots.

#include "charts/chartpanel.h"
#include "charts/zoomchartview.h"
#include "export/exportjob.h"
#include "results/frozencolumns.h"
#include "results/gridview.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "resultstestdata.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QCandlestickSeries>
#include <QCandlestickSet>
#include <QCategoryAxis>
#include <QChart>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QValueAxis>
#include <QWheelEvent>
#include <QXYSeries>

#include <cmath>

using namespace qscope;
using namespace qscope::testdata;

Q_DECLARE_METATYPE(qscope::ExportOutcome)

class TestResultPane : public QObject
{
    Q_OBJECT

private:
    static void screenshot(QWidget *w, const QString &name)
    {
        const QString dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/screenshots");
        QDir().mkpath(dir);
        QVERIFY(w->grab().save(dir % QLatin1Char('/') % name % QStringLiteral(".png")));
        // the shared folder the lead looks at
        QDir().mkpath(QStringLiteral("/work/shots"));
        w->grab().save(QStringLiteral("/work/shots/") % name % QStringLiteral(".png"));
    }
    /// A keyed table of `n` rows, wide enough to scroll sideways: ([sym;day] price;size;...)
    static Value keyedWide(int64_t n)
    {
        std::vector<QByteArray> sym;
        std::vector<int32_t> day;
        std::vector<double> price, bid, ask;
        std::vector<int64_t> size, volume;
        const QList<QByteArray> names{"AAPL", "MSFT", "IBM", "GOOG", "AMZN"};
        for (int64_t i = 0; i < n; ++i) {
            sym.push_back(names[int(i % 5)]);
            day.push_back(int32_t(9500 + i / 5));
            price.push_back(100 + double(i) * 1.37);
            bid.push_back(99.5 + double(i) * 1.37);
            ask.push_back(100.5 + double(i) * 1.37);
            size.push_back(100 * (1 + i % 9));
            volume.push_back(1000000 + i * 7919);
        }
        const Value keys = table({"sym", "date"}, {syms(sym), Value::fromVector(Date, day)});
        const Value values =
            table({"price", "bid", "ask", "size", "volume", "vwap", "spread"},
                  {floats(price), floats(bid), floats(ask), longs(size), longs(volume),
                   floats(price), floats(std::vector<double>(size_t(n), 1.0))});
        return Value::dict(keys, values);
    }
    static QueryResult ok(const Value &v, const QByteArray &query)
    {
        QueryResult r;
        r.id = 1;
        r.query = query;
        r.value = v;
        r.bytesIn = 1234;
        r.elapsedNs = 2500000;
        return r;
    }
    static Value marketTable(int64_t n)
    {
        std::vector<int64_t> time(static_cast<size_t>(n)), size(static_cast<size_t>(n));
        std::vector<double> px(static_cast<size_t>(n)), px2(static_cast<size_t>(n));
        std::vector<QByteArray> sym;
        for (int64_t i = 0; i < n; ++i) {
            time[size_t(i)] = 9132LL * 86400000000000LL + 34200000000000LL + i * 1000000000LL;
            px[size_t(i)] = 100 + 10 * std::sin(double(i) / 50.0) + double(i % 7) * 0.1;
            px2[size_t(i)] = 95 + 5 * std::cos(double(i) / 80.0);
            size[size_t(i)] = 100 * (1 + i % 9);
        }
        const QList<QByteArray> names{"AAPL", "MSFT", "IBM", "GOOG"};
        for (int64_t i = 0; i < n; ++i)
            sym.push_back(names[int(i % 4)]);
        return table(
            {"time", "sym", "price", "bid", "size"},
            {Value::fromVector(Timestamp, time), syms(sym), floats(px), floats(px2), longs(size)});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // settings of this test only (the display precision is one), fresh each run
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_resultpane"));
        QSettings().clear();
        qRegisterMetaType<qscope::ExportOutcome>();
    }

    void tableGridAndInfo()
    {
        ResultPane pane(nullptr);
        pane.resize(900, 360);
        pane.show();
        pane.setResult(ok(marketTable(500), "select from trade where sym in `AAPL`MSFT"),
                       QStringLiteral("demo (localhost:5010)"));
        ResultView *view = pane.currentView();
        QCOMPARE(view->model()->rowCount(), 500);
        QCOMPARE(view->model()->columnCount(), 5);
        const QString info = view->infoLabel()->text();
        QVERIFY2(info.contains(QStringLiteral("500 rows")), qPrintable(info));
        QVERIFY(info.contains(QStringLiteral("5 cols")));
        QVERIFY(info.contains(QStringLiteral("2.50 ms")));
        QVERIFY(info.contains(QStringLiteral("demo (localhost:5010)")));
        // fixed, uniform row heights; widths measured and capped
        QCOMPARE(view->grid()->rowHeight(0), view->grid()->rowHeight(499));
        QCOMPARE(view->grid()->visualRect(view->model()->index(499, 0)).top() -
                     view->grid()->visualRect(view->model()->index(0, 0)).top(),
                 499 * view->grid()->rowHeight());
        for (int c = 0; c < 5; ++c)
            QVERIFY(view->grid()->columnWidth(c) <= 320);
        QVERIFY(view->grid()->columnWidth(0) >
                view->grid()->fontMetrics().horizontalAdvance(
                    QStringLiteral("2025.01.01D09:30:00.000000000")));
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        screenshot(&pane, QStringLiteral("results-table"));
    }

    void errorInline()
    {
        ResultPane pane(nullptr);
        pane.resize(700, 200);
        pane.show();
        QueryResult r;
        r.query = "1+`a";
        r.error = NetError{NetError::QError, QStringLiteral("type")};
        pane.setResult(r, QStringLiteral("demo (localhost:5010)"));
        QLabel *err = pane.currentView()->errorLabel();
        QVERIFY(err->isVisibleTo(&pane));
        QVERIFY(err->text().contains(QStringLiteral("'type")));
        QVERIFY(err->text().contains(QStringLiteral("1+`a")));
        QVERIFY(err->text().contains(QStringLiteral("demo (localhost:5010)")));
        // nothing to switch to: no Grid/Text/Chart bar floating over the error
        QVERIFY(!pane.currentView()->findChild<QLineEdit *>()->isVisibleTo(&pane));
        QVERIFY(err->y() < 60);
        screenshot(&pane, QStringLiteral("results-error"));
        // the next good result hides it
        pane.setResult(ok(longs({1, 2}), "1 2"), QStringLiteral("demo"));
        QVERIFY(!err->isVisibleTo(&pane));
    }

    void stringAndAtomInQsShape()
    {
        ResultPane pane(nullptr);
        pane.resize(700, 200);
        pane.show();
        // a string is one value, not one character per row
        pane.setResult(ok(Value::string("hello, q world!!!!"), "\"hello, q world!!!!\""),
                       QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->columnCount(), 1);
        QCOMPARE(view->model()->index(0, 0).data().toString(),
                 QStringLiteral("hello, q world!!!!"));
        QString info = view->infoLabel()->text();
        QVERIFY2(info.startsWith(QStringLiteral("string of 18 chars")), qPrintable(info));
        QVERIFY(!info.contains(QStringLiteral("rows")));
        QVERIFY(!view->grid()->rowNumbersVisible());
        QVERIFY(!view->grid()->gutter()->isVisibleTo(view));
        // an atom says what it is
        pane.setResult(ok(Value::longAtom(42), "42"), QStringLiteral("demo"));
        info = view->infoLabel()->text();
        QVERIFY2(info.startsWith(QStringLiteral("long atom")), qPrintable(info));
        // a list says it is one, and a general list of strings is a string per row
        pane.setResult(ok(longs({1, 2, 3}), "1 2 3"), QStringLiteral("demo"));
        QVERIFY2(view->infoLabel()->text().startsWith(QStringLiteral("long list of 3 items")),
                 qPrintable(view->infoLabel()->text()));
        pane.setResult(
            ok(Value::list({Value::string("ab"), Value::string("cde")}), "(\"ab\";\"cde\")"),
            QStringLiteral("demo"));
        QCOMPARE(view->model()->rowCount(), 2);
        QCOMPARE(view->model()->index(1, 0).data().toString(), QStringLiteral("cde"));
        pane.setResult(ok(Value::dict(syms({"a", "b"}), longs({1, 2})), "`a`b!1 2"),
                       QStringLiteral("demo"));
        QVERIFY(view->infoLabel()->text().startsWith(QStringLiteral("dict of 2 keys")));
    }

    void keyColumnsShadedAndFrozen()
    {
        ResultPane pane(nullptr);
        pane.resize(520, 300);
        pane.show();
        pane.setResult(ok(keyedWide(40), "select last price,... by sym,date from trade"),
                       QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QVERIFY2(view->infoLabel()->text().contains(QStringLiteral("(2 keys)")),
                 qPrintable(view->infoLabel()->text()));
        ResultTableModel *m = view->model();
        QCOMPARE(m->keyColumnCount(), 2);
        QCOMPARE(m->index(0, 0).data(Qt::BackgroundRole).value<QBrush>().color(),
                 ResultTableModel::keyShade());
        QVERIFY(!m->index(0, 2).data(Qt::BackgroundRole).isValid());
        QVERIFY(ResultTableModel::keyShade() != view->palette().color(QPalette::Base));
        // the key columns stay in sight when the grid scrolls sideways
        GridView *frozen = view->frozenColumns()->view();
        QVERIFY(frozen->isVisibleTo(view));
        QVERIFY(!frozen->isColumnHidden(0) && !frozen->isColumnHidden(1));
        QVERIFY(frozen->isColumnHidden(2));
        const int x = frozen->x();
        QScrollBar *h = view->grid()->horizontalScrollBar();
        for (int c = 2; c < m->columnCount(); ++c) // wider than the pane
            view->grid()->setColumnWidth(c, 150);
        QTRY_VERIFY(h->maximum() > 0);
        h->setValue(h->maximum());
        QCOMPARE(frozen->x(), x);
        QCOMPARE(frozen->columnWidth(0), view->grid()->columnWidth(0));
        // and scroll down with the grid
        view->grid()->verticalScrollBar()->setValue(10);
        QCOMPARE(frozen->verticalScrollBar()->value(), 10);
        QCOMPARE(frozen->rowAt(0), view->grid()->rowAt(0));
        QTest::qWait(50);
        screenshot(&pane, QStringLiteral("results-keyed"));
        // a current cell left of the scrolled view comes out from under the keys
        const int before = h->value();
        view->grid()->setCurrentIndex(m->index(10, 3));
        QVERIFY(h->value() < before);
        QVERIFY(view->grid()->columnViewportPosition(3) >=
                view->grid()->columnWidth(0) + view->grid()->columnWidth(1));
        // a sort keeps them frozen (a reset forgets hidden sections)
        m->sort(3, Qt::DescendingOrder);
        QVERIFY(frozen->isColumnHidden(2));
        QVERIFY(!frozen->isColumnHidden(1));
        // an unkeyed result has none
        pane.setResult(ok(marketTable(10), "select from trade"), QStringLiteral("demo"));
        QVERIFY(!frozen->isVisibleTo(view));
        // and no model either (nothing to paint or follow)
        QVERIFY(frozen->model() != m);
        // keyed again: the overlay has the grid's rows and shares its selection
        pane.setResult(ok(keyedWide(40), "select last price,... by sym,date from trade"),
                       QStringLiteral("demo"));
        QCOMPARE(pane.currentView(), view);
        QVERIFY(frozen->isVisibleTo(view));
        QCOMPARE(frozen->model(), m);
        QCOMPARE(frozen->selectionModel(), view->grid()->selectionModel());
        view->grid()->selectAll();
        QVERIFY(frozen->selectionModel()->isSelected(m->index(39, 0)));
    }

    void textViewIsConsoleText()
    {
        ResultPane pane(nullptr);
        pane.resize(700, 300);
        pane.show();
        pane.setResult(ok(trades(), "trades"), QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        view->setMode(ResultView::Mode::Text);
        const QString text = view->textView()->toPlainText();
        const QStringList lines = text.split(QLatin1Char('\n'));
        QVERIFY2(lines.value(0).startsWith(QStringLiteral("sym price size note")),
                 qPrintable(text));
        QVERIFY(lines.value(1).startsWith(QStringLiteral("---")));
        QVERIFY2(lines.value(2).startsWith(QStringLiteral("b   1.5   10   ,\"x\"")),
                 qPrintable(text));
        screenshot(&pane, QStringLiteral("results-text"));
        view->setMode(ResultView::Mode::Grid);
    }

    void textViewFollowsDisplayPrecision()
    {
        ResultPane pane(nullptr);
        pane.resize(700, 300);
        pane.setResult(ok(table({"px"}, {floats({0.1234567891234, 135737612.3456})}), "t"),
                       QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        view->setMode(ResultView::Mode::Text);
        QString text = view->textView()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("0.1234568")) &&
                     text.contains(QStringLiteral("1.357376e+08")),
                 qPrintable(text));
        ResultTableModel::setDisplayPrecision(12);
        text = view->textView()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("0.123456789123")) &&
                     text.contains(QStringLiteral("135737612.346")),
                 qPrintable(text));
        ResultTableModel::setDisplayPrecision(7);
        QVERIFY(view->textView()->toPlainText().contains(QStringLiteral("0.1234568")));
    }

    void drillDownAndBack()
    {
        ResultView view(nullptr);
        const Value nested =
            table({"k", "v"},
                  {syms({"a", "b"}), Value::list({longs({1, 2, 3}), table({"x"}, {longs({9})})})});
        view.setResult(ok(nested, "nested"), QStringLiteral("demo"));
        QVERIFY(!view.openNested(0, 0)); // a symbol is not nested
        QVERIFY(view.openNested(1, 1));
        QCOMPARE(view.depth(), 1);
        QCOMPARE(view.model()->shape()->kind, ResultShape::Kind::Table);
        QCOMPARE(view.model()->data(view.model()->index(0, 0)).toString(), QStringLiteral("9"));
        QVERIFY(view.infoLabel()->text().startsWith(QStringLiteral("value[1;`v]")));
        QVERIFY(view.back());
        QCOMPARE(view.depth(), 0);
        QCOMPARE(view.model()->columnCount(), 2);
        QVERIFY(!view.back());
    }

    void pinKeepsResult()
    {
        ResultPane pane(nullptr);
        pane.setResult(ok(longs({1, 2, 3}), "til 3"), QStringLiteral("demo"));
        ResultView *first = pane.currentView();
        QMetaObject::invokeMethod(&pane, [&pane] {
            // the Pin button is the tab widget's corner button
            const auto buttons = pane.findChildren<QToolButton *>();
            for (QToolButton *b : buttons) {
                if (b->text() == QStringLiteral("Pin")) b->click();
            }
        });
        QCOMPARE(pane.pinnedCount(), 1);
        QVERIFY(pane.currentView() != first);
        QVERIFY(!pane.currentView()->hasResult());
        QCOMPARE(first->model()->rowCount(), 3); // the pinned view still shows its result
        pane.setResult(ok(longs({5}), "5"), QStringLiteral("demo"));
        QCOMPARE(first->model()->rowCount(), 3);
        QCOMPARE(pane.currentView()->model()->rowCount(), 1);
        pane.clear();
        QVERIFY(!pane.currentView()->hasResult());
        QCOMPARE(pane.pinnedCount(), 1);
    }

    void copySelectionToClipboard()
    {
        ResultView view(nullptr);
        view.setResult(ok(trades(), "trades"), QStringLiteral("demo"));
        QItemSelectionModel *sel = view.grid()->selectionModel();
        auto *m = view.model();
        sel->select(QItemSelection(m->index(0, 0), m->index(1, 0)), QItemSelectionModel::Select);
        sel->select(QItemSelection(m->index(0, 2), m->index(1, 2)), QItemSelectionModel::Select);
        QCOMPARE(view.copySelection(false), QByteArray("sym\tsize\nb\t10\na\t20\n"));
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("sym\tsize\nb\t10\na\t20\n"));
        QCOMPARE(view.copySelection(true), QByteArray("+`sym`size!(`b`a;10 20)"));
        // copy follows the view order after a sort
        m->sort(2, Qt::DescendingOrder);
        sel->clearSelection();
        sel->select(QItemSelection(m->index(0, 2), m->index(0, 2)), QItemSelectionModel::Select);
        QCOMPARE(view.copySelection(false), QByteArray("size\n40\n"));
    }

    void copyShowsANote()
    {
        ResultView view(nullptr);
        view.resize(900, 300);
        view.show();
        view.setResult(ok(trades(), "trades"), QStringLiteral("demo"));
        auto *m = view.model();
        view.grid()->selectionModel()->select(QItemSelection(m->index(0, 0), m->index(2, 1)),
                                              QItemSelectionModel::Select);
        QVERIFY(!view.copiedNote()->isVisible());
        view.copySelection(false);
        QVERIFY(view.copiedNote()->isVisible());
        QCOMPARE(view.copiedNote()->text(), QStringLiteral("Copied 3 rows"));
        // it goes away by itself
        QTRY_VERIFY_WITH_TIMEOUT(!view.copiedNote()->isVisible(), 10000);
    }

    void selectionStatisticsFollowTheSelection()
    {
        ResultPane pane(nullptr);
        pane.setResult(ok(trades(), "trades"), QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        auto *m = view->model();
        QSignalSpy spy(&pane, &ResultPane::selectionStatsChanged);
        // price column: 1.5 0n 3.25 2, and the size column beside it: 10 20 30 40
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 1), m->index(3, 1)),
                                               QItemSelectionModel::Select);
        QCOMPARE(pane.selectionStats(),
                 QStringLiteral(
                     "count 4 \u00b7 sum 6.75 \u00b7 avg 2.25 \u00b7 min 1.5 \u00b7 max 3.25"));
        QVERIFY(spy.count() >= 1);
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 2), m->index(1, 2)),
                                               QItemSelectionModel::ClearAndSelect);
        QCOMPARE(pane.selectionStats(),
                 QStringLiteral("count 2 \u00b7 sum 30 \u00b7 avg 15 \u00b7 min 10 \u00b7 max 20"));
        // symbols are counted, not summed; the stats follow the sorted rows
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 0), m->index(1, 0)),
                                               QItemSelectionModel::ClearAndSelect);
        QCOMPARE(pane.selectionStats(), QStringLiteral("count 2"));
        view->grid()->selectionModel()->clearSelection();
        QCOMPARE(pane.selectionStats(), QString());
    }

    void headerClicksCycleSortAndFitWidths()
    {
        // small values where widths are sampled (first 64, last 16 rows), wide ones between
        std::vector<double> px(200, 1.5);
        for (size_t i = 64; i < 184; ++i)
            px[i] = 135737612.3 + double(i);
        ResultPane pane(nullptr);
        pane.resize(900, 400);
        pane.show();
        pane.setResult(
            ok(table({"n", "px"}, {longs(std::vector<int64_t>(200, 1)), floats(px)}), "t"),
            QStringLiteral("demo"));
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        ResultView *view = pane.currentView();
        QHeaderView *header = view->grid()->horizontalHeader();
        const int wide =
            view->grid()->fontMetrics().horizontalAdvance(QStringLiteral("1.357377e+08"));
        QVERIFY(view->grid()->columnWidth(1) < wide); // measured on the narrow sample
        auto click = [&] {
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(1) + 5, header->height() / 2));
        };
        click();
        QCOMPARE(view->model()->sortSpec().column, 1);
        QVERIFY(!view->model()->sortSpec().descending);
        click();
        QVERIFY(view->model()->sortSpec().descending);
        QCOMPARE(view->model()->index(0, 1).data().toString(), QStringLiteral("1.357378e+08"));
        // the values now on screen fit their column
        QVERIFY2(view->grid()->columnWidth(1) > wide,
                 qPrintable(QString::number(view->grid()->columnWidth(1))));
        click(); // third click: the result's own order
        QCOMPARE(view->model()->sortSpec().column, -1);
        QVERIFY(!view->model()->isReordered());
        QCOMPARE(view->model()->index(64, 1).data().toString(), QStringLiteral("1.357377e+08"));
    }

    void cellMenuCopiesFiltersAndWhereClause()
    {
        ResultPane pane(nullptr);
        pane.resize(900, 300);
        pane.show();
        pane.setResult(ok(trades(), "trades"), QStringLiteral("demo"));
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        ResultView *view = pane.currentView();
        GridView *grid = view->grid();
        const QPoint symCell = grid->visualRect(view->model()->index(2, 0)).center();
        QStringList seen;
        auto act = [&](const QString &text, bool shoot = false) {
            QTimer::singleShot(50, view, [&, text, shoot] {
                QMenu *menu = view->openCellMenu();
                QVERIFY(menu);
                seen.clear();
                for (QAction *a : menu->actions())
                    if (!a->isSeparator()) seen << a->text();
                if (shoot) {
                    // the pane with the menu drawn where it opened (a popup is its own window)
                    QPixmap shot = pane.grab();
                    QPainter painter(&shot);
                    painter.drawPixmap(grid->viewport()->mapTo(&pane, symCell), menu->grab());
                    painter.end();
                    QDir().mkpath(QStringLiteral("/work/shots"));
                    QVERIFY(shot.save(QStringLiteral("/work/shots/results-cell-menu.png")));
                }
                for (QAction *a : menu->actions())
                    if (a->text() == text) a->trigger();
                menu->close();
            });
            view->showCellMenu(grid, symCell);
        };
        act(QStringLiteral("Copy as where-clause"), true);
        QVERIFY(seen.contains(QStringLiteral("Copy cell")));
        QVERIFY(seen.contains(QStringLiteral("Copy as q literal")));
        QVERIFY(seen.contains(QStringLiteral("Filter by this value")));
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("where sym=`c"));
        QVERIFY(view->copiedNote()->isVisible());
        QCOMPARE(view->copiedNote()->text(), QStringLiteral("Copied where-clause"));
        act(QStringLiteral("Copy as q literal"));
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("`c"));
        act(QStringLiteral("Copy cell"));
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("c"));
        // filter by the price cell of row 0 (1.5): the box shows it and one row is left
        const QPoint priceCell = grid->visualRect(view->model()->index(0, 1)).center();
        QTimer::singleShot(50, view, [&] {
            for (QAction *a : view->openCellMenu()->actions())
                if (a->text() == QStringLiteral("Filter by this value")) a->trigger();
            view->openCellMenu()->close();
        });
        view->showCellMenu(grid, priceCell);
        QCOMPARE(view->findChild<QLineEdit *>()->text(), QStringLiteral("price=1.5"));
        QCOMPARE(view->model()->viewRowCount(), 1);
        // the precision submenu: 17 digits, and the column widens to show them
        view->applyFilter(QString());
        pane.setResult(
            ok(table({"sym", "price"}, {syms({"a"}), floats({0.1234567891234567})}), "t"),
            QStringLiteral("demo"));
        const int before = grid->columnWidth(1);
        QTimer::singleShot(50, view, [&] {
            for (QAction *a : view->openCellMenu()->actions())
                if (QMenu *sub = a->menu())
                    for (QAction *p : sub->actions())
                        if (p->text() == QStringLiteral("17")) p->trigger();
            view->openCellMenu()->close();
        });
        view->showCellMenu(grid, grid->visualRect(view->model()->index(0, 1)).center());
        QCOMPARE(ResultTableModel::displayPrecision(), 17);
        QCOMPARE(view->model()->index(0, 1).data().toString(),
                 QStringLiteral("0.1234567891234567"));
        QVERIFY(grid->columnWidth(1) > before);
        ResultTableModel::setDisplayPrecision(7);
    }

    void exportFromViewIsNotCapped()
    {
        QTemporaryDir dir;
        ResultView view(nullptr);
        view.setResult(ok(marketTable(20000), "t"), QStringLiteral("demo"));
        QVERIFY(view.applyFilter(QStringLiteral("sym=IBM")).isEmpty());
        QCOMPARE(view.model()->rowCount(), 5000);
        QVERIFY(!view.applyFilter(QStringLiteral("size>x")).isEmpty());
        QSignalSpy done(&view, &ResultView::exportFinished);
        const QString path = dir.filePath(QStringLiteral("ibm.csv"));
        QVERIFY(view.startExport(ExportFormat::Csv, path));
        QVERIFY(!view.startExport(ExportFormat::Csv, path)); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 5001); // every filtered row, not the visible screenful
        QVERIFY(lines[1].contains(",IBM,"));
    }

    void largeResultScrollsThroughAllRows()
    {
        // more rows than the 262,144 of the old row window: the grid's own scroll bar spans them
        const int64_t n = (int64_t(1) << 18) * 3 + 11;
        std::vector<int64_t> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            v[size_t(i)] = i;
        ResultView view(nullptr);
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setResult(ok(table({"x"}, {longs(std::move(v))}), "til n"), QStringLiteral("demo"));
        QTest::qWait(20); // the grid lays out its scroll range
        auto *m = view.model();
        QScrollBar *bar = view.rowScrollBar();
        QCOMPARE(bar, view.grid()->verticalScrollBar());
        QVERIFY(bar->isVisible());
        QCOMPARE(int64_t(m->rowCount()), n);
        QVERIFY2(bar->maximum() > n - 100, qPrintable(QString::number(bar->maximum())));
        // select all: copy and statistics take every row (summed on a worker: more cells than
        // the GUI thread sums itself)
        view.grid()->selectAll();
        const QString sum = QLocale().toString(double(n) * double(n - 1) / 2, 'f', 0);
        QTRY_VERIFY2_WITH_TIMEOUT(view.selectionStats().startsWith(
                                      QStringLiteral("count %L1 \u00b7 sum %2 ").arg(n).arg(sum)),
                                  qPrintable(view.selectionStats()), 20000);
        QCOMPARE(view.copySelection(false).count('\n'), int(n) + 1);
        view.grid()->clearSelection();
        QVERIFY2(view.infoLabel()->text().contains(QLocale().toString(qlonglong(n))),
                 qPrintable(view.infoLabel()->text()));
        // the current cell, then a jump to the end: the last row is on screen, the cell kept
        view.grid()->setCurrentIndex(m->index(3, 0));
        bar->setValue(bar->maximum());
        const int bottom = view.grid()->rowAt(view.grid()->viewport()->height() - 2);
        QCOMPARE(m->sourceRow(bottom), n - 1);
        QCOMPARE(m->sourceRow(view.grid()->currentIndex().row()), int64_t(3));
        // the row numbers are the result's, and the row header is wide enough for the largest
        const QString last = m->headerData(bottom, Qt::Vertical).toString();
        QCOMPARE(last, QString::number(n - 1));
        QVERIFY(view.grid()->gutterWidth() > view.grid()->fontMetrics().horizontalAdvance(last));
        QCOMPARE(view.grid()->gutter()->width(), view.grid()->gutterWidth());
        // Ctrl+End reaches the last row of the result
        view.grid()->setFocus();
        QTest::keyClick(view.grid(), Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(m->sourceRow(view.grid()->currentIndex().row()), n - 1);
        QTest::keyClick(view.grid(), Qt::Key_Home, Qt::ControlModifier);
        QCOMPARE(m->sourceRow(view.grid()->currentIndex().row()), int64_t(0));
        // copy with nothing selected takes every row
        view.grid()->selectionModel()->clearSelection();
        const QByteArray all = view.copySelection(false);
        QCOMPARE(all.count('\n'), int(n) + 1);
    }

    void chartPlotsPickedNumbersOverTime()
    {
        // a time series: picking price and size charts them over time, not one against the other
        Value time = Value::uninitialised(Timestamp, 3);
        for (int i = 0; i < 3; ++i)
            time.mutableData<int64_t>()[i] = int64_t(i) * 1000000000;
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(
            table({"time", "price", "size"}, {time, floats({3, 1, 2}), longs({10, 30, 20})})));
        ChartPanel panel;
        panel.setShape(shape, {1, 2});
        QCOMPARE(panel.xColumn(), 0);
        QCOMPARE(panel.seriesCount(), 2);
        panel.setShape(shape, {0, 1}); // picking the time column too: the same
        QCOMPARE(panel.xColumn(), 0);
        QCOMPARE(panel.seriesCount(), 1);
    }

    void chartDecimatesAMillionPoints()
    {
        const int64_t n = 1000000;
        std::vector<double> y(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            y[size_t(i)] = std::sin(double(i) / 1000.0) + ((i == 777777) ? 50.0 : 0.0);
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(
            table({"y", "z"}, {floats(y), floats(std::vector<double>(y.rbegin(), y.rend()))})));
        ChartPanel panel;
        panel.resize(1000, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setShape(shape, {0, 1});
        QCOMPARE(panel.seriesCount(), 1); // 2 selected: y is x, z is the series
        QCOMPARE(panel.xColumn(), 0);
        panel.setColumns(-1, {0, 1});
        QCOMPARE(panel.seriesCount(), 2);
        QVERIFY(panel.plottedPoints() > 100);
        QVERIFY2(panel.plottedPoints() <= 2 * 4 * 2000,
                 qPrintable(QString::number(panel.plottedPoints())));
        // the spike survives min/max decimation
        auto *line = qobject_cast<QXYSeries *>(panel.chart()->series().first());
        double maxY = -1e9;
        for (const QPointF &p : line->points())
            maxY = std::max(maxY, p.y());
        QVERIFY(maxY > 49.0);
        // zooming in re-decimates the visible window: still bounded, now denser per unit x
        panel.zoomToFraction(0.5, 0.51);
        const auto pts = line->points();
        QVERIFY(!pts.isEmpty());
        QVERIFY(pts.first().x() >= 0.5 * n - 2 && pts.last().x() <= 0.51 * n + 2);
        QVERIFY(panel.plottedPoints() <= 2 * 4 * 2000);
        panel.setKind(ChartPanel::Kind::Scatter);
        QVERIFY(panel.plottedPoints() > 0);
        panel.setKind(ChartPanel::Kind::Bar);
        QVERIFY(panel.plottedPoints() <= 2 * 200);
    }

    void chartWithTimeAxisScreenshot()
    {
        ResultPane pane(nullptr);
        pane.resize(1000, 480);
        pane.show();
        pane.setResult(ok(marketTable(5000), "select time,price,bid from trade"),
                       QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        auto *m = view->model();
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 0), m->index(0, 0)),
                                               QItemSelectionModel::Select |
                                                   QItemSelectionModel::Columns);
        view->grid()->selectionModel()->select(QItemSelection(m->index(0, 2), m->index(0, 3)),
                                               QItemSelectionModel::Select |
                                                   QItemSelectionModel::Columns);
        view->setMode(ResultView::Mode::Chart);
        ChartPanel *chart = view->chartPanel();
        // price and bid, one series each per sym
        QCOMPARE(chart->seriesCount(), 8);
        QCOMPARE(chart->chart()->series().first()->name(), QStringLiteral("price AAPL"));
        QCOMPARE(chart->chart()->axes(Qt::Horizontal).first()->type(),
                 QAbstractAxis::AxisTypeDateTime);
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        // once laid out, the series are re-decimated to the plot's real pixel width
        QTRY_VERIFY(chart->plottedPoints() > 2000);
        screenshot(&pane, QStringLiteral("results-chart-time"));
    }

    static QValueAxis *yAxis(ChartPanel &panel, Qt::Alignment side = Qt::AlignLeft)
    {
        for (QAbstractAxis *a : panel.chart()->axes(Qt::Vertical))
            if (a->alignment() == side) return qobject_cast<QValueAxis *>(a);
        return nullptr;
    }
    static bool niceTicks(QValueAxis *axis)
    {
        const double step = (axis->max() - axis->min()) / (axis->tickCount() - 1);
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
        for (double nice : {1.0, 2.0, 2.5, 5.0, 10.0})
            if (std::fabs(mantissa - nice) < 1e-6) return true;
        return false;
    }

    void chartSeriesPerSymAndAxesPerScale()
    {
        ChartPanel panel;
        panel.resize(1000, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(marketTable(2000)));
        panel.setShape(shape);
        QCOMPARE(panel.xColumn(), 0);     // time
        QCOMPARE(panel.splitColumn(), 1); // sym
        QCOMPARE(panel.yColumns(), QList<int>({2, 3, 4}));
        QCOMPARE(panel.seriesCount(), 4 * 3);
        // size (100..900) does not share price's axis (95..110): it would flatten it
        QValueAxis *left = yAxis(panel), *right = yAxis(panel, Qt::AlignRight);
        QVERIFY(left && right);
        QVERIFY2(left->max() < 200, qPrintable(QString::number(left->max())));
        QVERIFY(right->max() >= 900);
        QVERIFY(niceTicks(left) && niceTicks(right));
        // non-negative data: no axis below zero
        QVERIFY(left->min() >= 0 && right->min() >= 0);
        int onRight = 0;
        for (QAbstractSeries *s : panel.chart()->series())
            if (s->attachedAxes().contains(right)) {
                ++onRight;
                QVERIFY(s->name().startsWith(QStringLiteral("size")));
            }
        QCOMPARE(onRight, 4);
        // one series when the split is turned off
        panel.setSplitColumn(-1);
        QCOMPARE(panel.seriesCount(), 3);
        // a screenshot with syms at their own levels: price per sym on the left, size right
        const int64_t n = 2000;
        std::vector<int64_t> time(static_cast<size_t>(n)), size(time.size());
        std::vector<double> price(time.size());
        std::vector<QByteArray> sym;
        const QList<QByteArray> names{"AAPL", "GOOG", "IBM", "MSFT"};
        const double level[] = {190, 140, 120, 160};
        for (int64_t i = 0; i < n; ++i) {
            const int k = int(i % 4);
            time[size_t(i)] = 9132LL * 86400000000000LL + 34200000000000LL + i * 1000000000LL;
            price[size_t(i)] = level[k] + 6 * std::sin(double(i) / (60.0 + 25 * k));
            size[size_t(i)] = 100 * (1 + (i * 7) % 30);
            sym.push_back(names[k]);
        }
        panel.setShape(std::make_shared<const ResultShape>(ResultShape::of(
            table({"time", "sym", "price", "size"},
                  {Value::fromVector(Timestamp, time), syms(sym), floats(price), longs(size)}))));
        panel.setColumns(0, {2});
        QCOMPARE(panel.splitColumn(), 1);
        QCOMPARE(panel.seriesCount(), 4);
        QCOMPARE(panel.chart()->series().at(2)->name(), QStringLiteral("IBM"));
        QTRY_VERIFY(panel.plottedPoints() > 1000);
        QTest::qWait(100); // the chart lays out its axes and legend on the event loop
        screenshot(&panel, QStringLiteral("results-chart-per-sym"));
    }

    void chartRoundsTicksAndStartsAtZeroOnlyWithData()
    {
        ChartPanel panel;
        panel.resize(800, 400);
        panel.show();
        auto shape = std::make_shared<const ResultShape>(
            ResultShape::of(table({"v"}, {floats({10499998.9, 10500001.3, 10500003.7})})));
        panel.setShape(shape);
        QValueAxis *y = yAxis(panel);
        QVERIFY(niceTicks(y));
        QVERIFY(y->min() > 10000000); // not zero-based: the data is far from it
        QCOMPARE(y->labelFormat(), QStringLiteral("%.10g"));
        shape =
            std::make_shared<const ResultShape>(ResultShape::of(table({"v"}, {floats({0, 3, 7})})));
        panel.setShape(shape);
        QCOMPARE(yAxis(panel)->min(), 0.0); // starts at zero, not below it
        shape = std::make_shared<const ResultShape>(
            ResultShape::of(table({"v"}, {floats({-5, 3, 7})})));
        panel.setShape(shape);
        QVERIFY(yAxis(panel)->min() < -5); // the data crosses zero: so does the axis
    }

    void chartKeyedBySymIsLabelledBySym()
    {
        // select max price by sym: x is the key, labelled AAPL.., not 0..9
        const Value keyed = Value::dict(table({"sym"}, {syms({"AAPL", "GOOG", "IBM", "MSFT"})}),
                                        table({"price"}, {floats({101.5, 140.25, 99.0, 120.0})}));
        ResultPane pane(nullptr);
        pane.resize(900, 400);
        pane.show();
        pane.setResult(ok(keyed, "select max price by sym from trade"), QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        view->setMode(ResultView::Mode::Chart);
        ChartPanel *chart = view->chartPanel();
        QCOMPARE(chart->xColumn(), 0);
        QCOMPARE(chart->kind(), ChartPanel::Kind::Bar);
        auto *cats = qobject_cast<QBarCategoryAxis *>(chart->chart()->axes(Qt::Horizontal).first());
        QVERIFY(cats);
        QCOMPARE(cats->categories(), (QStringList{QStringLiteral("AAPL"), QStringLiteral("GOOG"),
                                                  QStringLiteral("IBM"), QStringLiteral("MSFT")}));
        QCOMPARE(yAxis(*chart)->min(), 0.0); // bars stand on zero
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        screenshot(&pane, QStringLiteral("results-chart-by-sym"));
        // as a line, the sym labels stay
        chart->setKind(ChartPanel::Kind::Line);
        auto *labels = qobject_cast<QCategoryAxis *>(chart->chart()->axes(Qt::Horizontal).first());
        QVERIFY(labels);
        QVERIFY(labels->categoriesLabels().first().startsWith(QStringLiteral("AAPL")));
        // and any column can be x: here the sym of an unkeyed table
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(marketTable(40)));
        chart->setShape(shape);
        chart->setColumns(1, {2});
        QCOMPARE(chart->xColumn(), 1);
        QCOMPARE(chart->splitColumn(), -1);
        QCOMPARE(chart->seriesCount(), 1);
    }

    void chartCandlesFromOhlcColumns()
    {
        // 900 one-minute bars: merged three rows a candle (at most kMaxCandles)
        const int64_t n = 900;
        std::vector<int64_t> time(static_cast<size_t>(n));
        std::vector<double> open(time.size()), high(time.size()), low(time.size()),
            close(time.size());
        for (int64_t i = 0; i < n; ++i) {
            const size_t k = size_t(i);
            time[k] = 9132LL * 86400000000000LL + 34200000000000LL + i * 60000000000LL;
            open[k] = 100 + 8 * std::sin(double(i) / 40.0);
            close[k] = open[k] + ((i % 5) - 2) * 0.3;
            high[k] = std::max(open[k], close[k]) + 0.5 + (i == 400 ? 20 : 0);
            low[k] = std::min(open[k], close[k]) - 0.5;
        }
        auto shape = std::make_shared<const ResultShape>(
            ResultShape::of(table({"time", "open", "high", "low", "close"},
                                  {Value::fromVector(Timestamp, time), floats(open), floats(high),
                                   floats(low), floats(close)})));
        ChartPanel panel;
        panel.resize(1000, 480);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setShape(shape);
        QCOMPARE(panel.kind(), ChartPanel::Kind::Candlestick);
        QCOMPARE(panel.ohlcColumns(), QList<int>({1, 2, 3, 4}));
        auto *candles = qobject_cast<QCandlestickSeries *>(panel.chart()->series().first());
        QVERIFY(candles);
        QCOMPARE(candles->count(), ChartPanel::kMaxCandles);
        // candle 133 holds rows 399..401: its high is the spike, its open row 399's open
        const QCandlestickSet *set = candles->sets().at(133);
        QCOMPARE(set->open(), open[399]);
        QCOMPARE(set->close(), close[401]);
        QCOMPARE(set->high(), high[400]);
        QCOMPARE(set->low(), std::min({low[399], low[400], low[401]}));
        QVERIFY(yAxis(panel)->max() >= high[400]);
        QVERIFY(yAxis(panel)->min() > 0); // prices far from zero: not zero-based
        QTest::qWait(50);
        screenshot(&panel, QStringLiteral("results-chart-candles"));
        // without the four columns there is nothing to draw, and it says why
        panel.setShape(std::make_shared<const ResultShape>(
            ResultShape::of(table({"open", "close"}, {floats({1, 2}), floats({2, 1})}))));
        QVERIFY(panel.kind() != ChartPanel::Kind::Candlestick);
        panel.setKind(ChartPanel::Kind::Candlestick);
        QCOMPARE(panel.seriesCount(), 0);
    }

    void chartKeepsUncheckedSeries()
    {
        ResultPane pane(nullptr);
        pane.resize(1000, 480);
        pane.show();
        pane.setResult(ok(marketTable(300), "select from trade"), QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        view->setMode(ResultView::Mode::Chart);
        ChartPanel *chart = view->chartPanel();
        QCOMPARE(chart->yColumns(), QList<int>({2, 3, 4}));
        auto *list = chart->findChild<QListWidget *>();
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->text() == QStringLiteral("bid"))
                list->item(i)->setCheckState(Qt::Unchecked);
        QCOMPARE(chart->yColumns(), QList<int>({2, 4}));
        chart->setSplitColumn(-1);
        view->setMode(ResultView::Mode::Grid);
        view->setMode(ResultView::Mode::Chart);
        QCOMPARE(chart->yColumns(), QList<int>({2, 4}));
        QCOMPARE(chart->splitColumn(), -1);
        // a filter changes the rows, not the choice
        view->setMode(ResultView::Mode::Grid);
        view->applyFilter(QStringLiteral("sym=IBM"));
        view->setMode(ResultView::Mode::Chart);
        QCOMPARE(chart->yColumns(), QList<int>({2, 4}));
        QCOMPARE(chart->rowCount(), int64_t(75));
    }

    void chartRowsFollowAFilterFromAWorker()
    {
        // more rows than the model sorts and filters in place: the chart's copy of the rows in
        // view (and of each sym's series) is made on a worker and applied when it arrives; a
        // filter superseded before its rows arrive is dropped
        const int64_t n = ResultTableModel::kSyncRowLimit * 4;
        ResultPane pane(nullptr);
        pane.resize(1000, 480);
        pane.show();
        pane.setResult(ok(marketTable(n), "select from trade"), QStringLiteral("demo"));
        ResultView *view = pane.currentView();
        view->setMode(ResultView::Mode::Chart);
        ChartPanel *chart = view->chartPanel();
        QCOMPARE(chart->rowCount(), n);
        QCOMPARE(chart->splitColumn(), 1); // a series per sym
        QCOMPARE(chart->seriesCount(), 4 * 3);
        // when the model has the filtered rows, the chart has not copied them (on the GUI
        // thread, within the reset): they come from its worker
        QList<int64_t> chartRowsAtReset;
        connect(view->model(), &QAbstractItemModel::modelReset, chart,
                [&] { chartRowsAtReset << chart->rowCount(); });
        view->applyFilter(QStringLiteral("size>400"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->model()->isBusy(), 20000);
        QCOMPARE(chartRowsAtReset, QList<int64_t>({n}));
        const int64_t kept = view->model()->viewRowCount();
        QVERIFY(kept > 0 && kept < n);
        QTRY_COMPARE_WITH_TIMEOUT(chart->rowCount(), kept, 20000);
        QCOMPARE(chart->splitColumn(), 1);
        QCOMPARE(chart->seriesCount(), 4 * 3);
        // two filters in a row: the chart ends with the second's rows
        view->applyFilter(QStringLiteral("sym=IBM"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->model()->isBusy(), 20000);
        view->applyFilter(QStringLiteral("sym=MSFT"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->model()->isBusy(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(chart->rowCount(), n / 4, 20000);
        QTest::qWait(200); // anything still on its way is stale: it must not land
        QCOMPARE(chart->rowCount(), n / 4);
        const auto shape = view->model()->rowView().shownShape();
        QCOMPARE(shape->cellText(1, 0), QByteArray("MSFT"));
        QCOMPARE(chart->seriesCount(), 3); // one sym left: no split, a series per y column
    }

    void chartZoomRefitsYAndResetFitsBoth()
    {
        // y rises with x: the first tenth of x holds the first tenth of y
        const int64_t n = 100000;
        std::vector<double> y(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            y[size_t(i)] = 1000.0 + double(i);
        auto shape =
            std::make_shared<const ResultShape>(ResultShape::of(table({"y"}, {floats(y)})));
        ChartPanel panel;
        panel.resize(1000, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setShape(shape);
        QValueAxis *ya = yAxis(panel);
        const double fullMin = ya->min(), fullMax = ya->max();
        QVERIFY(fullMin <= 1000 && fullMax >= 1000 + n - 1);
        // the wheel zooms x; y follows the points now in view
        ZoomChartView *view = panel.chartView();
        const QRectF plot = panel.chart()->plotArea();
        const QPoint at = view->mapFromScene(
            panel.chart()->mapToScene(QPointF(plot.left() + 2, plot.center().y())));
        for (int k = 0; k < 8; ++k) {
            QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120),
                              Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(view->viewport(), &wheel);
        }
        auto *xa = qobject_cast<QValueAxis *>(panel.chart()->axes(Qt::Horizontal).first());
        QVERIFY(xa->max() < 0.3 * n);
        QTRY_VERIFY2(ya->max() < 1000 + 0.4 * n, qPrintable(QString::number(ya->max())));
        QVERIFY(niceTicks(ya));
        // a drag that moves y too, then reset: both axes back to all the data
        panel.chart()->scroll(0, 40);
        panel.resetZoom();
        QCOMPARE(xa->min(), 0.0);
        QCOMPARE(xa->max(), double(n - 1));
        QCOMPARE(ya->min(), fullMin);
        QCOMPARE(ya->max(), fullMax);
        QTest::qWait(50);
        screenshot(&panel, QStringLiteral("results-chart-after-reset"));
        // save as PNG
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(panel.savePng(path));
        QImage image(path);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 500);
        QString error;
        QVERIFY(!panel.savePng(QStringLiteral("/nonexistent/dir/c.png"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent")));
    }
};

QTEST_MAIN(TestResultPane)
#include "tst_resultpane.moc"
