#pragma once
/// Appends messages to a tickerplant log the way tick.q does (see tplogformat.h for the bytes):
/// a new file is created as `.[L;();:;()]` creates it, an existing one is first checked as
/// tick.q's .u.ld checks it (`-11!(-2;L)`: a corrupt log is refused with the length to truncate
/// to), then each append writes one item and rewrites the count in the header, as `l enlist x`
/// through a q file handle does.
///
/// Thread: one thread at a time (the demo's interpreter thread).

#include "protocol/value.h"

#include <QFile>
#include <QString>

#include <memory>

namespace qscope::tplog {

class TpLogWriter
{
public:
    /// Create path if missing, else verify it and append after its last chunk. nullptr and
    /// *error on failure (I/O, or tick.q's "... is a corrupt log. Truncate to length N and
    /// restart").
    static std::unique_ptr<TpLogWriter> open(const QString &path, QString *error);

    /// Append one item: what `l enlist item` writes (for tick.q, item is (`upd;t;x)).
    bool append(const Value &item, QString *error);
    /// Append bytes that already hold `n` serialized items (a bulk writer for benchmarks);
    /// the header's count is rewritten once.
    bool appendEncoded(const QByteArray &items, int64_t n, QString *error);

    /// Chunks in the file: .u.i when the tickerplant opened it, plus appends since.
    int64_t count() const { return m_count; }
    QString path() const { return m_file.fileName(); }

private:
    TpLogWriter() = default;
    bool writeCount(QString *error);

    QFile m_file;
    int64_t m_count = 0;
};

} // namespace qscope::tplog
