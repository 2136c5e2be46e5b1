#pragma once
/// Wall-clock values as q's .z names give them: UTC and local timestamps in ns since 2000.01.01,
/// dates in days, times in ms. Any thread.

#include <cstdint>

namespace qscope::detail {

/// .z.p: UTC now, ns since 2000.01.01.
int64_t utcNanos();
/// Seconds the local zone is ahead of UTC now (for .z.P, .z.D, .z.T ...).
int64_t localOffsetSeconds();
/// .z.P: local now, ns since 2000.01.01.
inline int64_t localNanos()
{
    return utcNanos() + localOffsetSeconds() * 1000000000LL;
}

inline int32_t dateOf(int64_t nanos)
{
    const int64_t day = 86400000000000LL;
    return int32_t(nanos >= 0 ? nanos / day : (nanos - day + 1) / day);
}
inline int64_t timeOfDayNanos(int64_t nanos)
{
    const int64_t day = 86400000000000LL;
    const int64_t r = nanos % day;
    return r < 0 ? r + day : r;
}

} // namespace qscope::detail
