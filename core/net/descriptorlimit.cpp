// raiseDescriptorLimit: the soft open-file limit, raised for many connections.

#include "descriptorlimit.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

namespace qscope {

DescriptorLimit raiseDescriptorLimit(qint64 wanted)
{
    DescriptorLimit out;
#if defined(Q_OS_UNIX)
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        out.error = QStringLiteral("cannot read the open-file limit: %1")
                        .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return out;
    }
    auto asNumber = [](rlim_t v) {
        return v == RLIM_INFINITY ? std::numeric_limits<qint64>::max() : qint64(v);
    };
    out.previous = out.current = asNumber(rl.rlim_cur);
    out.hard = asNumber(rl.rlim_max);
    if (out.current >= wanted) return out;
    // Not unlimited even when allowed: some code walks every possible descriptor.
    const qint64 target = std::min(wanted, out.hard);
    if (target > out.current) {
        rlimit raised = rl;
        raised.rlim_cur = rlim_t(target);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            out.current = target;
        } else {
            out.error = QStringLiteral("cannot raise the open-file limit from %1 to %2: %3")
                            .arg(out.current)
                            .arg(target)
                            .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return out;
        }
    }
    // Short of what was wanted is fine while 1,000 connections fit; below that, say so.
    constexpr qint64 kEnough = 4096;
    if (out.current < std::min(wanted, kEnough))
        out.error = QStringLiteral("the open-file limit is %1 (the hard limit); about %2 "
                                   "connections can be open at once")
                        .arg(out.current)
                        .arg(std::max<qint64>(1, (out.current - 64) * 2 / 3));
#else
    Q_UNUSED(wanted);
#endif
    return out;
}

} // namespace qscope
