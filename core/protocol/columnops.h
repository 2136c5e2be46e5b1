#pragma once
/// The typed-column toolkit: reading one element of a q vector as a number, and ordering the
/// rows of a column as q's iasc/idesc do, straight from the wire's typed storage. Shared by the
/// interpreter (iasc, asc), the result grid (sort, filter, selection statistics) and charts.
/// Pure functions over immutable values: any thread.

#include "value.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace qscope {

/// Element `row` of a numeric vector (b x h i j e f) as a double: nulls are NaN, integer
/// infinities (0W, -0W) are +-infinity. NaN for other types (temporals, symbols, lists).
double numericAt(const Value &column, int64_t row);

/// True if gradeRows can order this column: boolean, byte, char, short, int, long, real,
/// float, symbol and every temporal vector (not guids, lists or enumerations).
bool canRadixGrade(const Value &column);

/// The given source rows of a column, reordered into q's order: ascending puts nulls first
/// (a NaN float is a null; -0.0 equals 0.0), symbols by their text (bytewise, as q compares
/// them), and equal elements keep the order they came in (stable, as q's iasc and idesc).
/// Descending is the exact reverse of ascending's key order, nulls last, ties still in input
/// order. An LSD radix sort over order-preserving integer keys: O(n) passes over 11-bit digits,
/// only as many as the keys' spread needs. std::nullopt if the column cannot be radix-graded or
/// `cancel` was set (polled between passes).
std::optional<std::vector<uint32_t>> gradeRows(const Value &column, std::vector<uint32_t> rows,
                                               bool descending,
                                               const std::atomic<bool> *cancel = nullptr);

} // namespace qscope
