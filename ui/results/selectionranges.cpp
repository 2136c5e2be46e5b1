#include "selectionranges.h"

#include "protocol/columnops.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace qscope {

namespace {

SelectionRanges::Intervals merged(SelectionRanges::Intervals v)
{
    std::sort(v.begin(), v.end());
    SelectionRanges::Intervals out;
    for (const auto &iv : v) {
        if (!out.empty() && iv.first <= out.back().second + 1)
            out.back().second = std::max(out.back().second, iv.second);
        else
            out.push_back(iv);
    }
    return out;
}

int64_t length(const SelectionRanges::Intervals &v)
{
    int64_t n = 0;
    for (const auto &[first, last] : v)
        n += last - first + 1;
    return n;
}

} // namespace

SelectionRanges SelectionRanges::of(const QItemSelection &selection)
{
    std::map<int, Intervals> byColumn;
    Intervals all;
    for (const QItemSelectionRange &r : selection) {
        if (!r.isValid()) continue;
        for (int c = r.left(); c <= r.right(); ++c)
            byColumn[c].emplace_back(r.top(), r.bottom());
        all.emplace_back(r.top(), r.bottom());
    }
    SelectionRanges s;
    for (auto &[column, rows] : byColumn) {
        s.columns.push_back(column);
        s.columnRows.push_back(merged(std::move(rows)));
    }
    s.rows = merged(std::move(all));
    return s;
}

int64_t SelectionRanges::cellCount() const
{
    int64_t n = 0;
    for (const Intervals &rows : columnRows)
        n += length(rows);
    return n;
}

int64_t SelectionRanges::rowCount() const
{
    return length(rows);
}

std::vector<int64_t> SelectionRanges::sourceRows(const RowView &view) const
{
    std::vector<int64_t> out;
    out.reserve(size_t(rowCount()));
    const int64_t n = view.rowCount();
    for (const auto &[first, last] : rows)
        for (int64_t r = first; r <= std::min(last, n - 1); ++r)
            out.push_back(view.sourceRow(r));
    return out;
}

SelectionStats SelectionRanges::stats(const RowView &view, const std::atomic<bool> *cancel) const
{
    SelectionStats stats;
    if (!view.shape || view.shape->kind == ResultShape::Kind::Scalar) return stats;
    const int64_t n = view.rowCount();
    for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] < 0 || columns[i] >= int(view.shape->columns.size())) continue;
        const Value &col = view.shape->columns[size_t(columns[i])].data;
        const bool numeric = isNumericType(col.type()) && col.type() > 0;
        for (const auto &[first, last] : columnRows[i]) {
            for (int64_t r = first; r <= std::min(last, n - 1); ++r) {
                if ((r & 0xffff) == 0 && cancel && cancel->load(std::memory_order_relaxed))
                    return stats;
                stats.add(numeric ? numericAt(col, view.sourceRow(r)) : NAN);
            }
        }
    }
    return stats;
}

} // namespace qscope
