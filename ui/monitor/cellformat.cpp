#include "cellformat.h"

#include "protocol/format.h"

#include <cmath>

namespace qscope::detail {

QString cellText(const Value &column, int64_t row)
{
    if (row < 0 || row >= column.count()) return {};
    return QString::fromUtf8(formatCell(column, row));
}

QString atomText(const Value &atom)
{
    return QString::fromUtf8(formatAtom(atom));
}

bool cellNumber(const Value &column, int64_t row, double *out)
{
    if (row < 0 || row >= column.count()) return false;
    switch (column.type()) {
    case Boolean:
    case Byte:
        *out = column.at<uint8_t>(row);
        return true;
    case Short: {
        const auto v = column.at<int16_t>(row);
        *out = v;
        return v != qnull::h;
    }
    case Int:
    case Month:
    case Date:
    case Minute:
    case Second:
    case Time: {
        const auto v = column.at<int32_t>(row);
        *out = v;
        return v != qnull::i;
    }
    case Long:
    case Timestamp:
    case Timespan: {
        const auto v = column.at<int64_t>(row);
        *out = double(v);
        return v != qnull::j;
    }
    case Real:
        *out = column.at<float>(row);
        return !std::isnan(*out);
    case Float:
    case Datetime:
        *out = column.at<double>(row);
        return !std::isnan(*out);
    default:
        return false;
    }
}

bool atomNumber(const Value &atom, double *out)
{
    if (!atom.isAtom() || atom.isNull()) return false;
    switch (-atom.type()) {
    case Real:
        *out = atom.realValue();
        return true;
    case Float:
    case Datetime:
        *out = atom.floatValue();
        return true;
    case Guid:
    case Symbol:
    case Char:
        return false;
    default:
        *out = double(atom.rawInt());
        return true;
    }
}

} // namespace qscope::detail
