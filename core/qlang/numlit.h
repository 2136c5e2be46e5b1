#pragma once
/// q's numeric and temporal literal syntax: `42`, `1.5e`, `0x2a`, `101b`,
/// `0Nd`, `2001.01.01`, `12:30`, `0D05:00`, `2000.01.01D12:00`, `2001.01m` ...
/// Also used by the "T"$"text" parses.

#include "protocol/value.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace qscope::qlang::detail {

struct NumLit
{
    Value value;               // atom (or a vector for 0x.. / 101b forms)
    bool explicitType = false; // a suffix or shape fixed the type (not a plain 1 or 1.5)
};

std::optional<NumLit> parseNumber(const QByteArray &token);
/// Space-separated number tokens as one vector, q's typing rules (the last
/// suffix wins).
std::optional<Value> parseNumberVector(const std::vector<QByteArray> &tokens);
/// Parse text as an atom of base type bt ("I"$"12", "D"$"2001.01.01"); null of
/// bt if bad.
Value parseAs(int bt, const QByteArray &text);
/// Days since 2000.01.01 for a civil date, and back.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d);
/// Convert a numeric/temporal atom to base type bt with q's cast rules
/// (temporal scaling).
Value castAtom(int bt, const Value &a);

} // namespace qscope::qlang::detail
