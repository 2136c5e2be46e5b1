#pragma once
/// The estate drawn: processes as boxes in columns from upstream (left) to downstream (right),
/// subscriptions and queries as labelled arrows, each box with sparklines of its recent input
/// rate and memory. Painted from the model on each change; a click on a box asks what to open
/// (workbench tab, handles, feed, its history chart) or sets its role; on an edge's label, its
/// history chart. Colours come from
/// the palette, so the light and dark themes both read. GUI thread only.

#include <QWidget>

#include <QHash>
#include <QRectF>

namespace qscope {

class EstateModel;

class EstateGraph : public QWidget
{
    Q_OBJECT
public:
    explicit EstateGraph(EstateModel *model, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Where the node with this key is drawn (empty if not placed), for tests.
    QRectF nodeRect(const QString &key) const { return m_rects.value(key); }
    QString nodeAt(const QPointF &pos) const;
    /// The edge (EstateEdge::key()) whose label is at pos, "" if none (as last painted).
    QString edgeAt(const QPointF &pos) const;
    QRectF edgeLabelRect(const QString &edgeKey) const { return m_edgeLabels.value(edgeKey); }
    QSize sizeHint() const override;

Q_SIGNALS:
    /// what: "workbench", "handles" or "feed".
    void openRequested(const QString &key, const QString &what);
    /// The history chart of a node (edge false) or an edge (its EstateEdge::key()).
    void chartRequested(const QString &key, bool edge);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void layoutNodes();

    EstateModel *m_model;
    void drawSparklines(QPainter &p, const QRectF &area, const QString &key) const;

    QHash<QString, QRectF> m_rects;
    QHash<QString, QRectF> m_edgeLabels; ///< edge key -> its label, as last painted
};

} // namespace qscope
