// parseCsv: RFC 4180 records with the leniencies spreadsheets need.

#include "csv.h"

namespace qscope {

namespace {

bool isBlank(const QStringList &record)
{
    return record.size() == 1 && record.front().trimmed().isEmpty();
}

} // namespace

CsvTable parseCsv(QStringView text, QChar delimiter)
{
    CsvTable out;
    if (text.startsWith(QChar(0xfeff))) text = text.mid(1);
    const qsizetype n = text.size();
    QStringList record;
    QString field;
    int line = 1;
    qsizetype i = 0;
    const auto endRecord = [&] {
        record << field;
        field.clear();
        if (!isBlank(record)) out.records << record;
        record.clear();
    };
    while (i < n) {
        // a field: leading spaces, then quoted or plain
        qsizetype start = i;
        while (i < n && text[i] == QLatin1Char(' '))
            ++i;
        if (i < n && text[i] == QLatin1Char('"')) {
            const int openedOn = line;
            ++i;
            bool closed = false;
            while (i < n) {
                const QChar c = text[i];
                if (c == QLatin1Char('"')) {
                    if (i + 1 < n && text[i + 1] == QLatin1Char('"')) {
                        field += c; // "" is one quote
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (c == QLatin1Char('\n')) ++line;
                field += c;
                ++i;
            }
            if (!closed) {
                out.error = QStringLiteral("line %1: a quoted field is not closed").arg(openedOn);
                return out;
            }
            // after the closing quote: spaces, then a delimiter or the end of the record; other
            // text is kept (a lenient reading of a malformed field rather than losing it)
            while (i < n && text[i] != delimiter && text[i] != QLatin1Char('\r') &&
                   text[i] != QLatin1Char('\n')) {
                if (text[i] != QLatin1Char(' ')) field += text[i];
                ++i;
            }
        } else {
            i = start;
            while (i < n && text[i] != delimiter && text[i] != QLatin1Char('\r') &&
                   text[i] != QLatin1Char('\n'))
                field += text[i++];
        }
        if (i >= n) break;
        if (text[i] == delimiter) {
            record << field;
            field.clear();
            ++i;
            continue;
        }
        // CRLF, CR or LF ends the record
        if (text[i] == QLatin1Char('\r') && i + 1 < n && text[i + 1] == QLatin1Char('\n')) ++i;
        ++i;
        ++line;
        endRecord();
    }
    if (!field.isEmpty() || !record.isEmpty()) endRecord();
    return out;
}

void appendCsvField(QByteArray &out, QByteArrayView text, char delimiter)
{
    bool quote = false;
    for (char ch : text) {
        if (ch == delimiter || ch == '"' || ch == '\n' || ch == '\r') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out += text;
        return;
    }
    out += '"';
    for (char ch : text) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
}

} // namespace qscope
