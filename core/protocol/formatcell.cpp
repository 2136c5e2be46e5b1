// Grid cells: one element at a time, with no type suffix, quotes or backticks, built straight
// into a small QByteArray (no QString, no Value for fixed-width vectors). Any thread.
#include "format.h"
#include "formatdetail.h"

#include <algorithm>
#include <cmath>

namespace qscope {
namespace detail {
namespace {

/// A nested value in a cell is cut to this many bytes and ends in `..`: no grid shows more.
constexpr int64_t kCellLimit = 512;

void appendCellElement(QByteArray &out, int type, const char *p)
{
    switch (type) {
    case Char:
        out.append(*p);
        return;
    case Byte:
        out.append("0x");
        appendElement(out, Byte, p, ElementStyle::Cell);
        return;
    default:
        appendElement(out, type, p, ElementStyle::Cell);
        return;
    }
}

QByteArray nestedCell(const Value &v)
{
    if (v.type() == Char) {
        // Strings show without quotes, as text.
        return QByteArray(v.rawData(), int(std::min<int64_t>(v.count(), kCellLimit)));
    }
    if (v.isAtom()) return formatAtom(v);
    QByteArray out;
    appendOneLine(out, v, kCellLimit);
    if (out.size() > kCellLimit) {
        out.truncate(kCellLimit - 2);
        out.append("..");
    }
    return out;
}

} // namespace
} // namespace detail

QByteArray formatCell(const Value &column, int64_t row)
{
    using namespace detail;
    if (row < 0 || row >= column.count()) return {};
    const int t = column.type();
    if (t == Symbol) return column.symAt(row);
    if (column.isVector()) {
        QByteArray out;
        out.reserve(32);
        appendCellElement(out, t, elementPtr(column, row));
        return out;
    }
    if (column.isList()) return nestedCell(column.item(row));
    if (column.isDict()) return formatCell(column.values(), row);
    return nestedCell(column.element(row));
}

void appendCell(QByteArray &out, const Value &column, int64_t row)
{
    using namespace detail;
    if (row < 0 || row >= column.count()) return;
    if (column.isVector() && column.type() != Symbol) {
        appendCellElement(out, column.type(), elementPtr(column, row));
        return;
    }
    out.append(formatCell(column, row));
}

QByteArray formatCell(const Value &column, int64_t row, int precision)
{
    using namespace detail;
    const int t = column.type();
    if ((t != Float && t != Real) || row < 0 || row >= column.count() || precision == 7)
        return formatCell(column, row);
    const double f = t == Real ? double(column.at<float>(row)) : column.at<double>(row);
    if (!std::isfinite(f)) return formatCell(column, row);
    QByteArray out;
    if (precision <= 0 && t == Real)
        appendRealExact(out, column.at<float>(row));
    else
        appendFloat(out, f, precision <= 0 ? kExactPrecision : std::min(precision, 17));
    return out;
}

QByteArray formatAtom(const Value &atom)
{
    using namespace detail;
    if (!atom.isAtom()) return nestedCell(atom);
    if (atom.type() == -Symbol) return atom.symbolValue();
    char buf[16];
    QByteArray out;
    out.reserve(32);
    appendCellElement(out, -atom.type(), atomBytes(atom, buf));
    return out;
}

} // namespace qscope
