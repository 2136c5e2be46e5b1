#include "frozencolumns.h"

#include "gridview.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QSignalBlocker>

namespace qscope {

FrozenColumns::FrozenColumns(GridView *grid) : QObject(grid), m_grid(grid)
{
    m_frozen = new GridView(grid);
    m_frozen->setObjectName(QStringLiteral("frozenColumns"));
    m_frozen->setFocusPolicy(Qt::NoFocus);
    m_frozen->setRowNumbersVisible(false); // the grid's gutter is beside it
    m_frozen->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_frozen->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_frozen->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_frozen->setFrameShape(QFrame::NoFrame);
    m_frozen->setSelectionMode(grid->selectionMode());
    // a line where the scrolling columns pass under the frozen ones
    m_frozen->setStyleSheet(
        QStringLiteral("qscope--GridView { border-right: 2px solid palette(mid); }"));
    m_frozen->setRowHeight(grid->rowHeight());
    m_frozen->hide();

    connect(grid->horizontalHeader(), &QHeaderView::sectionResized, this,
            [this](int column, int, int width) {
                if (column >= m_count) return;
                m_frozen->setColumnWidth(column, width);
                updateGeometry();
            });
    connect(grid, &GridView::geometriesChanged, this, &FrozenColumns::updateGeometry);
    connect(grid->verticalScrollBar(), &QScrollBar::valueChanged, m_frozen->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_frozen->verticalScrollBar(), &QScrollBar::valueChanged, grid->verticalScrollBar(),
            &QScrollBar::setValue);
    // a reset (new value, sort, filter) may change the columns: hide the others again
    connect(grid->model(), &QAbstractItemModel::modelReset, this, &FrozenColumns::applyColumns);
    connect(grid->model(), &QAbstractItemModel::columnsInserted, this,
            &FrozenColumns::applyColumns);
    grid->installEventFilter(this);
}

void FrozenColumns::setCount(int count)
{
    m_count = count;
    applyColumns();
}

void FrozenColumns::attach(bool on)
{
    QAbstractItemModel *model = on ? m_grid->model() : nullptr;
    if ((m_frozen->model() == model) || (!on && !m_attached)) return;
    m_attached = on;
    const QSignalBlocker block(m_frozen->verticalScrollBar()); // the grid keeps its position
    m_frozen->setModel(model);
    if (on) m_frozen->setSelectionModel(m_grid->selectionModel());
}

void FrozenColumns::applyColumns()
{
    const int columns = m_grid->model()->columnCount();
    if (m_count >= columns) m_count = 0; // nothing would scroll: nothing to freeze
    // the grid scrolls a cell out from under them, and never sideways to show one of them
    m_grid->setFrozenColumnCount(m_count);
    attach(m_count > 0);
    for (int c = 0; c < (m_count > 0 ? columns : 0); ++c) {
        m_frozen->setColumnHidden(c, c >= m_count);
        if (c < m_count) m_frozen->setColumnWidth(c, m_grid->columnWidth(c));
    }
    m_frozen->setVisible(m_count > 0 && !m_grid->horizontalHeader()->isHidden());
    m_frozen->setRowHeight(m_grid->rowHeight());
    updateGeometry();
}

void FrozenColumns::updateGeometry()
{
    if (m_count <= 0) return;
    int width = 0;
    for (int c = 0; c < m_count; ++c)
        width += m_grid->columnWidth(c);
    const int frame = m_grid->frameWidth();
    const int header =
        m_grid->horizontalHeader()->isHidden() ? 0 : m_grid->horizontalHeader()->height();
    m_frozen->horizontalHeader()->setFixedHeight(header);
    // the overlay's viewport is the grid's height: the same rows fit, its scroll range is the same
    m_frozen->setGeometry(frame + m_grid->gutterWidth(), frame, width + 2,
                          m_grid->viewport()->height() + header);
    m_frozen->verticalScrollBar()->setValue(m_grid->verticalScrollBar()->value());
}

bool FrozenColumns::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_grid && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        updateGeometry();
    return QObject::eventFilter(watched, event);
}

} // namespace qscope
