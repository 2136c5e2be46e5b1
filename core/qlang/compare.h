#pragma once
/// Comparison shared by other families (qSQL filters, within, bin).

#include "protocol/value.h"

namespace qscope::qlang::detail {

enum class CmpOp { Eq, Ne, Lt, Gt, Le, Ge };
/// x op y with atomic extension; boolean result.
Value compare(const Value &x, const Value &y, CmpOp op);
/// null of each element of an atom or vector (boolean atom/vector).
Value nullMask(const Value &v);

} // namespace qscope::qlang::detail
