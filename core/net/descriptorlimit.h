#pragma once
/// The process's open-file limit. Each connection holds a socket, and while descriptors are
/// plentiful also a duplicate of it for the direct write lane (see ConnectionGuard), so 1,000
/// connections need about 1,500 descriptors (the lane is only set up while its descriptor
/// number is under half the soft limit, so sockets never starve for lanes). Linux's default soft
/// limit is 1,024; the hard limit is usually far higher.

#include <QString>

namespace qscope {

struct DescriptorLimit
{
    qint64 previous = -1; ///< the soft limit found (-1: unknown)
    qint64 current = -1;  ///< the soft limit now
    qint64 hard = -1;     ///< the ceiling an unprivileged process may raise it to
    /// Why it stays too low for 1,000 connections (under min(wanted, 4096)); empty otherwise.
    QString error;
    bool ok() const { return error.isEmpty(); }
};

/// Raise the soft RLIMIT_NOFILE towards `wanted` (at most the hard limit); never lowers it.
/// Call once at start, before sockets are opened. Any thread; idempotent.
DescriptorLimit raiseDescriptorLimit(qint64 wanted = 65536);

} // namespace qscope
