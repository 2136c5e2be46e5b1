#pragma once
/// A parser for q's literal syntax: atoms and vectors of every type (with type suffixes, nulls,
/// infinities and temporals), strings, symbols, general lists, dicts, tables, keyed tables,
/// `enlist`, `flip`, casts of literals and empties, attributes and `::`.
///
/// It evaluates no q: `til 5` or `1+2` are errors, reported as data with the byte position in
/// the text where parsing stopped. Pure, any thread.

#include "value.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace qscope {

/// What went wrong ("unexpected ')'", "length: 2 keys but 3 values") and where: the byte offset
/// into the text (0-based). The message does not repeat the position; callers show it.
struct LiteralError
{
    QString message;
    int position = -1; ///< byte offset into the text, -1 if not applicable
};

struct LiteralResult
{
    Value value;
    std::optional<LiteralError> error;
    bool ok() const { return !error.has_value(); }
};

/// Parse q literal text (surrounding whitespace allowed) into a value.
LiteralResult parseLiteral(const QByteArray &text);

} // namespace qscope
