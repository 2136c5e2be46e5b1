#pragma once
/// The typed-column toolkit: the element-wise operations every layer needs on q's columnar
/// vectors (read an element as a number, gather rows by index, match, hash, order, build a vector
/// from atoms, and grade a column in q's order with a radix sort). One place for each, so the
/// interpreter, the demo server, the grid, the charts and the monitor read q's types the same way.
///
/// Thread: any (pure functions over immutable values).

#include "protocol/value.h"

#include <QByteArrayView>

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace qscope {

/// Element i of a fixed-width vector (or the atom itself, i ignored) as a double, in the type's
/// raw units (days for a date, nanoseconds for a timestamp): integer nulls become NaN, float nulls
/// stay NaN; booleans, bytes and chars are never null. Not for symbols, guids or lists.
double elementAsDouble(const Value &v, int64_t i);

/// Element i (or the atom) as a wide integer: 2- and 4-byte nulls widen to the long null, floats
/// round to nearest (NaN to the long null). Not for symbols, guids or lists.
int64_t elementAsLong(const Value &v, int64_t i);

/// Element i (or the atom) widened to 64 bits exactly as stored (nulls keep their own bit
/// pattern, sign-extended; bytes, booleans and chars zero-extended). Integer payloads only.
int64_t elementRawInt(const Value &v, int64_t i);

/// The rows rows[0..n) of a vector or general list, in that order. A row outside [0, count) gives
/// the type's null in a typed vector (the empty symbol in a symbol vector) and the generic null
/// `::` in a general list, as q's indexing does. Anything else (an atom, a table) comes back as is.
/// A symbol vector keeps its pool: the result shares the strings.
Value gatherRows(const Value &column, const int64_t *rows, int64_t n);
Value gatherRows(const Value &column, const std::vector<int64_t> &rows);

/// q's match (`~`) of two values, attributes ignored.
bool valuesMatch(const Value &a, const Value &b);

/// Whether element i of x matches element j of y (floats: NaN matches NaN).
bool elementsMatch(const Value &x, int64_t i, const Value &y, int64_t j);

/// A hash of element i of x, for grouping and distinct: elements that match hash alike.
uint64_t elementHash(const Value &x, int64_t i);

/// q's order of elements a and b of one vector: negative, zero or positive. Nulls sort first
/// (NaN below every float), symbols by their text, guids by their bytes. General lists are not
/// ordered here (0): callers that sort them compare their text.
int compareElements(const Value &column, int64_t a, int64_t b);

/// The value under a symbol key of a dict (`d`name`), or the generic null when d is not a dict
/// with symbol keys or has no such key. The first matching key wins, as in q.
Value dictValue(const Value &d, QByteArrayView key);

/// Atoms of one type as a vector of that type (symbols share one new pool); anything else (empty,
/// mixed types, non-atoms) as a general list of the items.
Value vectorFromAtoms(const std::vector<Value> &items);

/// elementAsDouble restricted to numeric vectors (b x h i j e f), for statistics and filters:
/// nulls are NaN as there, but integer infinities (0W, -0W) are +-infinity rather than their raw
/// value. NaN for other types (temporals, symbols, lists) and rows out of range.
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
