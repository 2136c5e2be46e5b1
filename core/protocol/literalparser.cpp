// q literal syntax to values: a recursive-descent parser that evaluates nothing but literals,
// casts, attributes, enlist, flip, take and the dict/table constructors.
#include "literalparser.h"

#include "literalcast.h"
#include "literalnumber.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace qscope::detail {

namespace {

constexpr int kMaxDepth = 400;

bool isLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigitChar(char c)
{
    return c >= '0' && c <= '9';
}
bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

QString describe(char c)
{
    if (c == '\0') return QStringLiteral("end of text");
    return QStringLiteral("'%1'").arg(QChar::fromLatin1(c));
}

/// Parameters a lambda takes: its [a;b] list, else the highest of x, y, z it uses.
int lambdaArity(const QByteArray &src)
{
    if (src.startsWith("{[")) {
        const qsizetype end = src.indexOf(']');
        if (end < 0) return 1;
        const QByteArray params = src.mid(2, end - 2).trimmed();
        return params.isEmpty() ? 1 : int(params.count(';')) + 1;
    }
    int arity = 1;
    for (qsizetype i = 0; i < src.size(); ++i) {
        const char c = src[i];
        if (c != 'x' && c != 'y' && c != 'z') continue;
        const bool before = i > 0 && (isLetter(src[i - 1]) || isDigitChar(src[i - 1]) ||
                                      src[i - 1] == '_' || src[i - 1] == '.');
        const bool after = i + 1 < src.size() &&
                           (isLetter(src[i + 1]) || isDigitChar(src[i + 1]) || src[i + 1] == '_');
        if (!before && !after) arity = std::max(arity, c - 'x' + 1);
    }
    return arity;
}

std::optional<Value> enlistValue(const Value &x)
{
    if (x.isAtom()) return collapse({x});
    if (x.isDict() && x.keys().type() == Symbol && !x.isKeyedTable()) {
        // enlist of a dictionary with symbol keys is a one-row table.
        std::vector<Value> cols;
        const Value &vals = x.values();
        for (int64_t i = 0; i < x.count(); ++i) {
            const Value item = vals.element(i);
            cols.push_back(item.isAtom() ? collapse({item}) : Value::list({item}));
        }
        return Value::table(x.keys(), Value::list(std::move(cols)));
    }
    return Value::list({x});
}

/// Item i of any list-like value, or the value itself for atoms (q's scalar extension).
Value itemOf(const Value &x, int64_t i)
{
    if (x.isVector() || x.isList()) return x.element(i);
    return x;
}

std::optional<Value> makeTable(const Value &names, std::vector<Value> cols, QString *error)
{
    int64_t n = -1;
    for (const Value &c : cols) {
        if (c.isDict() || c.isTable()) {
            *error = QStringLiteral("type: a table column must be a list");
            return std::nullopt;
        }
        if (c.isVector() || c.isList()) {
            if (n >= 0 && c.count() != n) {
                *error = QStringLiteral("length: columns differ in count");
                return std::nullopt;
            }
            n = c.count();
        }
    }
    if (n < 0) n = 1;
    for (Value &c : cols) {
        if (!(c.isVector() || c.isList())) {
            const Value atom = c;
            c = collapse(std::vector<Value>(size_t(n), atom));
            if (n == 0) c = Value::list({});
        }
    }
    return Value::table(names, Value::list(std::move(cols)));
}

std::optional<Value> flipValue(const Value &x, QString *error)
{
    if (x.isTable()) return Value::dict(x.columnNames(), x.columns());
    if (x.isDict() && !x.isKeyedTable() && x.keys().type() == Symbol) {
        std::vector<Value> cols;
        for (int64_t i = 0; i < x.count(); ++i)
            cols.push_back(x.values().element(i));
        return makeTable(x.keys(), std::move(cols), error);
    }
    *error = QStringLiteral("type: flip takes a dictionary of lists or a table");
    return std::nullopt;
}

std::optional<Value> takeValue(int64_t n, const Value &x, QString *error)
{
    if (x.isTable()) {
        std::vector<Value> cols;
        for (const Value &c : x.columns().items()) {
            auto t = takeValue(n, c, error);
            if (!t) return std::nullopt;
            cols.push_back(*t);
        }
        return Value::table(x.columnNames(), Value::list(std::move(cols)));
    }
    if (x.isDict()) {
        *error = QStringLiteral("nyi: take of a dictionary");
        return std::nullopt;
    }
    const int64_t count = (x.isVector() || x.isList()) ? x.count() : 1;
    if (n < -100000000 || n > 100000000) {
        *error = QStringLiteral("limit: take of more than 100000000 items");
        return std::nullopt;
    }
    const int64_t m = n < 0 ? -n : n;
    if (m > 100000000) {
        *error = QStringLiteral("limit: take of more than 100000000 items");
        return std::nullopt;
    }
    if (count == 0 && m > 0) {
        *error = QStringLiteral("length: take from an empty list");
        return std::nullopt;
    }
    std::vector<Value> items;
    items.reserve(size_t(m));
    for (int64_t i = 0; i < m; ++i) {
        // q's take cycles; a negative count takes from the end.
        const int64_t k = n >= 0 ? i % count : ((count - m % count) % count + i) % count;
        items.push_back(itemOf(x, k));
    }
    if (items.empty()) {
        if (x.isVector() || x.isAtom()) {
            const int t = x.isVector() ? x.type() : -x.type();
            return t == Symbol ? Value::symbols(std::vector<QByteArray>{})
                               : Value::uninitialised(t, 0);
        }
        return Value::list({});
    }
    return collapse(std::move(items));
}

} // namespace

LiteralParser::LiteralParser(const QByteArray &text) : m_text(text) {}

std::nullopt_t LiteralParser::fail(const QString &message, int position)
{
    if (!m_failure) m_failure = Failure{message, position};
    return std::nullopt;
}

std::nullopt_t LiteralParser::unexpected()
{
    return fail(QStringLiteral("unexpected ") + describe(peek()), m_pos);
}

void LiteralParser::skipSpace()
{
    while (!atEnd()) {
        const char c = peek();
        if (isSpace(c)) {
            ++m_pos;
            // A comment: " / ..." to the end of the line.
            if (peek() == '/' && c != '\0') {
                while (!atEnd() && peek() != '\n')
                    ++m_pos;
            }
            continue;
        }
        if (m_pos == 0 && c == '/') {
            while (!atEnd() && peek() != '\n')
                ++m_pos;
            continue;
        }
        break;
    }
}

bool LiteralParser::startsNumber() const
{
    const char c = peek();
    if (isDigitChar(c)) return true;
    if (c == '.' && isDigitChar(peek(1))) return true;
    return c == '-' && (isDigitChar(peek(1)) || (peek(1) == '.' && isDigitChar(peek(2))));
}

LiteralResult LiteralParser::parse()
{
    LiteralResult result;
    skipSpace();
    if (atEnd()) {
        fail(QStringLiteral("empty text"), 0);
    } else if (auto v = expression()) {
        skipSpace();
        if (!atEnd())
            unexpected();
        else
            result.value = std::move(*v);
    }
    if (m_failure) result.error = LiteralError{m_failure->message, m_failure->position};
    return result;
}

std::optional<Value> LiteralParser::expression()
{
    if (++m_depth > kMaxDepth) {
        --m_depth;
        return fail(QStringLiteral("nesting too deep"), m_pos);
    }
    struct Guard
    {
        int &depth;
        ~Guard() { --depth; }
    } guard{m_depth};

    skipSpace();
    auto left = noun();
    if (!left) return std::nullopt;
    skipSpace();
    if (atEnd() || peek() == ';' || peek() == ')' || peek() == ']') return left;
    const char c = peek();
    if (c == '!' || c == '#' || c == '$') {
        const int opPos = m_pos++;
        return dyadic(*left, c, opPos);
    }
    if (c == '[' && left->isFunction()) return projectionArgs(*left);
    return unexpected();
}

std::optional<Value> LiteralParser::dyadic(const Value &left, char op, int opPosition)
{
    auto rightOpt = expression();
    if (!rightOpt) return std::nullopt;
    const Value &right = *rightOpt;
    QString error;
    switch (op) {
    case '!': {
        if ((left.type() == -Long || left.type() == -Int || left.type() == -Short) &&
            right.isTable()) {
            const int64_t k = left.rawInt();
            const int64_t n = right.columnNames().count();
            if (k < 0 || k > n)
                return fail(QStringLiteral("length: cannot key %1 of %2 columns").arg(k).arg(n),
                            opPosition);
            if (k == 0) return right;
            std::vector<QByteArray> kn, vn;
            std::vector<Value> kc, vc;
            for (int64_t i = 0; i < n; ++i) {
                (i < k ? kn : vn).push_back(right.columnNames().symAt(i));
                (i < k ? kc : vc).push_back(right.columns().item(i));
            }
            return Value::keyedTable(Value::table(Value::symbols(kn), Value::list(std::move(kc))),
                                     Value::table(Value::symbols(vn), Value::list(std::move(vc))));
        }
        const bool listy = [](const Value &v) {
            return v.isVector() || v.isList() || v.isTable();
        }(left);
        if (!listy || !(right.isVector() || right.isList() || right.isTable()))
            return fail(QStringLiteral("type: ! needs lists of keys and values"), opPosition);
        if (left.count() != right.count())
            return fail(QStringLiteral("length: %1 keys but %2 values")
                            .arg(left.count())
                            .arg(right.count()),
                        opPosition);
        // Keys with `s# make a sorted dictionary (type 127 on the wire), as in kdb+.
        return Value::dict(left, right, left.attr() == Attr::Sorted);
    }
    case '#': {
        if (left.type() == -Symbol) {
            const QByteArray &a = left.symbolValue();
            Attr attr;
            if (a == "s")
                attr = Attr::Sorted;
            else if (a == "u")
                attr = Attr::Unique;
            else if (a == "p")
                attr = Attr::Parted;
            else if (a == "g")
                attr = Attr::Grouped;
            else
                return fail(
                    QStringLiteral("domain: unknown attribute `%1").arg(QString::fromUtf8(a)),
                    opPosition - int(a.size()) - 1);
            if (right.isVector() || right.isList()) return right.withAttr(attr);
            if (attr == Attr::Sorted && right.isKeyedTable())
                return Value::dict(right.keys().withAttr(Attr::Sorted), right.values(), true);
            if (attr == Attr::Sorted && right.isDict())
                return Value::dict(right.keys().withAttr(Attr::Sorted), right.values(), true);
            if (attr == Attr::Sorted && right.isTable()) {
                // As kdb+ stores it: the table flagged sorted, its first column parted.
                std::vector<Value> cols = right.columns().items();
                if (!cols.empty()) cols[0] = cols[0].withAttr(Attr::Parted);
                return Value::table(right.columnNames(), Value::list(std::move(cols)),
                                    Attr::Sorted);
            }
            return fail(QStringLiteral("type: attribute on a non-list"), opPosition);
        }
        if (left.type() == -Long || left.type() == -Int || left.type() == -Short) {
            auto v = takeValue(left.rawInt(), right, &error);
            if (!v) return fail(error, opPosition);
            return v;
        }
        return fail(QStringLiteral("type: # needs an attribute or a count on its left"),
                    opPosition);
    }
    default: {
        bool tok = false;
        const auto target = castTarget(left, &tok);
        if (!target)
            return fail(QStringLiteral("type: $ needs a type name, char or number on its left"),
                        opPosition);
        auto v = castValue(*target, tok, right, &error);
        if (!v) return fail(error, opPosition);
        return v;
    }
    }
}

std::optional<Value> LiteralParser::noun()
{
    skipSpace();
    const char c = peek();
    if (c == '(') return parenthesised();
    if (c == '`') return symbols();
    if (c == '"') return string();
    if (c == '{') return lambda();
    if (c == ':' && peek(1) == ':') {
        m_pos += 2;
        return Value::identity();
    }
    if (guidLength() > 0) return guids();
    if (c == ',' || c == '+') {
        // The one-line form's monadic verbs: ,x is enlist x and +x is flip x.
        const int start = m_pos++;
        return applyKeyword(c == ',' ? QByteArrayLiteral("enlist") : QByteArrayLiteral("flip"),
                            start);
    }
    if (startsNumber()) return numbers();
    if (isLetter(c)) {
        const int start = m_pos;
        while (!atEnd() &&
               (isLetter(peek()) || isDigitChar(peek()) || peek() == '_' || peek() == '.'))
            ++m_pos;
        const QByteArray word = m_text.mid(start, m_pos - start);
        if (word == "enlist" || word == "flip") return applyKeyword(word, start);
        return fail(QStringLiteral("'%1' is not a literal (nothing is evaluated)")
                        .arg(QString::fromUtf8(word)),
                    start);
    }
    return unexpected();
}

int LiteralParser::guidLength() const
{
    // 8-4-4-4-12 hex digits, as q prints a guid.
    static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (int k = 0; k < 36; ++k) {
        const char c = peek(k);
        if (pattern[k] == '-' ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return 0;
    }
    const char after = peek(36);
    if (isLetter(after) || isDigitChar(after) || after == '-') return 0;
    return 36;
}

std::optional<Value> LiteralParser::guids()
{
    std::vector<Value> items;
    for (;;) {
        const QByteArray text = m_text.mid(m_pos, 36);
        m_pos += 36;
        items.push_back(*parseAtomText(Guid, text));
        const int save = m_pos;
        while (!atEnd() && (peek() == ' ' || peek() == '\t'))
            ++m_pos;
        if (m_pos > save && guidLength() > 0) continue;
        m_pos = save;
        break;
    }
    return items.size() == 1 ? items.front() : collapse(std::move(items));
}

std::optional<std::vector<Value>> LiteralParser::bracketArgs()
{
    // at '['
    ++m_pos;
    std::vector<Value> args;
    for (;;) {
        skipSpace();
        if (peek() == ';' || peek() == ']') {
            args.push_back(Value::elided());
        } else {
            auto v = expression();
            if (!v) return std::nullopt;
            args.push_back(std::move(*v));
        }
        skipSpace();
        if (peek() == ';') {
            ++m_pos;
            continue;
        }
        if (peek() == ']') {
            ++m_pos;
            break;
        }
        unexpected();
        return std::nullopt;
    }
    if (args.size() == 1 && args[0] == Value::elided()) args.clear(); // f[] has no arguments
    return args;
}

std::optional<Value> LiteralParser::applyKeyword(const QByteArray &word, int position)
{
    skipSpace();
    QString error;
    if (peek() == '[') {
        auto args = bracketArgs();
        if (!args) return std::nullopt;
        for (const Value &a : *args)
            if (a.type() == UnaryPrimitive && a.primitiveCode() == 0xff)
                return fail(QStringLiteral("nyi: projection of %1").arg(QString::fromUtf8(word)),
                            position);
        if (word == "enlist") {
            if (args->size() == 1) return enlistValue(args->front());
            return collapse(std::move(*args));
        }
        if (args->size() != 1)
            return fail(QStringLiteral("rank: flip takes one argument"), position);
        auto v = flipValue(args->front(), &error);
        if (!v) return fail(error, position);
        return v;
    }
    if (atEnd() || peek() == ';' || peek() == ')' || peek() == ']')
        return fail(QStringLiteral("%1 needs an argument").arg(QString::fromUtf8(word)), position);
    auto arg = expression();
    if (!arg) return std::nullopt;
    if (word == "enlist") return enlistValue(*arg);
    auto v = flipValue(*arg, &error);
    if (!v) return fail(error, position);
    return v;
}

std::optional<Value> LiteralParser::numbers()
{
    std::vector<NumberToken> tokens;
    for (;;) {
        const int start = m_pos;
        const int len = scanNumberToken(m_text, m_pos);
        if (len == 0) return unexpected();
        const QByteArray tok = m_text.mid(start, len);
        m_pos += len;
        if (isByteOrBooleanToken(tok)) {
            if (!tokens.empty()) return fail(QStringLiteral("mixed types in a vector"), start);
            skipSpace();
            if (startsNumber()) return fail(QStringLiteral("mixed types in a vector"), m_pos);
            auto v = byteOrBooleanValue(tok);
            if (!v) return fail(QStringLiteral("invalid byte literal"), start);
            return v;
        }
        tokens.push_back({tok, start});
        // Another number after whitespace continues the vector.
        const int save = m_pos;
        if (!atEnd() && isSpace(peek())) {
            while (!atEnd() && (peek() == ' ' || peek() == '\t'))
                ++m_pos;
            if (startsNumber() && !(peek() == '0' && peek(1) == 'x')) continue;
        }
        m_pos = save;
        break;
    }
    QString error;
    int errorPos = 0;
    auto v = numbersToValue(tokens, &error, &errorPos);
    if (!v) return fail(error, errorPos);
    return v;
}

std::optional<Value> LiteralParser::symbols()
{
    std::vector<QByteArray> syms;
    while (peek() == '`') {
        ++m_pos;
        const int start = m_pos;
        const bool handle = peek() == ':';
        while (!atEnd()) {
            const char c = peek();
            const bool ok = isLetter(c) || isDigitChar(c) || c == '.' || c == '_' ||
                            static_cast<unsigned char>(c) >= 0x80 ||
                            (handle && (c == ':' || c == '/'));
            if (!ok) break;
            ++m_pos;
        }
        syms.push_back(m_text.mid(start, m_pos - start));
    }
    if (syms.size() == 1) return Value::symbol(syms.front());
    return Value::symbols(syms);
}

std::optional<Value> LiteralParser::string()
{
    const int start = m_pos++;
    QByteArray s;
    for (;;) {
        if (atEnd()) return fail(QStringLiteral("unterminated string"), start);
        const char c = m_text[m_pos++];
        if (c == '"') break;
        if (c != '\\') {
            s.append(c);
            continue;
        }
        if (atEnd()) return fail(QStringLiteral("unterminated string"), start);
        const char e = m_text[m_pos++];
        switch (e) {
        case 'n':
            s.append('\n');
            break;
        case 't':
            s.append('\t');
            break;
        case 'r':
            s.append('\r');
            break;
        case '"':
            s.append('"');
            break;
        case '\\':
            s.append('\\');
            break;
        default:
            if (e >= '0' && e <= '7' && m_pos + 1 < m_text.size() && peek() >= '0' &&
                peek() <= '7' && peek(1) >= '0' && peek(1) <= '7') {
                const int v = (e - '0') * 64 + (peek() - '0') * 8 + (peek(1) - '0');
                if (v > 255) return fail(QStringLiteral("invalid escape"), m_pos - 2);
                s.append(char(v));
                m_pos += 2;
                break;
            }
            return fail(QStringLiteral("invalid escape \\%1").arg(QChar::fromLatin1(e)), m_pos - 2);
        }
    }
    if (s.size() == 1) return Value::charAtom(s[0]);
    return Value::string(s);
}

std::optional<Value> LiteralParser::parenthesised()
{
    ++m_pos; // '('
    skipSpace();
    if (peek() == '[') return table();
    if (peek() == ')') {
        ++m_pos;
        return Value::list({});
    }
    std::vector<Value> items;
    bool separated = false;
    for (;;) {
        skipSpace();
        if (peek() == ';' || peek() == ')') {
            items.push_back(Value::identity()); // an empty item is ::
        } else {
            auto v = expression();
            if (!v) return std::nullopt;
            items.push_back(std::move(*v));
        }
        skipSpace();
        if (peek() == ';') {
            ++m_pos;
            separated = true;
            continue;
        }
        if (peek() == ')') {
            ++m_pos;
            break;
        }
        return unexpected();
    }
    if (!separated) return items.front();
    return collapse(std::move(items));
}

std::optional<Value> LiteralParser::table()
{
    const int start = m_pos;
    ++m_pos; // '['
    std::vector<QByteArray> names[2];
    std::vector<Value> cols[2];
    for (int part = 0; part < 2; ++part) {
        const char end = part == 0 ? ']' : ')';
        skipSpace();
        if (peek() == end) {
            ++m_pos;
            continue;
        }
        for (;;) {
            skipSpace();
            const int nameStart = m_pos;
            while (!atEnd() && (isLetter(peek()) || isDigitChar(peek()) || peek() == '_'))
                ++m_pos;
            if (m_pos == nameStart || !isLetter(m_text[nameStart]))
                return fail(QStringLiteral("expected a column name"), nameStart);
            names[part].push_back(m_text.mid(nameStart, m_pos - nameStart));
            skipSpace();
            if (peek() != ':') return fail(QStringLiteral("expected ':' after column name"), m_pos);
            ++m_pos;
            auto v = expression();
            if (!v) return std::nullopt;
            cols[part].push_back(std::move(*v));
            skipSpace();
            if (peek() == ';') {
                ++m_pos;
                continue;
            }
            if (peek() == end) {
                ++m_pos;
                break;
            }
            return unexpected();
        }
    }
    QString error;
    auto values = makeTable(Value::symbols(names[1]), std::move(cols[1]), &error);
    if (!values) return fail(error, start);
    if (names[0].empty()) return values;
    auto keys = makeTable(Value::symbols(names[0]), std::move(cols[0]), &error);
    if (!keys) return fail(error, start);
    if (values->columnNames().count() > 0 && keys->count() != values->count())
        return fail(QStringLiteral("length: key and value columns differ in count"), start);
    return Value::keyedTable(*keys, *values);
}

std::optional<Value> LiteralParser::lambda()
{
    const int start = m_pos;
    int depth = 0;
    bool inString = false;
    while (!atEnd()) {
        const char c = m_text[m_pos++];
        if (inString) {
            if (c == '\\')
                ++m_pos;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{')
            ++depth;
        else if (c == '}' && --depth == 0) {
            Value f = Value::lambda(QByteArray(), m_text.mid(start, m_pos - start));
            skipSpace();
            if (peek() == '[') return projectionArgs(f);
            return f;
        }
    }
    return fail(QStringLiteral("unterminated lambda"), start);
}

std::optional<Value> LiteralParser::projectionArgs(Value function)
{
    const int start = m_pos;
    auto args = bracketArgs();
    if (!args) return std::nullopt;
    bool elided = false;
    for (const Value &a : *args)
        if (a.type() == UnaryPrimitive && a.primitiveCode() == 0xff) elided = true;
    const int arity = function.type() == Lambda ? lambdaArity(function.lambdaSource()) : 2;
    if (!elided && (args->empty() || int(args->size()) >= arity))
        return fail(QStringLiteral("a full application is not a literal (nothing is evaluated)"),
                    start);
    std::vector<Value> parts;
    parts.push_back(std::move(function));
    for (Value &a : *args)
        parts.push_back(std::move(a));
    return Value::composite(Projection, std::move(parts));
}

} // namespace qscope::detail
