#include "chartpanel.h"

#include "theme/theme.h"
#include "zoomchartview.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QScatterSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace qscope {

namespace {
constexpr int kMaxBars = 200;
} // namespace

ChartPanel::ChartPanel(QWidget *parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_view = new ZoomChartView(m_chart, this);

    m_kindBox = new QComboBox(this);
    m_kindBox->addItem(tr("Line"), int(Kind::Line));
    m_kindBox->addItem(tr("Bar"), int(Kind::Bar));
    m_kindBox->addItem(tr("Scatter"), int(Kind::Scatter));
    m_xBox = new QComboBox(this);
    m_xBox->setToolTip(tr("x axis"));
    m_yList = new QListWidget(this);
    m_yList->setToolTip(tr("y series"));
    m_yList->setMaximumWidth(180);
    m_note = new QLabel(this);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *reset = new QPushButton(tr("Reset zoom"), this);
    reset->setToolTip(tr("Wheel zooms x (Ctrl: both axes), drag pans, double-click resets"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Chart:"), this));
    controls->addWidget(m_kindBox);
    controls->addWidget(new QLabel(tr("x:"), this));
    controls->addWidget(m_xBox, 1);
    controls->addWidget(reset);
    controls->addWidget(m_note, 2);

    auto *side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("y:"), this));
    side->addWidget(m_yList, 1);
    auto *body = new QHBoxLayout;
    body->addLayout(side);
    body->addWidget(m_view, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(controls);
    layout->addLayout(body, 1);

    m_redecimate = new QTimer(this);
    m_redecimate->setSingleShot(true);
    m_redecimate->setInterval(15);
    connect(m_redecimate, &QTimer::timeout, this, &ChartPanel::redecimate);
    connect(m_view, &ZoomChartView::viewChanged, m_redecimate, qOverload<>(&QTimer::start));
    // Bucket counts follow the plot's pixel width: re-decimate when the plot is resized.
    connect(m_chart, &QChart::plotAreaChanged, m_redecimate, qOverload<>(&QTimer::start));
    connect(m_view, &ZoomChartView::resetRequested, this, [this] { zoomToFraction(0, 1); });
    connect(reset, &QPushButton::clicked, this, [this] { zoomToFraction(0, 1); });
    connect(m_kindBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) setKind(Kind(m_kindBox->currentData().toInt()));
    });
    connect(m_xBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) setColumns(m_xBox->currentData().toInt(), m_y);
    });
    connect(m_yList, &QListWidget::itemChanged, this, [this] {
        if (m_updating) return;
        QList<int> y;
        for (int i = 0; i < m_yList->count(); ++i) {
            if (m_yList->item(i)->checkState() == Qt::Checked)
                y.append(m_yList->item(i)->data(Qt::UserRole).toInt());
        }
        setColumns(m_x, y);
    });
}

ChartAxisData ChartPanel::axisData(int column) const
{
    ChartAxisData d;
    d.count = m_shape ? m_shape->rows : 0;
    if (m_shape && column >= 0 && m_shape->kind != ResultShape::Kind::Scalar)
        d.column = m_shape->columns[size_t(column)].data;
    return d;
}

void ChartPanel::setShape(std::shared_ptr<const ResultShape> shape,
                          const QList<int> &selectedColumns)
{
    m_shape = std::move(shape);
    QList<int> chartable;
    int firstTemporal = -1;
    if (m_shape && m_shape->kind != ResultShape::Kind::Scalar) {
        for (int c = 0; c < m_shape->columnCount(); ++c) {
            const int t = m_shape->columnType(c);
            if (!isChartable(t)) continue;
            chartable.append(c);
            if (firstTemporal < 0 && isTemporal(t)) firstTemporal = c;
        }
    }
    QList<int> picked;
    for (int c : selectedColumns) {
        if (chartable.contains(c)) picked.append(c);
    }
    int x = -1;
    QList<int> y;
    const bool pickedTemporal = std::any_of(picked.cbegin(), picked.cend(), [this](int c) {
        return isTemporal(m_shape->columnType(c));
    });
    if (!picked.isEmpty() && !pickedTemporal && firstTemporal >= 0) {
        // numbers picked from a time series (select price and size): plot them over time,
        // not one against the other (a line over unordered x is a scribble)
        x = firstTemporal;
        y = picked;
    } else if (!picked.isEmpty()) {
        if (picked.size() > 1 || isTemporal(m_shape->columnType(picked.first())))
            x = picked.takeFirst();
        y = picked;
    } else {
        x = firstTemporal;
        for (int c : chartable) {
            if (isNumericType(m_shape->columnType(c)) && c != x) y.append(c);
        }
    }
    m_x = x;
    m_y = y;
    syncControls();
    rebuild();
}

void ChartPanel::setRows(std::shared_ptr<const ResultShape> shape)
{
    const auto sameColumns = [](const ResultShape &a, const ResultShape &b) {
        if (a.kind != b.kind || a.columnCount() != b.columnCount()) return false;
        for (int c = 0; c < a.columnCount(); ++c)
            if (a.columnType(c) != b.columnType(c)) return false;
        return true;
    };
    if (!m_shape || !shape || !sameColumns(*m_shape, *shape)) {
        setShape(std::move(shape));
        return;
    }
    m_shape = std::move(shape);
    rebuild();
}

void ChartPanel::setKind(Kind kind)
{
    m_kind = kind;
    syncControls();
    rebuild();
}

void ChartPanel::setColumns(int x, const QList<int> &y)
{
    m_x = x;
    m_y = y;
    syncControls();
    rebuild();
}

int ChartPanel::seriesCount() const
{
    return int(m_chart->series().size());
}

void ChartPanel::syncControls()
{
    m_updating = true;
    m_kindBox->setCurrentIndex(m_kindBox->findData(int(m_kind)));
    m_xBox->clear();
    m_yList->clear();
    m_xBox->addItem(tr("row index"), -1);
    if (m_shape && m_shape->kind != ResultShape::Kind::Scalar) {
        for (int c = 0; c < m_shape->columnCount(); ++c) {
            const int t = m_shape->columnType(c);
            if (!isChartable(t)) continue;
            const QString name = QString::fromUtf8(m_shape->columns[size_t(c)].name);
            m_xBox->addItem(name, c);
            auto *item = new QListWidgetItem(name, m_yList);
            item->setData(Qt::UserRole, c);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(m_y.contains(c) ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_xBox->setCurrentIndex(std::max(0, m_xBox->findData(m_x)));
    m_updating = false;
}

void ChartPanel::rebuild()
{
    // the chart follows the app's theme (QChart paints its own background, not the palette's);
    // set before the series, as a theme change restyles them
    const QChart::ChartTheme theme =
        Theme::current() == Theme::Dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_chart->theme() != theme) m_chart->setTheme(theme);
    m_chart->removeAllSeries();
    for (QAbstractAxis *a : m_chart->axes()) {
        m_chart->removeAxis(a);
        delete a;
    }
    m_plotted = 0;
    if (!m_shape || m_y.isEmpty()) {
        m_note->setText(m_shape ? tr("Pick a numeric column for y") : QString());
        return;
    }
    const ChartAxisData xd = axisData(m_x);
    const bool temporalX = m_x >= 0 && xd.isTemporal();
    m_shiftMs = temporalX ? -1000.0 * QDateTime::currentDateTime().offsetFromUtc() : 0.0;

    auto *yAxis = new QValueAxis;
    double y0 = INFINITY, y1 = -INFINITY;
    for (int c : m_y) {
        const auto [lo, hi] = Decimator::range(axisData(c));
        if (std::isfinite(lo)) {
            y0 = std::min(y0, lo);
            y1 = std::max(y1, hi);
        }
    }
    if (!std::isfinite(y0)) {
        y0 = 0;
        y1 = 1;
    }
    const double pad = y1 > y0 ? (y1 - y0) * 0.05 : 1.0;
    m_chart->addAxis(yAxis, Qt::AlignLeft);

    if (m_kind == Kind::Bar) {
        int64_t per = 1;
        auto *series = new QBarSeries;
        for (int c : m_y) {
            auto *set = new QBarSet(QString::fromUtf8(m_shape->columns[size_t(c)].name));
            const QList<double> means = Decimator::groupMeans(axisData(c), kMaxBars, &per);
            set->append(means);
            m_plotted += means.size();
            series->append(set);
        }
        auto *cats = new QBarCategoryAxis;
        QStringList labels;
        for (int64_t start = 0; start < m_shape->rows; start += per)
            labels.append(m_x >= 0 ? QString::fromUtf8(m_shape->cellText(m_x, start))
                                   : QString::number(start));
        cats->append(labels);
        m_chart->addSeries(series);
        m_chart->addAxis(cats, Qt::AlignBottom);
        series->attachAxis(cats);
        series->attachAxis(yAxis);
        yAxis->setRange(std::min(0.0, y0 - pad), std::max(0.0, y1 + pad));
        m_note->setText(
            per > 1 ? tr("%L1 rows: each bar is the mean of %L2 rows").arg(m_shape->rows).arg(per)
                    : tr("%L1 rows").arg(m_shape->rows));
        return;
    }

    const auto [x0, x1] = Decimator::range(xd);
    m_fullX0 = std::isfinite(x0) ? x0 : 0;
    m_fullX1 = std::isfinite(x1) ? (x1 > x0 ? x1 : x0 + 1) : 1;
    m_sortedX = m_x < 0 || xd.nonDecreasing();
    QAbstractAxis *xAxis = nullptr;
    if (temporalX) {
        auto *axis = new QDateTimeAxis;
        const int t = m_shape->columnType(m_x);
        const double span = m_fullX1 - m_fullX0;
        axis->setFormat(t == Date || t == Month ? QStringLiteral("yyyy.MM.dd")
                        : (t >= Timespan)       ? QStringLiteral("HH:mm:ss.zzz")
                        : span > 3 * 86400000.0 ? QStringLiteral("yyyy.MM.dd")
                                                : QStringLiteral("MM.dd HH:mm:ss"));
        axis->setTitleText(QString::fromUtf8(m_shape->columns[size_t(m_x)].name));
        xAxis = axis;
    } else {
        auto *axis = new QValueAxis;
        axis->setTitleText(m_x >= 0 ? QString::fromUtf8(m_shape->columns[size_t(m_x)].name)
                                    : tr("row"));
        xAxis = axis;
    }
    m_chart->addAxis(xAxis, Qt::AlignBottom);
    for (int c : m_y) {
        QXYSeries *s = m_kind == Kind::Scatter ? static_cast<QXYSeries *>(new QScatterSeries)
                                               : new QLineSeries;
        if (auto *sc = qobject_cast<QScatterSeries *>(s)) sc->setMarkerSize(5);
        s->setName(QString::fromUtf8(m_shape->columns[size_t(c)].name));
        s->setProperty("qscopeColumn", c);
        m_chart->addSeries(s);
        s->attachAxis(xAxis);
        s->attachAxis(yAxis);
    }
    yAxis->setRange(y0 - pad, y1 + pad);
    m_updating = true;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(xAxis))
        dt->setRange(QDateTime::fromMSecsSinceEpoch(qint64(m_fullX0 + m_shiftMs)),
                     QDateTime::fromMSecsSinceEpoch(qint64(std::ceil(m_fullX1 + m_shiftMs))));
    else
        static_cast<QValueAxis *>(xAxis)->setRange(m_fullX0, m_fullX1);
    m_updating = false;
    redecimate();
}

void ChartPanel::redecimate()
{
    const auto axes = m_chart->axes(Qt::Horizontal);
    if (!m_shape || axes.isEmpty() || m_kind == Kind::Bar) return;
    double x0 = 0, x1 = 1;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(axes.first())) {
        x0 = double(dt->min().toMSecsSinceEpoch()) - m_shiftMs;
        x1 = double(dt->max().toMSecsSinceEpoch()) - m_shiftMs;
    } else if (auto *v = qobject_cast<QValueAxis *>(axes.first())) {
        x0 = v->min();
        x1 = v->max();
    }
    double y0 = 0, y1 = 1;
    if (auto *v = qobject_cast<QValueAxis *>(m_chart->axes(Qt::Vertical).value(0))) {
        y0 = v->min();
        y1 = v->max();
    }
    const QRectF plot = m_chart->plotArea();
    const int w = std::max(100, int(plot.width()));
    const int h = std::max(100, int(plot.height()));
    const ChartAxisData xd = axisData(m_x);
    m_plotted = 0;
    for (QAbstractSeries *s : m_chart->series()) {
        auto *xy = qobject_cast<QXYSeries *>(s);
        if (!xy) continue;
        const ChartAxisData yd = axisData(xy->property("qscopeColumn").toInt());
        QList<QPointF> pts = m_kind == Kind::Scatter
                                 ? Decimator::grid(xd, yd, x0, x1, y0, y1, w, h)
                                 : Decimator::minMax(xd, yd, x0, x1, w, m_sortedX);
        if (m_shiftMs != 0) {
            for (QPointF &p : pts)
                p.rx() += m_shiftMs;
        }
        m_plotted += pts.size();
        xy->replace(pts);
    }
    m_note->setText(tr("%L1 rows, %L2 points drawn").arg(m_shape->rows).arg(m_plotted));
}

void ChartPanel::zoomToFraction(double from, double to)
{
    const auto axes = m_chart->axes(Qt::Horizontal);
    if (axes.isEmpty() || m_kind == Kind::Bar) return;
    const double span = m_fullX1 - m_fullX0;
    const double a = m_fullX0 + span * from, b = m_fullX0 + span * to;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(axes.first()))
        dt->setRange(QDateTime::fromMSecsSinceEpoch(qint64(a + m_shiftMs)),
                     QDateTime::fromMSecsSinceEpoch(qint64(std::ceil(b + m_shiftMs))));
    else if (auto *v = qobject_cast<QValueAxis *>(axes.first()))
        v->setRange(a, b);
    redecimate();
}

} // namespace qscope
