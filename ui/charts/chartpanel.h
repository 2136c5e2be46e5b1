#pragma once
/// Charts of a result: line, bar or scatter of one or more y columns against an x column (or the
/// row index), with a time axis for temporal x. Series are decimated to the plot's pixel width
/// and re-decimated after each zoom or pan, so a million points stay smooth. GUI thread only.

#include "decimator.h"
#include "results/resultshape.h"

#include <QWidget>

#include <memory>

class QChart;
class QComboBox;
class QListWidget;
class QLabel;
class QTimer;
class QAbstractAxis;

namespace qscope {

class ZoomChartView;

class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Line, Bar, Scatter };

    explicit ChartPanel(QWidget *parent = nullptr);

    /// The result to chart. Picks x and y from `selectedColumns` when given: numbers picked from
    /// a result with a temporal column are y over that column; otherwise the first chartable one
    /// is x if it is temporal or more than one is selected, the rest are y. With nothing picked
    /// x is the first temporal column (or the row index) and y the numeric columns.
    void setShape(std::shared_ptr<const ResultShape> shape, const QList<int> &selectedColumns = {});
    /// The same result's rows in another view (filtered or sorted): keeps the chosen x, y and
    /// kind when the columns are the same, else picks as setShape does.
    void setRows(std::shared_ptr<const ResultShape> shape);
    /// Rows charted (the rows of the shape given).
    int64_t rowCount() const { return m_shape ? m_shape->rows : 0; }
    void setKind(Kind kind);
    /// x: a column index, or -1 for the row index. y: column indexes.
    void setColumns(int x, const QList<int> &y);

    // for tests and the status line
    QChart *chart() const { return m_chart; }
    int seriesCount() const;
    int xColumn() const { return m_x; }
    /// Points currently handed to the chart over all series (after decimation).
    qint64 plottedPoints() const { return m_plotted; }
    /// Zooms the x axis to a fraction [from, to] of the full range (tests, keyboard).
    void zoomToFraction(double from, double to);

private:
    void rebuild();
    void redecimate();
    void syncControls();
    ChartAxisData axisData(int column) const;

    std::shared_ptr<const ResultShape> m_shape;
    Kind m_kind = Kind::Line;
    int m_x = -1;
    QList<int> m_y;
    bool m_sortedX = true;
    double m_shiftMs = 0; ///< so QDateTimeAxis (local time) shows q's UTC wall clock
    double m_fullX0 = 0, m_fullX1 = 1;
    qint64 m_plotted = 0;
    bool m_updating = false;

    QChart *m_chart = nullptr;
    ZoomChartView *m_view = nullptr;
    QComboBox *m_kindBox = nullptr;
    QComboBox *m_xBox = nullptr;
    QListWidget *m_yList = nullptr;
    QLabel *m_note = nullptr;
    QTimer *m_redecimate = nullptr;
};

} // namespace qscope
