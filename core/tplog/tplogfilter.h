#pragma once
/// Which messages and rows of a log to show, export or replay: by table, by sym, by time range.
///
/// tick.q logs x as it arrived (a list of columns or of one row's atoms, time first), without
/// column names; there the time column is the first column when it is a timespan or timestamp
/// and the sym column is the first column of symbols (tick.q requires `time`sym` to lead every
/// table: "if[not min(`time`sym~2#key flip value@)each t;'timesym]"). For a table x, the columns
/// named time and sym are used.
///
/// Thread: a value type; any thread.

#include "protocol/value.h"
#include "tplog/tplogreader.h"

#include <QList>
#include <QString>

#include <optional>

namespace qscope::tplog {

struct MessageFilter
{
    QByteArray table;                ///< empty = all
    QList<QByteArray> syms;          ///< empty = all
    std::optional<int64_t> from, to; ///< time of day in ns, inclusive

    bool isEmpty() const { return table.isEmpty() && syms.isEmpty() && !from && !to; }
    bool filtersRows() const { return !syms.isEmpty() || from || to; }
    /// From the index alone: false when chunk c cannot match (other table; a time range with
    /// the chunk's first time after `to`).
    bool mayMatch(const TpLogReader &reader, const ChunkInfo &c) const;
    /// The message with only the matching rows of x; a null Value (generic null) when none
    /// match. Messages not of the (f;`t;x) shape pass unchanged when no row filter is set.
    Value apply(const Value &message) const;

    /// "10:31", "10:31:05", "10:31:05.250", "0D10:31:05.250000000" -> ns; nullopt if not a time.
    static std::optional<int64_t> parseTime(const QString &text);
};

} // namespace qscope::tplog
