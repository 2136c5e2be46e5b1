#include "feedcsvwriter.h"
#include "filewrite.h"

#include "cellformat.h"

#include "protocol/csv.h"

namespace qscope {
bool FeedCsvWriter::open(const QString &path, QString *error)
{
    close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, m_file.errorString());
        return false;
    }
    m_lastHeader.clear();
    m_rows = 0;
    return true;
}

bool FeedCsvWriter::writeRows(const QByteArray &tableName, const Value &table, QString *error)
{
    if (!table.isTable()) return true;
    QByteArray out;
    QByteArray header = "table";
    const Value &names = table.columnNames();
    for (int64_t c = 0; c < names.count(); ++c) {
        header += ',';
        appendCsvField(header, names.symAt(c));
    }
    if (header + tableName != m_lastHeader) {
        out += header + '\n';
        m_lastHeader = header + tableName;
    }
    const auto &cols = table.columns().items();
    for (int64_t r = 0; r < table.count(); ++r) {
        appendCsvField(out, tableName);
        for (const Value &col : cols) {
            out += ',';
            appendCsvField(out, detail::cellText(col, r).toUtf8());
        }
        out += '\n';
    }
    if (m_file.write(out) != out.size()) {
        *error =
            QStringLiteral("writing %1 failed: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_rows += table.count();
    return true;
}

bool FeedCsvWriter::writeMarker(const QString &text, QString *error)
{
    QByteArray line = "#,";
    appendCsvField(line, text.toUtf8());
    line += '\n';
    if (m_file.write(line) != line.size()) {
        *error =
            QStringLiteral("writing %1 failed: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_lastHeader.clear();
    return true;
}

bool FeedCsvWriter::close(QString *error)
{
    return flushAndClose(m_file, error);
}

} // namespace qscope
