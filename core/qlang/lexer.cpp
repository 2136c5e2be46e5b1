#include "qlang/lexer.h"

#include "qlang/qerror.h"
#include "qlang/vecutil.h"

#include "protocol/literalnumber.h"

#include <algorithm>

namespace qscope::qlang::detail {

namespace {

bool isNameStart(char c)
{
    return std::isalpha(uchar(c)) || c == '.';
}
bool isNameChar(char c)
{
    return std::isalnum(uchar(c)) || c == '.' || c == '_';
}
bool isVerbChar(char c)
{
    switch (c) {
    case ':':
    case '+':
    case '-':
    case '*':
    case '%':
    case '&':
    case '|':
    case '^':
    case '=':
    case '<':
    case '>':
    case '$':
    case ',':
    case '#':
    case '_':
    case '~':
    case '!':
    case '?':
    case '@':
    case '.':
        return true;
    default:
        return false;
    }
}

bool endsNoun(const std::vector<Token> &t)
{
    if (t.empty()) return false;
    switch (t.back().kind) {
    case Token::Kind::Number:
    case Token::Kind::String:
    case Token::Kind::Symbol:
    case Token::Kind::Name:
    case Token::Kind::RParen:
    case Token::Kind::RBracket:
    case Token::Kind::Lambda:
        return true;
    default:
        return false;
    }
}

bool numberStarts(const QByteArray &s, int p)
{
    if (p >= s.size()) return false;
    if (std::isdigit(uchar(s[p]))) return true;
    return s[p] == '.' && p + 1 < s.size() && std::isdigit(uchar(s[p + 1]));
}

int scanNumberEnd(const QByteArray &s, int p)
{
    int i = p;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isalnum(uchar(c)) || c == '.' || c == ':') {
            if (c == ':' && !(i + 1 < s.size() && std::isdigit(uchar(s[i + 1])))) break;
            ++i;
            continue;
        }
        if ((c == '-' || c == '+') && i > p && (s[i - 1] == 'e' || s[i - 1] == 'E') &&
            i + 1 < s.size() && std::isdigit(uchar(s[i + 1])) && !s.mid(p, i - p).contains('D') &&
            !s.mid(p, i - p).startsWith("0x")) {
            ++i;
            continue;
        }
        break;
    }
    return i;
}

/// A run of juxtaposed number tokens (1 2 3, 2024.01.01 2024.02.01, 0x2a, 101b) as one value,
/// read by the protocol's literal scanner; a bad token is q's error naming that token.
Value numberRun(const std::vector<QByteArray> &parts)
{
    using namespace qscope::detail;
    if (parts.size() == 1 && isByteOrBooleanToken(parts[0])) {
        if (auto v = byteOrBooleanValue(parts[0])) return *v;
        qthrow(parts[0]);
    }
    if (parts.back().endsWith('b')) {
        // 1 0 1b, 1b 0b: q's suffix types the whole run, so its items are bits
        QByteArray bits;
        for (const QByteArray &p : parts) {
            const QByteArray b = p.endsWith('b') ? p.chopped(1) : p;
            if (b.isEmpty() || b.count('0') + b.count('1') != b.size()) qthrow(p);
            bits += b;
        }
        return *byteOrBooleanValue(bits + 'b');
    }
    std::vector<NumberToken> tokens;
    tokens.reserve(parts.size());
    for (size_t k = 0; k < parts.size(); ++k) {
        if (isByteOrBooleanToken(parts[k])) qthrow(parts[k]); // bytes stand alone: 0x0102
        tokens.push_back({parts[k], int(k)});
    }
    QString error;
    int at = 0;
    auto v = numbersToValue(tokens, &error, &at);
    if (!v) qthrow(parts[size_t(std::clamp(at, 0, int(parts.size()) - 1))]);
    return *v;
}

int matchBrace(const QByteArray &s, int p)
{
    int depth = 0;
    for (int i = p; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\') ++i;
                ++i;
            }
            continue;
        }
        if (c == '/' && i > 0 && std::isspace(uchar(s[i - 1]))) {
            while (i < s.size() && s[i] != '\n')
                ++i;
            continue;
        }
        if (c == '{')
            ++depth;
        else if (c == '}') {
            if (--depth == 0) return i;
        }
    }
    return -1;
}

int skipBlockComment(const QByteArray &s, int i)
{
    const int n = int(s.size());
    int j = i;
    while (j < n) {
        const int e = int(s.indexOf('\n', j));
        const QByteArray line = s.mid(j, e < 0 ? -1 : e - j).trimmed();
        j = e < 0 ? n : e + 1;
        if (line == "\\") break;
    }
    return j;
}

} // namespace

std::vector<Token> Lexer::tokenize(const QByteArray &s, bool body)
{
    std::vector<Token> out;
    int depth = 0;
    const int n = int(s.size());
    int i = 0;
    bool space = true;
    bool lineStart = true;
    while (i < n) {
        const char c = s[i];
        if (c == '\r') {
            ++i;
            continue;
        }
        if (c == '\n') {
            ++i;
            if (i < n && s[i] == '/' && (i + 1 == n || s[i + 1] == '\n' || s[i + 1] == '\r'))
                i = skipBlockComment(s, i);
            bool brk = depth == 0 && i < n && !std::isspace(uchar(s[i])) && s[i] != '/';
            if (body && depth == 0) {
                int k = i;
                while (k < n && std::isspace(uchar(s[k])))
                    ++k;
                auto kw = [&](const char *w) {
                    const int l = int(qstrlen(w));
                    return s.mid(k, l) == w && (k + l >= n || !isNameChar(s[k + l]));
                };
                brk = k < n && !kw("from") && !kw("where") && !kw("by") && s[k] != '/';
            }
            if (brk && !out.empty() && out.back().kind != Token::Kind::Semi)
                out.push_back(Token{Token::Kind::Semi, ";", {}, false, true, i});
            space = true;
            lineStart = true;
            continue;
        }
        if (std::isspace(uchar(c))) {
            ++i;
            space = true;
            continue;
        }
        const bool wasLineStart = lineStart;
        lineStart = false;
        Token t;
        t.spaceBefore = space;
        t.pos = i;
        space = false;
        if (c == '/' && (t.spaceBefore || wasLineStart)) {
            if (wasLineStart && (i + 1 == n || s[i + 1] == '\n' || s[i + 1] == '\r')) {
                i = skipBlockComment(s, i);
                space = true;
                lineStart = true;
                continue;
            }
            while (i < n && s[i] != '\n')
                ++i;
            space = true;
            continue;
        }
        if (c == '\\' && wasLineStart && depth == 0 && !body) {
            int e = int(s.indexOf('\n', i));
            if (e < 0) e = n;
            t.kind = Token::Kind::System;
            t.text = s.mid(i + 1, e - i - 1).trimmed();
            i = e;
            if (!t.text.isEmpty()) out.push_back(t);
            continue;
        }
        if (c == '"') {
            QByteArray str;
            int j = i + 1;
            bool closed = false;
            while (j < n) {
                const char d = s[j];
                if (d == '"') {
                    closed = true;
                    break;
                }
                if (d == '\\' && j + 1 < n) {
                    const char e = s[j + 1];
                    if (e >= '0' && e <= '7' && j + 3 < n) {
                        str += char(((e - '0') << 6) | ((s[j + 2] - '0') << 3) | (s[j + 3] - '0'));
                        j += 4;
                        continue;
                    }
                    str += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                    j += 2;
                    continue;
                }
                str += d;
                ++j;
            }
            if (!closed) qthrow("\"");
            t.kind = Token::Kind::String;
            t.value = str.size() == 1 ? Value::charAtom(str[0]) : Value::string(str);
            i = j + 1;
            out.push_back(t);
            continue;
        }
        if (c == '`') {
            std::vector<QByteArray> syms;
            int j = i;
            while (j < n && s[j] == '`') {
                int k = j + 1;
                const bool handle = k < n && s[k] == ':';
                while (k < n && (isNameChar(s[k]) || s[k] == ':' || (handle && s[k] == '/')))
                    ++k;
                syms.push_back(s.mid(j + 1, k - j - 1));
                j = k;
            }
            t.kind = Token::Kind::Symbol;
            t.value = syms.size() == 1 ? Value::symbol(syms[0]) : Value::symbols(syms);
            i = j;
            out.push_back(t);
            continue;
        }
        const bool minusNum =
            c == '-' && numberStarts(s, i + 1) && (!endsNoun(out) || t.spaceBefore);
        if (numberStarts(s, i) || minusNum) {
            std::vector<QByteArray> parts;
            int j = i;
            for (;;) {
                const int st = j;
                if (s[j] == '-') ++j;
                const int e = scanNumberEnd(s, j);
                parts.push_back(s.mid(st, e - st));
                j = e;
                int k = j;
                while (k < n && s[k] == ' ')
                    ++k;
                if (k > j && k < n &&
                    (numberStarts(s, k) || (s[k] == '-' && numberStarts(s, k + 1)))) {
                    j = k;
                    continue;
                }
                break;
            }
            t.kind = Token::Kind::Number;
            t.value = numberRun(parts);
            i = j;
            out.push_back(t);
            continue;
        }
        if (isNameStart(c) && !(c == '.' && (i + 1 >= n || !std::isalpha(uchar(s[i + 1]))))) {
            int j = i;
            while (j < n && isNameChar(s[j]))
                ++j;
            t.kind = Token::Kind::Name;
            t.text = s.mid(i, j - i);
            i = j;
            out.push_back(t);
            continue;
        }
        if (c == '{') {
            const int e = matchBrace(s, i);
            if (e < 0) qthrow("{");
            t.kind = Token::Kind::Lambda;
            t.text = s.mid(i, e - i + 1);
            i = e + 1;
            out.push_back(t);
            continue;
        }
        if (c == '}') qthrow("}");
        if (c == '(' || c == '[') {
            ++depth;
            t.kind = c == '(' ? Token::Kind::LParen : Token::Kind::LBracket;
            ++i;
            out.push_back(t);
            continue;
        }
        if (c == ')' || c == ']') {
            --depth;
            if (depth < 0) qthrow(c == ')' ? ")" : "]");
            t.kind = c == ')' ? Token::Kind::RParen : Token::Kind::RBracket;
            ++i;
            out.push_back(t);
            continue;
        }
        if (c == ';') {
            t.kind = Token::Kind::Semi;
            ++i;
            out.push_back(t);
            continue;
        }
        if ((c == '\'' || c == '/' || c == '\\') && !t.spaceBefore && !out.empty() &&
            (endsNoun(out) || out.back().kind == Token::Kind::Verb ||
             out.back().kind == Token::Kind::Adverb)) {
            t.kind = Token::Kind::Adverb;
            if (i + 1 < n && s[i + 1] == ':') {
                t.text = s.mid(i, 2);
                i += 2;
            } else {
                t.text = QByteArray(1, c);
                ++i;
            }
            out.push_back(t);
            continue;
        }
        if (c == '\'') {
            t.kind = Token::Kind::Signal;
            ++i;
            out.push_back(t);
            continue;
        }
        if (c == '\\') qthrow("\\");
        if (isVerbChar(c)) {
            t.kind = Token::Kind::Verb;
            if ((c == '<' || c == '>') && i + 1 < n &&
                (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>'))) {
                t.text = s.mid(i, 2);
                i += 2;
            } else {
                t.text = QByteArray(1, c);
                ++i;
            }
            if (i < n && s[i] == ':') {
                t.colon = true;
                ++i;
                // x,::y amends the global x even inside a lambda (code.kx.com/q/ref/assign)
                if (t.text != ":" && i < n && s[i] == ':') {
                    t.globalAmend = true;
                    ++i;
                }
            }
            out.push_back(t);
            continue;
        }
        qthrow(QByteArray(1, c));
    }
    return out;
}

} // namespace qscope::qlang::detail
