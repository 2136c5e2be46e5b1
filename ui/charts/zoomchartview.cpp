#include "zoomchartview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

namespace qscope {

ZoomChartView::ZoomChartView(QChart *chart, QWidget *parent) : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing, false);
    setFocusPolicy(Qt::StrongFocus);
    setRubberBand(QChartView::NoRubberBand);
    setDragMode(QGraphicsView::NoDrag);
    setMouseTracking(false);
}

void ZoomChartView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    const double factor = std::pow(1.25, -steps); // < 1 zooms in
    const QRectF plot = chart()->plotArea();
    const QPointF at = chart()->mapFromScene(mapToScene(event->position().toPoint()));
    const bool both = event->modifiers() & Qt::ControlModifier;
    // Zoom into the rect that keeps the point under the cursor fixed.
    const double cx = std::clamp(at.x(), plot.left(), plot.right());
    const double cy = std::clamp(at.y(), plot.top(), plot.bottom());
    QRectF r = plot;
    r.setLeft(cx - (cx - plot.left()) * factor);
    r.setRight(cx + (plot.right() - cx) * factor);
    if (both) {
        r.setTop(cy - (cy - plot.top()) * factor);
        r.setBottom(cy + (plot.bottom() - cy) * factor);
    }
    chart()->zoomIn(r);
    event->accept();
    Q_EMIT viewChanged(both);
}

void ZoomChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_panning = true;
        m_lastPos = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ZoomChartView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPointF d = event->position() - m_lastPos;
        m_lastPos = event->position();
        chart()->scroll(-d.x(), d.y());
        Q_EMIT viewChanged(d.y() != 0);
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
}

void ZoomChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && event->button() == Qt::LeftButton) {
        m_panning = false;
        unsetCursor();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void ZoomChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    Q_EMIT resetRequested();
    event->accept();
}

void ZoomChartView::keyPressEvent(QKeyEvent *event)
{
    const double step = chart()->plotArea().width() / 10;
    switch (event->key()) {
    case Qt::Key_Left:
        chart()->scroll(-step, 0);
        break;
    case Qt::Key_Right:
        chart()->scroll(step, 0);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        chart()->zoom(1.25);
        break;
    case Qt::Key_Minus:
        chart()->zoom(0.8);
        break;
    case Qt::Key_Home:
        Q_EMIT resetRequested();
        return;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    Q_EMIT viewChanged(event->key() != Qt::Key_Left && event->key() != Qt::Key_Right);
}

} // namespace qscope
