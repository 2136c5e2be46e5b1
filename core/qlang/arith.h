#pragma once
/// Arithmetic shared by other primitive families (aggregates, temporal code).

#include "protocol/value.h"

namespace qscope::qlang::detail {

enum class ArithOp { Add, Sub, Mul, Div, Min, Max };
/// x op y with q's type promotion and atomic extension.
Value arith(const Value &x, const Value &y, ArithOp op);

} // namespace qscope::qlang::detail
