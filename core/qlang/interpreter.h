#pragma once
/// A small q interpreter over the protocol core's values: parser, evaluator, primitives, qSQL.
/// Single-threaded like q's main thread: one Interpreter is used from one thread at a time.
/// q errors are data: eval() returns Value::error("type") etc., never throws to the caller.

#include "protocol/value.h"

#include <QByteArray>

#include <functional>
#include <memory>
#include <optional>
#include <span>

namespace qscope {

namespace qlang::detail {
class InterpreterState;
}

class Interpreter
{
public:
    struct Limits
    {
        int maxDepth = 2000;                 ///< call/parse depth before 'stack
        int64_t maxBytes = int64_t(4) << 30; ///< allocation budget per query before 'wsfull
        int64_t maxMillis = 60000;           ///< wall time per query before 'stop (0 = none)
    };

    /// A native function callable from q, e.g. .u.sub or .z.pw handlers' defaults.
    using Native = std::function<Value(Interpreter &, std::span<const Value> args)>;
    /// A name whose value is computed on every read (.z.p, .z.w ...).
    using Dynamic = std::function<Value(Interpreter &)>;
    /// A system command (`\p 5001`, `system "p"`): the text after the backslash. Return nullopt
    /// if not handled; the interpreter then runs its own (\t \ts \c \v \a \f \x \d and the
    /// settings it keeps at kdb+'s defaults), 'nyi for other q commands and 'access for the
    /// rest, which kdb+ would hand to the shell.
    using SystemHandler = std::function<std::optional<Value>(Interpreter &, const QByteArray &)>;
    /// An internal function `n!x` (e.g. -38!) that the host provides; an error value signals.
    using Internal = std::function<Value(Interpreter &, const Value &x)>;
    /// Applying a connection handle other than the console's (0 1 2 -1 -2): `neg[h] msg` sends
    /// msg async, `h msg` sync. The host owns the connections; an error value signals.
    using HandleWriter = std::function<Value(Interpreter &, int64_t handle, const Value &msg)>;

    Interpreter();
    ~Interpreter();
    Interpreter(const Interpreter &) = delete;
    Interpreter &operator=(const Interpreter &) = delete;

    void setLimits(const Limits &limits);
    const Limits &limits() const;

    /// A native under a namespace (.u.sub) may carry the q source text of the function kdb+
    /// defines there (u.q's sub): its value is then that lambda, with the namespace as its
    /// context, as `string`, `-3!` and the wire show it; applying it still runs fn. Without
    /// a source (or at the root) the value is a placeholder lambda whose text is the name.
    void defineNative(const QByteArray &name, int arity, Native fn,
                      const QByteArray &source = QByteArray());
    void defineDynamic(const QByteArray &name, Dynamic fn);
    void setGlobal(const QByteArray &name, const Value &v);
    /// nullopt if undefined.
    std::optional<Value> global(const QByteArray &name) const;

    /// Evaluate q source (several `;`/newline separated expressions; value of the last).
    Value eval(const QByteArray &source);
    /// Run a q script as `\l file` does (code.kx.com/q/basics/syscmds/#l-load-file-or-directory):
    /// statement by statement, cut by q's script rules (core/protocol/qstatements.h:
    /// indented continuation lines, `/` and `/`...`\` comments, a lone `\` ending the
    /// script), `\d .ns` applying to the statements after it. The context in force before
    /// the script is restored after it, as q does for a loaded file. Stops at the first error:
    /// writes "file:line: statement" to the error output and returns the error.
    Value runScript(const QByteArray &script, const QByteArray &file);
    /// A line typed at q's console: its value, and whether the console prints it. q prints an
    /// error, and a value unless the line ends with `;` or its last expression is an
    /// assignment (a:1, a[0]:1, a+:1) or the value is ::.
    struct ConsoleResult
    {
        Value value;
        bool shown = false;
    };
    ConsoleResult evalConsole(const QByteArray &source);
    /// What .z.pg/.z.ps receive: a char vector is evaluated as source; a list (f;a;b) is applied.
    Value evalMessage(const Value &message);
    Value apply(const Value &function, std::span<const Value> args);

    /// Where `show`, `0N!`, `1` and `-1` write (q's stdout).
    void setOutput(std::function<void(const QByteArray &)> out);
    /// Where `2` and `-2` write (q's stderr); unset, they write to the output.
    void setErrorOutput(std::function<void(const QByteArray &)> out);
    /// Host hook for system commands (`\cmd` and `system "cmd"`), asked first.
    void setSystemHandler(SystemHandler handler);
    /// Host hook for `n!x`; overrides the interpreter's own (-3! -8! -9!).
    void defineInternal(int n, Internal fn);
    /// Host hook for applying connection handles (without one, they are not open).
    void setHandleWriter(HandleWriter writer);

private:
    std::unique_ptr<qlang::detail::InterpreterState> m_state;
};

} // namespace qscope
