#include "gridview.h"

#include <QGuiApplication>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionHeader>

#include <algorithm>
#include <climits>

namespace qscope {

namespace {

/// Far-off rows are placed this far outside the viewport at most (int pixel coordinates).
constexpr int64_t kFarAway = 1 << 29;

} // namespace

/// The row numbers at the left, with the corner above them: painted by the view for the rows
/// on screen only; a press selects rows (the corner, everything).
class GridView::Gutter : public QWidget
{
public:
    explicit Gutter(GridView *view) : QWidget(view), m_view(view)
    {
        setObjectName(QStringLiteral("rowNumbers"));
    }

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QPainter painter(this);
        m_view->paintGutter(&painter, event->rect());
    }
    void mousePressEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton) m_view->gutterPress(event, false);
    }
    void mouseMoveEvent(QMouseEvent *event) override
    {
        if (event->buttons() & Qt::LeftButton) m_view->gutterPress(event, true);
    }

private:
    GridView *m_view;
};

GridView::GridView(QWidget *parent) : QAbstractItemView(parent)
{
    m_header = new QHeaderView(Qt::Horizontal, this);
    m_header->setSectionsClickable(true);
    m_header->setHighlightSections(false);
    m_gutter = new Gutter(this);
    m_rowHeight = fontMetrics().height() + 6;
    setHorizontalScrollMode(ScrollPerPixel);
    setSelectionBehavior(SelectItems);
    setSelectionMode(ExtendedSelection);
    connect(m_header, &QHeaderView::sectionResized, this, [this] {
        updateGeometries();
        viewport()->update();
    });
    connect(m_header, &QHeaderView::sectionMoved, this, [this] { viewport()->update(); });
    connect(m_header, &QHeaderView::sectionCountChanged, this, [this] { updateGeometries(); });
    connect(m_header, &QHeaderView::geometriesChanged, this, [this] { updateGeometries(); });
    m_header->installEventFilter(this); // shown or hidden: the cells take its place
    connect(m_header, &QHeaderView::sectionHandleDoubleClicked, this,
            &GridView::resizeColumnToContents);
    connect(m_header, &QHeaderView::sectionPressed, this, &GridView::headerPress);
    connect(m_header, &QHeaderView::sectionEntered, this, &GridView::headerEnter);
}

GridView::~GridView() = default;

void GridView::setModel(QAbstractItemModel *model)
{
    if (model == this->model()) return;
    if (this->model()) disconnect(this->model(), nullptr, this, nullptr);
    QAbstractItemView::setModel(model);
    m_header->setModel(model);
    // The header highlights nothing (setHighlightSections(false)); a selection model of its own
    // that stays empty keeps it from asking every row whether its column is selected.
    delete m_headerSelection;
    m_headerSelection = model ? new QItemSelectionModel(model, this) : nullptr;
    if (m_headerSelection) m_header->setSelectionModel(m_headerSelection);
    if (model) {
        connect(model, &QAbstractItemModel::rowsRemoved, this, &GridView::rowsChangedLater);
        connect(model, &QAbstractItemModel::layoutChanged, this, &GridView::rowsChangedLater);
    }
    updateGeometries();
}

int GridView::rowCount() const
{
    return model() ? model()->rowCount(rootIndex()) : 0;
}

int GridView::columnCount() const
{
    return model() ? model()->columnCount(rootIndex()) : 0;
}

void GridView::setRowHeight(int height)
{
    m_rowHeight = std::max(1, height);
    updateGeometries();
    viewport()->update();
}

int GridView::columnWidth(int column) const
{
    return m_header->sectionSize(column);
}

void GridView::setColumnWidth(int column, int width)
{
    m_header->resizeSection(column, width);
}

int GridView::sizeHintForColumn(int column) const
{
    // QAbstractItemView's asks every row; a QTableView's and this one the rows on screen
    if (!model() || column < 0 || column >= columnCount()) return -1;
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const int first = int(std::max<int64_t>(0, rowAtUnbounded(0)));
    const int last = int(std::min<int64_t>(rowCount() - 1, rowAtUnbounded(viewport()->height())));
    int hint = 0;
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = model()->index(row, column, rootIndex());
        hint = std::max(hint, itemDelegateForIndex(index)->sizeHint(option, index).width());
    }
    return hint + (m_showGrid ? 1 : 0);
}

void GridView::resizeColumnToContents(int column)
{
    const int content = sizeHintForColumn(column);
    if (content < 0) return;
    m_header->resizeSection(column, std::max(content, m_header->sectionSizeHint(column)));
}

void GridView::setColumnHidden(int column, bool hide)
{
    m_header->setSectionHidden(column, hide);
}

bool GridView::isColumnHidden(int column) const
{
    return m_header->isSectionHidden(column);
}

int GridView::firstVisibleRow() const
{
    return verticalScrollBar()->value();
}

int GridView::fullyVisibleRows() const
{
    return std::max(1, viewport()->height() / m_rowHeight);
}

int GridView::rowShift() const
{
    // Scrolled to the end, the last row sits on the viewport's bottom edge (as a QTableView
    // scrolling per item): the rows move down by what is left under the last whole row, and the
    // row above the first shows in part.
    const QScrollBar *v = verticalScrollBar();
    const int full = fullyVisibleRows();
    if (v->value() < v->maximum() || rowCount() <= full) return 0;
    return viewport()->height() - full * m_rowHeight;
}

int64_t GridView::rowAtUnbounded(int y) const
{
    const int64_t offset = int64_t(y) - rowShift();
    const int64_t rows =
        offset >= 0 ? offset / m_rowHeight : -((-offset + m_rowHeight - 1) / m_rowHeight);
    return firstVisibleRow() + rows;
}

int GridView::rowAt(int y) const
{
    if (y < 0) return -1;
    const int64_t row = rowAtUnbounded(y);
    return row >= 0 && row < rowCount() ? int(row) : -1;
}

int GridView::columnAt(int x) const
{
    return m_header->logicalIndexAt(x);
}

int GridView::rowViewportPosition(int row) const
{
    const int64_t y = (int64_t(row) - firstVisibleRow()) * m_rowHeight + rowShift();
    return int(std::clamp<int64_t>(y, -kFarAway, kFarAway));
}

int GridView::columnViewportPosition(int column) const
{
    return m_header->sectionViewportPosition(column);
}

void GridView::setRowNumbersVisible(bool visible)
{
    if (m_rowNumbers == visible) return;
    m_rowNumbers = visible;
    updateGeometries();
}

int GridView::gutterWidth() const
{
    if (!m_rowNumbers) return 0;
    // the digits of the largest row number, in the widest digit of the font
    int digits = 1;
    for (int n = std::max(rowCount() - 1, 0); n >= 10; n /= 10)
        ++digits;
    const int margin = style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, this);
    const int text = fontMetrics().horizontalAdvance(QString(digits, QLatin1Char('0')));
    return std::max(m_minGutterWidth, text + 2 * margin + 4);
}

void GridView::setMinimumGutterWidth(int width)
{
    m_minGutterWidth = width;
    updateGeometries();
}

void GridView::setShowGrid(bool show)
{
    m_showGrid = show;
    viewport()->update();
}

QRect GridView::visualRect(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != model() || isIndexHidden(index)) return {};
    const int grid = m_showGrid ? 1 : 0;
    return QRect(columnViewportPosition(index.column()), rowViewportPosition(index.row()),
                 columnWidth(index.column()) - grid, m_rowHeight - grid);
}

QModelIndex GridView::indexAt(const QPoint &point) const
{
    const int row = rowAt(point.y());
    const int column = columnAt(point.x());
    if (row < 0 || column < 0) return {};
    return model()->index(row, column, rootIndex());
}

void GridView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    if (!index.isValid() || index.model() != model()) return;
    // rows: the scroll bar counts them
    const int row = index.row(), full = fullyVisibleRows(), first = firstVisibleRow();
    int top = first;
    switch (hint) {
    case PositionAtTop:
        top = row;
        break;
    case PositionAtBottom:
        top = row - full + 1;
        break;
    case PositionAtCenter:
        top = row - full / 2;
        break;
    case EnsureVisible:
        if (row < first)
            top = row;
        else if (row >= first + full)
            top = row - full + 1;
        break;
    }
    verticalScrollBar()->setValue(std::max(0, top));
    // columns: pixels, right of the frozen ones (which are always in sight)
    if (isIndexHidden(index) || index.column() < m_frozenColumns) return;
    int frozen = 0;
    for (int c = 0; c < m_frozenColumns; ++c)
        frozen += isColumnHidden(c) ? 0 : columnWidth(c);
    const int x = m_header->sectionPosition(index.column()) - frozen;
    const int width = columnWidth(index.column());
    const int area = viewport()->width() - frozen;
    QScrollBar *h = horizontalScrollBar();
    if (hint == PositionAtCenter)
        h->setValue(x + width / 2 - area / 2);
    else if (x < h->value())
        h->setValue(x);
    else if (x + width > h->value() + area)
        h->setValue(std::min(x, x + width - area));
}

void GridView::setFrozenColumnCount(int count)
{
    m_frozenColumns = std::max(0, count);
}

int GridView::visibleColumn(int visual, int step) const
{
    const int count = m_header->count();
    for (; visual >= 0 && visual < count; visual += step)
        if (!m_header->isSectionHidden(m_header->logicalIndex(visual))) return visual;
    return -1;
}

int GridView::firstVisibleVisualColumn() const
{
    return visibleColumn(0, 1);
}

int GridView::lastVisibleVisualColumn() const
{
    return visibleColumn(m_header->count() - 1, -1);
}

QModelIndex GridView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers)
{
    const int rows = rowCount();
    const int firstColumn = firstVisibleVisualColumn();
    if (rows == 0 || firstColumn < 0) return {};
    const QModelIndex current = currentIndex();
    if (!current.isValid())
        return model()->index(0, m_header->logicalIndex(firstColumn), rootIndex());
    int row = current.row();
    int visual = m_header->visualIndex(current.column());
    const int page = fullyVisibleRows();
    const bool ctrl = modifiers & Qt::ControlModifier;
    switch (cursorAction) {
    case MoveUp:
        row = std::max(0, row - 1);
        break;
    case MoveDown:
        row = std::min(rows - 1, row + 1);
        break;
    case MoveLeft:
    case MovePrevious: {
        const int v = visibleColumn(visual - 1, -1);
        if (v >= 0) visual = v;
        break;
    }
    case MoveRight:
    case MoveNext: {
        const int v = visibleColumn(visual + 1, 1);
        if (v >= 0) visual = v;
        break;
    }
    case MoveHome:
        visual = firstColumn;
        if (ctrl) row = 0;
        break;
    case MoveEnd:
        visual = lastVisibleVisualColumn();
        if (ctrl) row = rows - 1;
        break;
    case MovePageUp:
        row = std::max(0, row - page);
        break;
    case MovePageDown:
        row = std::min(rows - 1, row + page);
        break;
    }
    return model()->index(row, m_header->logicalIndex(visual), rootIndex());
}

int GridView::horizontalOffset() const
{
    return m_header->offset();
}

int GridView::verticalOffset() const
{
    // pixels above the first row on screen; ranges are read from indexes, never from this
    return int(std::min<int64_t>(int64_t(firstVisibleRow()) * m_rowHeight - rowShift(), INT_MAX));
}

bool GridView::isIndexHidden(const QModelIndex &index) const
{
    return m_header->isSectionHidden(index.column());
}

void GridView::selectBetween(const QModelIndex &from, const QModelIndex &to,
                             QItemSelectionModel::SelectionFlags command)
{
    const int top = std::min(from.row(), to.row()), bottom = std::max(from.row(), to.row());
    const int left =
        std::min(m_header->visualIndex(from.column()), m_header->visualIndex(to.column()));
    const int right =
        std::max(m_header->visualIndex(from.column()), m_header->visualIndex(to.column()));
    QItemSelection selection;
    if (!m_header->sectionsMoved()) {
        selection.append(QItemSelectionRange(model()->index(top, left, rootIndex()),
                                             model()->index(bottom, right, rootIndex())));
    } else {
        // moved columns: a range per column (columns are few; rows are never walked)
        for (int v = left; v <= right; ++v) {
            const int c = m_header->logicalIndex(v);
            selection.append(QItemSelectionRange(model()->index(top, c, rootIndex()),
                                                 model()->index(bottom, c, rootIndex())));
        }
    }
    selectionModel()->select(selection, command);
}

void GridView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags command)
{
    if (!model() || !selectionModel()) return;
    // The rectangle's far corner is where the pointer (or the keyboard's current cell) is; its
    // near corner is the anchor, kept as an index (a pixel position would overflow 2^31 rows).
    QModelIndex to;
    if (m_mouseSelecting) {
        const QRect area = viewport()->rect();
        const QPoint p(std::clamp(rect.right(), area.left(), area.right()),
                       std::clamp(rect.bottom(), area.top(), area.bottom()));
        int row = rowAt(p.y());
        if (row < 0) row = rowCount() - 1;
        int column = columnAt(p.x());
        if (column < 0) {
            const int v = lastVisibleVisualColumn();
            column = v < 0 ? -1 : m_header->logicalIndex(v);
        }
        if (row >= 0 && column >= 0) to = model()->index(row, column, rootIndex());
    } else {
        to = currentIndex().isValid() ? currentIndex() : indexAt(rect.bottomRight());
    }
    QModelIndex from = m_anchor.isValid() ? QModelIndex(m_anchor) : indexAt(rect.topLeft());
    if (!to.isValid()) {
        if (command & QItemSelectionModel::Clear) selectionModel()->clearSelection();
        return;
    }
    if (!from.isValid()) from = to;
    selectBetween(from, to, command);
}

QRegion GridView::visualRegionForSelection(const QItemSelection &selection) const
{
    QRegion region;
    const int first = int(std::max<int64_t>(0, rowAtUnbounded(0)));
    const int last = int(std::min<int64_t>(INT_MAX, rowAtUnbounded(viewport()->height())));
    for (const QItemSelectionRange &range : selection) {
        if (!range.isValid() || range.model() != model()) continue;
        const int top = std::max(range.top(), first), bottom = std::min(range.bottom(), last);
        if (top > bottom) continue;
        const int y = rowViewportPosition(top), height = (bottom - top + 1) * m_rowHeight;
        for (int c = range.left(); c <= range.right(); ++c) {
            if (m_header->isSectionHidden(c)) continue;
            region += QRect(columnViewportPosition(c), y, columnWidth(c), height);
        }
    }
    return region;
}

void GridView::selectRows(int first, int last, QItemSelectionModel::SelectionFlags command)
{
    if (!model() || !selectionModel() || columnCount() == 0) return;
    const int top = std::max(0, std::min(first, last));
    const int bottom = std::min(rowCount() - 1, std::max(first, last));
    if (top > bottom) return;
    selectionModel()->select(QItemSelection(model()->index(top, 0, rootIndex()),
                                            model()->index(bottom, columnCount() - 1, rootIndex())),
                             command);
}

void GridView::selectRow(int row)
{
    if (!model() || !selectionModel() || row < 0 || row >= rowCount()) return;
    const int column = currentIndex().isValid()
                           ? currentIndex().column()
                           : m_header->logicalIndex(std::max(0, firstVisibleVisualColumn()));
    selectionModel()->setCurrentIndex(model()->index(row, column, rootIndex()),
                                      QItemSelectionModel::NoUpdate);
    m_anchor = currentIndex();
    selectRows(row, row, QItemSelectionModel::ClearAndSelect);
}

void GridView::selectColumns(int first, int last, QItemSelectionModel::SelectionFlags command)
{
    if (!model() || !selectionModel() || rowCount() == 0) return;
    const QModelIndex a = model()->index(0, first, rootIndex());
    const QModelIndex b = model()->index(rowCount() - 1, last, rootIndex());
    if (a.isValid() && b.isValid()) selectBetween(a, b, command);
}

void GridView::headerPress(int column)
{
    // as QTableView: a view that selects whole rows selects no column from its header
    if (!model() || rowCount() == 0 || selectionMode() == NoSelection ||
        selectionBehavior() == SelectRows)
        return;
    // as QTableView: plain press selects the column, ctrl toggles it, shift extends from the
    // last pressed one
    QItemSelectionModel::SelectionFlags command =
        selectionCommand(model()->index(0, column, rootIndex()));
    if (!(command & QItemSelectionModel::Current) || m_anchorColumn < 0) m_anchorColumn = column;
    const int current = currentIndex().isValid() ? currentIndex().row() : firstVisibleRow();
    selectionModel()->setCurrentIndex(model()->index(current, column, rootIndex()),
                                      QItemSelectionModel::NoUpdate);
    selectColumns(m_anchorColumn, column, command);
}

void GridView::headerEnter(int column)
{
    if (m_anchorColumn < 0 || !(QGuiApplication::mouseButtons() & Qt::LeftButton)) return;
    selectColumns(m_anchorColumn, column, QItemSelectionModel::SelectCurrent);
}

void GridView::gutterPress(QMouseEvent *event, bool move)
{
    if (!model() || selectionMode() == NoSelection) return;
    const int top = m_header->isHidden() ? 0 : m_header->height();
    const int y = int(event->position().y()) - top;
    if (y < 0 && !move) { // the corner
        selectAll();
        return;
    }
    // dragged past the top or bottom: the rows scroll under the pointer, a row per move
    QScrollBar *v = verticalScrollBar();
    if (move && y < 0) v->setValue(v->value() - 1);
    if (move && y >= viewport()->height()) v->setValue(v->value() + 1);
    int row = rowAt(std::clamp(y, 0, std::max(0, viewport()->height() - 1)));
    if (row < 0) row = rowCount() - 1;
    if (row < 0) return;
    const Qt::KeyboardModifiers mods = event->modifiers();
    QItemSelectionModel::SelectionFlags command = QItemSelectionModel::ClearAndSelect;
    if (move) {
        command = QItemSelectionModel::SelectCurrent;
    } else if (mods & Qt::ShiftModifier && m_anchorRow >= 0) {
        command = mods & Qt::ControlModifier ? QItemSelectionModel::SelectCurrent
                                             : QItemSelectionModel::ClearAndSelect;
    } else {
        m_anchorRow = row;
        if (mods & Qt::ControlModifier) command = QItemSelectionModel::Toggle;
    }
    if (m_anchorRow < 0) m_anchorRow = row;
    const int column = currentIndex().isValid()
                           ? currentIndex().column()
                           : m_header->logicalIndex(firstVisibleVisualColumn());
    selectionModel()->setCurrentIndex(model()->index(row, column, rootIndex()),
                                      QItemSelectionModel::NoUpdate);
    m_anchor = model()->index(m_anchorRow, column, rootIndex());
    selectRows(m_anchorRow, row, command);
}

void GridView::mousePressEvent(QMouseEvent *event)
{
    const QModelIndex index = indexAt(event->position().toPoint());
    if (index.isValid() && selectionModel()) {
        const auto command = selectionCommand(index, event);
        if (!(command & QItemSelectionModel::Current))
            m_anchor = index;
        else if (!m_anchor.isValid())
            m_anchor = currentIndex().isValid() ? currentIndex() : index;
    }
    m_mouseSelecting = true;
    QAbstractItemView::mousePressEvent(event);
}

void GridView::mouseReleaseEvent(QMouseEvent *event)
{
    QAbstractItemView::mouseReleaseEvent(event);
    m_mouseSelecting = false;
}

void GridView::keyPressEvent(QKeyEvent *event)
{
    m_mouseSelecting = false;
    const QModelIndex before = currentIndex();
    const bool shift = event->modifiers() & Qt::ShiftModifier;
    // Ctrl+Shift+End (and Home, arrows, pages) selects from the anchor to where Ctrl moves, as
    // a spreadsheet does; QAbstractItemView moves without selecting when Ctrl is held.
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    if (shift && ctrl && selectionMode() == ExtendedSelection && model() && selectionModel()) {
        static const QHash<int, CursorAction> actions{
            {Qt::Key_Home, MoveHome},     {Qt::Key_End, MoveEnd},
            {Qt::Key_Up, MoveUp},         {Qt::Key_Down, MoveDown},
            {Qt::Key_Left, MoveLeft},     {Qt::Key_Right, MoveRight},
            {Qt::Key_PageUp, MovePageUp}, {Qt::Key_PageDown, MovePageDown}};
        const auto action = actions.find(event->key());
        if (action != actions.end()) {
            if (!m_anchor.isValid()) m_anchor = before;
            const QModelIndex next = moveCursor(*action, event->modifiers());
            if (next.isValid()) {
                selectionModel()->setCurrentIndex(next, QItemSelectionModel::NoUpdate);
                // a view selecting whole rows (the log's messages) selects whole rows here too
                QItemSelectionModel::SelectionFlags command = QItemSelectionModel::SelectCurrent;
                if (selectionBehavior() == SelectRows) command |= QItemSelectionModel::Rows;
                if (selectionBehavior() == SelectColumns) command |= QItemSelectionModel::Columns;
                if (m_anchor.isValid()) selectBetween(m_anchor, next, command);
            }
            event->accept();
            return;
        }
    }
    if (shift && !m_anchor.isValid()) m_anchor = before;
    QAbstractItemView::keyPressEvent(event);
    if (!shift && currentIndex() != before) m_anchor = currentIndex();
}

void GridView::keyboardSearch(const QString &)
{
    // QAbstractItemView's type-to-find walks the column's rows with data() until one matches:
    // seconds of a frozen window over 10M rows. The filter box finds rows (off the GUI thread).
}

void GridView::reset()
{
    QAbstractItemView::reset();
    m_anchor = QPersistentModelIndex();
    m_anchorRow = m_anchorColumn = -1;
    updateGeometries();
    viewport()->update();
}

void GridView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    rowsChangedLater();
}

void GridView::selectionChanged(const QItemSelection &selected, const QItemSelection &deselected)
{
    QAbstractItemView::selectionChanged(selected, deselected);
    m_gutter->update(); // the numbers of selected rows are bold
}

void GridView::rowsChangedLater()
{
    updateGeometries();
    viewport()->update();
    m_gutter->update();
}

void GridView::updateGeometries()
{
    const int headerHeight = m_header->isHidden()
                                 ? 0
                                 : std::clamp(m_header->sizeHint().height(),
                                              m_header->minimumHeight(), m_header->maximumHeight());
    const int gutter = gutterWidth();
    setViewportMargins(gutter, headerHeight, 0, 0);
    const QRect area = viewport()->geometry();
    m_header->setGeometry(area.left(), area.top() - headerHeight, area.width(), headerHeight);
    m_gutter->setGeometry(area.left() - gutter, area.top() - headerHeight, gutter,
                          area.height() + headerHeight);
    m_gutter->setVisible(gutter > 0);

    // rows: the scroll bar counts them, the last page ends on the last row
    const int full = fullyVisibleRows();
    QScrollBar *v = verticalScrollBar();
    v->setSingleStep(1);
    v->setPageStep(full);
    v->setRange(0, std::max(0, rowCount() - full));
    // columns: pixels
    QScrollBar *h = horizontalScrollBar();
    h->setSingleStep(std::max(1, fontMetrics().averageCharWidth() * 2));
    h->setPageStep(area.width());
    h->setRange(0, std::max(0, m_header->length() - area.width()));
    m_header->setOffset(h->value());

    QAbstractItemView::updateGeometries();
    m_gutter->update();
    Q_EMIT geometriesChanged();
}

bool GridView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_header &&
        (event->type() == QEvent::ShowToParent || event->type() == QEvent::HideToParent))
        updateGeometries();
    return QAbstractItemView::eventFilter(watched, event);
}

void GridView::scrollContentsBy(int dx, int dy)
{
    if (dx != 0) m_header->setOffset(horizontalScrollBar()->value());
    if (dy != 0) m_gutter->update();
    viewport()->update();
}

void GridView::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    const int rows = rowCount(), columns = columnCount();
    if (rows == 0 || columns == 0 || !m_header->count()) return;
    // the cells end where the columns and rows end (as QTableView's)
    QRect area = event->rect();
    area.setRight(std::min(area.right(), m_header->length() - m_header->offset() - 1));
    area.setBottom(std::min(area.bottom(), rowViewportPosition(rows - 1) + m_rowHeight - 1));
    if (area.isEmpty()) return;
    const int top = int(std::max<int64_t>(0, rowAtUnbounded(area.top())));
    const int bottom = int(std::min<int64_t>(rows - 1, rowAtUnbounded(area.bottom())));
    int left = m_header->visualIndexAt(area.left());
    int right = m_header->visualIndexAt(area.right());
    if (left < 0) left = 0;
    if (right < 0) right = m_header->count() - 1;

    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QStyle::State baseState = option.state;
    const QModelIndex current = currentIndex();
    const bool focus = (hasFocus() || viewport()->hasFocus()) && current.isValid();
    const bool alternate = alternatingRowColors();
    const QItemSelectionModel *selection = selectionModel();
    for (int row = top; row <= bottom; ++row) {
        for (int v = left; v <= right; ++v) {
            const int column = m_header->logicalIndex(v);
            if (m_header->isSectionHidden(column)) continue;
            const QModelIndex index = model()->index(row, column, rootIndex());
            option.rect = visualRect(index);
            option.state = baseState;
            if (selection && selection->isSelected(index)) option.state |= QStyle::State_Selected;
            if (focus && index == current) option.state |= QStyle::State_HasFocus;
            if (option.state & QStyle::State_Enabled) {
                QPalette::ColorGroup group = QPalette::Normal;
                if (!(model()->flags(index) & Qt::ItemIsEnabled)) {
                    option.state &= ~QStyle::State_Enabled;
                    group = QPalette::Disabled;
                }
                option.palette.setCurrentColorGroup(group);
            }
            if (alternate && (row & 1))
                option.features |= QStyleOptionViewItem::Alternate;
            else
                option.features &= ~QStyleOptionViewItem::Alternate;
            itemDelegateForIndex(index)->paint(&painter, option, index);
        }
    }
    if (!m_showGrid) return;
    QStyleOptionViewItem gridOption;
    initViewItemOption(&gridOption);
    const QColor gridColor = QColor::fromRgba(
        QRgb(style()->styleHint(QStyle::SH_Table_GridLineColor, &gridOption, this)));
    painter.setPen(QPen(gridColor, 0, Qt::SolidLine));
    for (int row = top; row <= bottom; ++row) {
        const int y = rowViewportPosition(row) + m_rowHeight - 1;
        painter.drawLine(QLineF(area.left(), y, area.right(), y).translated(0.5, 0.5));
    }
    for (int v = left; v <= right; ++v) {
        const int column = m_header->logicalIndex(v);
        if (m_header->isSectionHidden(column)) continue;
        const int x = columnViewportPosition(column) + columnWidth(column) - 1;
        painter.drawLine(QLineF(x, area.top(), x, area.bottom()).translated(0.5, 0.5));
    }
}

void GridView::paintGutter(QPainter *painter, const QRect &area)
{
    const int headerHeight = m_header->isHidden() ? 0 : m_header->height();
    const int width = m_gutter->width();
    QStyleOptionHeader option;
    option.initFrom(m_gutter);
    QStyle::State state = QStyle::State_None;
    if (isEnabled()) state |= QStyle::State_Enabled;
    if (isActiveWindow()) state |= QStyle::State_Active;
    const int rows = rowCount();
    if (rows > 0) {
        const int top = int(std::max<int64_t>(0, rowAtUnbounded(area.top() - headerHeight)));
        const int bottom =
            int(std::min<int64_t>(rows - 1, rowAtUnbounded(area.bottom() - headerHeight)));
        option.orientation = Qt::Vertical;
        option.textAlignment = Qt::AlignLeft | Qt::AlignVCenter;
        option.iconAlignment = Qt::AlignVCenter;
        const QFont plain = painter->font();
        QFont bold = plain;
        bold.setBold(true);
        const QItemSelectionModel *selection = selectionModel();
        for (int row = top; row <= bottom; ++row) {
            option.state = state;
            option.section = row;
            option.rect = QRect(0, headerHeight + rowViewportPosition(row), width, m_rowHeight);
            option.text = model()->headerData(row, Qt::Vertical, Qt::DisplayRole).toString();
            option.position = rows == 1         ? QStyleOptionHeader::OnlyOneSection
                              : row == 0        ? QStyleOptionHeader::Beginning
                              : row == rows - 1 ? QStyleOptionHeader::End
                                                : QStyleOptionHeader::Middle;
            // as a QTableView's row header: the numbers of rows with a selected cell in bold
            const bool selected = selection && selection->rowIntersectsSelection(row, rootIndex());
            painter->setFont(selected ? bold : plain);
            style()->drawControl(QStyle::CE_Header, &option, painter, m_gutter);
        }
        painter->setFont(plain);
    }
    // the corner last: a row above the first, in part on screen, passes under it
    if (headerHeight > 0 && area.top() < headerHeight) {
        option.state = state;
        option.rect = QRect(0, 0, width, headerHeight);
        option.position = QStyleOptionHeader::OnlyOneSection;
        option.orientation = Qt::Horizontal;
        option.text.clear();
        option.section = 0;
        style()->drawControl(QStyle::CE_Header, &option, painter, m_gutter);
    }
}

} // namespace qscope
