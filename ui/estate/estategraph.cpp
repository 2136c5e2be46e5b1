#include "estategraph.h"

#include "estatemodel.h"

#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace qscope {

namespace {

constexpr qreal kNodeW = 210, kNodeH = 116, kSparkH = 20, kColGap = 190, kRowGap = 26, kMargin = 16;

QString rate(double v)
{
    return v >= 100 ? QString::number(v, 'f', 0) : QString::number(v, 'f', 1);
}

QString mb(qint64 b)
{
    return QString::number(double(b) / (1 << 20), 'f', 1);
}

QString kb(qint64 b)
{
    return b >= (1 << 20) ? QStringLiteral("%1 MB").arg(mb(b))
                          : QStringLiteral("%1 KB").arg(double(b) / 1024, 0, 'f', 0);
}

} // namespace

EstateGraph::EstateGraph(EstateModel *model, QWidget *parent) : QWidget(parent), m_model(model)
{
    setMinimumSize(400, 240);
    setMouseTracking(false);
    connect(m_model, &EstateModel::estateChanged, this, [this] {
        layoutNodes();
        update();
    });
}

QSize EstateGraph::sizeHint() const
{
    return {900, 520};
}

void EstateGraph::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    layoutNodes();
}

void EstateGraph::layoutNodes()
{
    // Columns by depth (longest path from a source); within a column, in the model's order with
    // subscribers of the same publisher together, centred vertically.
    m_rects.clear();
    // Columns by depth; within a column, ordered by where their sources sit in the column
    // before (the mean row of their publishers and queried servers), so edges seldom cross.
    QMap<int, QStringList> columns;
    for (const EstateNode &n : m_model->nodes())
        columns[n.depth] << n.key;
    QHash<QString, double> row;
    for (auto it = columns.begin(); it != columns.end(); ++it) {
        QHash<QString, double> weight;
        for (int r = 0; r < it->size(); ++r) {
            double sum = 0;
            int count = 0;
            for (const EstateEdge &e : m_model->edges())
                if (e.to == it->at(r) && row.contains(e.from)) {
                    sum += row.value(e.from);
                    ++count;
                }
            weight.insert(it->at(r), count ? sum / count : r);
        }
        std::stable_sort(it->begin(), it->end(), [&](const QString &a, const QString &b) {
            return weight.value(a) < weight.value(b);
        });
        for (int r = 0; r < it->size(); ++r)
            row.insert(it->at(r), r);
    }
    int tallest = 0;
    for (const QStringList &c : columns)
        tallest = std::max(tallest, int(c.size()));
    const qreal fullH = tallest * (kNodeH + kRowGap) - kRowGap;
    const qreal top = std::max(kMargin, (height() - fullH) / 2);
    for (auto it = columns.cbegin(); it != columns.cend(); ++it) {
        const qreal x = kMargin + it.key() * (kNodeW + kColGap);
        const qreal colH = it->size() * (kNodeH + kRowGap) - kRowGap;
        const qreal y0 = top + (fullH - colH) / 2;
        for (int r = 0; r < it->size(); ++r)
            m_rects.insert(it->at(r), QRectF(x, y0 + r * (kNodeH + kRowGap), kNodeW, kNodeH));
    }
    const int cols = columns.isEmpty() ? 1 : columns.lastKey() + 1;
    setMinimumSize(int(kMargin * 2 + cols * kNodeW + (cols - 1) * kColGap),
                   int(kMargin * 2 + std::max<qreal>(fullH, kNodeH)));
}

QString EstateGraph::edgeAt(const QPointF &pos) const
{
    for (auto it = m_edgeLabels.cbegin(); it != m_edgeLabels.cend(); ++it)
        if (it->contains(pos)) return it.key();
    return {};
}

void EstateGraph::drawSparklines(QPainter &p, const QRectF &area, const QString &key) const
{
    // The last two minutes at most (120 samples at 1 s), spread over the width: memory used
    // (muted) under the input rate (highlight), each scaled to its own peak over what is drawn.
    const EstateSeries *h = m_model->state().nodeHistory(key);
    if (!h || h->size() < 2) return;
    const int n = std::min(h->size(), 120);
    const int from = h->size() - n;
    const qreal step = area.width() / qreal(n - 1);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.drawLine(area.bottomLeft(), area.bottomRight());
    auto line = [&](const QString &name, const QColor &colour) {
        const int s = int(h->names().indexOf(name));
        if (s < 0) return;
        double top = 0;
        for (int i = from; i < h->size(); ++i)
            top = std::max(top, h->valueAt(s, i));
        QPolygonF poly;
        for (int i = from; i < h->size(); ++i) {
            const double v = top > 0 ? h->valueAt(s, i) / top : 0;
            poly << QPointF(area.left() + (i - from) * step, area.bottom() - v * area.height());
        }
        p.setPen(QPen(colour, 1.3));
        p.drawPolyline(poly);
    };
    line(QStringLiteral("memory used"), palette().color(QPalette::PlaceholderText));
    line(QStringLiteral("msgs in/s"), palette().color(QPalette::Highlight));
}

QString EstateGraph::nodeAt(const QPointF &pos) const
{
    for (auto it = m_rects.cbegin(); it != m_rects.cend(); ++it)
        if (it->contains(pos)) return it.key();
    return {};
}

void EstateGraph::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor alertColor(214, 64, 52);
    const QColor okColor(60, 160, 90);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);

    if (m_model->nodes().empty()) {
        p.setPen(muted);
        p.drawText(rect(), Qt::AlignCenter,
                   tr("No processes yet: add a tickerplant's address, or a folder of saved "
                      "connections, above."));
        return;
    }
    // Edges first, under the boxes.
    m_edgeLabels.clear();
    for (const EstateEdge &e : m_model->edges()) {
        const QRectF a = m_rects.value(e.from), b = m_rects.value(e.to);
        if (a.isEmpty() || b.isEmpty()) continue;
        const QPointF from(a.right(), a.center().y()), to(b.left(), b.center().y());
        const bool queued = e.bytesQueued && *e.bytesQueued > 0;
        QPen pen(queued ? alertColor : muted, queued ? 2.2 : 1.4);
        if (e.query) pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        QPainterPath path(from);
        const qreal dx = (to.x() - from.x()) / 2;
        path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
        p.drawPath(path);
        // arrow head
        const QPointF tip = to;
        p.setBrush(pen.color());
        p.drawPolygon(QPolygonF{tip, tip + QPointF(-8, -4), tip + QPointF(-8, 4)});
        p.setBrush(Qt::NoBrush);
        // label at the middle of the curve
        QString label;
        if (e.query) {
            label = tr("queries");
        } else {
            label = e.tables.join(QLatin1Char(' '));
            const int to = m_model->indexOf(e.to);
            const bool keepsRows = to >= 0 && !m_model->nodes()[size_t(to)].tableRows.isEmpty();
            label +=
                QStringLiteral("\n%1%2 msg/s")
                    .arg(e.msgsUpperBound ? QStringLiteral("≤") : QString(), rate(e.msgsPerSecond));
            if (keepsRows) label += QStringLiteral("  %1 rows/s").arg(rate(e.rowsPerSecond));
            if (e.bytesQueued) label += tr("\nqueued %1").arg(kb(*e.bytesQueued));
        }
        // Near the subscriber's end: a publisher's edges fan out from one point, so their
        // midpoints crowd together while their ends are a row apart.
        const QPointF mid = path.pointAtPercent(e.query ? 0.5 : 0.68);
        p.setFont(small);
        const QRectF box(mid.x() - 70, mid.y() - 24, 140, 48);
        const QRectF textBox = p.boundingRect(box, Qt::AlignCenter, label).adjusted(-3, -1, 3, 1);
        p.fillRect(textBox, pal.color(QPalette::Base));
        if (!e.query) m_edgeLabels.insert(e.key(), textBox);
        p.setPen(queued ? alertColor : text);
        p.drawText(box, Qt::AlignCenter, label);
    }
    // Nodes.
    for (const EstateNode &n : m_model->nodes()) {
        const QRectF r = m_rects.value(n.key);
        if (r.isEmpty()) continue;
        const bool stand = n.key.contains(QLatin1Char('#'));
        const bool down = !n.reachable && (n.polled || !n.error.isEmpty());
        QColor border = n.activeAlerts > 0 ? alertColor : (n.polled ? okColor : muted);
        p.setPen(
            QPen(border, n.activeAlerts > 0 ? 2.5 : 1.5, stand ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(pal.color(QPalette::AlternateBase));
        p.drawRoundedRect(r, 6, 6);
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        const QRectF inner = r.adjusted(8, 5, -8, -5);
        const QString title = stand ? tr("handle %1").arg(n.handleOnUpstream) : n.role;
        p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, title);
        if (n.activeAlerts > 0) {
            p.setPen(alertColor);
            p.drawText(inner, Qt::AlignRight | Qt::AlignTop,
                       QStringLiteral("⚠ %1").arg(n.activeAlerts));
        }
        p.setFont(small);
        p.setPen(muted);
        QStringList lines;
        lines << (stand ? tr("subscriber of %1, address not exposed").arg(n.upstreamKey) : n.key);
        if (down) {
            lines << (n.answeredBadly ? tr("cannot be polled") : tr("unreachable"));
        } else if (n.polled) {
            lines << tr("mem %1 / heap %2 MB · peak %3").arg(mb(n.used), mb(n.heap), mb(n.peak));
            if (n.logPosition)
                lines << tr("in %1 upd/s · out %2 msg/s")
                             .arg(rate(n.updPerSecond), rate(n.msgsOutPerSecond));
            else if (!n.tableRows.isEmpty())
                lines << tr("in %1 rows/s").arg(rate(n.rowsInPerSecond));
            else
                lines << tr("no tables (state only)");
            QString pos = tr("up %1 s").arg((n.lastSeenMs - n.firstSeenMs) / 1000);
            if (n.logPosition)
                pos += tr(" · .u.i %1").arg(*n.logPosition);
            else if (n.rows)
                pos += tr(" · %1 rows").arg(n.rows);
            lines << pos;
        } else if (!stand) {
            lines << tr("waiting for the first answer");
        }
        p.setPen(down ? alertColor : text);
        p.drawText(inner.adjusted(0, 20, 0, -kSparkH), Qt::AlignLeft | Qt::AlignTop,
                   lines.join(QLatin1Char('\n')));
        if (!stand)
            drawSparklines(
                p, QRectF(inner.left(), inner.bottom() - kSparkH + 4, inner.width(), kSparkH - 4),
                n.key);
    }
}

void EstateGraph::mousePressEvent(QMouseEvent *event)
{
    const QString key = nodeAt(event->position());
    if (key.isEmpty()) {
        const QString edge = edgeAt(event->position());
        if (edge.isEmpty()) return;
        QMenu menu(this);
        menu.addAction(tr("Chart history of %1").arg(edge), this,
                       [this, edge] { Q_EMIT chartRequested(edge, true); });
        menu.exec(event->globalPosition().toPoint());
        return;
    }
    const int i = m_model->indexOf(key);
    if (i < 0) return;
    QMenu menu(this);
    const bool direct = !key.contains(QLatin1Char('#'));
    if (direct) {
        menu.addAction(tr("Open a workbench tab on %1").arg(key), this,
                       [this, key] { Q_EMIT openRequested(key, QStringLiteral("workbench")); });
        menu.addAction(tr("Handles of %1").arg(key), this,
                       [this, key] { Q_EMIT openRequested(key, QStringLiteral("handles")); });
        if (m_model->nodes()[size_t(i)].logPosition)
            menu.addAction(tr("Feed from %1").arg(key), this,
                           [this, key] { Q_EMIT openRequested(key, QStringLiteral("feed")); });
    }
    if (direct)
        menu.addAction(tr("Chart history"), this,
                       [this, key] { Q_EMIT chartRequested(key, false); });
    QMenu *roles = menu.addMenu(tr("Role"));
    for (const QString &r : {tr("tickerplant"), tr("chained tickerplant"), tr("rdb"),
                             tr("real-time engine"), tr("gateway"), tr("hdb"), tr("process")})
        roles->addAction(r, this, [this, key, r] { m_model->setRole(m_model->indexOf(key), r); });
    roles->addSeparator();
    roles->addAction(tr("Guess from what it answers"), this,
                     [this, key] { m_model->setRole(m_model->indexOf(key), QString()); });
    menu.exec(event->globalPosition().toPoint());
}

} // namespace qscope
