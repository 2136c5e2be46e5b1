#pragma once
/// Casts of literal values, as q's `$`: `int$x, "p"$x (lowercase: convert), "G"$"..." and
/// "I"$"12" (uppercase: parse text, q's tok), `$"abc" (string to symbol). Internal to the
/// literal parser; pure functions, any thread.

#include "value.h"

#include <QString>

#include <optional>

namespace qscope::detail {

/// The target of a cast from its left operand: a type-name symbol (`int), a type char ("i",
/// or "I" for tok), or a short type number (6h). Sets `tok` for uppercase chars and for the
/// empty symbol (`$ makes symbols from strings). nullopt if it names no type.
std::optional<int> castTarget(const Value &left, bool *tok);

/// Apply the cast; an error message (q's word: "type", "length", ...) on failure.
std::optional<Value> castValue(int target, bool tok, const Value &x, QString *error);

/// Parse one atom of `type` from text the way q's tok ("T"$"...") does. nullopt if the text is
/// not a valid literal of that type (tok then gives a null).
std::optional<Value> parseAtomText(int type, const QByteArray &text);

/// A vector (or general list) from atoms: a typed vector when all items are atoms of one type,
/// else a general list. q builds `(1;2;3)` and `enlist[1;2]` this way.
Value collapse(std::vector<Value> items);

} // namespace qscope::detail
