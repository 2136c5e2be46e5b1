#pragma once
/// The last hour of one node's or edge's figures (EstateState's history rings) as charts: one
/// small chart per series on a time axis, redrawn after each round while the window is open.
/// Opened on demand from the estate graph (double-click, or the menu's "Chart history").
/// GUI thread only.

#include <QWidget>

#include <vector>

class QChart;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace qscope {

class EstateModel;
class EstateSeries;

class EstateHistoryChart : public QWidget
{
    Q_OBJECT
public:
    /// key: a node's key, or an edge's EstateEdge::key() when edge is true.
    EstateHistoryChart(EstateModel *model, QString key, bool edge, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void refresh();
    int chartCount() const { return int(m_charts.size()); }
    /// Points drawn in chart i (for tests).
    int pointCount(int i) const;

private:
    struct Chart
    {
        QChart *chart = nullptr;
        QLineSeries *line = nullptr;
        QDateTimeAxis *time = nullptr;
        QValueAxis *value = nullptr;
    };
    const EstateSeries *history() const;
    /// A series in bytes, drawn in MB.
    static bool isBytes(const QString &series);
    void build(const EstateSeries &h);

    EstateModel *m_model;
    QString m_key;
    bool m_edge;
    QLabel *m_empty;
    std::vector<Chart> m_charts;
};

} // namespace qscope
