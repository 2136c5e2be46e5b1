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
    switch (column.isVector() ? storageOf(column.type()) : Storage::Other) {
    case Storage::Boolean:
    case Storage::Byte:
        *out = column.at<uint8_t>(row);
        return true;
    case Storage::Short: {
        const auto v = column.at<int16_t>(row);
        *out = v;
        return v != qnull::h;
    }
    case Storage::Int32: {
        const auto v = column.at<int32_t>(row);
        *out = v;
        return v != qnull::i;
    }
    case Storage::Int64: {
        const auto v = column.at<int64_t>(row);
        *out = double(v);
        return v != qnull::j;
    }
    case Storage::Real:
        *out = column.at<float>(row);
        return !std::isnan(*out);
    case Storage::Float:
        *out = column.at<double>(row);
        return !std::isnan(*out);
    default:
        return false; // chars, guids, symbols, lists
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
