#include "tplog/tplogreplay.h"

#include "protocol/codecdetail.h"
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
    // Shared: decoded values view the reader's mapping and keep it alive.
    auto r = std::make_shared<TpLogReader>();
    QString err;
    if (!r->open(path, &err)) return Value::error(err.toUtf8());
    if (mode == -2) {
        const LogSummary s = r->verify();
        if (s.isValid()) return Value::longAtom(s.chunks);
        return Value::fromVector(Long, std::vector<int64_t>{s.chunks, s.validLength});
    }
    const char *b = r->data();
    const int64_t end = r->size();
    int64_t count = 0;
    QString why;
    if (!parseHeader(b, end, &count, &why)) return Value::error("badtail");
    int64_t pos = kHeaderSize;
    int64_t done = 0;
    while (pos < end && (mode < 0 || done < mode)) {
        const int64_t next = skipObject(b, pos, end, nullptr, nullptr);
        if (next < 0) return Value::error("badtail");
        const Decoded d = detail::decodeRange(b, pos, next, true, r, DecodeLimits{});
        if (!d.ok()) return Value::error("badtail");
        const Value v = exec(d.value);
        if (v.isError()) return v;
        ++done;
        pos = next;
    }
    return Value::longAtom(done);
}

} // namespace qscope::tplog
