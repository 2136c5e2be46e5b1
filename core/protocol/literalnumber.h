#pragma once
/// Numbers and temporals of q's literal syntax: one token (`12`, `-1.5e`, `0Nd`, `2024.01m`,
/// `2024.01.02D10:00`, `12:30:00.000`) classified, then a run of juxtaposed tokens turned into
/// one atom or vector with q's typing rules. Shared by the literal parser and the q interpreter's
/// lexer (core/qlang), so both read numbers alike.

#include "value.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace qscope::detail {

struct NumberToken
{
    QByteArray text; ///< the token as written, sign included
    int position = 0;
};

/// Length of the number/temporal token starting at text[pos] (0 if none starts there).
int scanNumberToken(const QByteArray &text, int pos);

/// Juxtaposed tokens to an atom (one token) or a vector. On failure sets error and errorPos.
std::optional<Value> numbersToValue(const std::vector<NumberToken> &tokens, QString *error,
                                    int *errorPos);

/// One token as an atom of the given atom type (negative), for q's tok ("I"$"12").
std::optional<Value> numberAs(const QByteArray &text, int atomType);

/// Bytes (0x2a, 0x0102, 0x) and booleans (1b, 0101b): tokens that stand alone, never joining a
/// run of juxtaposed numbers.
bool isByteOrBooleanToken(const QByteArray &tok);
/// Such a token's value: an atom for one byte or boolean, else a vector; nullopt for a bad hex
/// digit.
std::optional<Value> byteOrBooleanValue(const QByteArray &tok);

} // namespace qscope::detail
