// q's statement rules: one reader, line by line, that qStatements, qStatementAt and qStateAfter
// all drive.

#include "qstatements.h"

#include <functional>
#include <utility>

namespace qscope {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

QByteArray trimmedLeft(const QByteArray &s)
{
    qsizetype i = 0;
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return s.mid(i);
}

QByteArray trimmedRight(QByteArray s)
{
    while (!s.isEmpty() && isSpace(s.back()))
        s.chop(1);
    return s;
}

/// The line is `c` alone in its first column (trailing whitespace allowed).
bool isAlone(const QByteArray &line, char c)
{
    return !line.isEmpty() && line[0] == c && trimmedRight(line).size() == 1;
}

/// Reads a script line by line, keeping the statement being built. `onStatement` receives each
/// finished statement and returns false to stop the reading.
class Reader
{
public:
    template<typename OnStatement>
    explicit Reader(OnStatement &&onStatement)
        : m_onStatement(std::forward<OnStatement>(onStatement))
    {}

    bool stopped() const { return m_stopped; }
    const QScriptState &state() const { return m_state; }
    bool hasStatement() const { return m_has; }
    int statementFirstLine() const { return m_current.firstLine; }

    void line(QByteArray text, int n)
    {
        if (text.endsWith('\r')) text.chop(1);
        if (m_state.ended) return;
        if (m_state.inBlockComment) {
            if (qLineKind(text, true) == QLineKind::BlockClose) m_state.inBlockComment = false;
            return;
        }
        if (m_has && m_state.inString) { // the whole line is the rest of an open string
            m_current.text += '\n';
            const qsizetype code = qScanCode(text, &m_state);
            m_current.text += m_state.inString ? text.left(code) : trimmedRight(text.left(code));
            m_current.lastLine = n;
            return;
        }
        const QLineKind kind = qLineKind(text);
        switch (kind) {
        case QLineKind::Blank:
        case QLineKind::Comment:
        case QLineKind::BlockClose: // not inside a block: cannot happen
            return;
        case QLineKind::BlockOpen:
            m_state.inBlockComment = true;
            return;
        case QLineKind::ScriptEnd:
            finish();
            m_state.ended = true;
            return;
        case QLineKind::Command:
            finish();
            emitStatement(QStatement{n, n, trimmedRight(text)});
            return;
        case QLineKind::Continuation:
        case QLineKind::Code:
            break;
        }
        const bool continues =
            m_has && (kind == QLineKind::Continuation || m_state.openBrackets > 0);
        if (!continues) {
            finish();
            m_has = true;
            m_state.inStatement = true;
            m_current = QStatement{n, n, {}};
        }
        const qsizetype code = qScanCode(text, &m_state);
        QByteArray part = trimmedLeft(text.left(code));
        if (!m_state.inString) part = trimmedRight(part); // an open string keeps its spaces
        if (!part.isEmpty()) {
            if (!m_current.text.isEmpty()) m_current.text += ' ';
            m_current.text += part;
        }
        m_current.lastLine = n;
    }

    void finish()
    {
        if (!m_has) return;
        m_has = false;
        m_state.inStatement = false;
        m_state.inString = false;
        m_state.openBrackets = 0;
        if (!m_current.text.isEmpty()) emitStatement(std::move(m_current));
        m_current = QStatement{};
    }

private:
    void emitStatement(QStatement s)
    {
        if (!m_stopped && !m_onStatement(s)) m_stopped = true;
    }

    std::function<bool(const QStatement &)> m_onStatement;
    QScriptState m_state;
    QStatement m_current;
    bool m_has = false;
    bool m_stopped = false;
};

/// Feeds the script's lines to `reader` until it stops or `keepGoing(lineNumber)` says no.
template<typename KeepGoing>
void readLines(const QByteArray &script, Reader &reader, KeepGoing &&keepGoing)
{
    qsizetype pos = 0;
    for (int n = 0; !reader.stopped() && keepGoing(n); ++n) {
        const qsizetype nl = script.indexOf('\n', pos);
        const qsizetype end = nl < 0 ? script.size() : nl;
        reader.line(script.mid(pos, end - pos), n);
        if (nl < 0) break;
        pos = nl + 1;
    }
}

} // namespace

QLineKind qLineKind(const QByteArray &line, bool inBlockComment)
{
    if (inBlockComment) return isAlone(line, '\\') ? QLineKind::BlockClose : QLineKind::Comment;
    if (trimmedRight(line).isEmpty()) return QLineKind::Blank;
    if (isAlone(line, '/')) return QLineKind::BlockOpen;
    if (isAlone(line, '\\')) return QLineKind::ScriptEnd;
    switch (line[0]) {
    case '/':
        return QLineKind::Comment;
    case '\\':
        return QLineKind::Command;
    case ' ':
    case '\t':
        return QLineKind::Continuation;
    default:
        return QLineKind::Code;
    }
}

qsizetype qScanCode(const QByteArray &line, QScriptState *state)
{
    const qsizetype n = line.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = line[i];
        if (state->inString) {
            if (c == '\\')
                ++i; // an escaped character, \" included
            else if (c == '"')
                state->inString = false;
            continue;
        }
        switch (c) {
        case '"':
            state->inString = true;
            break;
        case '/':
            // "/" after whitespace (or first on the line) starts a comment; elsewhere it is the
            // over/reduce iterator (+/, ,/:)
            if (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t') return i;
            break;
        case '(':
        case '[':
        case '{':
            ++state->openBrackets;
            break;
        case ')':
        case ']':
        case '}':
            // a stray closer is q's error to report; it must not open the next statement
            if (state->openBrackets > 0) --state->openBrackets;
            break;
        default:
            break;
        }
    }
    return n;
}

QList<QStatement> qStatements(const QByteArray &script)
{
    QList<QStatement> out;
    Reader reader([&out](const QStatement &s) {
        out.append(s);
        return true;
    });
    readLines(script, reader, [](int) { return true; });
    reader.finish();
    return out;
}

std::optional<QStatement> qStatementAt(const QByteArray &script, int line)
{
    if (line < 0) return std::nullopt;
    std::optional<QStatement> found;
    Reader reader([&found, line](const QStatement &s) {
        if (s.firstLine > line) return false; // past it: the line was in no statement
        if (s.lastLine >= line) {
            found = s;
            return false;
        }
        return true;
    });
    // Lines after `line` matter only while the statement holding it may still continue.
    readLines(script, reader, [&reader, line](int n) {
        return n <= line || (reader.hasStatement() && reader.statementFirstLine() <= line);
    });
    reader.finish();
    return found;
}

QScriptState qStateAfter(const QByteArray &prefix)
{
    Reader reader([](const QStatement &) { return true; });
    readLines(prefix, reader, [](int) { return true; });
    return reader.state();
}

} // namespace qscope
