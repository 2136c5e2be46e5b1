#pragma once
/// The replayable binary feed log.
///
/// Layout: the 8-byte magic "QSFEED1\n", then records, each a uint32 little-endian length followed
/// by that many bytes of one whole kdb+ IPC message (8-byte header + payload, as on the wire):
/// async (`upd;`table;data) for rows and (`.u.end;date) for end of day. The length prefix repeats
/// the header's size so a reader can skip a record it cannot decode.

#include "protocol/value.h"

#include <QFile>
#include <QString>

#include <optional>

namespace qscope {

class FeedLogWriter
{
public:
    // GUI thread (the feed pane's) -------------------------------------------------------------
    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_file.isOpen(); }
    /// Append one message (encoded as an async IPC message). False and error on a write failure.
    bool write(const Value &message, QString *error);
    /// Flush and close, before returning: the file is complete when this returns. False (and
    /// error, if given) when the last bytes could not be written (a full disk).
    bool close(QString *error = nullptr);
    qint64 records() const { return m_records; }

private:
    QFile m_file;
    qint64 m_records = 0;
};

class FeedLogReader
{
public:
    static constexpr int64_t kMaxRecord = int64_t(1) << 30;

    bool open(const QString &path, QString *error);
    /// The next decoded message; nullopt at the end or on an error (then error() is set, with the
    /// file offset). A record that does not decode is an error: replay stops there.
    std::optional<Value> next();
    const QString &error() const { return m_error; }
    bool atEnd() const;
    qint64 records() const { return m_records; }
    qint64 position() const { return m_file.pos(); }
    qint64 size() const { return m_file.size(); }

private:
    QFile m_file;
    QString m_error;
    qint64 m_records = 0;
};

/// The magic bytes that open a feed log.
QByteArray feedLogMagic();

} // namespace qscope
