#pragma once
/// Client-side sort and filter of a result: a permutation of source rows, computed from the
/// typed columns without formatting where the type allows (symbols compare by a rank of their
/// pool, numbers as numbers). Pure functions: run them on a worker thread for large results.

#include "resultshape.h"

#include <QString>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace qscope {

/// One sort key: a column and a direction. q's order: nulls first ascending.
struct SortSpec
{
    int column = -1; ///< -1 = source order
    bool descending = false;
};

/// A parsed filter: either a substring over all columns, or a condition on one column
/// (`price>100`, `sym=AAPL`, `sym<>IBM`, `time>=09:30`, `name~abc` for contains).
struct RowFilter
{
    enum class Op { Contains, Eq, Ne, Lt, Le, Gt, Ge };
    Op op = Op::Contains;
    int column = -1;    ///< -1 = any column (substring)
    QByteArray operand; ///< the text to find or compare with
    double number = 0;  ///< operand as a number, for numeric columns
    bool numeric = false;

    bool isEmpty() const { return column < 0 && operand.isEmpty(); }
    /// Parses the filter box text against the shape's column names. A leading `col op` is a
    /// condition only if `col` names a column; otherwise the whole text is a substring.
    /// Errors (a bad number for a numeric column) come back in *error, with no filter applied.
    static RowFilter parse(const QString &text, const ResultShape &shape, QString *error);
};

/// How computeRowOrder sorts and filters. Typed: radix sort of the typed columns (gradeRows in
/// core/protocol/columnops.h) and filters run column by column over the typed data. Comparator:
/// the earlier std::sort with a per-row comparator and a per-row, per-column filter test; kept
/// so bench_grid can print both figures in one run (and as the reference the tests compare to).
enum class OrderEngine { Typed, Comparator };

/// Rows of the shape (source indexes) passing the filter, in the sort order; std::nullopt if
/// cancelled (the flag is polled every few thousand rows). Any thread; shape must outlive it.
std::optional<std::vector<uint32_t>> computeRowOrder(const ResultShape &shape, const SortSpec &sort,
                                                     const RowFilter &filter,
                                                     const std::atomic<bool> *cancel = nullptr,
                                                     OrderEngine engine = OrderEngine::Typed);

} // namespace qscope
