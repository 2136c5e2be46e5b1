// JSON after .j.j (q.k's .j namespace, kdb+ 3.6+; https://code.kx.com/q/ref/dotj/): strings for
// chars, symbols, guids, bytes and temporals; numbers for numeric types; true/false; dicts as
// objects, tables as arrays of row objects. Unlike .j.j, always valid RFC 8259: where q writes
// bare inf/-inf (no such JSON token) this writes "Infinity"/"-Infinity", and a null date or
// timestamp is null like every other typed null (format.h lists the rules).
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

/// +1 or -1 for an infinity of a float, real or temporal element, 0 otherwise.
int infinitySign(int type, const char *p)
{
    switch (storageOf(type)) {
    case Storage::Int32: {
        int32_t x;
        std::memcpy(&x, p, 4);
        return x == qnull::iInf ? 1 : x == -qnull::iInf ? -1 : 0;
    }
    case Storage::Int64: {
        int64_t x;
        std::memcpy(&x, p, 8);
        return x == qnull::jInf ? 1 : x == -qnull::jInf ? -1 : 0;
    }
    case Storage::Real: {
        float f;
        std::memcpy(&f, p, 4);
        return std::isinf(f) ? (f < 0 ? -1 : 1) : 0;
    }
    case Storage::Float: {
        double f;
        std::memcpy(&f, p, 8);
        return std::isinf(f) ? (f < 0 ? -1 : 1) : 0;
    }
    default:
        return 0;
    }
}

/// q's text of a temporal with its date in ISO 8601: 2024.01.02 -> 2024-01-02; Exact also
/// turns a timestamp's `D` into ISO's `T`.
void appendIsoTemporal(QByteArray &out, int type, const char *p, TextMode mode)
{
    QByteArray s;
    appendElement(s, type, p, ElementStyle::Cell);
    const qsizetype dateChars = type == Month ? 7 : 10;
    for (qsizetype i = 0; i < std::min(dateChars, s.size()); ++i)
        if (s[i] == '.') s[i] = '-';
    if (mode == TextMode::Exact && type == Timestamp && s.size() > 10 && s[10] == 'D') s[10] = 'T';
    appendJsonString(out, s);
}

/// One element of a typed vector (or an atom's bytes) as JSON.
void appendJsonElement(QByteArray &out, int type, const char *p, TextMode mode)
{
    const bool exact = mode == TextMode::Exact;
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
        // Numbers, infinities included (0W is its integer): exact, and valid JSON.
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
    default:
        break;
    }
    // Floats, reals and temporals: null, then the one spelling of an infinity JSON lacks.
    if (isNullElement(type, p)) {
        out.append("null");
        return;
    }
    if (const int inf = infinitySign(type, p)) {
        out.append(inf < 0 ? "\"-Infinity\"" : "\"Infinity\"");
        return;
    }
    switch (type) {
    case Real:
    case Float:
        appendElement(out, type, p, ElementStyle::Cell, exact);
        return;
    case Timestamp:
    case Month:
    case Date:
    case Datetime:
        appendIsoTemporal(out, type, p, mode);
        return;
    default: {
        QByteArray s;
        appendStringElement(s, type, p);
        appendJsonString(out, s);
        return;
    }
    }
}

void appendJson(QByteArray &out, const Value &v, int depth, TextMode mode);

void appendJsonObject(QByteArray &out, const Value &keys, const Value &values, int depth,
                      TextMode mode)
{
    out.append('{');
    const int64_t n = std::min(keys.count(), values.count());
    for (int64_t i = 0; i < n; ++i) {
        if (i) out.append(',');
        QByteArray k;
        appendJson(k, keys.isVector() || keys.isList() ? keys.element(i) : keys, depth + 1, mode);
        if (k.startsWith('"'))
            out.append(k);
        else
            appendJsonString(out, k);
        out.append(':');
        appendJson(out, values.isVector() || values.isList() ? values.element(i) : values,
                   depth + 1, mode);
    }
    out.append('}');
}

void appendJson(QByteArray &out, const Value &v, int depth, TextMode mode)
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
        appendJsonElement(out, -t, atomBytes(v, buf), mode);
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
                appendJsonElement(out, t, elementPtr(v, i), mode);
        }
        out.append(']');
        return;
    }
    if (v.isList()) {
        out.append('[');
        const auto &items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out.append(',');
            appendJson(out, items[i], depth + 1, mode);
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
                    appendJsonElement(out, col.type(), elementPtr(col, r), mode);
                else
                    appendJson(out, col.element(r), depth + 1, mode);
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
                   depth + 1, mode);
        return;
    }
    if (v.isDict()) {
        appendJsonObject(out, v.keys(), v.values(), depth, mode);
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

QByteArray formatJson(const Value &v, TextMode mode)
{
    QByteArray out;
    detail::appendJson(out, v, 0, mode);
    return out;
}

} // namespace qscope
