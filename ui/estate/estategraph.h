#pragma once
/// The estate drawn: processes as boxes in columns from upstream (left) to downstream (right),
/// subscriptions and queries as labelled arrows. Painted from the model on each change; a click
/// on a box asks what to open (workbench tab, handles, feed) or sets its role. Colours come from
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
    QSize sizeHint() const override;

Q_SIGNALS:
    /// what: "workbench", "handles" or "feed".
    void openRequested(const QString &key, const QString &what);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void layoutNodes();

    EstateModel *m_model;
    QHash<QString, QRectF> m_rects;
};

} // namespace qscope
