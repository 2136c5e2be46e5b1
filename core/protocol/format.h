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
    /// q's `\P`: significant digits of floats and reals (1..17; 0 = every digit).
    int precision = 7;
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

/// formatCell's text appended to `out`: a caller that formats many cells (a text filter over
/// millions of rows) reuses one buffer instead of allocating one a cell.
void appendCell(QByteArray &out, const Value &column, int64_t row);

/// A grid cell of a float or real vector at q's display precision `precision` (`\P`: 1..17
/// significant digits; 0 = every digit, the shortest text that reads back). Nulls and
/// infinities as formatCell; other columns give formatCell's text.
QByteArray formatCell(const Value &column, int64_t row, int precision);

/// A grid cell for an atom (or any other value: non-atoms fall back to formatOneLine).
QByteArray formatAtom(const Value &atom);

/// How text that leaves the app (exports, copies) spells values.
enum class TextMode {
    /// Every value reads back to the same value: floats and reals at the shortest text that
    /// reads back to the same bits (std::to_chars; at most 17 significant digits for a float).
    Exact,
    /// As q displays it: floats at q's default display precision (\P 7), the grid's text.
    Display,
};

/// q text that parses back (q, or parseLiteral) to the same value: the one-line form with
/// exact floats and reals, and symbols q's lexer would split (`a,b`, `x y`, quotes, backticks)
/// written as casts of their text: `$"a,b", `$("a,b";"x"). Used by "Copy as q".
QByteArray formatLiteral(const Value &v);

/// One field of a CSV or TSV export (unquoted; the writer quotes), after q's Prepare Text
/// (`csv 0: t`, https://code.kx.com/q/ref/file-text/#prepare-text): strings, symbols and chars
/// raw; booleans 0/1; bytes as two hex digits; nulls empty (q's `string` of a null); infinities
/// 0W -0W (0w -0w for reals and floats); temporals as q writes them with ISO 8601 dates
/// (2026-12-04, 2026-12-04D21:59:45.597835082, 2026-12, 2026-12-04T21:59:45.597) and q's clock
/// text for timespans, minutes, seconds and times. Other nested values: formatLiteral.
/// Exact: floats at the shortest round-trip text. Display: the grid's text (formatCell).
QByteArray formatField(const Value &column, int64_t row, TextMode mode);

/// JSON (RFC 8259, valid for every value), after .j.j (https://code.kx.com/q/ref/dotj/):
/// numbers for numeric types, true/false, strings for symbols, chars, guids and bytes, objects
/// for dicts, arrays of row objects for tables. Where .j.j writes no JSON, one spelling each:
///  - every typed null is `null` (dates and timestamps too); the null symbol is "";
///  - an infinity of a float, real or temporal is the string "Infinity" or "-Infinity" (what
///    JavaScript's Number() and Python's float() read); integer infinities are their numbers
///    (0W is 9223372036854775807), exact like every integer;
///  - Exact: temporals in ISO 8601 with all their digits (timestamps
///    "2026-12-04T21:59:45.597835082", dates "2026-12-04", months "2026-12", datetimes
///    "2026-12-04T21:59:45.597"), timespans, minutes, seconds and times as q's text
///    ("0D21:59:45.597835082", "21:59"); floats at the shortest round-trip text.
///  - Display: temporals as .j.j writes them (q's text with dashes in the date), floats at \P 7.
QByteArray formatJson(const Value &v, TextMode mode = TextMode::Exact);

} // namespace qscope
