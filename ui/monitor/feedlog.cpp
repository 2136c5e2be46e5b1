#include "feedlog.h"
#include "filewrite.h"

#include "protocol/codec.h"

#include <QtEndian>

namespace qscope {

QByteArray feedLogMagic()
{
    return QByteArrayLiteral("QSFEED1\n");
}

bool FeedLogWriter::open(const QString &path, QString *error)
{
    close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, m_file.errorString());
        return false;
    }
    m_records = 0;
    if (m_file.write(feedLogMagic()) != feedLogMagic().size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, m_file.errorString());
        m_file.close();
        return false;
    }
    return true;
}

bool FeedLogWriter::write(const Value &message, QString *error)
{
    EncodeOptions o;
    o.type = MessageType::Async;
    const QByteArray bytes = encodeMessage(message, o);
    uchar len[4];
    qToLittleEndian<quint32>(quint32(bytes.size()), len);
    if (m_file.write(reinterpret_cast<const char *>(len), 4) != 4 ||
        m_file.write(bytes) != bytes.size()) {
        *error =
            QStringLiteral("writing %1 failed: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    ++m_records;
    return true;
}

bool FeedLogWriter::close(QString *error)
{
    return flushAndClose(m_file, error);
}

bool FeedLogReader::open(const QString &path, QString *error)
{
    m_file.setFileName(path);
    m_records = 0;
    m_error.clear();
    if (!m_file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, m_file.errorString());
        return false;
    }
    if (m_file.read(8) != feedLogMagic()) {
        *error = QStringLiteral("%1 is not a qscope feed log (no QSFEED1 header)").arg(path);
        m_file.close();
        return false;
    }
    return true;
}

bool FeedLogReader::atEnd() const
{
    return !m_file.isOpen() || m_file.atEnd();
}

std::optional<Value> FeedLogReader::next()
{
    if (!m_error.isEmpty() || !m_file.isOpen() || m_file.atEnd()) return std::nullopt;
    const qint64 at = m_file.pos();
    const QByteArray len = m_file.read(4);
    if (len.size() != 4) {
        m_error = QStringLiteral("record at byte %1: truncated length").arg(at);
        return std::nullopt;
    }
    const quint32 n = qFromLittleEndian<quint32>(len.constData());
    if (n < 8 || int64_t(n) > kMaxRecord || qint64(n) > m_file.size() - m_file.pos()) {
        m_error = QStringLiteral("record at byte %1: length %2 is impossible (%3 bytes left)")
                      .arg(at)
                      .arg(n)
                      .arg(m_file.size() - m_file.pos());
        return std::nullopt;
    }
    const QByteArray bytes = m_file.read(qint64(n));
    if (bytes.size() != qsizetype(n)) {
        m_error = QStringLiteral("record at byte %1: truncated").arg(at);
        return std::nullopt;
    }
    const Decoded d = decodeMessage(bytes);
    if (!d.ok()) {
        m_error = QStringLiteral("record at byte %1: %2 (payload offset %3)")
                      .arg(at)
                      .arg(d.error->message)
                      .arg(d.error->offset);
        return std::nullopt;
    }
    if (d.header.size != int64_t(n)) {
        m_error = QStringLiteral("record at byte %1: header says %2 bytes, prefix %3")
                      .arg(at)
                      .arg(d.header.size)
                      .arg(n);
        return std::nullopt;
    }
    ++m_records;
    return d.value;
}

} // namespace qscope
