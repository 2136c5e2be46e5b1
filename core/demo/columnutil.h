#pragma once
/// The few column operations the tickerplant needs, kept here so the demo server does not lean
/// on the interpreter's internals: list items, one-element vectors from atoms, collapsing a list
/// of uniform atoms into a vector, and gathering rows by index (symbol pools stay shared).
/// Pure functions; any thread.

#include "protocol/value.h"

#include <vector>

namespace qscope::detail {

/// Items of a vector (as atoms) or of a general list.
std::vector<Value> columnItems(const Value &x);
/// A one-element vector holding atom.
Value enlistedAtom(const Value &atom);
/// All atoms of one type: the vector of them; otherwise the general list unchanged.
Value collapseAtoms(const std::vector<Value> &items);
/// x[idx] for a vector or general list.
Value gatherRows(const Value &x, const std::vector<int64_t> &idx);

} // namespace qscope::detail
