#include "sparkline.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace qscope {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(80, 20);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void Sparkline::addSample(double value)
{
    m_samples.push_back(value);
    while (int(m_samples.size()) > m_capacity)
        m_samples.pop_front();
    update();
}

void Sparkline::setSamples(const std::deque<double> &samples)
{
    m_samples = samples;
    while (int(m_samples.size()) > m_capacity)
        m_samples.pop_front();
    update();
}

void Sparkline::setCapacity(int samples)
{
    m_capacity = std::max(2, samples);
    while (int(m_samples.size()) > m_capacity)
        m_samples.pop_front();
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(1, 2, -1, -2);
    p.fillRect(rect(), palette().base());
    if (m_samples.size() < 2) return;
    const double top = std::max(1.0, *std::max_element(m_samples.begin(), m_samples.end()));
    const double dx = r.width() / double(m_capacity - 1);
    QPainterPath path;
    const double x0 = r.right() - dx * double(m_samples.size() - 1);
    for (size_t i = 0; i < m_samples.size(); ++i) {
        const QPointF pt(x0 + dx * double(i), r.bottom() - r.height() * (m_samples[i] / top));
        if (i == 0)
            path.moveTo(pt);
        else
            path.lineTo(pt);
    }
    QPainterPath fill = path;
    fill.lineTo(r.right(), r.bottom());
    fill.lineTo(x0, r.bottom());
    fill.closeSubpath();
    QColor c = palette().highlight().color();
    QColor f = c;
    f.setAlpha(60);
    p.fillPath(fill, f);
    p.setPen(QPen(c, 1.5));
    p.drawPath(path);
}

} // namespace qscope
