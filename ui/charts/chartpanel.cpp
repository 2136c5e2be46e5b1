#include "chartpanel.h"

#include "results/rowview.h"
#include "theme/theme.h"
#include "zoomchartview.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCandlestickSeries>
#include <QCandlestickSet>
#include <QCategoryAxis>
#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPen>
#include <QPushButton>
#include <QScatterSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>

namespace qscope {

namespace {

constexpr int kMaxBars = 200;
/// Category labels on a line or scatter x axis only up to this many rows (else "row").
constexpr int kMaxCategoryLabels = 60;
/// A column goes on a second y axis when sharing the first one's would leave either this
/// small a fraction of the height.
constexpr double kScaleRatio = 4.0;

/// Ten distinct colours (Tableau 10), readable on light and dark backgrounds.
QColor seriesColor(int i)
{
    static const QRgb colors[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                  0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};
    return QColor(colors[size_t(i) % std::size(colors)]);
}

QString columnName(const ResultShape &shape, int column)
{
    return QString::fromUtf8(shape.columns[size_t(column)].name);
}

} // namespace

double niceStep(double span, int ticks)
{
    if (!(span > 0) || !std::isfinite(span)) return 1;
    const double raw = span / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

void applyNiceRange(QValueAxis *axis, double lo, double hi)
{
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    const double pad = hi > lo ? (hi - lo) * 0.04 : std::max(std::fabs(hi) * 0.05, 1.0);
    double a = lo - pad, b = hi + pad;
    // zero-based only when the data is: never below zero for data that is not
    if (lo >= 0 && a < 0) a = 0;
    if (hi <= 0 && b > 0) b = 0;
    // ends on multiples of a round step (1, 2 or 5 times a power of ten), a tick on each
    const double step = niceStep(b - a, 5);
    const double from = std::floor(a / step) * step, to = std::ceil(b / step) * step;
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setRange(from, to);
    axis->setTickCount(int(std::lround((to - from) / step)) + 1);
    axis->setLabelFormat(QStringLiteral("%.10g"));
}

void followNiceTicks(QValueAxis *axis)
{
    // an x axis keeps the range it is zoomed to; its ticks sit on round values inside it
    const auto update = [axis](qreal min, qreal max) {
        axis->setTickAnchor(0);
        axis->setTickInterval(niceStep(max - min, 5));
    };
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setLabelFormat(QStringLiteral("%.10g"));
    QObject::connect(axis, &QValueAxis::rangeChanged, axis, update);
    update(axis->min(), axis->max());
}

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
    m_kindBox->addItem(tr("Candlestick"), int(Kind::Candlestick));
    m_xBox = new QComboBox(this);
    m_xBox->setToolTip(tr("x axis: any column (symbols and text as labelled categories)"));
    m_splitBox = new QComboBox(this);
    m_splitBox->setToolTip(tr("One series per value of a symbol column"));
    m_splitBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_yList = new QListWidget(this);
    m_yList->setToolTip(tr("y series"));
    m_yList->setMaximumWidth(180);
    m_note = new QLabel(this);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *reset = new QPushButton(tr("Reset zoom"), this);
    reset->setToolTip(
        tr("Both axes back to all the data. Wheel zooms x (y follows what is in view; "
           "Ctrl: both axes), drag pans, double-click resets"));
    auto *save = new QPushButton(tr("Save PNG\u2026"), this);
    save->setToolTip(tr("Save the chart as a PNG image"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Chart:"), this));
    controls->addWidget(m_kindBox);
    controls->addWidget(new QLabel(tr("x:"), this));
    controls->addWidget(m_xBox, 1);
    controls->addWidget(new QLabel(tr("per:"), this));
    controls->addWidget(m_splitBox);
    controls->addWidget(reset);
    controls->addWidget(save);
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
    connect(m_view, &ZoomChartView::viewChanged, this, [this](bool yMoved) {
        // zooming or panning x: y follows the points in view; moving y by hand keeps it
        if (yMoved) m_autoY = false;
        m_redecimate->start();
    });
    // Bucket counts follow the plot's pixel width: re-decimate when the plot is resized.
    connect(m_chart, &QChart::plotAreaChanged, m_redecimate, qOverload<>(&QTimer::start));
    connect(m_view, &ZoomChartView::resetRequested, this, &ChartPanel::resetZoom);
    connect(reset, &QPushButton::clicked, this, &ChartPanel::resetZoom);
    connect(save, &QPushButton::clicked, this, &ChartPanel::choosePng);
    connect(m_kindBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) setKind(Kind(m_kindBox->currentData().toInt()));
    });
    connect(m_xBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) setColumns(m_xBox->currentData().toInt(), m_y);
    });
    connect(m_splitBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating) setSplitColumn(m_splitBox->currentData().toInt());
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

ChartAxisData ChartPanel::axisData(int column, int group) const
{
    const ResultShape *shape = group >= 0 && group < int(m_groups.size())
                                   ? m_groups[size_t(group)].shape.get()
                                   : m_shape.get();
    ChartAxisData d;
    d.count = shape ? shape->rows : 0;
    // a category x (symbols, text) is placed by row; its labels come from the column
    if (shape && column >= 0 && shape->kind != ResultShape::Kind::Scalar &&
        isChartable(shape->columnType(column)))
        d.column = shape->columns[size_t(column)].data;
    return d;
}

bool ChartPanel::isCategoryX() const
{
    return m_shape && m_x >= 0 && !isChartable(m_shape->columnType(m_x));
}

void ChartPanel::setShape(std::shared_ptr<const ResultShape> shape,
                          const QList<int> &selectedColumns)
{
    m_shape = std::move(shape);
    QList<int> chartable;
    int firstTemporal = -1, firstKey = -1, temporalKey = -1;
    const bool grid = m_shape && m_shape->kind != ResultShape::Kind::Scalar;
    if (grid) {
        for (int c = 0; c < m_shape->columnCount(); ++c) {
            const int t = m_shape->columnType(c);
            const bool key =
                m_shape->kind == ResultShape::Kind::KeyedTable && m_shape->columns[size_t(c)].key;
            if (key && firstKey < 0) firstKey = c;
            if (!isChartable(t)) continue;
            chartable.append(c);
            if (firstTemporal < 0 && isTemporal(t)) firstTemporal = c;
            if (key && temporalKey < 0 && isTemporal(t)) temporalKey = c;
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
        else if (firstKey >= 0)
            x = temporalKey >= 0 ? temporalKey : firstKey;
        y = picked;
    } else {
        // a keyed table is charted over its key (`select max price by sym`: labelled by sym)
        x = temporalKey >= 0 ? temporalKey : (firstKey >= 0 ? firstKey : firstTemporal);
        for (int c : chartable) {
            const bool key = m_shape->columns[size_t(c)].key;
            if (isNumericType(m_shape->columnType(c)) && c != x && !key) y.append(c);
        }
    }
    m_x = x;
    m_y = y;
    // labelled categories read best as bars; open/high/low/close as candles
    m_kind = isCategoryX() && m_shape->rows <= kMaxBars ? Kind::Bar
             : ohlcColumns().size() == 4 && selectedColumns.isEmpty() && !isCategoryX()
                 ? Kind::Candlestick
                 : Kind::Line;
    pickDefaultSplit();
    makeGroups();
    syncControls();
    rebuild();
}

void ChartPanel::pickDefaultSplit()
{
    m_split = -1;
    if (!m_shape || m_shape->kind == ResultShape::Kind::Scalar || isCategoryX()) return;
    int best = -1;
    for (int c = 0; c < m_shape->columnCount(); ++c) {
        if (c == m_x || m_shape->columnType(c) != Symbol) continue;
        if (m_shape->columns[size_t(c)].name == "sym") {
            best = c;
            break;
        }
        if (best < 0) best = c;
    }
    if (best < 0) return;
    // only when it makes a few series of many points, not a series per row
    const Value &col = m_shape->columns[size_t(best)].data;
    std::vector<char> seen(col.symbolPool()->strings.size(), 0);
    int distinct = 0;
    for (int64_t r = 0; r < col.count() && distinct <= kMaxSplit; ++r) {
        char &s = seen[col.symIndex(r)];
        if (!s) {
            s = 1;
            ++distinct;
        }
    }
    if (distinct >= 2 && distinct <= kMaxSplit && m_shape->rows >= 2 * distinct) m_split = best;
}

bool ChartPanel::groupsOf(const std::shared_ptr<const ResultShape> &shape, int split,
                          std::vector<Group> &groups)
{
    groups.clear();
    if (!shape || split < 0 || split >= shape->columnCount() || shape->columnType(split) != Symbol)
        return false;
    const Value &col = shape->columns[size_t(split)].data;
    const auto &pool = col.symbolPool()->strings;
    std::map<QByteArray, std::vector<uint32_t>> rows; // by sym text: series in a stable order
    std::vector<std::vector<uint32_t> *> byIndex(pool.size(), nullptr);
    for (int64_t r = 0; r < col.count(); ++r) {
        const uint32_t i = col.symIndex(r);
        if (!byIndex[i]) byIndex[i] = &rows[pool[i]];
        byIndex[i]->push_back(uint32_t(r));
    }
    if (int(rows.size()) > kMaxSplit) return false;
    for (auto &[name, list] : rows) {
        RowView view{shape, std::make_shared<const std::vector<uint32_t>>(std::move(list))};
        groups.push_back({name, view.shownShape()});
    }
    return true;
}

void ChartPanel::makeGroups()
{
    if (!groupsOf(m_shape, m_split, m_groups)) m_split = -1;
}

ChartPanel::PreparedRows ChartPanel::prepareRows(const RowView &view, int split)
{
    PreparedRows out;
    out.shape = view.shownShape();
    out.split = split;
    out.grouped = groupsOf(out.shape, split, out.groups);
    return out;
}

void ChartPanel::setRows(std::shared_ptr<const ResultShape> shape)
{
    PreparedRows rows;
    rows.shape = std::move(shape);
    rows.split = -2; // groups not made: setRows makes them for the split then in force
    setRows(std::move(rows));
}

void ChartPanel::setRows(PreparedRows rows)
{
    const auto sameColumns = [](const ResultShape &a, const ResultShape &b) {
        if (a.kind != b.kind || a.columnCount() != b.columnCount()) return false;
        for (int c = 0; c < a.columnCount(); ++c)
            if (a.columnType(c) != b.columnType(c)) return false;
        return true;
    };
    if (!m_shape || !rows.shape || !sameColumns(*m_shape, *rows.shape)) {
        setShape(std::move(rows.shape));
        return;
    }
    m_shape = std::move(rows.shape);
    if (rows.split == m_split && m_split >= 0 && rows.grouped)
        m_groups = std::move(rows.groups);
    else
        makeGroups();
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
    if (m_split == m_x) {
        m_split = -1;
        makeGroups();
    }
    syncControls();
    rebuild();
}

void ChartPanel::setSplitColumn(int column)
{
    m_split = column;
    makeGroups();
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
    m_splitBox->clear();
    m_yList->clear();
    m_xBox->addItem(tr("row index"), -1);
    m_splitBox->addItem(tr("(one series)"), -1);
    if (m_shape && m_shape->kind != ResultShape::Kind::Scalar) {
        for (int c = 0; c < m_shape->columnCount(); ++c) {
            const int t = m_shape->columnType(c);
            const QString name = columnName(*m_shape, c);
            m_xBox->addItem(name, c); // any column can be x
            if (t == Symbol && c != m_x) m_splitBox->addItem(name, c);
            if (!isChartable(t)) continue;
            auto *item = new QListWidgetItem(name, m_yList);
            item->setData(Qt::UserRole, c);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(m_y.contains(c) ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_xBox->setCurrentIndex(std::max(0, m_xBox->findData(m_x)));
    m_splitBox->setCurrentIndex(std::max(0, m_splitBox->findData(m_split)));
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
    m_autoY = true;
    m_rightY.clear();
    if (!m_shape || (m_y.isEmpty() && m_kind != Kind::Candlestick)) {
        m_note->setText(m_shape ? tr("Pick a numeric column for y") : QString());
        return;
    }
    const ChartAxisData xd = axisData(m_x);
    const bool temporalX = m_x >= 0 && xd.isTemporal();
    m_shiftMs = temporalX ? -1000.0 * QDateTime::currentDateTime().offsetFromUtc() : 0.0;

    auto *yAxis = new QValueAxis;
    m_chart->addAxis(yAxis, Qt::AlignLeft);
    if (m_kind == Kind::Bar) {
        buildBars(yAxis);
        return;
    }
    if (m_kind == Kind::Candlestick) {
        buildCandles(yAxis);
        return;
    }

    // Very different scales get their own axis: a column whose values, drawn on the first
    // column's axis, would squeeze either into a quarter of it or less goes on the right.
    const auto [f0, f1] = Decimator::range(axisData(m_y.first()));
    for (int c : m_y.mid(1)) {
        const auto [c0, c1] = Decimator::range(axisData(c));
        if (!std::isfinite(f0) || !std::isfinite(c0)) continue;
        const auto span = [](double a, double b) {
            return std::max(b - a, std::max(std::fabs(a), std::fabs(b)) * 1e-3);
        };
        const double both = span(std::min(f0, c0), std::max(f1, c1));
        if (both > kScaleRatio * span(f0, f1) || both > kScaleRatio * span(c0, c1))
            m_rightY.append(c);
    }
    QValueAxis *rightAxis = nullptr;
    if (!m_rightY.isEmpty()) {
        rightAxis = new QValueAxis;
        m_chart->addAxis(rightAxis, Qt::AlignRight);
    }

    const auto [x0, x1] = Decimator::range(xd);
    m_fullX0 = std::isfinite(x0) ? x0 : 0;
    m_fullX1 = std::isfinite(x1) ? (x1 > x0 ? x1 : x0 + 1) : 1;
    m_sortedX = m_x < 0 || isCategoryX() || xd.nonDecreasing();
    if (m_split >= 0) {
        for (size_t g = 0; g < m_groups.size() && m_sortedX; ++g)
            m_sortedX = axisData(m_x, int(g)).nonDecreasing();
    }
    QAbstractAxis *xAxis = nullptr;
    if (temporalX) {
        auto *axis = new QDateTimeAxis;
        const int t = m_shape->columnType(m_x);
        const double span = m_fullX1 - m_fullX0;
        axis->setFormat(t == Date || t == Month ? QStringLiteral("yyyy.MM.dd")
                        : (t >= Timespan)       ? QStringLiteral("HH:mm:ss.zzz")
                        : span > 3 * 86400000.0 ? QStringLiteral("yyyy.MM.dd")
                                                : QStringLiteral("MM.dd HH:mm:ss"));
        axis->setTitleText(columnName(*m_shape, m_x));
        xAxis = axis;
    } else if (isCategoryX() && m_shape->rows <= kMaxCategoryLabels && m_split < 0) {
        // symbols or text as x: each row's label at its position
        auto *axis = new QCategoryAxis;
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        for (int64_t r = 0; r < m_shape->rows; ++r)
            axis->append(QString::fromUtf8(m_shape->cellText(m_x, r)) %
                             QString(int(r), QChar(0x200B)), // labels must be unique
                         double(r));
        axis->setTitleText(columnName(*m_shape, m_x));
        xAxis = axis;
    } else {
        auto *axis = new QValueAxis;
        axis->setTitleText(m_x >= 0 && !isCategoryX() ? columnName(*m_shape, m_x) : tr("row"));
        followNiceTicks(axis);
        xAxis = axis;
    }
    m_chart->addAxis(xAxis, Qt::AlignBottom);
    const int groups = m_split >= 0 ? int(m_groups.size()) : 1;
    for (int g = 0; g < groups; ++g) {
        for (int c : m_y) {
            QXYSeries *s = m_kind == Kind::Scatter ? static_cast<QXYSeries *>(new QScatterSeries)
                                                   : new QLineSeries;
            if (auto *sc = qobject_cast<QScatterSeries *>(s)) sc->setMarkerSize(5);
            QString name = columnName(*m_shape, c);
            if (m_split >= 0) {
                const QString sym = QString::fromUtf8(m_groups[size_t(g)].name);
                name = m_y.size() == 1 ? sym : name % QLatin1Char(' ') % sym;
            }
            if (m_rightY.contains(c)) name += tr(" (right)");
            s->setName(name);
            s->setProperty("qscopeColumn", c);
            s->setProperty("qscopeGroup", m_split >= 0 ? g : -1);
            m_chart->addSeries(s);
            // a colour per sym (per column when not split), a dash per column within a sym:
            // the theme's five colours would repeat within a few series
            const int k = int(m_y.indexOf(c));
            QPen pen = s->pen();
            pen.setColor(seriesColor(m_split >= 0 ? g : k));
            pen.setWidthF(1.5);
            if (m_split >= 0 && m_kind == Kind::Line)
                pen.setStyle(k == 0 ? Qt::SolidLine : k == 1 ? Qt::DashLine : Qt::DotLine);
            s->setPen(pen);
            if (m_kind == Kind::Scatter) s->setColor(pen.color());
            s->attachAxis(xAxis);
            s->attachAxis(m_rightY.contains(c) ? static_cast<QAbstractAxis *>(rightAxis) : yAxis);
        }
    }
    // full y ranges first (scatter decimates on them), refined to the points in redecimate
    const auto fullRange = [this](const QList<int> &columns) {
        double lo = INFINITY, hi = -INFINITY;
        for (int c : columns) {
            const auto [a, b] = Decimator::range(axisData(c));
            if (std::isfinite(a)) {
                lo = std::min(lo, a);
                hi = std::max(hi, b);
            }
        }
        return std::make_pair(lo, hi);
    };
    QList<int> left;
    for (int c : m_y)
        if (!m_rightY.contains(c)) left.append(c);
    const auto [l0, l1] = fullRange(left);
    applyNiceRange(yAxis, l0, l1);
    if (rightAxis) {
        const auto [r0, r1] = fullRange(m_rightY);
        applyNiceRange(rightAxis, r0, r1);
    }
    m_updating = true;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(xAxis))
        dt->setRange(QDateTime::fromMSecsSinceEpoch(qint64(m_fullX0 + m_shiftMs)),
                     QDateTime::fromMSecsSinceEpoch(qint64(std::ceil(m_fullX1 + m_shiftMs))));
    else if (auto *cat = qobject_cast<QCategoryAxis *>(xAxis))
        cat->setRange(m_fullX0 - 0.5, m_fullX1 + 0.5);
    else
        static_cast<QValueAxis *>(xAxis)->setRange(m_fullX0, m_fullX1);
    m_updating = false;
    redecimate();
}

void ChartPanel::buildBars(QValueAxis *yAxis)
{
    int64_t per = 1;
    auto *series = new QBarSeries;
    double lo = 0, hi = 0; // bars stand on zero
    for (int c : m_y) {
        auto *set = new QBarSet(columnName(*m_shape, c));
        const QList<double> means = Decimator::groupMeans(axisData(c), kMaxBars, &per);
        for (double v : means) {
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
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
    if (m_x >= 0) cats->setTitleText(columnName(*m_shape, m_x));
    m_chart->addSeries(series);
    m_chart->addAxis(cats, Qt::AlignBottom);
    series->attachAxis(cats);
    series->attachAxis(yAxis);
    applyNiceRange(yAxis, lo, hi);
    m_note->setText(
        per > 1 ? tr("%L1 rows: each bar is the mean of %L2 rows").arg(m_shape->rows).arg(per)
                : tr("%L1 rows").arg(m_shape->rows));
}

QList<int> ChartPanel::ohlcColumns() const
{
    if (!m_shape || m_shape->kind == ResultShape::Kind::Scalar) return {};
    QList<int> out;
    for (const char *name : {"open", "high", "low", "close"}) {
        for (int c = 0; c < m_shape->columnCount(); ++c) {
            if (m_shape->columns[size_t(c)].name.toLower() == name &&
                isNumericType(m_shape->columnType(c)) && m_shape->columnType(c) > 0) {
                out.append(c);
                break;
            }
        }
    }
    return out.size() == 4 ? out : QList<int>();
}

void ChartPanel::buildCandles(QValueAxis *yAxis)
{
    const QList<int> ohlc = ohlcColumns();
    if (ohlc.isEmpty()) {
        m_note->setText(tr("Candles need open, high, low and close columns"));
        return;
    }
    const ChartAxisData xd = axisData(m_x);
    const bool temporalX = m_x >= 0 && xd.isTemporal();
    const ChartAxisData o = axisData(ohlc[0]), h = axisData(ohlc[1]), l = axisData(ohlc[2]),
                        c = axisData(ohlc[3]);
    const int64_t n = m_shape->rows;
    const int64_t per = std::max<int64_t>(1, (n + kMaxCandles - 1) / kMaxCandles);
    auto *series = new QCandlestickSeries;
    series->setName(per > 1 ? tr("OHLC, %L1 rows a candle").arg(per) : tr("OHLC"));
    series->setIncreasingColor(QColor(0x2e, 0x7d, 0x32));
    series->setDecreasingColor(QColor(0xc6, 0x28, 0x28));
    double lo = INFINITY, hi = -INFINITY, x0 = INFINITY, x1 = -INFINITY;
    for (int64_t start = 0; start < n; start += per) {
        const int64_t end = std::min(n, start + per);
        double open = NAN, close = NAN, high = -INFINITY, low = INFINITY;
        for (int64_t r = start; r < end; ++r) {
            if (std::isnan(open)) open = o.at(r);
            if (!std::isnan(c.at(r))) close = c.at(r);
            if (std::isfinite(h.at(r))) high = std::max(high, h.at(r));
            if (std::isfinite(l.at(r))) low = std::min(low, l.at(r));
        }
        if (!std::isfinite(open) || !std::isfinite(close) || !std::isfinite(high) ||
            !std::isfinite(low))
            continue; // a run of nulls: no candle
        const double x = m_x >= 0 && !isCategoryX() ? xd.at(start) : double(start);
        series->append(new QCandlestickSet(open, high, low, close, x + m_shiftMs));
        lo = std::min(lo, low);
        hi = std::max(hi, high);
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
    }
    m_plotted = series->count();
    m_chart->addSeries(series);
    QAbstractAxis *xAxis = nullptr;
    if (temporalX) {
        auto *axis = new QDateTimeAxis;
        axis->setFormat(m_shape->columnType(m_x) == Date ? QStringLiteral("yyyy.MM.dd")
                                                         : QStringLiteral("MM.dd HH:mm"));
        axis->setTitleText(columnName(*m_shape, m_x));
        xAxis = axis;
    } else {
        auto *axis = new QValueAxis;
        axis->setTitleText(tr("row"));
        followNiceTicks(axis);
        xAxis = axis;
    }
    m_chart->addAxis(xAxis, Qt::AlignBottom);
    series->attachAxis(xAxis);
    series->attachAxis(yAxis);
    // half a candle of room at each end
    const double half = m_plotted > 1 ? (x1 - x0) / double(m_plotted - 1) / 2 : 1;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(xAxis))
        dt->setRange(QDateTime::fromMSecsSinceEpoch(qint64(x0 - half + m_shiftMs)),
                     QDateTime::fromMSecsSinceEpoch(qint64(x1 + half + m_shiftMs)));
    else if (std::isfinite(x0))
        static_cast<QValueAxis *>(xAxis)->setRange(x0 - half, x1 + half);
    applyNiceRange(yAxis, lo, hi);
    m_note->setText(per > 1 ? tr("%L1 rows, %L2 candles").arg(n).arg(m_plotted)
                            : tr("%L1 candles").arg(m_plotted));
}

void ChartPanel::redecimate()
{
    const auto axes = m_chart->axes(Qt::Horizontal);
    if (!m_shape || axes.isEmpty() || m_kind == Kind::Bar || m_kind == Kind::Candlestick) return;
    double x0 = 0, x1 = 1;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(axes.first())) {
        x0 = double(dt->min().toMSecsSinceEpoch()) - m_shiftMs;
        x1 = double(dt->max().toMSecsSinceEpoch()) - m_shiftMs;
    } else if (auto *v = qobject_cast<QValueAxis *>(axes.first())) {
        x0 = v->min();
        x1 = v->max();
    }
    const QRectF plot = m_chart->plotArea();
    const int w = std::max(100, int(plot.width()));
    const int h = std::max(100, int(plot.height()));
    m_plotted = 0;
    for (QAbstractSeries *s : m_chart->series()) {
        auto *xy = qobject_cast<QXYSeries *>(s);
        if (!xy) continue;
        const int group = xy->property("qscopeGroup").toInt();
        const ChartAxisData xd = axisData(m_x, group);
        const ChartAxisData yd = axisData(xy->property("qscopeColumn").toInt(), group);
        double y0 = 0, y1 = 1;
        if (auto *v = qobject_cast<QValueAxis *>(xy->attachedAxes().value(1))) {
            y0 = v->min();
            y1 = v->max();
        }
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
    if (m_autoY && m_kind == Kind::Line) fitY();
    m_note->setText(tr("%L1 rows, %L2 points drawn").arg(m_shape->rows).arg(m_plotted));
}

void ChartPanel::fitY()
{
    // min/max decimation keeps each pixel column's extremes, so the points drawn hold the y
    // range of the rows in view exactly (plus one neighbour each side)
    const auto axes = m_chart->axes(Qt::Vertical);
    for (QAbstractAxis *axis : axes) {
        auto *v = qobject_cast<QValueAxis *>(axis);
        if (!v) continue;
        const auto h = m_chart->axes(Qt::Horizontal);
        double x0 = -INFINITY, x1 = INFINITY;
        if (auto *dt = qobject_cast<QDateTimeAxis *>(h.value(0))) {
            x0 = double(dt->min().toMSecsSinceEpoch());
            x1 = double(dt->max().toMSecsSinceEpoch());
        } else if (auto *xv = qobject_cast<QValueAxis *>(h.value(0))) {
            x0 = xv->min();
            x1 = xv->max();
        } else if (auto *cat = qobject_cast<QCategoryAxis *>(h.value(0))) {
            x0 = cat->min();
            x1 = cat->max();
        }
        double lo = INFINITY, hi = -INFINITY;
        for (QAbstractSeries *s : m_chart->series()) {
            auto *xy = qobject_cast<QXYSeries *>(s);
            if (!xy || !xy->attachedAxes().contains(axis)) continue;
            for (const QPointF &p : xy->points()) {
                if (p.x() < x0 || p.x() > x1 || !std::isfinite(p.y())) continue;
                lo = std::min(lo, p.y());
                hi = std::max(hi, p.y());
            }
        }
        if (std::isfinite(lo)) applyNiceRange(v, lo, hi);
    }
}

void ChartPanel::zoomToFraction(double from, double to)
{
    const auto axes = m_chart->axes(Qt::Horizontal);
    if (axes.isEmpty() || m_kind == Kind::Bar || m_kind == Kind::Candlestick) return;
    const double span = m_fullX1 - m_fullX0;
    const double a = m_fullX0 + span * from, b = m_fullX0 + span * to;
    if (auto *dt = qobject_cast<QDateTimeAxis *>(axes.first()))
        dt->setRange(QDateTime::fromMSecsSinceEpoch(qint64(a + m_shiftMs)),
                     QDateTime::fromMSecsSinceEpoch(qint64(std::ceil(b + m_shiftMs))));
    else if (auto *cat = qobject_cast<QCategoryAxis *>(axes.first()))
        cat->setRange(a - 0.5, b + 0.5);
    else if (auto *v = qobject_cast<QValueAxis *>(axes.first()))
        v->setRange(a, b);
    m_autoY = true;
    redecimate();
}

void ChartPanel::resetZoom()
{
    if (m_kind == Kind::Bar || m_kind == Kind::Candlestick) {
        rebuild();
        return;
    }
    zoomToFraction(0, 1); // x to all the data, y refitted to it (fitY)
    if (m_kind == Kind::Scatter) rebuild();
}

bool ChartPanel::savePng(const QString &path, QString *error)
{
    const QPixmap image = m_view->grab();
    if (image.isNull() || !image.save(path, "PNG")) {
        if (error) *error = tr("Could not write %1").arg(path);
        return false;
    }
    return true;
}

void ChartPanel::choosePng()
{
    // not modal: the dialog is open while the app goes on
    auto *dialog = new QFileDialog(this, tr("Save chart as PNG"), QStringLiteral("chart.png"),
                                   tr("PNG images (*.png)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("png"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QString error;
        m_note->setText(savePng(path, &error) ? tr("Saved %1").arg(path) : error);
    });
    dialog->open();
}

} // namespace qscope
