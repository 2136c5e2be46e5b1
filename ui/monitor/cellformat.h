#pragma once
/// Text of one grid cell of a typed q column, for the monitor's models. Called from data() only, so
/// a view formats just the cells it paints. Text comes from core's formatCell / formatAtom.

#include "protocol/value.h"

#include <QString>

namespace qscope::detail {

/// One element of a vector or general list, as q's grid shows it (formatCell); empty out of range.
QString cellText(const Value &column, int64_t row);
/// An atom as a cell.
QString atomText(const Value &atom);
/// Element `row` of a numeric or temporal column as a double (for comparisons and aggregates).
/// false if the column is not numeric or the element is null.
bool cellNumber(const Value &column, int64_t row, double *out);
/// A numeric atom as a double; false if not numeric or null.
bool atomNumber(const Value &atom, double *out);

} // namespace qscope::detail
