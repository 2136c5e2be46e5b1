// The one-line form of any value, as -3! and .Q.s1 print it.
#include "format.h"
#include "formatdetail.h"

#include <algorithm>
#include <iterator>

namespace qscope {
namespace detail {

namespace {

const char *const kUnary[] = {
    "::",  "+:",  "-:",   "*:",   "%:",  "&:",   "|:",  "^:",   "=:",     "<:",  ">:",
    "$:",  ",:",  "#:",   "_:",   "~:",  "!:",   "?:",  "@:",   ".:",     "0::", "1::",
    "2::", "avg", "last", "sum",  "prd", "min",  "max", "exit", "getenv", "abs", "sqrt",
    "log", "exp", "sin",  "asin", "cos", "acos", "tan", "atan", "enlist", "var", "dev",
};
const char *const kBinary[] = {
    ":",    "+",   "-",    "*",      "%",      "&",    "|",   "^",  "=",      "<",
    ">",    "$",   ",",    "#",      "_",      "~",    "!",   "?",  "@",      ".",
    "0:",   "1:",  "2:",   "in",     "within", "like", "bin", "ss", "insert", "wsum",
    "wavg", "div", "xexp", "setenv", "binr",   "cov",  "cor",
};
const char *const kIterator[] = {"'", "/", "\\", "':", "/:", "\\:"};

/// Whether a value's one-line text must be parenthesised as the left argument of `!`.
bool needsParens(const Value &v)
{
    if (v.isDict() || v.isTable() || v.isFunction()) return true;
    if ((v.isVector() || v.isList()) && v.count() == 1) return true;
    return v.isVector() && v.attr() != Attr::None;
}

void appendDict(QByteArray &out, const Value &v, bool literal)
{
    // A sorted dict is one whose keys carry `s#: q shows the attribute once, on the dict.
    const bool sorted = v.type() == SortedDict || v.keys().attr() == Attr::Sorted;
    if (sorted) out.append("`s#");
    const Value k = sorted ? v.keys().withAttr(Attr::None) : v.keys();
    QByteArray keys;
    appendOneLine(keys, k, -1, literal);
    // A cast (`$"a b") would take the whole dict as its argument: q reads right to left.
    const bool paren = needsParens(k) || keys.startsWith("`$") || keys.startsWith(",`$") ||
                       keys.startsWith("\"G\"$") || keys.startsWith(",\"G\"$");
    if (paren) out.append('(');
    out.append(keys);
    if (paren) out.append(')');
    out.append('!');
    appendOneLine(out, v.values(), -1, literal);
}

/// "G"$"8c68..": q has no literal for a guid (https://code.kx.com/q/basics/datatypes/#guid).
void appendGuidCast(QByteArray &out, const char *p)
{
    out.append("\"G\"$\"");
    appendGuid(out, reinterpret_cast<const unsigned char *>(p));
    out.append('"');
}

/// `$"a,b": the symbol as a cast of its text, for symbols q's lexer would split.
void appendSymbolCast(QByteArray &out, const QByteArray &s)
{
    out.append("`$");
    appendQuoted(out, s.constData(), s.size());
}

} // namespace

bool isPlainSymbol(const QByteArray &s)
{
    // The same bytes the literal parser (and q's lexer) reads as part of a symbol: a file
    // handle (`:dir/file, `:host:5000) may also hold ':' and '/'.
    const bool handle = s.startsWith(':');
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c >= 0x80 ||
                        (handle && (c == ':' || c == '/'));
        if (!ok) return false;
    }
    return true;
}

void appendAtomLine(QByteArray &out, const Value &v, bool literal)
{
    const int t = -v.type();
    switch (t) {
    case Boolean:
        out.append(v.boolean() ? "1b" : "0b");
        return;
    case Byte: {
        out.append("0x");
        char buf[16];
        appendElement(out, Byte, atomBytes(v, buf), ElementStyle::Vector);
        return;
    }
    case Char: {
        const char c = v.charValue();
        appendQuoted(out, &c, 1);
        return;
    }
    case Symbol:
        if (literal && !isPlainSymbol(v.symbolValue())) {
            appendSymbolCast(out, v.symbolValue());
            return;
        }
        out.append('`');
        out.append(v.symbolValue());
        return;
    default:
        break;
    }
    char buf[16];
    const char *p = atomBytes(v, buf);
    if (literal && t == Guid) {
        appendGuidCast(out, p);
        return;
    }
    appendElement(out, t, p, ElementStyle::Vector, literal);
    if (t != Long && t != Guid && !elementShowsType(t, p, literal)) out.append(typeChar(t));
}

void appendVectorLine(QByteArray &out, const Value &v, int64_t limit, bool literal)
{
    const int t = v.type();
    const int64_t n = v.count();
    out.append(attrPrefix(v.attr()));
    if (n == 0) {
        if (t == Char) {
            out.append("\"\"");
        } else {
            out.append('`');
            out.append(typeName(t));
            out.append("$()");
        }
        return;
    }
    if (n == 1) out.append(',');
    switch (t) {
    case Char: {
        // Cut long strings early: only what the caller keeps is escaped.
        const int64_t shown = limit >= 0 ? std::min<int64_t>(n, limit + 1) : n;
        appendQuoted(out, v.rawData(), shown);
        if (shown < n) out.chop(1);
        return;
    }
    case Symbol: {
        bool plain = true;
        for (int64_t i = 0; literal && plain && i < n; ++i)
            plain = isPlainSymbol(v.symAt(i));
        if (!plain) {
            // `$("a,b";"x") is q's way to write symbols its lexer would split; one item is
            // ,`$"a,b" (the `,` above).
            out.append(n == 1 ? "`$" : "`$(");
            for (int64_t i = 0; i < n; ++i) {
                if (i) out.append(';');
                appendQuoted(out, v.symAt(i).constData(), v.symAt(i).size());
            }
            if (n > 1) out.append(')');
            return;
        }
        for (int64_t i = 0; i < n; ++i) {
            out.append('`');
            out.append(v.symAt(i));
            if (limit >= 0 && out.size() > limit) return;
        }
        return;
    }
    case Guid:
        if (!literal) break;
        if (n == 1) {
            appendGuidCast(out, v.rawData());
            return;
        }
        out.append("\"G\"$(");
        for (int64_t i = 0; i < n; ++i) {
            if (i) out.append(';');
            out.append('"');
            appendGuid(out, reinterpret_cast<const unsigned char *>(v.rawData() + i * 16));
            out.append('"');
        }
        out.append(')');
        return;
    case Boolean:
        for (int64_t i = 0; i < n; ++i) {
            out.append(v.rawData()[i] ? '1' : '0');
            if (limit >= 0 && out.size() > limit) return;
        }
        out.append('b');
        return;
    case Byte:
        out.append("0x");
        for (int64_t i = 0; i < n; ++i) {
            appendElement(out, Byte, v.rawData() + i, ElementStyle::Vector);
            if (limit >= 0 && out.size() > limit) return;
        }
        return;
    default:
        break;
    }
    const int w = elementSize(t);
    const char *base = v.rawData();
    bool shows = false;
    for (int64_t i = 0; i < n; ++i) {
        if (i) out.append(' ');
        const char *p = base + size_t(i) * size_t(w);
        appendElement(out, t, p, ElementStyle::Vector, literal);
        if (!shows) shows = elementShowsType(t, p, literal);
        if (limit >= 0 && out.size() > limit) return;
    }
    if (t != Long && t != Guid && !shows) out.append(typeChar(t));
}

void appendFunction(QByteArray &out, const Value &v, bool literal)
{
    const int t = v.type();
    const auto table = [&](const char *const *names, size_t count, uint8_t code) {
        if (code < count)
            out.append(names[code]);
        else {
            out.append("`unknown");
            out.append(QByteArray::number(t));
            out.append('_');
            out.append(QByteArray::number(code));
        }
    };
    switch (t) {
    case Lambda:
        out.append(v.lambdaSource());
        return;
    case UnaryPrimitive:
        if (v.primitiveCode() == 0xff)
            return; // the elided argument of a projection shows as nothing
        table(kUnary, std::size(kUnary), v.primitiveCode());
        return;
    case Operator:
        table(kBinary, std::size(kBinary), v.primitiveCode());
        return;
    case Iterator:
        table(kIterator, std::size(kIterator), v.primitiveCode());
        return;
    case Projection: {
        const auto &parts = v.items();
        if (parts.empty()) return;
        appendOneLine(out, parts[0], -1, literal);
        out.append('[');
        for (size_t i = 1; i < parts.size(); ++i) {
            if (i > 1) out.append(';');
            appendOneLine(out, parts[i], -1, literal);
        }
        out.append(']');
        return;
    }
    case Composition:
        for (const Value &p : v.items())
            appendOneLine(out, p);
        return;
    default: {
        // 106..111: the operand, then its iterator glyph.
        const auto &parts = v.items();
        if (!parts.empty()) {
            const Value &f = parts[0];
            const bool paren = !(f.isFunction() || f.isAtom());
            if (paren) out.append('(');
            appendOneLine(out, f, -1, literal);
            if (paren) out.append(')');
        }
        if (t >= Each && t <= EachLeft) out.append(kIterator[t - Each]);
        return;
    }
    }
}

void appendOneLine(QByteArray &out, const Value &v, int64_t limit, bool literal)
{
    const int t = v.type();
    if (v.isAtom()) {
        appendAtomLine(out, v, literal);
        return;
    }
    if (v.isVector()) {
        appendVectorLine(out, v, limit, literal);
        return;
    }
    switch (t) {
    case List: {
        const auto &items = v.items();
        out.append(attrPrefix(v.attr()));
        if (items.empty()) {
            out.append("()");
            return;
        }
        if (items.size() == 1) {
            out.append(',');
            appendOneLine(out, items[0], limit, literal);
            return;
        }
        out.append('(');
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out.append(';');
            appendOneLine(out, items[i], limit, literal);
            if (limit >= 0 && out.size() > limit) return;
        }
        out.append(')');
        return;
    }
    case Dict:
    case SortedDict:
        appendDict(out, v, literal);
        return;
    case Table:
        out.append(attrPrefix(v.attr()));
        out.append('+');
        appendDict(out, Value::dict(v.columnNames(), v.columns()), literal);
        return;
    case Error:
        out.append('\'');
        out.append(v.symbolValue());
        return;
    default:
        break;
    }
    if (v.isFunction()) {
        appendFunction(out, v, literal);
        return;
    }
    // Enumerations and other types with no IPC form: say what they are, q style.
    out.append("`type");
    out.append(QByteArray::number(t));
}

} // namespace detail

QByteArray formatOneLine(const Value &v)
{
    QByteArray out;
    detail::appendOneLine(out, v);
    return out;
}

QByteArray formatLiteral(const Value &v)
{
    QByteArray out;
    detail::appendOneLine(out, v, -1, true);
    return out;
}

} // namespace qscope
