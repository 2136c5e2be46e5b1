#pragma once
/// What the grid's cell menu and the status bar say about cells, as pure functions: a cell's q
/// literal, the q where-clause that selects rows equal to it, the filter-box text for it, and
/// statistics of a selection. Any thread.

#include "resultshape.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace qscope {

/// True when `name` can stand as a column in q code (`price`, `a.b`, `x_1`), not q's keywords.
bool isQName(const QByteArray &name);

/// The q where-clause that keeps rows whose column equals this cell, with q's literal syntax of
/// its type: `where sym=`AAPL`, `where size=100`, `where px=1.2345678901`, `where d=2026.12.04`,
/// `where name like "abc"` (strings compare with like; `~\:` when the text holds like's
/// wildcards), `where null price` for nulls. Empty if the column name is not a q name.
QByteArray whereClause(const ResultShape &shape, int column, int64_t row);

/// The filter box text that keeps rows equal to this cell: `sym=AAPL`, `price=1.2345678901`
/// (exact digits, not the grid's 7), `note="hello, world"`, `price=0n` for a null.
QString filterForCell(const ResultShape &shape, int column, int64_t row);

/// Count, sum, mean, min and max of the numeric cells of a selection. Nulls are counted as
/// cells but not in the numbers (as q's sum and avg skip them).
struct SelectionStats
{
    int64_t cells = 0;
    int64_t numbers = 0;
    double sum = 0;
    double min = 0;
    double max = 0;

    void add(double v);
    /// "count 3 · sum 6 · avg 2 · min 1 · max 3"; only the count when no cell is a number;
    /// empty for fewer than 2 cells (one cell says all there is to say in the grid).
    QString text() const;
};

} // namespace qscope
