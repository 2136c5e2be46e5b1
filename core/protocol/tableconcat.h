#pragma once
/// Joins the tables of a feed into one table of typed columns.
///
/// A tickerplant may send one row per message. Kept as they came, N such rows cost N decoded
/// messages (the table, its column list and vectors, a symbol pool and the message buffer the
/// vectors view), about 2 KB a row. Joined, they cost N x the row width: a timespan, a symbol index
/// and two 8-byte numbers are 28 bytes. The engine joins each feed tick's updates on its network
/// thread (FeedBatch); the live view joins those ticks into its ring.
///
/// Threads: any thread (pure functions over immutable values).

#include "value.h"

#include <span>
#include <vector>

namespace qscope::detail {

/// Same column names in the same order, and per column the same type (a general list column
/// matches a general list column)? Only tables whose columns are vectors or general lists qualify.
bool sameLayout(const Value &a, const Value &b);

/// Rows [begin, end) of a table; end -1 = to its last row.
struct TableRows
{
    Value table;
    int64_t begin = 0;
    int64_t end = -1;
};

/// The rows of `parts` (tables of one layout, see sameLayout) in order, as one table whose columns
/// own their bytes (they view no message). Symbol columns get one pool of the distinct strings.
/// Attributes are dropped (`s#` need not hold across tables). A generic null when the layouts
/// differ or there is nothing to join.
Value concatRows(std::span<const TableRows> parts);
/// concatRows over whole tables.
Value concatTables(std::span<const Value> tables);

/// Should a table of `addRows` rows be joined onto one of `backRows` rows (a tail still growing)?
/// Bounded so that joining stays linear overall: the tail stays under kJoinRows rows and is never
/// copied for an addition 64 times smaller than itself.
constexpr int64_t kJoinRows = 8192;
constexpr bool shouldJoin(int64_t backRows, int64_t addRows)
{
    return backRows + addRows <= kJoinRows && backRows <= 64 * addRows;
}

/// `tables` with each run of consecutive same-layout tables joined into one (order kept); a run of
/// one table is kept as it is.
std::vector<Value> coalesceTables(std::vector<Value> tables);

} // namespace qscope::detail
