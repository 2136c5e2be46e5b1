#include "selectiontext.h"

#include "protocol/format.h"

#include <cstring>

namespace qscope {

Value takeRows(const Value &column, const std::vector<int64_t> &rows)
{
    const int64_t n = int64_t(rows.size());
    if (column.isList()) {
        std::vector<Value> items;
        items.reserve(rows.size());
        for (int64_t r : rows)
            items.push_back(column.item(r));
        return Value::list(std::move(items));
    }
    if (column.type() == Symbol) {
        std::vector<uint32_t> idx;
        idx.reserve(rows.size());
        for (int64_t r : rows)
            idx.push_back(column.symIndex(r));
        return Value::symbols(column.symbolPool(), Bytes::fromVector(std::move(idx)), n);
    }
    if (column.isVector()) {
        const int width = elementSize(column.type());
        Value out = Value::uninitialised(column.type(), n);
        char *dst = out.mutableData<char>();
        for (int64_t i = 0; i < n; ++i)
            std::memcpy(dst + size_t(i) * size_t(width),
                        column.rawData() + size_t(rows[size_t(i)]) * size_t(width), size_t(width));
        return out;
    }
    return column;
}

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
        return formatLiteral(takeRows(shape.columns[size_t(columns[0])].data, rows));
    std::vector<QByteArray> keyNames, valueNames;
    std::vector<Value> keyCols, valueCols;
    for (int c : columns) {
        const ResultColumn &col = shape.columns[size_t(c)];
        const bool key = col.key && shape.kind == ResultShape::Kind::KeyedTable;
        (key ? keyNames : valueNames).push_back(col.name);
        (key ? keyCols : valueCols).push_back(takeRows(col.data, rows));
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
