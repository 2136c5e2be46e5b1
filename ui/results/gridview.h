#pragma once
/// A table view whose cost does not grow with its rows: every row has the same height, so a
/// row's place is arithmetic (row × height) and nothing is kept per row. A QTableView keeps an
/// 8-byte section per row in its vertical header, shown or not (76 MB and ~40 ms a reset at 10M
/// rows), and its pixel height is an int (at 40 px a row, 53M rows at most). Here the vertical
/// scroll bar counts rows (its range is the row count: up to 2^31-1 rows), the column header is
/// a QHeaderView (few sections), and the row numbers are a gutter painted for the rows on screen
/// from the model's headerData(row, Qt::Vertical). Cells are painted by the item delegate, so a
/// model's display, alignment, colour and font roles apply as in a QTableView; selection is read
/// and written as ranges (a shift-click from row 5 to row 9,000,000 is one range). GUI thread only.

#include <QAbstractItemView>
#include <QPersistentModelIndex>

class QHeaderView;

namespace qscope {

class GridView : public QAbstractItemView
{
    Q_OBJECT
public:
    explicit GridView(QWidget *parent = nullptr);
    ~GridView() override;

    void setModel(QAbstractItemModel *model) override;

    QHeaderView *horizontalHeader() const { return m_header; }

    /// Every row's height (uniform).
    int rowHeight() const { return m_rowHeight; }
    int rowHeight(int) const { return m_rowHeight; }
    void setRowHeight(int height);
    int columnWidth(int column) const;
    void setColumnWidth(int column, int width);
    /// Fits a column to its header and the cells on screen (a double-click on its edge).
    void resizeColumnToContents(int column);
    /// The widest cell of a column among the rows on screen (never every row).
    int sizeHintForColumn(int column) const override;
    void setColumnHidden(int column, bool hide);
    bool isColumnHidden(int column) const;
    /// The row at a viewport y (-1 past the rows), the column at a viewport x (-1 past them).
    int rowAt(int y) const;
    int columnAt(int x) const;
    /// A row's top in viewport coordinates (clamped into int range far off screen).
    int rowViewportPosition(int row) const;
    int columnViewportPosition(int column) const;
    /// The first row on screen (the vertical scroll bar's value).
    int firstVisibleRow() const;
    /// Rows that fit whole in the viewport (at least 1).
    int fullyVisibleRows() const;

    /// The row-number gutter at the left (on by default).
    void setRowNumbersVisible(bool visible);
    bool rowNumbersVisible() const { return m_rowNumbers; }
    /// The gutter's width: the digits of the largest row number, at least minimumGutterWidth.
    int gutterWidth() const;
    void setMinimumGutterWidth(int width);
    /// The gutter widget (clicks select rows); null never.
    QWidget *gutter() const { return m_gutter; }

    /// The first `count` columns stay in sight at the left (an overlay draws them, FrozenColumns):
    /// scrolling to one of them does not scroll sideways, and a cell scrolled to is brought out
    /// from under them.
    void setFrozenColumnCount(int count);
    int frozenColumnCount() const { return m_frozenColumns; }

    void setShowGrid(bool show);
    bool showGrid() const { return m_showGrid; }

    /// Selects whole rows first..last (a range per call, never per index).
    void selectRows(int first, int last, QItemSelectionModel::SelectionFlags command);
    /// As QTableView's: the row becomes current and the only one selected.
    void selectRow(int row);
    void selectColumns(int first, int last, QItemSelectionModel::SelectionFlags command);

    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;
    /// Does nothing: a typed letter does not walk millions of rows (the filter box finds rows).
    void keyboardSearch(const QString &search) override;

Q_SIGNALS:
    /// The header, gutter or viewport were laid out again (a frozen-column overlay follows).
    void geometriesChanged();

public Q_SLOTS:
    void reset() override;

protected:
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &index) const override;
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void selectionChanged(const QItemSelection &selected,
                          const QItemSelection &deselected) override;

private:
    class Gutter;
    friend class Gutter;
    void paintGutter(QPainter *painter, const QRect &area);
    void gutterPress(QMouseEvent *event, bool move);
    void headerPress(int column);
    void headerEnter(int column);
    int rowCount() const;
    /// Pixels the rows move down when scrolled to the end (the last row on the bottom edge).
    int rowShift() const;
    /// The row at a viewport y, unchecked (before the first or past the last row too).
    int64_t rowAtUnbounded(int y) const;
    int columnCount() const;
    /// The visible column nearest to a visual index, moving in `step` (+1/-1) past hidden ones.
    int visibleColumn(int visual, int step) const;
    int lastVisibleVisualColumn() const;
    int firstVisibleVisualColumn() const;
    /// Selects the rectangle of rows and visual columns between two indexes.
    void selectBetween(const QModelIndex &from, const QModelIndex &to,
                       QItemSelectionModel::SelectionFlags command);
    /// Lays the rows out again after a change of their count.
    void rowsChangedLater();

    QHeaderView *m_header = nullptr;
    QWidget *m_gutter = nullptr; ///< a Gutter
    int m_rowHeight = 0;
    int m_minGutterWidth = 0;
    int m_frozenColumns = 0;
    bool m_rowNumbers = true;
    bool m_showGrid = true;
    bool m_mouseSelecting = false;
    /// Where a shift-click or shift-arrow range starts (the last plain click or move).
    QPersistentModelIndex m_anchor;
    int m_anchorRow = -1;    ///< the gutter's, for shift-clicks on row numbers
    int m_anchorColumn = -1; ///< the header's, for shift-clicks on column names
    QItemSelectionModel *m_headerSelection = nullptr;
};

} // namespace qscope
