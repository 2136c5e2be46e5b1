#include "tplog/tplogreplay.h"

#include "tplog/tplogformat.h"
#include "tplog/tplogreader.h"

#include <QFileInfo>

#include <cerrno>
#include <cstring>

namespace qscope::tplog {

Value streamingExecute(const QString &path, int64_t mode,
                       const std::function<Value(const Value &chunk)> &exec)
{
    if (mode < -2) return Value::error("domain");
    if (!QFileInfo(path).isFile())
        return Value::error(QStringLiteral("%1. OS reports: %2")
                                .arg(path, QString::fromLocal8Bit(std::strerror(ENOENT)))
                                .toUtf8());
    TpLogReader r;
    QString err;
    if (!r.open(path, &err)) return Value::error(err.toUtf8());
    if (mode == -2) {
        const LogSummary s = r.verify();
        if (!s.fileError.isEmpty()) return Value::error(s.fileError.toUtf8());
        if (s.isValid()) return Value::longAtom(s.chunks);
        return Value::fromVector(Long, std::vector<int64_t>{s.chunks, s.validLength});
    }
    Value failed;
    const LogSummary s = r.stream(mode, [&](const Value &chunk) {
        const Value v = exec(chunk);
        if (v.isError()) failed = v;
        return !v.isError();
    });
    if (failed.isError()) return failed;
    if (!s.fileError.isEmpty()) return Value::error(s.fileError.toUtf8());
    if (!s.headerOk || s.badOffset >= 0) return Value::error("badtail");
    return Value::longAtom(s.chunks);
}

} // namespace qscope::tplog
