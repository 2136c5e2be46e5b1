#include "selectiontext.h"

#include "protocol/columnops.h"
#include "protocol/format.h"

#include <cstring>

namespace qscope {

QByteArray selectionAsTsv(const ResultShape &shape, const std::vector<int> &columns,
                          const std::vector<int64_t> &rows)
{
    QByteArray out;
    auto clean = [](QByteArray text) {
        text.replace('\t', ' ');
        text.replace('\n', ' ');
        text.replace('\r', ' ');
        return text;
    };
    for (size_t c = 0; c < columns.size(); ++c) {
        if (c) out += '\t';
        out += shape.kind == ResultShape::Kind::Scalar
                   ? QByteArrayLiteral("value")
                   : clean(shape.columns[size_t(columns[c])].name);
    }
    out += '\n';
    for (int64_t r : rows) {
        for (size_t c = 0; c < columns.size(); ++c) {
            if (c) out += '\t';
            out += clean(shape.cellText(columns[c], r));
        }
        out += '\n';
    }
    return out;
}

QByteArray selectionAsQ(const ResultShape &shape, const std::vector<int> &columns,
                        const std::vector<int64_t> &rows)
{
    if (columns.empty() || rows.empty()) return {};
    if (shape.kind == ResultShape::Kind::Scalar) return formatLiteral(shape.scalar);
    if (columns.size() == 1 && rows.size() == 1)
        return formatLiteral(shape.cellValue(columns[0], rows[0]));
    if (columns.size() == 1)
        return formatLiteral(gatherRows(shape.columns[size_t(columns[0])].data, rows));
    std::vector<QByteArray> keyNames, valueNames;
    std::vector<Value> keyCols, valueCols;
    for (int c : columns) {
        const ResultColumn &col = shape.columns[size_t(c)];
        const bool key = col.key && shape.kind == ResultShape::Kind::KeyedTable;
        (key ? keyNames : valueNames).push_back(col.name);
        (key ? keyCols : valueCols).push_back(gatherRows(col.data, rows));
    }
    if (shape.kind == ResultShape::Kind::Dict && columns.size() == 2)
        return formatLiteral(
            Value::dict(valueCols.size() == 2 ? valueCols[0] : keyCols[0], valueCols.back()));
    if (!keyCols.empty() && !valueCols.empty()) {
        return formatLiteral(
            Value::keyedTable(Value::table(Value::symbols(keyNames), Value::list(keyCols)),
                              Value::table(Value::symbols(valueNames), Value::list(valueCols))));
    }
    if (valueCols.empty()) {
        valueCols = std::move(keyCols);
        valueNames = std::move(keyNames);
    }
    return formatLiteral(Value::table(Value::symbols(valueNames), Value::list(valueCols)));
}

} // namespace qscope
