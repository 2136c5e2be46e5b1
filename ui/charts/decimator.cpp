#include "decimator.h"

#include "protocol/columnops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace qscope {

namespace {
constexpr double kMsPerDay = 86400000.0;
constexpr double kEpochMs = double(kEpochOffsetDays) * kMsPerDay;

/// Months since 2000.01 to the first day of that month, in ms since 1970.
double monthToMs(int64_t v)
{
    const int64_t y = 2000 + (v >= 0 ? v / 12 : -((11 - v) / 12));
    const int64_t m = v - (y - 2000) * 12 + 1;
    // days from civil (Howard Hinnant), relative to 1970
    const int64_t yy = m <= 2 ? y - 1 : y;
    const int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    const int64_t yoe = yy - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return double(era * 146097 + doe - 719468) * kMsPerDay;
}
} // namespace

bool isChartable(int type)
{
    switch (type) {
    case Boolean:
    case Byte:
    case Short:
    case Int:
    case Long:
    case Real:
    case Float:
    case Timestamp:
    case Month:
    case Date:
    case Datetime:
    case Timespan:
    case Minute:
    case Second:
    case Time:
        return true;
    default:
        return false;
    }
}

bool ChartAxisData::isTemporal() const
{
    return qscope::isTemporal(column.type());
}

double ChartAxisData::at(int64_t i) const
{
    if (!isChartable(column.type())) return double(i); // the row index
    // the element in its raw units (nulls NaN), then temporals scaled to ms since 1970
    const double v = elementAsDouble(column, i);
    switch (column.type()) {
    case Timestamp:
        return kEpochMs + v / 1e6;
    case Timespan:
        return v / 1e6;
    case Date:
    case Datetime:
        return kEpochMs + v * kMsPerDay;
    case Month:
        return std::isnan(v) ? v : monthToMs(int64_t(v));
    case Minute:
        return v * 60000.0;
    case Second:
        return v * 1000.0;
    default: // numbers as they are; time is already ms
        return v;
    }
}

bool ChartAxisData::nonDecreasing() const
{
    double prev = -std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < count; ++i) {
        const double v = at(i);
        if (std::isnan(v)) continue;
        if (v < prev) return false;
        prev = v;
    }
    return true;
}

std::pair<double, double> Decimator::range(const ChartAxisData &d)
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (int64_t i = 0; i < d.count; ++i) {
        const double v = d.at(i);
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    if (lo > hi) return {std::nan(""), std::nan("")};
    return {lo, hi};
}

QList<QPointF> Decimator::minMax(const ChartAxisData &x, const ChartAxisData &y, double x0,
                                 double x1, int buckets, bool sortedX)
{
    QList<QPointF> out;
    const int64_t n = std::min(x.count, y.count);
    if (n <= 0 || buckets <= 0 || !(x1 > x0)) return out;
    int64_t first = 0, last = n;
    if (sortedX) {
        // Binary search over a non-decreasing x (NaNs were skipped by the check; treat them as
        // belonging to their neighbours by probing forward).
        auto lowerBound = [&](double v) {
            int64_t lo = 0, hi = n;
            while (lo < hi) {
                const int64_t mid = lo + (hi - lo) / 2;
                double m = x.at(mid);
                int64_t probe = mid;
                while (std::isnan(m) && probe + 1 < hi)
                    m = x.at(++probe);
                if (!std::isnan(m) && m < v)
                    lo = probe + 1;
                else
                    hi = mid;
            }
            return lo;
        };
        first = std::max<int64_t>(0, lowerBound(x0) - 1);
        last = std::min<int64_t>(n, lowerBound(x1) + 1);
    }
    if (sortedX && last - first <= int64_t(buckets) * 4) {
        for (int64_t i = first; i < last; ++i) {
            const double xv = x.at(i), yv = y.at(i);
            if (std::isfinite(xv) && std::isfinite(yv)) out.append(QPointF(xv, yv));
        }
        return out;
    }
    struct Bucket
    {
        int64_t first = -1, min = -1, max = -1, last = -1;
        double minY = 0, maxY = 0;
    };
    std::vector<Bucket> b(static_cast<size_t>(buckets));
    const double scale = buckets / (x1 - x0);
    for (int64_t i = first; i < last; ++i) {
        const double xv = x.at(i), yv = y.at(i);
        if (!std::isfinite(xv) || !std::isfinite(yv)) continue;
        // points just outside the window go to the edge buckets so the line leaves the view
        const int k = std::clamp(int((xv - x0) * scale), 0, buckets - 1);
        Bucket &bk = b[size_t(k)];
        if (bk.first < 0) {
            bk = {i, i, i, i, yv, yv};
            continue;
        }
        bk.last = i;
        if (yv < bk.minY) {
            bk.minY = yv;
            bk.min = i;
        }
        if (yv > bk.maxY) {
            bk.maxY = yv;
            bk.max = i;
        }
    }
    for (const Bucket &bk : b) {
        if (bk.first < 0) continue;
        int64_t idx[4] = {bk.first, bk.min, bk.max, bk.last};
        std::sort(idx, idx + 4);
        for (int j = 0; j < 4; ++j) {
            if (j && idx[j] == idx[j - 1]) continue;
            out.append(QPointF(x.at(idx[j]), y.at(idx[j])));
        }
    }
    if (!sortedX) {
        std::stable_sort(out.begin(), out.end(),
                         [](const QPointF &a, const QPointF &c) { return a.x() < c.x(); });
    }
    return out;
}

QList<QPointF> Decimator::grid(const ChartAxisData &x, const ChartAxisData &y, double x0, double x1,
                               double y0, double y1, int w, int h)
{
    QList<QPointF> out;
    const int64_t n = std::min(x.count, y.count);
    if (n <= 0 || w <= 0 || h <= 0 || !(x1 > x0) || !(y1 >= y0)) return out;
    std::vector<bool> seen(size_t(w) * size_t(h), false);
    const double sx = w / (x1 - x0);
    const double sy = y1 > y0 ? h / (y1 - y0) : 0;
    for (int64_t i = 0; i < n; ++i) {
        const double xv = x.at(i), yv = y.at(i);
        if (!std::isfinite(xv) || !std::isfinite(yv) || xv < x0 || xv > x1 || yv < y0 || yv > y1)
            continue;
        const int cx = std::min(w - 1, int((xv - x0) * sx));
        const int cy = std::min(h - 1, int((yv - y0) * sy));
        const size_t cell = size_t(cy) * size_t(w) + size_t(cx);
        if (!seen[cell]) {
            seen[cell] = true;
            out.append(QPointF(xv, yv));
        }
    }
    return out;
}

QList<double> Decimator::groupMeans(const ChartAxisData &y, int bars, int64_t *rowsPerBar)
{
    QList<double> out;
    const int64_t n = y.count;
    if (n <= 0 || bars <= 0) return out;
    const int64_t per = std::max<int64_t>(1, (n + bars - 1) / bars);
    if (rowsPerBar) *rowsPerBar = per;
    for (int64_t start = 0; start < n; start += per) {
        double sum = 0;
        int64_t k = 0;
        for (int64_t i = start; i < std::min(n, start + per); ++i) {
            const double v = y.at(i);
            if (std::isfinite(v)) {
                sum += v;
                ++k;
            }
        }
        out.append(k ? sum / double(k) : 0.0);
    }
    return out;
}

} // namespace qscope
