// JSON as .j.j writes it (q.k's .j namespace, kdb+ 3.6+): strings for chars, symbols, guids,
// bytes and temporals; numbers for numeric types; true/false; null for typed numeric nulls;
// inf/-inf for float infinities (as q does, though JSON has no such token); dicts as objects,
// tables as arrays of row objects.
#include "format.h"
#include "formatdetail.h"

#include <cmath>
#include <cstring>

namespace qscope {
namespace detail {
namespace {

void appendJsonString(QByteArray &out, const char *p, int64_t n)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    for (int64_t i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(p[i]);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.append(hex[c >> 4]);
                out.append(hex[c & 15]);
            } else {
                out.append(char(c));
            }
        }
    }
    out.append('"');
}

void appendJsonString(QByteArray &out, const QByteArray &s)
{
    appendJsonString(out, s.constData(), s.size());
}

/// One element of a typed vector (or an atom's bytes) as JSON.
void appendJsonElement(QByteArray &out, int type, const char *p)
{
    switch (type) {
    case Boolean:
        out.append(*p ? "true" : "false");
        return;
    case Char:
        appendJsonString(out, p, 1);
        return;
    case Guid:
    case Byte: {
        QByteArray s;
        appendElement(s, type, p, ElementStyle::Cell);
        appendJsonString(out, s);
        return;
    }
    case Short:
    case Int:
    case Long:
        if (isNullElement(type, p)) {
            out.append("null");
        } else {
            int64_t x = 0;
            if (type == Short) {
                int16_t h;
                std::memcpy(&h, p, 2);
                x = h;
            } else if (type == Int) {
                int32_t i;
                std::memcpy(&i, p, 4);
                x = i;
            } else {
                std::memcpy(&x, p, 8);
            }
            appendInt(out, x);
        }
        return;
    case Real:
    case Float: {
        double f;
        if (type == Real) {
            float e;
            std::memcpy(&e, p, 4);
            f = e;
        } else {
            std::memcpy(&f, p, 8);
        }
        if (std::isnan(f))
            out.append("null");
        else if (std::isinf(f))
            out.append(f < 0 ? "-inf" : "inf");
        else
            appendFloat(out, f);
        return;
    }
    case Timestamp:
    case Month:
    case Date:
    case Datetime: {
        // q's text with the date's dots as dashes: "2024-01-02", "2024-01-02T10:00:00.000".
        QByteArray s;
        appendStringElement(s, type, p);
        for (qsizetype i = 0; i < std::min<qsizetype>(8, s.size()); ++i)
            if (s[i] == '.') s[i] = '-';
        appendJsonString(out, s);
        return;
    }
    default: {
        QByteArray s;
        appendStringElement(s, type, p);
        appendJsonString(out, s);
        return;
    }
    }
}

void appendJson(QByteArray &out, const Value &v, int depth);

void appendJsonObject(QByteArray &out, const Value &keys, const Value &values, int depth)
{
    out.append('{');
    const int64_t n = std::min(keys.count(), values.count());
    for (int64_t i = 0; i < n; ++i) {
        if (i) out.append(',');
        QByteArray k;
        appendJson(k, keys.isVector() || keys.isList() ? keys.element(i) : keys, depth + 1);
        if (k.startsWith('"'))
            out.append(k);
        else
            appendJsonString(out, k);
        out.append(':');
        appendJson(out, values.isVector() || values.isList() ? values.element(i) : values,
                   depth + 1);
    }
    out.append('}');
}

void appendJson(QByteArray &out, const Value &v, int depth)
{
    if (depth > 4096) {
        out.append("null");
        return;
    }
    const int t = v.type();
    if (v.isAtom()) {
        if (t == -Symbol) {
            appendJsonString(out, v.symbolValue());
            return;
        }
        char buf[16];
        appendJsonElement(out, -t, atomBytes(v, buf));
        return;
    }
    if (t == Char) {
        appendJsonString(out, v.rawData(), v.count());
        return;
    }
    if (v.isVector()) {
        out.append('[');
        const int64_t n = v.count();
        for (int64_t i = 0; i < n; ++i) {
            if (i) out.append(',');
            if (t == Symbol)
                appendJsonString(out, v.symAt(i));
            else
                appendJsonElement(out, t, elementPtr(v, i));
        }
        out.append(']');
        return;
    }
    if (v.isList()) {
        out.append('[');
        const auto &items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out.append(',');
            appendJson(out, items[i], depth + 1);
        }
        out.append(']');
        return;
    }
    if (v.isTable()) {
        out.append('[');
        const int64_t rows = v.count();
        const Value &names = v.columnNames();
        const auto &cols = v.columns().items();
        for (int64_t r = 0; r < rows; ++r) {
            if (r) out.append(',');
            out.append('{');
            for (size_t c = 0; c < cols.size(); ++c) {
                if (c) out.append(',');
                appendJsonString(out, names.symAt(int64_t(c)));
                out.append(':');
                const Value &col = cols[c];
                if (col.type() == Symbol)
                    appendJsonString(out, col.symAt(r));
                else if (col.isVector() && col.type() != Char)
                    appendJsonElement(out, col.type(), elementPtr(col, r));
                else
                    appendJson(out, col.element(r), depth + 1);
            }
            out.append('}');
        }
        out.append(']');
        return;
    }
    if (v.isKeyedTable()) {
        // A keyed table is written as its rows with key and value columns together (0!t).
        const Value &k = v.keys();
        const Value &val = v.values();
        std::vector<QByteArray> names;
        std::vector<Value> cols;
        for (const Value *side : {&k, &val}) {
            for (int64_t c = 0; c < side->columnNames().count(); ++c) {
                names.push_back(side->columnNames().symAt(c));
                cols.push_back(side->columns().item(c));
            }
        }
        appendJson(out, Value::table(Value::symbols(names), Value::list(std::move(cols))),
                   depth + 1);
        return;
    }
    if (v.isDict()) {
        appendJsonObject(out, v.keys(), v.values(), depth);
        return;
    }
    if (v.isGenericNull()) {
        out.append("null");
        return;
    }
    // Functions and errors: their q text as a string.
    appendJsonString(out, formatOneLine(v));
}

} // namespace
} // namespace detail

QByteArray formatJson(const Value &v)
{
    QByteArray out;
    detail::appendJson(out, v, 0);
    return out;
}

} // namespace qscope
