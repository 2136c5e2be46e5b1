#pragma once
/// Charts of a result: line, bar or scatter of one or more y columns against an x column (any
/// column: numbers and temporals on a value or time axis, symbols and other text as labelled
/// categories), one series per sym when the result has a symbol column to split by, and a
/// second y axis for columns of a very different scale (size must not flatten price). Series are
/// decimated to the plot's pixel width and re-decimated after each zoom or pan, so a million
/// points stay smooth; zooming x refits y to what is in view. GUI thread only.

#include "decimator.h"
#include "results/resultshape.h"
#include "results/rowview.h"

#include <QWidget>

#include <memory>
#include <vector>

class QChart;
class QComboBox;
class QListWidget;
class QLabel;
class QTimer;
class QAbstractAxis;
class QValueAxis;

namespace qscope {

class ZoomChartView;

class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Line, Bar, Scatter, Candlestick };
    /// Candles drawn at most; more rows are merged (first open, highest high, lowest low, last
    /// close of each run of rows).
    static constexpr int kMaxCandles = 300;
    /// Split into one series per distinct value of a symbol column only up to this many.
    static constexpr int kMaxSplit = 24;

    explicit ChartPanel(QWidget *parent = nullptr);

    /// The result to chart. Picks x and y from `selectedColumns` when given: numbers picked from
    /// a result with a temporal column are y over that column; otherwise the first chartable one
    /// is x if it is temporal or more than one is selected, the rest are y. With nothing picked
    /// x is a keyed table's key (its first temporal key, else its first key), else the first
    /// temporal column, else the row index; y the numeric value columns. A symbol column other
    /// than x (`sym` first) splits the series, one per sym.
    void setShape(std::shared_ptr<const ResultShape> shape, const QList<int> &selectedColumns = {});
    /// The same result's rows in another view (filtered or sorted): keeps the chosen x, y, split
    /// and kind when the columns are the same, else picks as setShape does.
    void setRows(std::shared_ptr<const ResultShape> shape);

    /// The rows of one series family: all rows, or one sym's.
    struct Group
    {
        QByteArray name;
        std::shared_ptr<const ResultShape> shape;
    };
    /// Rows in view copied for the chart, with their per-sym groups: what setRows copies, made
    /// ahead on any thread (prepareRows) so a filter of millions of rows does not copy them on
    /// the GUI thread; then applied by setRows(PreparedRows).
    struct PreparedRows
    {
        std::shared_ptr<const ResultShape> shape;
        int split = -1; ///< the split column the groups were made for
        std::vector<Group> groups;
        bool grouped = false; ///< false: too many syms to split by (or no split)
    };
    /// Any thread. `split`: the panel's splitColumn() when asked.
    static PreparedRows prepareRows(const RowView &view, int split);
    /// As setRows(shape), with the groups made ahead when they are for the current split.
    void setRows(PreparedRows rows);
    /// Rows charted (the rows of the shape given).
    int64_t rowCount() const { return m_shape ? m_shape->rows : 0; }
    void setKind(Kind kind);
    Kind kind() const { return m_kind; }
    /// x: a column index, or -1 for the row index. y: column indexes.
    void setColumns(int x, const QList<int> &y);
    /// The symbol column whose values split the series (-1: none).
    void setSplitColumn(int column);
    int splitColumn() const { return m_split; }
    QList<int> yColumns() const { return m_y; }
    /// The open, high, low and close columns (by name, any case), or an empty list.
    QList<int> ohlcColumns() const;
    /// Writes the chart as a PNG; false (with the reason in *error) if it cannot.
    bool savePng(const QString &path, QString *error = nullptr);

    // for tests and the status line
    QChart *chart() const { return m_chart; }
    ZoomChartView *chartView() const { return m_view; }
    int seriesCount() const;
    int xColumn() const { return m_x; }
    /// Points currently handed to the chart over all series (after decimation).
    qint64 plottedPoints() const { return m_plotted; }
    /// Zooms the x axis to a fraction [from, to] of the full range (tests, keyboard); y refits
    /// to the points in view.
    void zoomToFraction(double from, double to);
    /// Full x range, y fitted to all points: what "Reset zoom" does.
    void resetZoom();

private:
    /// The shape's rows split by the symbol column `split`; false if it cannot split them (not
    /// a symbol column, more than kMaxSplit syms). Any thread.
    static bool groupsOf(const std::shared_ptr<const ResultShape> &shape, int split,
                         std::vector<Group> &groups);
    void rebuild();
    void buildBars(QValueAxis *yAxis);
    void buildCandles(QValueAxis *yAxis);
    void redecimate();
    void syncControls();
    void makeGroups();
    void pickDefaultSplit();
    /// Fits the y axes to the y values of the points in view (after a zoom of x or a reset).
    void fitY();
    void choosePng();
    bool isCategoryX() const;
    ChartAxisData axisData(int column, int group = -1) const;

    std::shared_ptr<const ResultShape> m_shape;
    std::vector<Group> m_groups;
    Kind m_kind = Kind::Line;
    int m_x = -1;
    QList<int> m_y;
    int m_split = -1;
    QList<int> m_rightY; ///< y columns on the right-hand axis
    bool m_sortedX = true;
    bool m_autoY = true;  ///< y follows the points in view (off once the user moves y itself)
    double m_shiftMs = 0; ///< so QDateTimeAxis (local time) shows q's UTC wall clock
    double m_fullX0 = 0, m_fullX1 = 1;
    qint64 m_plotted = 0;
    bool m_updating = false;

    QChart *m_chart = nullptr;
    ZoomChartView *m_view = nullptr;
    QComboBox *m_kindBox = nullptr;
    QComboBox *m_xBox = nullptr;
    QComboBox *m_splitBox = nullptr;
    QListWidget *m_yList = nullptr;
    QLabel *m_note = nullptr;
    QTimer *m_redecimate = nullptr;
};

/// A value axis range that holds [lo, hi] with a margin, crosses zero only when the data does,
/// and lands on round ticks (no 10499998.9).
void applyNiceRange(QValueAxis *axis, double lo, double hi);
/// 1, 2 or 5 times a power of ten: the tick step for about `ticks` ticks over `span`.
double niceStep(double span, int ticks);
/// Keeps an axis's ticks on round values (multiples of niceStep) whatever range it shows.
void followNiceTicks(QValueAxis *axis);

} // namespace qscope
