#include "cellactions.h"

#include "protocol/format.h"

#include <QLocale>

#include <cmath>

namespace qscope {

namespace {

QByteArray likeOrMatch(const QByteArray &name, const Value &text)
{
    // like treats * ? [ ] ^ as a pattern; an exact match of such text needs ~\: (match each)
    const QByteArray bytes =
        text.type() == Char ? QByteArray(text.rawData(), text.count()) : QByteArray();
    const bool wild = bytes.contains('*') || bytes.contains('?') || bytes.contains('[') ||
                      bytes.contains(']') || bytes.contains('^');
    return QByteArrayLiteral("where ") + name + (wild ? QByteArrayLiteral("~\\:") : " like ") +
           formatLiteral(text);
}

QString number(double v)
{
    // seven significant digits, as q shows a float, without an exponent for everyday sizes
    if (v == std::floor(v) && std::fabs(v) < 1e15) return QLocale().toString(v, 'f', 0);
    return QLocale().toString(v, 'g', 7);
}

} // namespace

bool isQName(const QByteArray &name)
{
    if (name.isEmpty()) return false;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (!letter(name[0]) && name[0] != '.') return false;
    for (char c : name)
        if (!letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.') return false;
    return true;
}

QByteArray whereClause(const ResultShape &shape, int column, int64_t row)
{
    if (shape.kind == ResultShape::Kind::Scalar || column < 0 ||
        column >= int(shape.columns.size()))
        return {};
    const QByteArray &name = shape.columns[size_t(column)].name;
    if (!isQName(name)) return {};
    const Value cell = shape.cellValue(column, row);
    if (cell.isAtom() && cell.isNull()) return QByteArrayLiteral("where null ") + name;
    if (cell.type() == Char) return likeOrMatch(name, cell);
    if (cell.isAtom()) return QByteArrayLiteral("where ") + name + '=' + formatLiteral(cell);
    // a nested value (a list, a dict): match it whole
    return QByteArrayLiteral("where ") + name + QByteArrayLiteral("~\\:") + formatLiteral(cell);
}

QString filterForCell(const ResultShape &shape, int column, int64_t row)
{
    if (shape.kind == ResultShape::Kind::Scalar || column < 0 ||
        column >= int(shape.columns.size()))
        return {};
    const QString name = QString::fromUtf8(shape.columns[size_t(column)].name);
    const Value cell = shape.cellValue(column, row);
    const int type = shape.columnType(column);
    QByteArray operand;
    if (isNumericType(type) && type > 0 && cell.isAtom()) {
        // the digits that read back to the value, so `=` finds it (the grid shows 7)
        operand = cell.isNull() ? QByteArrayLiteral("0n") : formatLiteral(cell);
    } else {
        operand = shape.cellText(column, row);
        if (cell.type() == Char || operand.trimmed() != operand || operand.isEmpty())
            operand = '"' + operand + '"';
    }
    return name % QLatin1Char('=') % QString::fromUtf8(operand);
}

void SelectionStats::add(double v)
{
    ++cells;
    if (std::isnan(v)) return;
    if (numbers == 0) {
        min = max = v;
    } else {
        min = std::min(min, v);
        max = std::max(max, v);
    }
    ++numbers;
    sum += v;
}

QString SelectionStats::text() const
{
    if (cells < 2) return {};
    const QString count = QObject::tr("count %L1").arg(cells);
    if (numbers == 0) return count;
    const QString dot = QStringLiteral(" \u00b7 ");
    return count % dot % QObject::tr("sum ") % number(sum) % dot % QObject::tr("avg ") %
           number(sum / double(numbers)) % dot % QObject::tr("min ") % number(min) % dot %
           QObject::tr("max ") % number(max);
}

} // namespace qscope
