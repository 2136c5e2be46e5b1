#pragma once
/// -11! (streaming execute) over a log file, as code.kx.com/q/basics/internal/#-11-streaming-
/// execute and code.kx.com/q/kb/replay-log/ describe it:
///   -11!x, -11!(-1;x)  evaluate every chunk; the number of chunks, or 'badtail if the end of the
///                      file is corrupt (chunks before it have been evaluated, as in q);
///   -11!(-2;x)         the number of chunks (a long) for a valid log; for a corrupt one the
///                      number of valid chunks and the length of the valid part (two longs);
///   -11!(n;x)          evaluate the first n chunks; the number evaluated.
/// An error from evaluating a chunk (e.g. 'upd when upd is undefined) is returned as is.
/// Where the pages are silent: a missing file gives q's file error text ("path. OS reports:
/// ..."), a file that is not a log at all counts as corrupt from byte 0, and n < -2 is 'domain.
///
/// Thread: the caller's (the demo's interpreter thread).

#include "protocol/value.h"

#include <QString>

#include <functional>

namespace qscope::tplog {

/// mode: -1 all, -2 count, n >= 0 the first n. exec evaluates one chunk (value or .z.ps).
Value streamingExecute(const QString &path, int64_t mode,
                       const std::function<Value(const Value &chunk)> &exec);

} // namespace qscope::tplog
