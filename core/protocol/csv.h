#pragma once
/// Reading and writing CSV text as RFC 4180 defines it, for the files people bring in (server lists
/// exported from a spreadsheet): fields split on a delimiter; a field in double quotes may hold the
/// delimiter, line breaks and `""` for one quote. Lenient where spreadsheets are: a bare LF ends a
/// record as CRLF does, a UTF-8 byte-order mark is skipped, spaces around a quoted field are
/// dropped, a quote inside an unquoted field is kept as text.
///
/// Thread: any (pure functions).

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

namespace qscope {

struct CsvTable
{
    QList<QStringList> records; ///< blank lines are left out
    QString error;              ///< an unterminated quoted field: where it starts (1-based line)
    bool ok() const { return error.isEmpty(); }
};

/// Splits text into records of fields. On an unterminated quote the records before it are kept
/// and error says on which line the quote opened.
CsvTable parseCsv(QStringView text, QChar delimiter = QLatin1Char(','));

/// Appends one field with RFC 4180 quoting: in double quotes, with `"` doubled, when it holds the
/// delimiter, `"` or a line break; as is otherwise. parseCsv reads it back unchanged.
void appendCsvField(QByteArray &out, QByteArrayView text, char delimiter = ',');

} // namespace qscope
