#pragma once
/// List primitives shared across families: grading (sorting indices), grouping,
/// membership.

#include "protocol/value.h"

#include <vector>

namespace qscope::qlang::detail {

/// Stable ascending (or descending) grade of a vector, list or table (rows,
/// column by column).
std::vector<int64_t> grade(const Value &x, bool desc);
/// Distinct-group of a vector/list: the first index of each group in order of
/// first appearance, and each element's group number.
void groupIndex(const Value &x, std::vector<int64_t> &firsts, std::vector<int64_t> &groupOf);
/// x in y: boolean per item of x.
Value inList(const Value &x, const Value &y);
/// The position of each item of y in x (count x if absent): x?y.
Value findIn(const Value &x, const Value &y);
/// Take n items (cyclic, negative from the end) of a list, table or dict.
Value takeN(int64_t n, const Value &y);
/// Position of key k in dict keys (a list, vector or key table); count if
/// absent.
int64_t dictFind(const Value &keys, const Value &k);
/// x[i] through the running interpreter (dicts, tables, lists).
Value index1Free(const Value &x, const Value &i);
/// x,y for tables and keyed tables (upsert semantics for keyed tables).
Value upsertRowsFree(const Value &x, const Value &y);

} // namespace qscope::qlang::detail
