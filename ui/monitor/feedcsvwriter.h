#pragma once
/// Records a feed as CSV: a header line `table,<columns>` whenever the table or its columns
/// change, then one line per row with the table name first. Cells as the grid shows them; a cell
/// holding a comma, quote or newline is quoted with quotes doubled (RFC 4180).

#include "protocol/value.h"

#include <QFile>
#include <QString>

namespace qscope {

class FeedCsvWriter
{
public:
    // GUI thread -------------------------------------------------------------------------------
    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_file.isOpen(); }
    bool writeRows(const QByteArray &tableName, const Value &table, QString *error);
    /// A comment-like marker line: `#,end of day 2026.11.23`.
    bool writeMarker(const QString &text, QString *error);
    /// Flush and close, before returning: the file is complete when this returns. False (and
    /// error, if given) when the last bytes could not be written (a full disk).
    bool close(QString *error = nullptr);
    qint64 rows() const { return m_rows; }

private:
    QFile m_file;
    QByteArray m_lastHeader;
    qint64 m_rows = 0;
};

} // namespace qscope
