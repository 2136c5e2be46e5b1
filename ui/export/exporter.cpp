#include "exporter.h"

#include "protocol/columnops.h"
#include "protocol/csv.h"
#include "protocol/format.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <xlsxwriter.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace qscope {

namespace {

constexpr int64_t kProgressEvery = 1024;
constexpr qsizetype kFlushBytes = 1 << 20;

struct RowSource
{
    const ResultShape &shape;
    const std::vector<uint32_t> *rows;
    int64_t count() const { return rows ? int64_t(rows->size()) : shape.rows; }
    int64_t at(int64_t i) const { return rows ? int64_t((*rows)[size_t(i)]) : i; }
};

QByteArray columnName(const ResultShape &shape, int c)
{
    return shape.kind == ResultShape::Kind::Scalar ? QByteArrayLiteral("value")
                                                   : shape.columns[size_t(c)].name;
}

bool stepProgress(ExportProgress *p, int64_t done)
{
    if (!p) return true;
    if ((done % kProgressEvery) == 0) {
        p->rowsDone.store(done, std::memory_order_relaxed);
        return !p->cancel.load(std::memory_order_relaxed);
    }
    return true;
}

ExportOutcome failed(const QString &path, const QString &why)
{
    QFile::remove(path);
    ExportOutcome o;
    o.error = why;
    return o;
}

ExportOutcome cancelledOutcome(const QString &path)
{
    QFile::remove(path);
    ExportOutcome o;
    o.cancelled = true;
    o.error = QObject::tr("Export cancelled; the partial file was removed.");
    return o;
}

/// A buffered text file; flushes every megabyte.
class TextSink
{
public:
    explicit TextSink(const QString &path) : m_file(path) {}
    bool open() { return m_file.open(QIODevice::WriteOnly | QIODevice::Truncate); }
    QString errorString() const
    {
        return m_file.fileName() % QStringLiteral(": ") % m_file.errorString();
    }
    QByteArray &buffer() { return m_buffer; }
    bool maybeFlush() { return m_buffer.size() < kFlushBytes || flush(); }
    bool flush()
    {
        if (!m_buffer.isEmpty() && m_file.write(m_buffer) != m_buffer.size()) return false;
        m_buffer.clear();
        return true;
    }
    bool close()
    {
        const bool ok = flush() && m_file.flush();
        m_file.close();
        return ok;
    }

private:
    QFile m_file;
    QByteArray m_buffer;
};

/// The text of one cell in `mode` (formatField; the grid's text in Display mode).
QByteArray fieldText(const ResultShape &shape, int column, int64_t row, TextMode mode)
{
    if (mode == TextMode::Display) return shape.cellText(column, row);
    if (shape.kind == ResultShape::Kind::Scalar)
        return formatField(Value::list({shape.scalar}), 0, mode);
    return formatField(shape.columns[size_t(column)].data, row, mode);
}

ExportOutcome writeDelimited(const RowSource &src, char sep, const QString &path, ExportProgress *p,
                             TextMode mode)
{
    TextSink sink(path);
    if (!sink.open()) return failed(path, sink.errorString());
    const int columns = src.shape.columnCount();
    QByteArray &out = sink.buffer();
    for (int c = 0; c < columns; ++c) {
        if (c) out += sep;
        appendCsvField(out, columnName(src.shape, c), sep);
    }
    out += '\n';
    const int64_t n = src.count();
    for (int64_t i = 0; i < n; ++i) {
        if (!stepProgress(p, i)) return cancelledOutcome(path);
        const int64_t row = src.at(i);
        for (int c = 0; c < columns; ++c) {
            if (c) out += sep;
            appendCsvField(out, fieldText(src.shape, c, row, mode), sep);
        }
        out += '\n';
        if (!sink.maybeFlush()) return failed(path, sink.errorString());
    }
    if (!sink.close()) return failed(path, sink.errorString());
    ExportOutcome o;
    o.ok = true;
    o.rows = n;
    return o;
}

ExportOutcome writeJson(const RowSource &src, const QString &path, ExportProgress *p, TextMode mode)
{
    TextSink sink(path);
    if (!sink.open()) return failed(path, sink.errorString());
    QByteArray &out = sink.buffer();
    const ResultShape &shape = src.shape;
    const int64_t n = src.count();
    std::vector<int64_t> all;
    if (shape.kind == ResultShape::Kind::Table || shape.kind == ResultShape::Kind::KeyedTable) {
        // .j.j of a table: an array of row objects. Keyed tables are exported unkeyed.
        std::vector<QByteArray> names;
        for (const ResultColumn &c : shape.columns)
            names.push_back(formatJson(Value::symbol(c.name)));
        out += '[';
        for (int64_t i = 0; i < n; ++i) {
            if (!stepProgress(p, i)) return cancelledOutcome(path);
            const int64_t row = src.at(i);
            out += i ? ",\n{" : "{";
            for (size_t c = 0; c < names.size(); ++c) {
                if (c) out += ',';
                out += names[c];
                out += ':';
                out += formatJson(shape.cellValue(int(c), row), mode);
            }
            out += '}';
            if (!sink.maybeFlush()) return failed(path, sink.errorString());
        }
        out += "]\n";
    } else {
        Value v;
        if (shape.kind == ResultShape::Kind::Scalar) {
            v = shape.scalar;
        } else {
            all.reserve(size_t(n));
            for (int64_t i = 0; i < n; ++i)
                all.push_back(src.at(i));
            if (shape.kind == ResultShape::Kind::Dict)
                v = Value::dict(gatherRows(shape.columns[0].data, all),
                                gatherRows(shape.columns[1].data, all));
            else
                v = gatherRows(shape.columns[0].data, all);
        }
        out += formatJson(v, mode);
        out += '\n';
    }
    if (!sink.close()) return failed(path, sink.errorString());
    ExportOutcome o;
    o.ok = true;
    o.rows = n;
    return o;
}

/// Excel serial days (1899.12.30 based) of q's 2000.01.01 epoch.
constexpr double kExcelEpoch = 36526.0;
/// Integers beyond 2^53 have no exact double: Excel would round them.
constexpr int64_t kExactDoubleInt = int64_t(1) << 53;

/// True when libxlsxwriter's "%.16G" (utility.h, lxw_sprintf_dbl) reads back as x: a double
/// that needs 17 significant digits would come back as its neighbour.
bool survives16Digits(double x)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.16G", x);
    return std::strtod(buf, nullptr) == x;
}

/// Excel's dates start at 1900-03-01 (serial 61): before it, its calendar has the fictitious
/// 1900-02-29 and readers shift a day; before 1899-12-30 there are no serials at all. Such
/// temporals are written as their text (2026-12-04 form).
bool beforeExcelCalendar(int type, const Value &atom)
{
    constexpr double kFirstSerial = 61.0;
    switch (type) {
    case Date:
        return kExcelEpoch + double(atom.intValue()) < kFirstSerial;
    case Month:
        return atom.intValue() < (1900 - 2000) * 12 + 2;
    case Datetime:
        return kExcelEpoch + atom.floatValue() < kFirstSerial;
    case Timestamp:
        return kExcelEpoch + double(atom.longValue()) / 86400e9 < kFirstSerial;
    default:
        return false;
    }
}

/// Writes one workbook, cell by cell, in constant memory.
class XlsxWriter
{
public:
    XlsxWriter(lxw_workbook *wb, const ResultShape &shape, TextMode mode)
        : m_wb(wb), m_shape(shape), m_mode(mode)
    {
        m_bold = workbook_add_format(wb);
        format_set_bold(m_bold);
        m_dateFmt = workbook_add_format(wb);
        format_set_num_format(m_dateFmt, "yyyy-mm-dd");
        m_monthFmt = workbook_add_format(wb);
        format_set_num_format(m_monthFmt, "yyyy-mm");
        m_stampFmt = workbook_add_format(wb);
        format_set_num_format(m_stampFmt, "yyyy-mm-dd hh:mm:ss.000");
        m_columns = std::min(shape.columnCount(), 16384);
        for (int c = 0; c < m_columns; ++c) {
            m_types.push_back(shape.columnType(c));
            m_data.push_back(
                shape.kind == ResultShape::Kind::Scalar ? nullptr : &shape.columns[size_t(c)].data);
        }
    }

    lxw_row_t sheetRow() const { return m_sheetRow; }

    void newSheet()
    {
        ++m_sheet;
        const QByteArray name = "Sheet" + QByteArray::number(m_sheet);
        m_ws = workbook_add_worksheet(m_wb, name.constData());
        for (int c = 0; c < m_columns; ++c)
            worksheet_write_string(m_ws, 0, lxw_col_t(c), columnName(m_shape, c).constData(),
                                   m_bold);
        m_sheetRow = 1;
    }

    lxw_error writeRow(int64_t row)
    {
        lxw_error err = LXW_NO_ERROR;
        for (int c = 0; c < m_columns && err == LXW_NO_ERROR; ++c)
            err = writeCell(lxw_col_t(c), m_data[size_t(c)], m_types[size_t(c)], row);
        ++m_sheetRow;
        return err;
    }

private:
    lxw_error text(lxw_col_t col, QByteArray text)
    {
        if (text.isEmpty()) return LXW_NO_ERROR; // a blank cell
        // Excel's cell limit is 32,767 characters; cut on a UTF-8 boundary.
        if (text.size() > 32767) {
            qsizetype cut = 32767;
            while (cut > 0 && (uchar(text[cut]) & 0xc0) == 0x80)
                --cut;
            text.truncate(cut);
        }
        return worksheet_write_string(m_ws, m_sheetRow, col, text.constData(), nullptr);
    }
    lxw_error number(lxw_col_t col, double x, lxw_format *format = nullptr)
    {
        return worksheet_write_number(m_ws, m_sheetRow, col, x, format);
    }
    QByteArray field(int c, int64_t row) const { return fieldText(m_shape, c, row, m_mode); }

    lxw_error writeCell(lxw_col_t col, const Value *v, int type, int64_t row)
    {
        const int c = int(col);
        if (!v || type <= 0) return text(col, field(c, row));
        const bool exact = m_mode == TextMode::Exact;
        switch (type) {
        case Boolean:
            return worksheet_write_boolean(m_ws, m_sheetRow, col, v->at<uint8_t>(row), nullptr);
        case Byte:
            return number(col, v->element(row).byteValue());
        case Short:
        case Int:
        case Long: {
            const Value atom = v->element(row);
            if (atom.isNull()) return LXW_NO_ERROR;
            const int64_t x = type == Short ? atom.shortValue()
                              : type == Int ? atom.intValue()
                                            : atom.longValue();
            const bool inf = (type == Short && std::abs(x) == qnull::hInf) ||
                             (type == Int && std::abs(x) == qnull::iInf) ||
                             (type == Long && (x == qnull::jInf || x == -qnull::jInf));
            if (inf || (exact && (x > kExactDoubleInt || x < -kExactDoubleInt)))
                return text(col, field(c, row)); // 0W, -0W, or a long a double would round
            return number(col, double(x));
        }
        case Real:
        case Float: {
            const Value atom = v->element(row);
            if (atom.isNull()) return LXW_NO_ERROR;
            const double x = type == Real ? double(atom.realValue()) : atom.floatValue();
            if (std::isinf(x)) return text(col, field(c, row)); // 0w, -0w
            if (!exact) return number(col, x);
            if (x == 0 && std::signbit(x)) return text(col, "-0.0"); // Excel reads -0 as 0
            if (type == Real) {
                // The double nearest the real's shortest text: Excel shows 0.1, not
                // 0.100000001490116, and it reads back (as a real) to the same bits.
                const QByteArray t = field(c, row);
                return number(col, std::strtod(t.constData(), nullptr));
            }
            return survives16Digits(x) ? number(col, x) : text(col, field(c, row));
        }
        case Date:
        case Month:
        case Timestamp:
        case Datetime: {
            const Value atom = v->element(row);
            if (atom.isNull()) return LXW_NO_ERROR;
            const QByteArray t = field(c, row);
            if (t.contains('W') || t.contains('w')) return text(col, t);
            if (beforeExcelCalendar(type, atom))
                return text(col, fieldText(m_shape, c, row, TextMode::Exact));
            if (type == Date) return number(col, kExcelEpoch + double(atom.intValue()), m_dateFmt);
            if (type == Month) {
                const int m = atom.intValue();
                const int y = 2000 + (m >= 0 ? m / 12 : -((11 - m) / 12));
                const int mo = m - (y - 2000) * 12 + 1;
                lxw_datetime dt{y, mo, 1, 0, 0, 0};
                return worksheet_write_datetime(m_ws, m_sheetRow, col, &dt, m_monthFmt);
            }
            if (type == Timestamp) {
                // An Excel date is a double of days: about a microsecond near today.
                if (exact) return text(col, formatJson(atom).mid(1).chopped(1));
                return number(col, kExcelEpoch + double(atom.longValue()) / 86400e9, m_stampFmt);
            }
            return number(col, kExcelEpoch + atom.floatValue(), m_stampFmt);
        }
        default:
            return text(col, field(c, row));
        }
    }

    lxw_workbook *m_wb;
    const ResultShape &m_shape;
    TextMode m_mode;
    lxw_format *m_bold = nullptr;
    lxw_format *m_dateFmt = nullptr;
    lxw_format *m_monthFmt = nullptr;
    lxw_format *m_stampFmt = nullptr;
    int m_columns = 0;
    std::vector<int> m_types;
    std::vector<const Value *> m_data;
    lxw_worksheet *m_ws = nullptr;
    int m_sheet = 0;
    lxw_row_t m_sheetRow = 0;
};

ExportOutcome writeXlsx(const RowSource &src, const QString &path, ExportProgress *p, TextMode mode)
{
    const QByteArray file = QFile::encodeName(path);
    const QByteArray tmp = QFile::encodeName(QDir::tempPath());
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = const_cast<char *>(tmp.constData());
    options.use_zip64 = LXW_TRUE;
    lxw_workbook *wb = workbook_new_opt(file.constData(), &options);
    if (!wb)
        return failed(path,
                      QObject::tr("%1: libxlsxwriter could not create the workbook").arg(path));
    XlsxWriter writer(wb, src.shape, mode);
    writer.newSheet();
    lxw_error err = LXW_NO_ERROR;
    const int64_t n = src.count();
    for (int64_t i = 0; i < n && err == LXW_NO_ERROR; ++i) {
        if (!stepProgress(p, i)) {
            workbook_close(wb);
            return cancelledOutcome(path);
        }
        if (writer.sheetRow() >= lxw_row_t(Exporter::kXlsxMaxRows)) writer.newSheet();
        err = writer.writeRow(src.at(i));
    }
    if (err != LXW_NO_ERROR) {
        workbook_close(wb);
        return failed(path, QObject::tr("%1: %2").arg(path, QString::fromUtf8(lxw_strerror(err))));
    }
    const lxw_error closeErr = workbook_close(wb);
    if (closeErr != LXW_NO_ERROR)
        return failed(path,
                      QObject::tr("%1: %2").arg(path, QString::fromUtf8(lxw_strerror(closeErr))));
    ExportOutcome o;
    o.ok = true;
    o.rows = n;
    return o;
}

} // namespace

QString Exporter::formatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Csv:
        return QStringLiteral("CSV");
    case ExportFormat::Tsv:
        return QStringLiteral("TSV");
    case ExportFormat::Json:
        return QStringLiteral("JSON");
    case ExportFormat::Xlsx:
        return QStringLiteral("Excel (XLSX)");
    }
    return {};
}

QString Exporter::fileSuffix(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Csv:
        return QStringLiteral("csv");
    case ExportFormat::Tsv:
        return QStringLiteral("tsv");
    case ExportFormat::Json:
        return QStringLiteral("json");
    case ExportFormat::Xlsx:
        return QStringLiteral("xlsx");
    }
    return {};
}

ExportOutcome Exporter::write(const ResultShape &shape, const std::vector<uint32_t> *rows,
                              ExportFormat format, const QString &path, ExportProgress *progress,
                              TextMode mode)
{
    if (shape.kind == ResultShape::Kind::Empty)
        return failed(path, QObject::tr("Nothing to export: the result is empty (::)"));
    const RowSource src{shape, rows};
    if (progress) {
        progress->rowsTotal.store(src.count());
        if (progress->holdUntilCancel.load()) progress->cancel.wait(false);
    }
    ExportOutcome o;
    switch (format) {
    case ExportFormat::Csv:
        o = writeDelimited(src, ',', path, progress, mode);
        break;
    case ExportFormat::Tsv:
        o = writeDelimited(src, '\t', path, progress, mode);
        break;
    case ExportFormat::Json:
        o = writeJson(src, path, progress, mode);
        break;
    case ExportFormat::Xlsx:
        o = writeXlsx(src, path, progress, mode);
        break;
    }
    if (o.ok) {
        o.bytes = QFileInfo(path).size();
        if (progress) progress->rowsDone.store(o.rows);
    }
    return o;
}

} // namespace qscope
