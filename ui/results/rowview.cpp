#include "rowview.h"

#include <cstring>

namespace qscope {

int64_t RowView::rowCount() const
{
    if (!shape) return 0;
    return order ? int64_t(order->size()) : shape->rows;
}

Value gatherRows(const Value &column, const std::vector<uint32_t> &rows)
{
    const int64_t n = int64_t(rows.size());
    const int type = column.type();
    if (type == Symbol) {
        Bytes idx = Bytes::allocate(size_t(n) * sizeof(uint32_t));
        auto *out = reinterpret_cast<uint32_t *>(idx.mutableData());
        for (int64_t i = 0; i < n; ++i)
            out[i] = column.symIndex(rows[size_t(i)]);
        return Value::symbols(column.symbolPool(), std::move(idx), n);
    }
    const int width = column.isVector() ? elementSize(type) : 0;
    if (width > 0) {
        Bytes bytes = Bytes::allocate(size_t(n) * size_t(width));
        char *out = bytes.mutableData();
        const char *in = column.rawData();
        for (int64_t i = 0; i < n; ++i)
            std::memcpy(out + i * width, in + size_t(rows[size_t(i)]) * size_t(width),
                        size_t(width));
        return Value::vector(type, std::move(bytes), n);
    }
    // general lists (and anything without fixed-width storage): item by item
    std::vector<Value> items;
    items.reserve(size_t(n));
    for (uint32_t r : rows)
        items.push_back(column.element(r));
    return Value::list(std::move(items));
}

std::shared_ptr<const ResultShape> RowView::shownShape(int64_t limit) const
{
    if (!shape) return shape;
    const int64_t n = limit < 0 ? rowCount() : std::min(limit, rowCount());
    if (shape->kind == ResultShape::Kind::Scalar || shape->kind == ResultShape::Kind::Empty ||
        (!order && n == shape->rows))
        return shape;
    std::vector<uint32_t> rows(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        rows[size_t(i)] = uint32_t(sourceRow(i));
    auto out = std::make_shared<ResultShape>();
    out->kind = shape->kind;
    out->rows = n;
    for (const ResultColumn &c : shape->columns)
        out->columns.push_back({c.name, gatherRows(c.data, rows), c.key});
    return out;
}

Value RowView::shownValue(int64_t limit) const
{
    if (!shape) return Value();
    const auto s = shownShape(limit);
    const auto table = [](const std::vector<const ResultColumn *> &cols) {
        std::vector<QByteArray> names;
        std::vector<Value> data;
        for (const ResultColumn *c : cols) {
            names.push_back(c->name);
            data.push_back(c->data);
        }
        return Value::table(Value::symbols(names), Value::list(std::move(data)));
    };
    switch (s->kind) {
    case ResultShape::Kind::Empty:
        return Value();
    case ResultShape::Kind::Scalar:
        return s->scalar;
    case ResultShape::Kind::List:
        return s->columns[0].data;
    case ResultShape::Kind::Dict:
        return Value::dict(s->columns[0].data, s->columns[1].data);
    case ResultShape::Kind::Table: {
        std::vector<const ResultColumn *> cols;
        for (const ResultColumn &c : s->columns)
            cols.push_back(&c);
        return table(cols);
    }
    case ResultShape::Kind::KeyedTable: {
        std::vector<const ResultColumn *> keys, values;
        for (const ResultColumn &c : s->columns)
            (c.key ? keys : values).push_back(&c);
        return Value::keyedTable(table(keys), table(values));
    }
    }
    return Value();
}

} // namespace qscope
