#include "resulttablemodel.h"

#include "protocol/format.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QPromise>
#include <QSettings>
#include <QThreadPool>

#include <algorithm>
#include <set>

namespace qscope {

namespace {

constexpr int kDefaultPrecision = 7; // q's \P default
const QString kPrecisionKey = QStringLiteral("results/displayPrecision");

/// The live models, to repaint when the display precision changes (GUI thread only).
std::set<ResultTableModel *> &liveModels()
{
    static std::set<ResultTableModel *> models;
    return models;
}

int &cachedPrecision()
{
    // read once: data() asks for it for every float cell painted
    static int precision =
        std::clamp(QSettings().value(kPrecisionKey, kDefaultPrecision).toInt(), 0, 17);
    return precision;
}

} // namespace

ResultTableModel::ResultTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    liveModels().insert(this);
}

int ResultTableModel::displayPrecision()
{
    return cachedPrecision();
}

void ResultTableModel::setDisplayPrecision(int digits)
{
    digits = std::clamp(digits, 0, 17);
    if (digits == cachedPrecision()) return;
    cachedPrecision() = digits;
    QSettings().setValue(kPrecisionKey, digits);
    for (ResultTableModel *m : liveModels()) {
        const int rows = m->rowCount(), cols = m->columnCount();
        if (rows > 0 && cols > 0)
            Q_EMIT m->dataChanged(m->index(0, 0), m->index(rows - 1, cols - 1), {Qt::DisplayRole});
    }
}

ResultTableModel::~ResultTableModel()
{
    liveModels().erase(this);
    if (m_cancel) m_cancel->store(true);
}

void ResultTableModel::setValue(const Value &value)
{
    if (m_cancel) m_cancel->store(true);
    ++m_generation;
    beginResetModel();
    m_value = value;
    m_shape = std::make_shared<const ResultShape>(ResultShape::of(value));
    m_order.reset();
    m_sort = {};
    m_filter = {};
    endResetModel();
    if (m_busy) {
        m_busy = false;
        Q_EMIT busyChanged(false);
    }
}

int ResultTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_shape) return 0;
    return int(viewRowCount()); // at most INT32_MAX: the grid shows every row in view
}

int ResultTableModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_shape || m_shape->kind == ResultShape::Kind::Empty) return 0;
    return m_shape->columnCount();
}

int64_t ResultTableModel::viewRowCount() const
{
    if (!m_shape) return 0;
    if (m_order) return int64_t(m_order->size());
    return std::min<int64_t>(m_shape->rows, INT32_MAX);
}

int64_t ResultTableModel::sourceRowAt(int64_t position) const
{
    return m_order ? int64_t((*m_order)[size_t(position)]) : position;
}

std::vector<uint32_t> ResultTableModel::viewRows() const
{
    if (m_order) return *m_order;
    std::vector<uint32_t> rows(static_cast<size_t>(viewRowCount()));
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i] = uint32_t(i);
    return rows;
}

bool ResultTableModel::isNested(const QModelIndex &index) const
{
    if (!index.isValid() || !m_shape) return false;
    return m_shape->cellIsNested(index.column(), sourceRow(index.row()));
}

Value ResultTableModel::cellValue(const QModelIndex &index) const
{
    if (!index.isValid() || !m_shape) return Value();
    return m_shape->cellValue(index.column(), sourceRow(index.row()));
}

QVariant ResultTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_shape || index.row() >= rowCount() ||
        index.column() >= columnCount())
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole: {
        const int64_t row = sourceRow(index.row());
        const int precision = cachedPrecision();
        if (precision != kDefaultPrecision && m_shape->kind != ResultShape::Kind::Scalar)
            return QString::fromUtf8(
                formatCell(m_shape->columns[size_t(column)].data, row, precision));
        return QString::fromUtf8(m_shape->cellText(column, row));
    }
    case Qt::TextAlignmentRole: {
        const int type = m_shape->columnType(column);
        const bool right = isNumericType(type) && std::abs(type) != Boolean;
        return QVariant::fromValue(
            Qt::Alignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    }
    case Qt::BackgroundRole:
        if (isKeyColumn(column)) return QBrush(keyShade());
        return {};
    case Qt::ToolTipRole:
        if (m_shape->cellIsNested(column, sourceRow(index.row())))
            return tr("Nested value: double-click to open");
        return {};
    default:
        return {};
    }
}

QVariant ResultTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_shape) return {};
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < rowCount())
            return QString::number(sourceRow(section));
        return {};
    }
    if (section < 0 || section >= columnCount()) return {};
    const bool scalar = m_shape->kind == ResultShape::Kind::Scalar;
    const bool key = !scalar && m_shape->columns[size_t(section)].key;
    switch (role) {
    case Qt::DisplayRole: {
        QString name = scalar ? QStringLiteral("value")
                              : QString::fromUtf8(m_shape->columns[size_t(section)].name);
        if (m_sort.column == section)
            name += m_sort.descending ? QStringLiteral(" \u25BC") : QStringLiteral(" \u25B2");
        return name;
    }
    case Qt::ToolTipRole: {
        QString tip = qTypeDescription(m_shape->columnType(section));
        if (key) tip += tr("\nkey column");
        return tip;
    }
    case Qt::FontRole:
        if (key) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

bool ResultTableModel::isKeyColumn(int column) const
{
    return m_shape && m_shape->kind != ResultShape::Kind::Scalar && column >= 0 &&
           column < int(m_shape->columns.size()) && m_shape->columns[size_t(column)].key;
}

int ResultTableModel::keyColumnCount() const
{
    int n = 0;
    while (isKeyColumn(n))
        ++n;
    return n;
}

QColor ResultTableModel::keyShade()
{
    // a tint of the selection colour over the base: visible in light and dark themes alike
    // (AlternateBase is all but invisible in Fusion's light palette)
    const QPalette p = QGuiApplication::palette();
    const QColor base = p.color(QPalette::Base), tint = p.color(QPalette::Highlight);
    const auto mix = [](int a, int b) { return (a * 84 + b * 16) / 100; };
    return QColor(mix(base.red(), tint.red()), mix(base.green(), tint.green()),
                  mix(base.blue(), tint.blue()));
}

Qt::ItemFlags ResultTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

void ResultTableModel::sort(int column, Qt::SortOrder order)
{
    if (!m_shape || column >= columnCount()) return;
    // column -1: back to the result's own order (Qt's convention for sort())
    m_sort.column = std::max(column, -1);
    m_sort.descending = column >= 0 && order == Qt::DescendingOrder;
    recompute();
}

QString ResultTableModel::setFilterText(const QString &text)
{
    if (!m_shape) return {};
    QString error;
    RowFilter f = RowFilter::parse(text, *m_shape, &error);
    if (!error.isEmpty()) return error;
    m_filter = std::move(f);
    recompute();
    return {};
}

void ResultTableModel::recompute()
{
    if (m_cancel) m_cancel->store(true);
    const quint64 generation = ++m_generation;
    if (m_sort.column < 0 && m_filter.isEmpty()) {
        applyOrder(nullptr);
        return;
    }
    if (m_shape->rows <= kSyncRowLimit) {
        auto rows = computeRowOrder(*m_shape, m_sort, m_filter);
        applyOrder(std::make_shared<const std::vector<uint32_t>>(std::move(*rows)));
        return;
    }
    // Large: compute on the pool. The job holds the shape and filter by value; the watcher is a
    // child of the model, so its finished signal never outlives it, and a stale generation's
    // result is dropped.
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto promise = std::make_shared<QPromise<std::shared_ptr<const std::vector<uint32_t>>>>();
    auto *watcher = new QFutureWatcher<std::shared_ptr<const std::vector<uint32_t>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation || watcher->future().resultCount() == 0) return;
        auto order = watcher->future().result();
        if (order) applyOrder(std::move(order));
    });
    watcher->setFuture(promise->future());
    promise->start();
    if (!m_busy) {
        m_busy = true;
        Q_EMIT busyChanged(true);
    }
    QThreadPool::globalInstance()->start(
        [promise, shape = m_shape, sort = m_sort, filter = m_filter, cancel = m_cancel] {
            auto rows = computeRowOrder(*shape, sort, filter, cancel.get());
            if (rows)
                promise->addResult(std::make_shared<const std::vector<uint32_t>>(std::move(*rows)));
            promise->finish();
        });
}

void ResultTableModel::applyOrder(std::shared_ptr<const std::vector<uint32_t>> order)
{
    // A reset, not a layout change: on a layout change the vertical header walks all its
    // sections twice (measured: 10x the stall of a reset at 10M rows), and persistent indexes
    // (the selection) would need an inverse permutation as large as the result to remap.
    beginResetModel();
    m_order = std::move(order);
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, std::max(0, columnCount() - 1));
    if (m_busy) {
        m_busy = false;
        Q_EMIT busyChanged(false);
    }
}

} // namespace qscope
