#include "tplog/tplogwriter.h"

#include "protocol/codec.h"
#include "tplog/tplogformat.h"
#include "tplog/tplogreader.h"

#include <QFileInfo>

#include <cstring>

namespace qscope::tplog {

std::unique_ptr<TpLogWriter> TpLogWriter::open(const QString &path, QString *error)
{
    std::unique_ptr<TpLogWriter> w(new TpLogWriter);
    w->m_file.setFileName(path);
    if (!QFileInfo::exists(path)) {
        // .[L;();:;()]: an empty general list.
        if (!w->m_file.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
            *error = QStringLiteral("%1: %2").arg(path, w->m_file.errorString());
            return nullptr;
        }
        const QByteArray h = emptyLogHeader();
        if (w->m_file.write(h) != h.size()) {
            *error = QStringLiteral("%1: %2").arg(path, w->m_file.errorString());
            return nullptr;
        }
        return w;
    }
    // i::j::-11!(-2;L); if[0<=type i; ... "is a corrupt log. Truncate to length ..."; exit 1]
    {
        TpLogReader r;
        if (!r.open(path, error)) return nullptr;
        const LogSummary s = r.verify();
        if (!s.isValid()) {
            *error = QStringLiteral("%1 is a corrupt log. Truncate to length %2 and restart")
                         .arg(path)
                         .arg(s.validLength);
            return nullptr;
        }
        w->m_count = s.chunks;
    }
    if (!w->m_file.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        *error = QStringLiteral("%1: %2").arg(path, w->m_file.errorString());
        return nullptr;
    }
    if (!w->m_file.seek(w->m_file.size())) {
        *error = QStringLiteral("%1: %2").arg(path, w->m_file.errorString());
        return nullptr;
    }
    return w;
}

bool TpLogWriter::writeCount(QString *error)
{
    // The count field is an int32 (tplogformat.h); past 2^31-1 items the documentation says
    // nothing: keep the largest count, the chunks themselves stay readable by scanning.
    const int64_t end = m_file.pos();
    const auto n = int32_t(std::min<int64_t>(m_count, INT32_MAX));
    char b[4];
    std::memcpy(b, &n, 4);
    if (!m_file.seek(kCountOffset) || m_file.write(b, 4) != 4 || !m_file.seek(end)) {
        *error = QStringLiteral("%1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    return true;
}

bool TpLogWriter::append(const Value &item, QString *error)
{
    return appendEncoded(encodePayload(item), 1, error);
}

bool TpLogWriter::appendEncoded(const QByteArray &items, int64_t n, QString *error)
{
    if (m_file.write(items) != items.size()) {
        *error = QStringLiteral("%1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_count += n;
    return writeCount(error);
}

} // namespace qscope::tplog
