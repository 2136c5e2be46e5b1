#pragma once
/// Closing a recording file so that a failed final write is reported, not dropped.

#include <QFile>
#include <QString>

namespace qscope {

/// Flushes then closes f. QFile::close() flushes too but drops a failure, so flush first to report
/// it in *error (when given) as "writing <file> failed: <reason>". True when everything was
/// written.
inline bool flushAndClose(QFile &f, QString *error)
{
    if (!f.isOpen()) return true;
    const bool ok = f.flush();
    if (!ok && error)
        *error = QStringLiteral("writing %1 failed: %2").arg(f.fileName(), f.errorString());
    f.close();
    return ok;
}

} // namespace qscope
