#include "exporter.h"

#include "protocol/format.h"
#include "results/selectiontext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <xlsxwriter.h>

#include <cmath>

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

void appendCsvField(QByteArray &out, const QByteArray &text)
{
    const bool quote =
        text.contains(',') || text.contains('"') || text.contains('\n') || text.contains('\r');
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

void appendTsvField(QByteArray &out, const QByteArray &text)
{
    for (char ch : text)
        out += (ch == '\t' || ch == '\n' || ch == '\r') ? ' ' : ch;
}

ExportOutcome writeDelimited(const RowSource &src, bool csv, const QString &path, ExportProgress *p)
{
    TextSink sink(path);
    if (!sink.open()) return failed(path, sink.errorString());
    auto field = csv ? appendCsvField : appendTsvField;
    const char sep = csv ? ',' : '\t';
    const int columns = src.shape.columnCount();
    QByteArray &out = sink.buffer();
    for (int c = 0; c < columns; ++c) {
        if (c) out += sep;
        field(out, columnName(src.shape, c));
    }
    out += '\n';
    const int64_t n = src.count();
    for (int64_t i = 0; i < n; ++i) {
        if (!stepProgress(p, i)) return cancelledOutcome(path);
        const int64_t row = src.at(i);
        for (int c = 0; c < columns; ++c) {
            if (c) out += sep;
            field(out, src.shape.cellText(c, row));
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

ExportOutcome writeJson(const RowSource &src, const QString &path, ExportProgress *p)
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
                out += formatJson(shape.cellValue(int(c), row));
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
                v = Value::dict(takeRows(shape.columns[0].data, all),
                                takeRows(shape.columns[1].data, all));
            else
                v = takeRows(shape.columns[0].data, all);
        }
        out += formatJson(v);
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

ExportOutcome writeXlsx(const RowSource &src, const QString &path, ExportProgress *p)
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
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *dateFmt = workbook_add_format(wb);
    format_set_num_format(dateFmt, "yyyy-mm-dd");
    lxw_format *monthFmt = workbook_add_format(wb);
    format_set_num_format(monthFmt, "yyyy-mm");
    lxw_format *stampFmt = workbook_add_format(wb);
    format_set_num_format(stampFmt, "yyyy-mm-dd hh:mm:ss.000");

    const ResultShape &shape = src.shape;
    const int columns = std::min(shape.columnCount(), 16384);
    std::vector<int> types(static_cast<size_t>(columns));
    std::vector<const Value *> data(size_t(columns), nullptr);
    for (int c = 0; c < columns; ++c) {
        types[size_t(c)] = shape.columnType(c);
        if (shape.kind != ResultShape::Kind::Scalar)
            data[size_t(c)] = &shape.columns[size_t(c)].data;
    }

    lxw_worksheet *ws = nullptr;
    int sheet = 0;
    lxw_row_t sheetRow = 0;
    lxw_error err = LXW_NO_ERROR;
    auto newSheet = [&] {
        ++sheet;
        const QByteArray name = "Sheet" + QByteArray::number(sheet);
        ws = workbook_add_worksheet(wb, name.constData());
        for (int c = 0; c < columns; ++c)
            worksheet_write_string(ws, 0, lxw_col_t(c), columnName(shape, c).constData(), bold);
        sheetRow = 1;
    };
    auto writeText = [&](lxw_row_t r, lxw_col_t c, QByteArray text) {
        // Excel's cell limit is 32,767 characters; cut on a UTF-8 boundary.
        if (text.size() > 32767) {
            qsizetype cut = 32767;
            while (cut > 0 && (uchar(text[cut]) & 0xc0) == 0x80)
                --cut;
            text.truncate(cut);
        }
        return worksheet_write_string(ws, r, c, text.constData(), nullptr);
    };
    newSheet();
    const int64_t n = src.count();
    for (int64_t i = 0; i < n && err == LXW_NO_ERROR; ++i) {
        if (!stepProgress(p, i)) {
            workbook_close(wb);
            return cancelledOutcome(path);
        }
        if (sheetRow >= lxw_row_t(Exporter::kXlsxMaxRows)) newSheet();
        const int64_t row = src.at(i);
        for (int c = 0; c < columns && err == LXW_NO_ERROR; ++c) {
            const lxw_col_t col = lxw_col_t(c);
            const Value *v = data[size_t(c)];
            const int type = types[size_t(c)];
            if (!v || type <= 0) {
                const QByteArray text = shape.cellText(c, row);
                if (!text.isEmpty()) err = writeText(sheetRow, col, text);
                continue;
            }
            switch (type) {
            case Boolean:
                err = worksheet_write_boolean(ws, sheetRow, col, v->at<uint8_t>(row), nullptr);
                break;
            case Byte:
            case Short:
            case Int:
            case Long:
            case Real:
            case Float: {
                const Value atom = v->element(row);
                if (atom.isNull()) break; // a blank cell
                double x = 0;
                switch (type) {
                case Byte:
                    x = atom.byteValue();
                    break;
                case Short:
                    x = atom.shortValue();
                    break;
                case Int:
                    x = atom.intValue();
                    break;
                case Long:
                    x = double(atom.longValue());
                    break;
                case Real:
                    x = atom.realValue();
                    break;
                default:
                    x = atom.floatValue();
                    break;
                }
                if (std::isinf(x) ||
                    (type == Short && std::abs(atom.shortValue()) == qnull::hInf) ||
                    (type == Int && std::abs(atom.intValue()) == qnull::iInf) ||
                    (type == Long && std::abs(atom.longValue()) == qnull::jInf))
                    err = writeText(sheetRow, col, shape.cellText(c, row)); // 0w, -0W
                else
                    err = worksheet_write_number(ws, sheetRow, col, x, nullptr);
                break;
            }
            case Date:
            case Month:
            case Timestamp:
            case Datetime: {
                const Value atom = v->element(row);
                if (atom.isNull()) break;
                const QByteArray text = shape.cellText(c, row);
                if (text.contains('W') || text.contains('w')) {
                    err = writeText(sheetRow, col, text);
                    break;
                }
                if (type == Date) {
                    err = worksheet_write_number(ws, sheetRow, col,
                                                 kExcelEpoch + double(atom.intValue()), dateFmt);
                } else if (type == Month) {
                    const int m = atom.intValue();
                    const int y = 2000 + (m >= 0 ? m / 12 : -((11 - m) / 12));
                    const int mo = m - (y - 2000) * 12 + 1;
                    lxw_datetime dt{y, mo, 1, 0, 0, 0};
                    err = worksheet_write_datetime(ws, sheetRow, col, &dt, monthFmt);
                } else if (type == Timestamp) {
                    err = worksheet_write_number(ws, sheetRow, col,
                                                 kExcelEpoch + double(atom.longValue()) / 86400e9,
                                                 stampFmt);
                } else {
                    err = worksheet_write_number(ws, sheetRow, col, kExcelEpoch + atom.floatValue(),
                                                 stampFmt);
                }
                break;
            }
            default: {
                const QByteArray text = shape.cellText(c, row);
                if (!text.isEmpty()) err = writeText(sheetRow, col, text);
                break;
            }
            }
        }
        ++sheetRow;
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
                              ExportFormat format, const QString &path, ExportProgress *progress)
{
    if (shape.kind == ResultShape::Kind::Empty)
        return failed(path, QObject::tr("Nothing to export: the result is empty (::)"));
    const RowSource src{shape, rows};
    if (progress) progress->rowsTotal.store(src.count());
    ExportOutcome o;
    switch (format) {
    case ExportFormat::Csv:
        o = writeDelimited(src, true, path, progress);
        break;
    case ExportFormat::Tsv:
        o = writeDelimited(src, false, path, progress);
        break;
    case ExportFormat::Json:
        o = writeJson(src, path, progress);
        break;
    case ExportFormat::Xlsx:
        o = writeXlsx(src, path, progress);
        break;
    }
    if (o.ok) {
        o.bytes = QFileInfo(path).size();
        if (progress) progress->rowsDone.store(o.rows);
    }
    return o;
}

} // namespace qscope
