#pragma once
/// The current view of a result: its grid shape and, once filtered or sorted, the permutation of
/// source rows in view order. ResultTableModel owns the one RowView of a result on screen, and
/// every reader goes through it: the grid, the Text view, the Chart, copy and export. So a
/// filter ("4,190 / 42,210 rows") holds in all of them, never in some only. Pure data; any thread.

#include "resultshape.h"

#include <memory>
#include <vector>

namespace qscope {

struct RowView
{
    std::shared_ptr<const ResultShape> shape;
    /// Source rows in view order; null = every row in source order (no filter, no sort).
    std::shared_ptr<const std::vector<uint32_t>> order;

    bool isReordered() const { return order != nullptr; }
    /// Rows in view.
    int64_t rowCount() const;
    /// The source row at a view position (0 .. rowCount()-1).
    int64_t sourceRow(int64_t position) const
    {
        return order ? int64_t((*order)[size_t(position)]) : position;
    }
    /// The shape of the rows in view (columns gathered in view order); the shape itself when
    /// nothing is filtered or sorted. At most `limit` rows (-1: all).
    std::shared_ptr<const ResultShape> shownShape(int64_t limit = -1) const;
    /// The rows in view as a value of the result's own kind (table, keyed table, dict, list;
    /// an atom as it is), at most `limit` rows (-1: all): what the Text view prints.
    Value shownValue(int64_t limit = -1) const;
};

/// Rows of a vector or general list, in the order given (attributes dropped). Any thread.
Value gatherRows(const Value &column, const std::vector<uint32_t> &rows);

} // namespace qscope
