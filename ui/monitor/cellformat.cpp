#include "cellformat.h"

#include "protocol/columnops.h"
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
    if (!column.isVector() || row < 0 || row >= column.count()) return false;
    switch (storageOf(column.type())) {
    case Storage::Char:
    case Storage::Guid:
    case Storage::Symbol:
    case Storage::Other:
        return false;
    default:
        *out = elementAsDouble(column, row);
        return !std::isnan(*out);
    }
}

bool atomNumber(const Value &atom, double *out)
{
    if (!atom.isAtom() || atom.isNull()) return false;
    switch (storageOf(atom.type())) {
    case Storage::Char:
    case Storage::Guid:
    case Storage::Symbol:
        return false;
    default:
        *out = elementAsDouble(atom, 0);
        return true;
    }
}

} // namespace qscope::detail
