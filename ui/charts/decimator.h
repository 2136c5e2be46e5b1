#pragma once
/// Reduces a series to what a plot of a given pixel width can show. Lines keep, per pixel column,
/// the first, lowest, highest and last point (min/max decimation), so spikes survive and a
/// million points draw as a few thousand. Scatter keeps one point per occupied pixel cell.
/// Reads the result's typed columns directly (no copy into doubles). Any thread.

#include "protocol/value.h"

#include <QList>
#include <QPointF>

#include <cstdint>

namespace qscope {

/// A numeric view of a column: x or y of a chart. A null column means the row index.
struct ChartAxisData
{
    Value column; ///< vector of a numeric or temporal type, or null (type 101) for the row index
    int64_t count = 0;

    /// The value at row i: numbers as is, temporals as milliseconds since 1970 (UTC), nulls NaN.
    double at(int64_t i) const;
    bool isTemporal() const;
    /// True if at() never decreases (checked once by the caller: binary search on visible x).
    bool nonDecreasing() const;
};

/// True when a column can be charted: numeric or temporal vector.
bool isChartable(int type);

class Decimator
{
public:
    /// Line decimation over x in [x0, x1] with `buckets` pixel columns. If sortedX, only the
    /// visible range (plus a neighbour each side so lines reach the edges) is scanned.
    static QList<QPointF> minMax(const ChartAxisData &x, const ChartAxisData &y, double x0,
                                 double x1, int buckets, bool sortedX);
    /// Scatter decimation: one point per cell of a w x h grid over the given ranges.
    static QList<QPointF> grid(const ChartAxisData &x, const ChartAxisData &y, double x0, double x1,
                               double y0, double y1, int w, int h);
    /// Bars: the mean of y over at most `bars` equal groups of consecutive rows.
    static QList<double> groupMeans(const ChartAxisData &y, int bars, int64_t *rowsPerBar);
    /// Finite min and max of a column's values (NaN, NaN if none).
    static std::pair<double, double> range(const ChartAxisData &d);
};

} // namespace qscope
