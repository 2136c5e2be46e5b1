// CSV and TSV fields: q's Prepare Text (`csv 0: t`, https://code.kx.com/q/ref/file-text/) is the
// reference, with exact floats. q writes a null as its `string` (empty), temporals "according to
// ISO 8601" (dates with dashes), symbols and strings raw (the writer quotes what needs it).
#include "format.h"
#include "formatdetail.h"

#include <cmath>
#include <cstring>

namespace qscope {
namespace detail {
namespace {

/// A temporal's q text with the dots of its date as dashes: 2026.12.04D10:00:00.000000000 ->
/// 2026-12-04D10:00:00.000000000 (q's csv form), 2026.12 -> 2026-12.
void appendCsvTemporal(QByteArray &out, int type, const char *p)
{
    if (type == Datetime) {
        // A datetime is a float of days, but its infinity is spelled as every temporal's.
        double f;
        std::memcpy(&f, p, 8);
        if (std::isinf(f)) {
            out.append(f < 0 ? "-0W" : "0W");
            return;
        }
    }
    const qsizetype start = out.size();
    appendElement(out, type, p, ElementStyle::Cell);
    const qsizetype dateChars = type == Month ? 7 : 10;
    const qsizetype end = std::min(out.size(), start + dateChars);
    // Infinities (0W, -0W) have no dots; only a date's separators are touched.
    for (qsizetype i = start; i < end; ++i)
        if (out[i] == '.') out[i] = '-';
}

void appendField(QByteArray &out, int type, const char *p)
{
    if (isNullElement(type, p)) return; // q's `string` of a typed null is empty
    switch (type) {
    case Char:
        out.append(*p);
        return;
    case Byte: // `string 0x0a` is "0a"
    case Boolean:
    case Guid:
    case Short:
    case Int:
    case Long:
    case Timespan:
    case Minute:
    case Second:
    case Time:
        appendElement(out, type, p, ElementStyle::Cell);
        return;
    case Real:
    case Float:
        appendElement(out, type, p, ElementStyle::Cell, true);
        return;
    case Timestamp:
    case Month:
    case Date:
    case Datetime:
        appendCsvTemporal(out, type, p);
        return;
    default:
        return;
    }
}

} // namespace
} // namespace detail

QByteArray formatField(const Value &column, int64_t row, TextMode mode)
{
    using namespace detail;
    if (mode == TextMode::Display) return formatCell(column, row);
    if (row < 0 || row >= column.count()) return {};
    const int t = column.type();
    if (t == Symbol) return column.symAt(row);
    QByteArray out;
    if (column.isVector()) {
        appendField(out, t, elementPtr(column, row));
        return out;
    }
    const Value item = column.isList() ? column.item(row) : column.element(row);
    if (item.type() == Char) return QByteArray(item.rawData(), qsizetype(item.count()));
    if (item.type() == -Symbol) return item.symbolValue();
    if (item.isAtom()) {
        char buf[16];
        appendField(out, -item.type(), atomBytes(item, buf));
        return out;
    }
    return formatLiteral(item);
}

} // namespace qscope
