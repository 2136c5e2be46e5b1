#include "demo/democlock.h"

#include "protocol/qtypes.h"

#include <QDateTime>

#include <chrono>

namespace qscope::detail {

int64_t utcNanos()
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const int64_t unixNs = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
    return unixNs - kEpochOffsetDays * kNanosPerDay;
}

int64_t localOffsetSeconds()
{
    return QDateTime::currentDateTime().offsetFromUtc();
}

} // namespace qscope::detail
