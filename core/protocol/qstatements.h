#pragma once
/// Where a statement of a q script starts and ends, as q's loader (\l) reads a file. One place
/// for these rules: the editor runs the statement under the cursor and indents by them, the
/// lexer classifies comment lines by them, and executeFile cuts a file into statements by them.
///
///   - a line that starts with whitespace continues the statement above it, and so does any
///     line while a bracket ( [ { of that statement is open or one of its strings is unclosed
///     (so a multi-line lambda `f:{[x]` ... `}` is one statement);
///   - a line that is just "/" opens a block comment that a line that is just "\" closes;
///   - outside a block comment, a line that is just "\" ends the script: the rest is not q;
///   - a line starting with "/" is a comment, and so is the rest of a line from a "/" that
///     follows whitespace (outside strings); brackets inside comments and strings do not count;
///   - a line starting with "\" is a system command, a statement of its own line;
///   - blank and comment lines are skipped: inside a statement they do not end it.
/// "Just x" allows trailing whitespace but needs x in the first column.
///
/// A statement's text is what q evaluates: comments removed and continuation lines joined by a
/// space (inside a string, by the newline the string holds).

#include <QByteArray>
#include <QList>

#include <optional>

namespace qscope {

struct QStatement
{
    int firstLine = 0; ///< 0-based line where the statement starts
    int lastLine = 0;  ///< 0-based last line that belongs to it (inclusive)
    QByteArray text;   ///< what to send: comments removed, lines joined

    bool operator==(const QStatement &) const = default;
};

/// How one line reads before its code is looked at.
enum class QLineKind {
    Blank,        ///< empty or whitespace only
    BlockOpen,    ///< "/" alone: opens a block comment
    BlockClose,   ///< "\" alone inside a block comment: closes it
    ScriptEnd,    ///< "\" alone outside a block comment: the rest of the script is not q
    Comment,      ///< starts with "/"
    Command,      ///< starts with "\": a system command
    Continuation, ///< starts with whitespace
    Code,         ///< anything else: starts a statement unless brackets are open
};

/// The state carried from one script position to the next.
struct QScriptState
{
    bool inBlockComment = false;
    bool ended = false;       ///< after a lone "\" outside a block comment
    bool inStatement = false; ///< a statement has started and may still continue
    bool inString = false;    ///< inside a string of that statement
    int openBrackets = 0;     ///< ( [ { of that statement not closed yet
};

// any thread ---------------------------------------------------------------------------------

/// Every statement of a script, in order.
QList<QStatement> qStatements(const QByteArray &script);

/// The statement that `line` (0-based) belongs to, from its first line to its last (blank and
/// comment lines between them included). nullopt on a blank or comment line outside any
/// statement, inside a block comment, after the script's end, or past the last line.
std::optional<QStatement> qStatementAt(const QByteArray &script, int line);

/// The state after reading `prefix` (a script up to a cursor, possibly mid-line). The editor
/// indents a new line only when this says the statement is still open.
QScriptState qStateAfter(const QByteArray &prefix);

/// Classifies a line (without its terminator). Inside a block comment a line is BlockClose or
/// Comment.
QLineKind qLineKind(const QByteArray &line, bool inBlockComment = false);

/// Scans the code of one line from `state` (brackets and strings), stopping at a trailing
/// comment. Returns the length of the line's code, i.e. where its comment starts (or the line's
/// length).
qsizetype qScanCode(const QByteArray &line, QScriptState *state);

} // namespace qscope
