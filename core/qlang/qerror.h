#pragma once
/// The interpreter's internal error signal. Primitives throw QError;
/// Interpreter::eval catches it at its boundary and returns Value::error(word),
/// so no exception ever leaves the interpreter.

#include <QByteArray>

namespace qscope::qlang::detail {

struct QError
{
    QByteArray word;
};

[[noreturn]] inline void qthrow(const char *word)
{
    throw QError{QByteArray(word)};
}
[[noreturn]] inline void qthrow(const QByteArray &word)
{
    throw QError{word};
}

} // namespace qscope::qlang::detail
