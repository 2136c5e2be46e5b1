#pragma once
/// Internals shared by the format*.cpp files: q's text for one element of a typed vector.
///
/// An element is addressed by its vector type (1..19) and a pointer to its bytes inside the
/// vector buffer (possibly unaligned: read with memcpy). Symbols are passed as their text.

#include "value.h"

#include <QByteArray>

#include <cstdint>

namespace qscope::detail {

/// How nulls and infinities of an element are written.
enum class ElementStyle {
    Vector, ///< as inside a q vector: `0N`, `0W`, `0n`, `0w` (the vector adds its suffix)
    Cell,   ///< a grid cell: as Vector, but a null symbol is empty and chars are raw
};

/// The type letter q uses for a type (b g x h i j e f c s p m d z n u v t), 0 for others.
char typeChar(int type);
/// q's name of a vector type for empty vectors (`long$()): "boolean", "long", ...
const char *typeName(int type);

/// Appends element text (no type suffix) of a fixed-width element of vector type `type` at `p`.
/// Not for symbols (use the text) or chars in Vector style (strings are quoted as a whole).
/// `exact`: reals and floats at the shortest text that reads back to the same value, instead of
/// q's display precision.
void appendElement(QByteArray &out, int type, const char *p, ElementStyle style,
                   bool exact = false);
/// True when the element's text alone tells its type (`2001.01.01`, `1.5`, `0n`), so a vector
/// of it needs no suffix. `exact` as for appendElement: the text the caller writes.
bool elementShowsType(int type, const char *p, bool exact = false);

/// A temporal element's q text with its date in ISO 8601, the dots of the date as dashes
/// (2026.12.04D10:00:00.000000000 -> 2026-12-04D10:00:00.000000000, 2026.12 -> 2026-12): q's
/// csv text, and the base of the JSON form.
void appendDashedTemporal(QByteArray &out, int type, const char *p);

/// True for the typed null of a vector type (not for char or guid, whose nulls have text).
bool isNullElement(int type, const char *p);
/// The element as q's `string` gives it (what tables and dicts show): nulls are empty,
/// chars and symbols are raw, other elements as appendElement in Vector style.
void appendStringElement(QByteArray &out, int type, const char *p);

/// A float with q's default display precision (\P 7): %.7g with q's exponent form.
/// Precision kExactPrecision: the shortest text that reads back to the same double (at most 17
/// significant digits), as std::to_chars gives it.
inline constexpr int kExactPrecision = 0;
void appendFloat(QByteArray &out, double f, int precision = 7);
/// The precision display text (not exact text) uses for floats on this thread: 7 (q's \P
/// default) unless a ScopedDisplayPrecision is alive.
int displayPrecision();
/// q's `\P` for the formatting done on this thread while it lives (formatConsole sets it from
/// FormatOptions::precision). 0 = every digit (kExactPrecision).
class ScopedDisplayPrecision
{
public:
    explicit ScopedDisplayPrecision(int digits);
    ~ScopedDisplayPrecision();
    ScopedDisplayPrecision(const ScopedDisplayPrecision &) = delete;
    ScopedDisplayPrecision &operator=(const ScopedDisplayPrecision &) = delete;

private:
    int m_previous;
};
/// A real (float32) at the shortest text that reads back to the same real (at most 9 digits).
void appendRealExact(QByteArray &out, float f);
void appendInt(QByteArray &out, int64_t x);
/// Appends a q string literal body char: `"` `\` and non-printables escaped as q shows them.
void appendEscapedChar(QByteArray &out, unsigned char c);
void appendQuoted(QByteArray &out, const char *p, int64_t n);
void appendGuid(QByteArray &out, const unsigned char *g);

/// Temporal parts, shared with the literal parser: days since 2000.01.01 to y/m/d and back.
void civilFromDays(int64_t days, int64_t &y, unsigned &m, unsigned &d);
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);

/// Attribute prefix as q shows it: "`s#", "`u#", "`p#", "`g#" or "".
const char *attrPrefix(Attr a);

/// One-line text (-3!) appended to out. Used by the console and cell forms for nested items.
/// `limit` >= 0 lets the formatter stop early once out holds more than `limit` bytes (the text
/// is then cut by the caller); it never stops in the middle of a multi-byte escape.
/// `literal`: q text that parses back to the same value (formatLiteral): exact floats and reals,
/// and symbols q's lexer would split written as casts of strings.
void appendOneLine(QByteArray &out, const Value &v, int64_t limit = -1, bool literal = false);
/// The one-line form of a vector, with its attribute, `,` for one item and `type$() if empty.
void appendVectorLine(QByteArray &out, const Value &v, int64_t limit = -1, bool literal = false);
/// An atom as q shows it alone (with suffix, quotes, backtick).
void appendAtomLine(QByteArray &out, const Value &v, bool literal = false);
/// Text of a function value (lambda source, primitive glyph, projection, iterator form).
void appendFunction(QByteArray &out, const Value &v, bool literal = false);
/// True when `` `s `` reads back as the symbol s: q's lexer ends a symbol at any byte that is
/// not a letter, digit, `.` or `_` (so `a,b`, `x y`, `"` and backticks need `$"...").
bool isPlainSymbol(const QByteArray &s);

/// Generic read of an element's bytes from a fixed-width vector.
inline const char *elementPtr(const Value &v, int64_t i)
{
    return v.rawData() + size_t(i) * size_t(elementSize(v.type()));
}

/// Bytes of an atom's payload in the same layout as one vector element of type -atom.type().
/// Returns a pointer into `buf` (at least 16 bytes).
const char *atomBytes(const Value &atom, char *buf);

} // namespace qscope::detail
