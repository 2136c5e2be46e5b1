#include "estatehistorychart.h"

#include "estatemodel.h"
#include "theme/theme.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace qscope {

EstateHistoryChart::EstateHistoryChart(EstateModel *model, QString key, bool edge, QWidget *parent)
    : QWidget(parent), m_model(model), m_key(std::move(key)), m_edge(edge)
{
    setWindowTitle(tr("History of %1").arg(m_key));
    m_empty = new QLabel(tr("No history yet: the first round has not been answered."), this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_empty);
    connect(m_model, &EstateModel::estateChanged, this, &EstateHistoryChart::refresh);
    refresh();
    resize(760, 800);
}

const EstateSeries *EstateHistoryChart::history() const
{
    return m_edge ? m_model->state().edgeHistory(m_key) : m_model->state().nodeHistory(m_key);
}

void EstateHistoryChart::build(const EstateSeries &h)
{
    const QChart::ChartTheme theme =
        Theme::current() == Theme::Dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    for (int s = 0; s < h.seriesCount(); ++s) {
        Chart c;
        c.chart = new QChart;
        c.chart->setTheme(theme);
        c.chart->setTitle(isBytes(h.names()[s]) ? tr("%1 (MB)").arg(h.names()[s]) : h.names()[s]);
        c.chart->legend()->hide();
        c.chart->setMargins(QMargins(2, 2, 2, 2));
        c.line = new QLineSeries;
        c.chart->addSeries(c.line);
        c.time = new QDateTimeAxis;
        c.time->setFormat(QStringLiteral("HH:mm:ss"));
        c.time->setTickCount(5);
        c.value = new QValueAxis;
        c.value->setLabelFormat(QStringLiteral("%.4g"));
        c.value->setTickCount(3);
        c.chart->addAxis(c.time, Qt::AlignBottom);
        c.chart->addAxis(c.value, Qt::AlignLeft);
        c.line->attachAxis(c.time);
        c.line->attachAxis(c.value);
        auto *view = new QChartView(c.chart, this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(140);
        layout()->addWidget(view);
        m_charts.push_back(c);
    }
}

void EstateHistoryChart::refresh()
{
    const EstateSeries *h = history();
    m_empty->setVisible(!h || h->size() == 0);
    if (!h || h->size() == 0) return;
    if (m_charts.empty()) build(*h);
    const qint64 first = h->timeAt(0), last = std::max(h->timeAt(h->size() - 1), first + 1000);
    for (int s = 0; s < int(m_charts.size()) && s < h->seriesCount(); ++s) {
        QList<QPointF> points;
        points.reserve(h->size());
        double top = 0;
        const double unit = isBytes(h->names()[s]) ? double(1 << 20) : 1.0;
        for (int i = 0; i < h->size(); ++i) {
            const double v = h->valueAt(s, i) / unit;
            top = std::max(top, v);
            points.append(QPointF(double(h->timeAt(i)), v));
        }
        Chart &c = m_charts[size_t(s)];
        c.line->replace(points); // one update for the whole series
        c.time->setRange(QDateTime::fromMSecsSinceEpoch(first),
                         QDateTime::fromMSecsSinceEpoch(last));
        c.value->setRange(0, top > 0 ? top * 1.1 : 1);
    }
}

int EstateHistoryChart::pointCount(int i) const
{
    return i >= 0 && i < int(m_charts.size()) ? int(m_charts[size_t(i)].line->count()) : 0;
}

bool EstateHistoryChart::isBytes(const QString &series)
{
    return series.startsWith(QLatin1String("memory")) || series.startsWith(QLatin1String("bytes"));
}

} // namespace qscope
