#pragma once
/// q's cast rules for one atom and q's tok ("I"$"12"), used by $ and by the primitives that
/// convert (fill, the clock names). Numbers in text are read by the protocol's literal scanner.

#include "protocol/value.h"

#include <QByteArray>

namespace qscope::qlang::detail {

/// Convert a numeric/temporal atom to base type bt with q's cast rules (temporal scaling).
Value castAtom(int bt, const Value &a);
/// Parse text as an atom of base type bt ("I"$"12", "D"$"2001.01.01"); null of bt if bad.
Value parseAs(int bt, const QByteArray &text);

} // namespace qscope::qlang::detail
