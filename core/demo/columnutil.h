#pragma once
/// The one column operation the tickerplant needs beyond the column toolkit
/// (protocol/columnops.h: gathering rows, vectors from atoms): the items of a column as values,
/// kept here so the demo server does not lean on the interpreter's internals.
/// Pure functions; any thread.

#include "protocol/columnops.h"
#include "protocol/value.h"

#include <vector>

namespace qscope::detail {

/// Items of a vector (as atoms) or of a general list.
std::vector<Value> columnItems(const Value &x);

} // namespace qscope::detail
