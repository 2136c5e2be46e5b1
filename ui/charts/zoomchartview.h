#pragma once
/// A chart view with mouse zoom and pan: the wheel zooms the x axis around the cursor (with Ctrl
/// both axes; without, the panel refits y to what is in view), a left drag pans, a double click or
/// Home restores the full range, and arrow keys scroll. GUI thread only.

#include <QChartView>

namespace qscope {

class ZoomChartView : public QChartView
{
    Q_OBJECT
public:
    explicit ZoomChartView(QChart *chart, QWidget *parent = nullptr);

Q_SIGNALS:
    /// The visible range changed by the user (zoom, pan or reset); yMoved when the y range was
    /// moved too (Ctrl+wheel, a vertical drag), so y should no longer follow x.
    void viewChanged(bool yMoved);
    void resetRequested();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QPointF m_lastPos;
    bool m_panning = false;
};

} // namespace qscope
