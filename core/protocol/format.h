#pragma once
/// q-exact text for values: the console form (`show`, .Q.s), the one-line form (-3!, .Q.s1),
/// grid cells and JSON (.j.j). Pure functions over immutable values: callable from any thread.
///
/// All text is UTF-8 bytes (q's own text is bytes: symbols and strings are shown as received).

#include "value.h"

#include <QByteArray>

#include <cstdint>

namespace qscope {

/// q's console size (`\c height width`): lines wider than `width` end in `..`, and output longer
/// than `height` lines is cut (tables and lists end with a `..` line).
struct FormatOptions
{
    int width = 80;
    int height = 25;
};

/// The text q's console prints for a value (also `show` and .Q.s), lines joined by '\n', with a
/// trailing '\n' after the last line as q prints it. The generic null `::` gives "".
QByteArray formatConsole(const Value &v, const FormatOptions &options = {});

/// The one-line form of -3! and .Q.s1: `1 2 3i`, "`a`b!1 2", `+`a`b!(1 2;3 4)`.
QByteArray formatOneLine(const Value &v);

/// One grid cell: element `row` of a vector, general list or table column, as q prints that
/// element, without type suffix or quoting noise: `1` for 1i, `a` for `a, `abc` for "abc",
/// `0N`/`0n` for nulls, empty for a null symbol. Nested items use the one-line form.
/// Fast path: no QString, no Value construction for fixed-width vectors. Any thread.
QByteArray formatCell(const Value &column, int64_t row);

/// A grid cell for an atom (or any other value: non-atoms fall back to formatOneLine).
QByteArray formatAtom(const Value &atom);

/// JSON as .j.j writes it: numbers, strings for symbols/chars/temporals, null for float nulls,
/// true/false, objects for dicts, arrays of objects for tables.
QByteArray formatJson(const Value &v);

} // namespace qscope
