#pragma once
/// A grid selection as ranges of view rows, never as one index per cell: a select-all over 10M
/// rows is one range, a shift-click from row 5 to row 9,000,000 another. Copy, statistics and the
/// chart's column pick read it. Built on the GUI thread from the QItemSelection (a few ranges);
/// the statistics walk may run on any thread.

#include "cellactions.h"
#include "rowview.h"

#include <QItemSelection>

#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

namespace qscope {

struct SelectionRanges
{
    /// Inclusive [first, last] view rows, ascending and disjoint.
    using Intervals = std::vector<std::pair<int64_t, int64_t>>;

    /// Every column some range covers, ascending.
    std::vector<int> columns;
    /// The rows some range covers (in any column), merged.
    Intervals rows;
    /// Per entry of `columns`: the rows selected in that column, merged (overlapping ranges
    /// count once).
    std::vector<Intervals> columnRows;

    static SelectionRanges of(const QItemSelection &selection);
    bool isEmpty() const { return columns.empty(); }
    /// Selected cells, each once.
    int64_t cellCount() const;
    /// Rows of `rows`, in total.
    int64_t rowCount() const;
    /// The source rows of `rows`, in view order.
    std::vector<int64_t> sourceRows(const RowView &view) const;
    /// Count, sum, avg, min, max of the selected cells (numbers read from the typed columns);
    /// When cancelled, what was summed so far (stats.cells < cellCount()).
    SelectionStats stats(const RowView &view, const std::atomic<bool> *cancel = nullptr) const;
};

} // namespace qscope
