// GridView, the results grid that keeps nothing per row: row geometry by arithmetic at row 0,
// 5M, the last of 10M and of 2^31-1 rows; keyboard navigation; mouse selection as ranges
// (shift-click from row 5 to row 9,000,000 is one range); row-number and column-header clicks;
// cells painted through the delegate; no per-row memory. Screenshots of a 10M-row keyed result
// near its end, light and dark, beside the QTableView it replaces.

#include "results/frozencolumns.h"
#include "results/gridview.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "theme/theme.h"

#include <QAbstractTableModel>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QItemSelectionModel>
#include <QPainter>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

using namespace qscope;

namespace {

/// n rows × 4 columns whose cells cost nothing; column 1 has a background and alignment.
class CountModel : public QAbstractTableModel
{
public:
    int rows = 0;
    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : rows;
    }
    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : 4;
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::DisplayRole) return QString::number(index.row());
        if (role == Qt::BackgroundRole && index.column() == 1) return QColor(0x12, 0x34, 0x56);
        if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (role != Qt::DisplayRole) return {};
        return orientation == Qt::Vertical ? QString::number(section)
                                           : QStringLiteral("c%1").arg(section);
    }
    void setRows(int n)
    {
        beginResetModel();
        rows = n;
        endResetModel();
    }
};

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

void savePng(const QImage &image, const QString &name)
{
    QDir().mkpath(QStringLiteral("/work/shots"));
    QVERIFY(image.save(QStringLiteral("/work/shots/") % name % QStringLiteral(".png")));
}

} // namespace

class TestGridView : public QObject
{
    Q_OBJECT

    CountModel m_model;
    GridView *m_grid = nullptr;

    QModelIndex at(int row, int column = 0) const { return m_model.index(row, column); }
    void roundTrip(int row, int column)
    {
        const QModelIndex index = at(row, column);
        const QRect rect = m_grid->visualRect(index);
        QVERIFY2(m_grid->viewport()->rect().contains(rect.center()),
                 qPrintable(QStringLiteral("row %1 at y %2").arg(row).arg(rect.top())));
        QCOMPARE(m_grid->indexAt(rect.center()), index);
        QCOMPARE(m_grid->indexAt(rect.topLeft()), index);
        QCOMPARE(m_grid->indexAt(rect.bottomRight()), index);
        QCOMPARE(rect.height(), m_grid->rowHeight() - 1); // less the grid line
        QCOMPARE(rect.width(), m_grid->columnWidth(column) - 1);
    }
    void clickCell(int row, int column, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        m_grid->scrollTo(at(row, column), QAbstractItemView::PositionAtCenter);
        QTest::mouseClick(m_grid->viewport(), Qt::LeftButton, modifiers,
                          m_grid->visualRect(at(row, column)).center());
    }
    QItemSelectionRange onlyRange() const
    {
        const QItemSelection s = m_grid->selectionModel()->selection();
        return s.size() == 1 ? s.first() : QItemSelectionRange();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_grid = new GridView;
        m_grid->setModel(&m_model);
        m_grid->resize(600, 400);
        m_grid->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_grid));
    }
    void cleanupTestCase() { delete m_grid; }
    void init()
    {
        m_model.setRows(10000000);
        m_grid->setFocus();
    }

    void geometryIsArithmetic()
    {
        QScrollBar *v = m_grid->verticalScrollBar();
        // the scroll bar counts rows; its last page ends on the last row
        QCOMPARE(v->maximum(), m_model.rows - m_grid->fullyVisibleRows());
        QCOMPARE(v->pageStep(), m_grid->fullyVisibleRows());
        roundTrip(0, 0);
        QCOMPARE(m_grid->visualRect(at(0, 0)).topLeft(), QPoint(0, 0));
        QCOMPARE(m_grid->rowAt(m_grid->rowHeight() * 3 + 1), 3);
        m_grid->scrollTo(at(5000000, 2), QAbstractItemView::PositionAtTop);
        QCOMPARE(m_grid->firstVisibleRow(), 5000000);
        QCOMPARE(m_grid->visualRect(at(5000000, 2)).top(), 0);
        roundTrip(5000000, 2);
        roundTrip(5000003, 3);
        m_grid->scrollTo(at(5000000), QAbstractItemView::PositionAtCenter);
        roundTrip(5000000, 0);
        m_grid->scrollTo(at(6000000), QAbstractItemView::PositionAtBottom);
        QCOMPARE(m_grid->rowAt(m_grid->viewport()->height() - 1), 6000000);
        // the last row: on the bottom edge (the row above the first shows in part)
        const int last = m_model.rows - 1;
        m_grid->scrollTo(at(last, 3));
        roundTrip(last, 3);
        QCOMPARE(m_grid->visualRect(at(last)).top() + m_grid->rowHeight(),
                 m_grid->viewport()->height());
        QCOMPARE(m_grid->rowAt(m_grid->viewport()->height() - 1), last);
        QCOMPARE(m_grid->rowAt(m_grid->viewport()->height()), -1);
        // no row past the last, no cell past the columns
        QVERIFY(!m_grid->indexAt(QPoint(m_grid->viewport()->width() - 2, 5)).isValid() ||
                m_grid->horizontalHeader()->length() >= m_grid->viewport()->width());
    }

    void headerAndGutterFollowTheScrollBars()
    {
        // the vertical scroll bar comes and goes with the rows: the header and the gutter stay
        // the viewport's width and height
        for (const int rows : {3, 10000000, 2, 10000000}) {
            m_model.setRows(rows);
            QTRY_COMPARE(m_grid->verticalScrollBar()->isVisible(), rows > 3);
            QTRY_COMPARE(m_grid->horizontalHeader()->width(), m_grid->viewport()->width());
            QCOMPARE(m_grid->gutter()->height(),
                     m_grid->viewport()->height() + m_grid->horizontalHeader()->height());
            QCOMPARE(m_grid->gutter()->geometry().right() + 1, m_grid->viewport()->x());
        }
    }

    void hiddenHeaderGivesItsPlaceToTheCells()
    {
        const int withHeader = m_grid->viewport()->y();
        m_grid->horizontalHeader()->hide();
        QCOMPARE(m_grid->viewport()->y(), m_grid->frameWidth());
        QCOMPARE(m_grid->gutter()->y(), m_grid->frameWidth());
        m_grid->horizontalHeader()->show();
        QCOMPARE(m_grid->viewport()->y(), withHeader);
        QVERIFY(withHeader > m_grid->frameWidth());
    }

    void noPixelCapAtTheIntLimit()
    {
        // 2^31-1 rows: the most a model can have. A pixel-height view stops at 2^31 / rowHeight.
        m_model.setRows(std::numeric_limits<int>::max());
        const int last = m_model.rows - 1;
        QCOMPARE(m_grid->verticalScrollBar()->maximum(), m_model.rows - m_grid->fullyVisibleRows());
        m_grid->scrollTo(at(last, 1));
        roundTrip(last, 1);
        m_grid->setCurrentIndex(at(0, 0));
        QTest::keyClick(m_grid, Qt::Key_End, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(m_grid->currentIndex(), at(last, 3));
        const QItemSelectionRange range = onlyRange();
        QCOMPARE(range.top(), 0);
        QCOMPARE(range.bottom(), last);
        QCOMPARE(range.right(), 3);
        m_grid->clearSelection();
    }

    void keyboardNavigation()
    {
        const int full = m_grid->fullyVisibleRows();
        m_grid->setCurrentIndex(at(0, 0));
        QTest::keyClick(m_grid, Qt::Key_Down);
        QCOMPARE(m_grid->currentIndex(), at(1, 0));
        QTest::keyClick(m_grid, Qt::Key_Right);
        QCOMPARE(m_grid->currentIndex(), at(1, 1));
        QTest::keyClick(m_grid, Qt::Key_Up);
        QTest::keyClick(m_grid, Qt::Key_Up); // stops at the first row
        QCOMPARE(m_grid->currentIndex(), at(0, 1));
        QTest::keyClick(m_grid, Qt::Key_Left);
        QTest::keyClick(m_grid, Qt::Key_Left); // and the first column
        QCOMPARE(m_grid->currentIndex(), at(0, 0));
        QTest::keyClick(m_grid, Qt::Key_PageDown);
        QCOMPARE(m_grid->currentIndex(), at(full, 0));
        QTest::keyClick(m_grid, Qt::Key_PageDown);
        QCOMPARE(m_grid->currentIndex(), at(2 * full, 0));
        QVERIFY(m_grid->viewport()->rect().contains(m_grid->visualRect(at(2 * full)).center()));
        QTest::keyClick(m_grid, Qt::Key_PageUp);
        QCOMPARE(m_grid->currentIndex(), at(full, 0));
        QTest::keyClick(m_grid, Qt::Key_End);
        QCOMPARE(m_grid->currentIndex(), at(full, 3));
        QTest::keyClick(m_grid, Qt::Key_Home);
        QCOMPARE(m_grid->currentIndex(), at(full, 0));
        QTest::keyClick(m_grid, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(m_grid->currentIndex(), at(m_model.rows - 1, 3));
        QVERIFY(m_grid->viewport()->rect().contains(
            m_grid->visualRect(at(m_model.rows - 1, 3)).center()));
        QTest::keyClick(m_grid, Qt::Key_Down); // stops at the last row
        QCOMPARE(m_grid->currentIndex(), at(m_model.rows - 1, 3));
        QTest::keyClick(m_grid, Qt::Key_Home, Qt::ControlModifier);
        QCOMPARE(m_grid->currentIndex(), at(0, 0));
        QCOMPARE(m_grid->firstVisibleRow(), 0);
        // shift extends from where the plain moves left the cursor, as one range
        QTest::keyClick(m_grid, Qt::Key_Down);
        QTest::keyClick(m_grid, Qt::Key_Down, Qt::ShiftModifier);
        QTest::keyClick(m_grid, Qt::Key_Right, Qt::ShiftModifier);
        QTest::keyClick(m_grid, Qt::Key_PageDown, Qt::ShiftModifier);
        const QItemSelectionRange range = onlyRange();
        QCOMPARE(range.top(), 1);
        QCOMPARE(range.bottom(), 2 + full);
        QCOMPARE(range.left(), 0);
        QCOMPARE(range.right(), 1);
        m_grid->clearSelection();
    }

    void ctrlShiftEndSelectsWholeRowsInARowView()
    {
        // the log view selects messages (whole rows): Ctrl+Shift+End from a cell in column 1
        // must select every column of the rows, as a click on a row does there
        m_grid->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_grid->setCurrentIndex(at(5, 1));
        QTest::keyClick(m_grid, Qt::Key_End, Qt::ControlModifier | Qt::ShiftModifier);
        const QItemSelectionRange range = onlyRange();
        m_grid->setSelectionBehavior(QAbstractItemView::SelectItems);
        m_grid->clearSelection();
        QCOMPARE(range.top(), 5);
        QCOMPARE(range.bottom(), m_model.rows - 1);
        QCOMPARE(range.left(), 0);
        QCOMPARE(range.right(), 3);
    }

    void typingDoesNotWalkTheRows()
    {
        // type-to-find would call data() on millions of rows; the grid ignores typed letters
        m_grid->setCurrentIndex(at(0, 0));
        QElapsedTimer clock;
        clock.start();
        QTest::keyClicks(m_grid, QStringLiteral("99999"));
        QCOMPARE(m_grid->currentIndex(), at(0, 0));
        std::printf("  typing 5 letters over %d rows: %.1f ms\n", m_model.rows,
                    double(clock.nsecsElapsed()) / 1e6);
    }

    void shiftClickIsOneRange()
    {
        clickCell(5, 1);
        QCOMPARE(m_grid->currentIndex(), at(5, 1));
        QCOMPARE(onlyRange().top(), 5);
        clickCell(9000000, 2, Qt::ShiftModifier);
        const QItemSelectionRange range = onlyRange(); // one range, not nine million indexes
        QCOMPARE(range.top(), 5);
        QCOMPARE(range.bottom(), 9000000);
        QCOMPARE(range.left(), 1);
        QCOMPARE(range.right(), 2);
        QCOMPARE(m_grid->currentIndex(), at(9000000, 2));
        // selected cells paint in the highlight colour (through the delegate)
        const QImage image = m_grid->viewport()->grab().toImage();
        const QPoint p = m_grid->visualRect(at(9000000, 2)).topLeft() + QPoint(2, 2);
        const QColor painted = image.pixelColor(p);
        const QColor highlight = m_grid->palette().color(QPalette::Active, QPalette::Highlight);
        QVERIFY2(std::abs(painted.red() - highlight.red()) < 12 &&
                     std::abs(painted.green() - highlight.green()) < 12 &&
                     std::abs(painted.blue() - highlight.blue()) < 12,
                 qPrintable(painted.name() % QStringLiteral(" vs ") % highlight.name()));
        // ctrl-click adds a cell as its own range
        clickCell(8999990, 3, Qt::ControlModifier);
        QCOMPARE(m_grid->selectionModel()->selection().size(), 2);
        QVERIFY(m_grid->selectionModel()->isSelected(at(8999990, 3)));
        QVERIFY(m_grid->selectionModel()->isSelected(at(20, 1)));
        // a plain click starts again
        clickCell(100, 0);
        QCOMPARE(m_grid->selectionModel()->selection().size(), 1);
        QCOMPARE(onlyRange().bottom(), 100);
    }

    void dragSelects()
    {
        m_grid->scrollTo(at(1000), QAbstractItemView::PositionAtTop);
        const QPoint from = m_grid->visualRect(at(1001, 0)).center();
        const QPoint to = m_grid->visualRect(at(1004, 2)).center();
        QTest::mousePress(m_grid->viewport(), Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, to, m_grid->viewport()->mapToGlobal(to), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_grid->viewport(), &move);
        QTest::mouseRelease(m_grid->viewport(), Qt::LeftButton, Qt::NoModifier, to);
        const QItemSelectionRange range = onlyRange();
        QCOMPARE(range.top(), 1001);
        QCOMPARE(range.bottom(), 1004);
        QCOMPARE(range.left(), 0);
        QCOMPARE(range.right(), 2);
    }

    void gutterAndHeaderClicksSelectRowsAndColumns()
    {
        QWidget *gutter = m_grid->gutter();
        QVERIFY(gutter->isVisible());
        QCOMPARE(gutter->width(), m_grid->gutterWidth());
        // wide enough for the largest row number
        QVERIFY(m_grid->gutterWidth() >
                m_grid->fontMetrics().horizontalAdvance(QStringLiteral("9999999")));
        m_grid->scrollTo(at(7000000), QAbstractItemView::PositionAtTop);
        const int top = m_grid->horizontalHeader()->height();
        const auto rowPoint = [&](int row) {
            return QPoint(gutter->width() / 2,
                          top + m_grid->visualRect(at(row)).top() + m_grid->rowHeight() / 2);
        };
        QTest::mouseClick(gutter, Qt::LeftButton, Qt::NoModifier, rowPoint(7000002));
        QItemSelectionRange range = onlyRange();
        QCOMPARE(range.top(), 7000002);
        QCOMPARE(range.bottom(), 7000002);
        QCOMPARE(range.left(), 0);
        QCOMPARE(range.right(), 3);
        QCOMPARE(m_grid->currentIndex().row(), 7000002);
        QTest::mouseClick(gutter, Qt::LeftButton, Qt::ShiftModifier, rowPoint(7000006));
        range = onlyRange();
        QCOMPARE(range.top(), 7000002);
        QCOMPARE(range.bottom(), 7000006);
        QCOMPARE(range.right(), 3);
        // the corner selects everything, as one range
        QTest::mouseClick(gutter, Qt::LeftButton, Qt::NoModifier, QPoint(2, 2));
        range = onlyRange();
        QCOMPARE(range.top(), 0);
        QCOMPARE(range.bottom(), m_model.rows - 1);
        // a column name selects its column, every row, as one range; shift extends
        QHeaderView *header = m_grid->horizontalHeader();
        const auto columnPoint = [&](int column) {
            return QPoint(header->sectionViewportPosition(column) + 5, header->height() / 2);
        };
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, columnPoint(1));
        range = onlyRange();
        QCOMPARE(range.left(), 1);
        QCOMPARE(range.right(), 1);
        QCOMPARE(range.top(), 0);
        QCOMPARE(range.bottom(), m_model.rows - 1);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::ShiftModifier, columnPoint(3));
        range = onlyRange();
        QCOMPARE(range.left(), 1);
        QCOMPARE(range.right(), 3);
        // a drag down the row numbers past the bottom scrolls and extends the rows
        const int scrolledTo = m_grid->firstVisibleRow();
        QTest::mousePress(gutter, Qt::LeftButton, Qt::NoModifier, rowPoint(scrolledTo + 1));
        const QPoint below(gutter->width() / 2, gutter->height() + 5);
        for (int k = 0; k < 3; ++k) {
            QMouseEvent drag(QEvent::MouseMove, below, gutter->mapToGlobal(below), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(gutter, &drag);
        }
        QTest::mouseRelease(gutter, Qt::LeftButton, Qt::NoModifier, below);
        QCOMPARE(m_grid->firstVisibleRow(), scrolledTo + 3);
        range = onlyRange();
        QCOMPARE(range.top(), scrolledTo + 1);
        QCOMPARE(range.bottom(), m_grid->rowAt(m_grid->viewport()->height() - 1));
        QCOMPARE(range.right(), 3);
        m_grid->clearSelection();
        // the row numbers are painted for the rows on screen: a number's pixels are not the
        // gutter's plain background
        const QImage numbers = gutter->grab().toImage();
        const QRect firstRow(0, top, gutter->width(), m_grid->rowHeight());
        QSet<QRgb> colours;
        for (int x = firstRow.left(); x < firstRow.right(); ++x)
            colours.insert(numbers.pixel(x, firstRow.center().y()));
        QVERIFY2(colours.size() > 3, "no row number painted");
    }

    void cellsPaintThroughTheDelegate()
    {
        m_grid->scrollTo(at(0), QAbstractItemView::PositionAtTop);
        m_grid->clearSelection();
        m_grid->setCurrentIndex(QModelIndex());
        const QImage image = m_grid->viewport()->grab().toImage();
        const QRect cell = m_grid->visualRect(at(2, 1));
        QCOMPARE(image.pixelColor(cell.topLeft() + QPoint(2, 1)), QColor(0x12, 0x34, 0x56));
        // right-aligned text: ink in the right half of a cell, none at its far left
        const QRect plain = m_grid->visualRect(at(2, 0));
        const QColor base = image.pixelColor(plain.topLeft() + QPoint(1, 1));
        bool inkRight = false, inkLeft = false;
        for (int x = plain.left() + 1; x < plain.right(); ++x)
            for (int y = plain.top() + 1; y < plain.bottom(); ++y)
                if (image.pixelColor(x, y) != base)
                    (x > plain.center().x() ? inkRight : inkLeft) = true;
        QVERIFY(inkRight);
        QVERIFY(!inkLeft);
        // the grid lines: the row's last pixel line is not the cell's background
        QVERIFY(image.pixelColor(plain.left() + 3, plain.bottom() + 1) != base);
    }

    void doubleClickOnAColumnEdgeFitsIt()
    {
        // the cells on screen decide (rows 9,999,000.. are wider than row 0's "0")
        m_grid->scrollTo(at(9999000), QAbstractItemView::PositionAtTop);
        QHeaderView *header = m_grid->horizontalHeader();
        header->resizeSection(2, 12);
        const QPoint edge(header->sectionViewportPosition(2) + header->sectionSize(2) - 1,
                          header->height() / 2);
        QTest::mouseDClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, edge);
        const int ink = m_grid->fontMetrics().horizontalAdvance(QStringLiteral("9999000"));
        QVERIFY2(m_grid->columnWidth(2) > ink, qPrintable(QString::number(m_grid->columnWidth(2))));
        QVERIFY(m_grid->columnWidth(2) < ink + 60);
        header->resizeSection(2, 100);
    }

    void keepsNothingPerRow()
    {
        // A QTableView has a vertical QHeaderView with a section per row (8 bytes each).
        // Here the only header is the columns'.
        for (const QHeaderView *h : m_grid->findChildren<QHeaderView *>()) {
            QCOMPARE(h->orientation(), Qt::Horizontal);
            QCOMPARE(h->count(), m_model.columnCount());
        }
        // and a reset to 50M rows does not grow the process (a QTableView: +400 MB)
        m_model.setRows(0);
        QApplication::processEvents();
        const qint64 before = rssKb();
        m_model.setRows(50000000);
        m_grid->scrollTo(at(49999999));
        m_grid->repaint();
        const qint64 grown = rssKb() - before;
        QVERIFY2(grown < 16 * 1024, qPrintable(QStringLiteral("+%1 kB").arg(grown)));
        QCOMPARE(m_grid->rowAt(m_grid->viewport()->height() - 1), 49999999);
    }

    void keyedResultScreenshots()
    {
        // 10M rows keyed by id and date: near the end, a selection, the keys frozen at the left
        // while the other columns scroll; light then dark, and the QTableView it replaces
        const int64_t n = 10000000;
        Value id = Value::uninitialised(Long, n), day = Value::uninitialised(Date, n);
        Value price = Value::uninitialised(Float, n), size = Value::uninitialised(Long, n);
        auto *ids = id.mutableData<int64_t>();
        auto *days = day.mutableData<int32_t>();
        auto *prices = price.mutableData<double>();
        auto *sizes = size.mutableData<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
            ids[i] = i;
            days[i] = int32_t(9500 + i / 20000);
            prices[i] = 100 + double(i % 100000) * 0.01;
            sizes[i] = 100 * (1 + i % 9);
        }
        const Value keys = Value::table(Value::symbols({"id", "date"}), Value::list({id, day}));
        const Value values = Value::table(
            Value::symbols({"price", "size", "bid", "ask", "volume", "venue_price", "notional"}),
            Value::list({price, size, price, price, size, price, price}));
        QueryResult r;
        r.id = 1;
        r.query = "select by id,date from trade";
        r.value = Value::dict(keys, values);
        r.bytesIn = 440000000;
        r.elapsedNs = 812000000;
        for (const Theme::Kind kind : {Theme::Light, Theme::Dark}) {
            Theme::apply(kind);
            ResultPane pane(nullptr);
            pane.resize(900, 520);
            pane.show();
            QVERIFY(QTest::qWaitForWindowExposed(&pane));
            pane.setResult(r, QStringLiteral("demo (localhost:5010)"));
            ResultView *view = pane.currentView();
            GridView *grid = view->grid();
            QCOMPARE(grid->model()->rowCount(), int(n));
            QVERIFY(view->frozenColumns()->view()->isVisible());
            for (int c = 2; c < grid->model()->columnCount(); ++c)
                grid->setColumnWidth(c, 130);
            grid->setFocus();
            const QAbstractItemModel *m = grid->model();
            grid->scrollTo(m->index(int(n) - 30, 0), QAbstractItemView::PositionAtTop);
            grid->setCurrentIndex(m->index(int(n) - 26, 4));
            grid->selectionModel()->select(
                QItemSelection(m->index(int(n) - 26, 2), m->index(int(n) - 20, 5)),
                QItemSelectionModel::ClearAndSelect);
            // scrolled sideways: the keys stay at the left, price has passed under them
            QScrollBar *h = grid->horizontalScrollBar();
            h->setValue(h->maximum());
            QVERIFY(h->value() > grid->columnWidth(2) / 2);
            QCOMPARE(view->frozenColumns()->view()->x(), grid->frameWidth() + grid->gutterWidth());
            // a click on a key cell selects it and scrolls nothing sideways (keys are in sight)
            GridView *keys = view->frozenColumns()->view();
            const int scrolled = h->value();
            const QModelIndex key = m->index(int(n) - 12, 1);
            QTest::mouseClick(keys->viewport(), Qt::LeftButton, Qt::NoModifier,
                              keys->visualRect(key).center());
            QCOMPARE(grid->currentIndex(), key);
            QCOMPARE(h->value(), scrolled);
            // a cell passed under the keys comes out beside them, not under them
            grid->setCurrentIndex(m->index(int(n) - 12, 2));
            QCOMPARE(grid->columnViewportPosition(2), grid->columnWidth(0) + grid->columnWidth(1));
            h->setValue(h->maximum());
            grid->setCurrentIndex(m->index(int(n) - 26, 4));
            grid->selectionModel()->select(
                QItemSelection(m->index(int(n) - 26, 2), m->index(int(n) - 20, 5)),
                QItemSelectionModel::ClearAndSelect);
            QTest::qWait(100);
            const QString suffix =
                kind == Theme::Light ? QStringLiteral("light") : QStringLiteral("dark");
            savePng(pane.grab().toImage(), QStringLiteral("gridview-10m-keyed-") % suffix);
            // the QTableView the grid replaces, set up as ResultView had it, over the same rows
            // and selection: the two must look alike (font, row height, header, selection)
            QTableView table;
            table.setModel(view->model());
            table.setSelectionModel(grid->selectionModel());
            table.setWordWrap(false);
            table.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
            table.verticalHeader()->setMinimumSectionSize(grid->rowHeight());
            table.verticalHeader()->setDefaultSectionSize(grid->rowHeight());
            table.verticalHeader()->setMinimumWidth(grid->gutterWidth());
            table.horizontalHeader()->setHighlightSections(false);
            for (int c = 0; c < m->columnCount(); ++c)
                table.setColumnWidth(c, grid->columnWidth(c));
            table.resize(grid->size());
            table.show();
            QVERIFY(QTest::qWaitForWindowExposed(&table));
            table.setFocus();
            table.scrollTo(m->index(int(n) - 30, 0), QAbstractItemView::PositionAtTop);
            QTest::qWait(50);
            GridView plain; // without the frozen overlay, for a like-for-like look
            plain.setModel(view->model());
            plain.setSelectionModel(grid->selectionModel());
            plain.setRowHeight(grid->rowHeight());
            plain.setMinimumGutterWidth(grid->gutterWidth());
            for (int c = 0; c < m->columnCount(); ++c)
                plain.setColumnWidth(c, grid->columnWidth(c));
            plain.resize(grid->size());
            plain.show();
            QVERIFY(QTest::qWaitForWindowExposed(&plain));
            plain.setFocus();
            plain.scrollTo(m->index(int(n) - 30, 0), QAbstractItemView::PositionAtTop);
            QTest::qWait(50);
            const QImage a = plain.grab().toImage(), b = table.grab().toImage();
            QImage both(a.width() + b.width() + 8, std::max(a.height(), b.height()),
                        QImage::Format_RGB32);
            both.fill(Qt::gray);
            QPainter painter(&both);
            painter.drawImage(0, 0, a);
            painter.drawImage(a.width() + 8, 0, b);
            painter.end();
            savePng(both, QStringLiteral("gridview-vs-qtableview-") % suffix);
            // same row height and header height, same row at the top
            QCOMPARE(plain.horizontalHeader()->height(), table.horizontalHeader()->height());
            QCOMPARE(plain.rowHeight(), table.rowHeight(0));
            QCOMPARE(plain.rowAt(1), table.rowAt(1));
        }
        Theme::apply(Theme::Light);
    }
};

QTEST_MAIN(TestGridView)
#include "tst_gridview.moc"
