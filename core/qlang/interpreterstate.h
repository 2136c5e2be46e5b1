#pragma once
/// The interpreter's state and evaluator: globals, the builtin table, the
/// lambda cache, the call stack of local frames and the per-query limits. Used
/// from one thread at a time (see Interpreter); primitives receive it to call
/// back into q (each, over, apply ...).

#include "qlang/ast.h"
#include "qlang/interpreter.h"
#include "qlang/qerror.h"

#include <QElapsedTimer>
#include <QHash>

#include <array>
#include <random>
#include <span>

namespace qscope::qlang::detail {

class InterpreterState;

using Fn1 = Value (*)(InterpreterState &, const Value &);
using Fn2 = Value (*)(InterpreterState &, const Value &, const Value &);
using FnN = Value (*)(InterpreterState &, std::span<const Value>);

/// One builtin: a q-visible name, its valence and the C++ that implements it.
struct Builtin
{
    QByteArray name;
    int arity = 0;
    Fn1 f1 = nullptr;
    Fn2 f2 = nullptr;
    FnN fn = nullptr; // 3+ args, or variadic verbs (@ . ? with 3-4 args)
};

/// Iterator codes in the parse tree and composites.
enum IterCode { ItEach = 0, ItOver = 1, ItScan = 2, ItPrior = 3, ItRight = 4, ItLeft = 5 };

class InterpreterState
{
public:
    explicit InterpreterState(Interpreter *owner);

    Interpreter *owner;
    Interpreter::Limits limits;
    std::function<void(const QByteArray &)> output;
    std::function<void(const QByteArray &)> errorOutput; ///< handle 2 / -2; unset: output
    Interpreter::SystemHandler systemHandler;
    QHash<int, Interpreter::Internal> internals;
    Interpreter::HandleWriter handleWriter;

    QHash<QByteArray, Value> globals;
    struct NativeDef
    {
        int arity;
        Interpreter::Native fn;
        QByteArray context; // with source: the lambda's context (the name's namespace)
        QByteArray source;  // q text the native stands for, or empty
    };
    QHash<QByteArray, NativeDef> natives;
    /// context + '\0' + source -> native name, for natives defined with a q source text.
    QHash<QByteArray, QByteArray> nativeBySource;
    QHash<QByteArray, Interpreter::Dynamic> dynamics;
    /// Top-level namespaces (u for .u.sub) in the order they were first given a name, as
    /// kdb+'s key` lists them.
    std::vector<QByteArray> namespaceOrder;
    void noteNamespace(const QByteArray &name);
    /// The value a native's name evaluates to (its lambda).
    Value nativeValue(const QByteArray &name) const;
    /// The native a lambda value stands for: its name, or nullopt for a lambda of q's own.
    std::optional<QByteArray> nativeName(const Value &lambda) const;

    // builtins: index [0] unary (type 101), [1] operators (type 102), by code
    std::array<std::array<Builtin, 256>, 2> table{};
    QHash<QByteArray, Value> builtinNames;
    QHash<QByteArray, bool> infixNames; // names used infix: in within like ...
    uint8_t nextCode[2] = {0x20, 0x20};
    void reg(const char *name, Fn1 f);
    void reg(const char *name, Fn2 f, bool infix = true);
    void regN(const char *name, int arity, FnN f, bool infix = false);
    void regVerb(int code, Fn1 monadic, Fn2 dyadic, FnN variadic = nullptr);
    void alias(const char *name, const Value &fn, bool infix = false);
    const Builtin *builtin(const Value &f) const;

    QHash<QByteArray, LambdaP> lambdas;
    LambdaP lambdaDef(const Value &lambda);

    // evaluation
    struct Frame
    {
        std::vector<std::pair<QByteArray, Value>> vars;
        const LambdaDef *def = nullptr;
        /// qSQL context: column names resolve to the table's columns at `rows` (all
        /// rows when allRows), `i` to the row numbers; other names fall through to
        /// the enclosing frame.
        const Value *qtable = nullptr;
        const std::vector<int64_t> *rows = nullptr;
        bool allRows = true;
        /// The namespace its global names live in: the lambda's context (`\d .u` when it
        /// was defined), empty for the root.
        QByteArray ctx;
    };
    std::vector<Frame> frames;
    int depth = 0;
    QElapsedTimer clock;
    int64_t ticks = 0;
    int64_t allocated = 0;
    std::mt19937_64 rng{0x5eedULL};

    /// Run a whole query (resets the per-query budget and clock). *shown (if given): whether
    /// q's console would print the result (see Interpreter::evalConsole).
    Value evalTop(const QByteArray &src, bool *shown = nullptr);
    /// Interpreter::runScript (system.cpp).
    Value runScript(const QByteArray &script, const QByteArray &file);
    Value eval(const AstNode &n);
    Value evalBlock(const std::vector<NodeP> &stmts);
    Value apply(const Value &f, std::span<const Value> args);
    Value apply1(const Value &f, const Value &x);
    Value apply2(const Value &f, const Value &x, const Value &y);
    /// Valence of a function value (how many args before it runs).
    int valence(const Value &f);
    Value index(const Value &x, std::span<const Value> idx);
    Value index1(const Value &x, const Value &i);

    /// `\d`: the namespace (u for .u, empty for the root) that later statements' global
    /// names live in; a statement binds the one current when it started, as q binds names
    /// when it parses a line (code.kx.com/q/basics/syscmds/#d-directory).
    QByteArray context;
    QByteArray statementContext;
    /// Where an unqualified global name of the running code lives (the lambda's context, else
    /// the statement's), and the full name of such a name there (i -> .u.i).
    const QByteArray &currentContext() const;
    QByteArray qualify(const QByteArray &name) const;
    /// A name given as a symbol (value`t, `t insert x, `t set v, `t[i]): q finds it in the
    /// current directory (\d) whichever function runs, as u.q's value x in .u.add does.
    Value getSymbol(const QByteArray &name);
    void setSymbol(const QByteArray &name, const Value &v);
    bool byDirectory = false; ///< while a symbol is resolved: currentContext() is \d's

    std::optional<Value> lookup(const QByteArray &name);
    Value getName(const QByteArray &name);
    void setName(const QByteArray &name, const Value &v, bool global);
    void setGlobalValue(const QByteArray &name, const Value &v);
    /// Values of names under a namespace (`.my` -> dict of its members).
    Value namespaceDict(const QByteArray &ns) const;

    void tick();                // time-limit check ('stop)
    void charge(int64_t bytes); // allocation budget ('wsfull)
    void write(const QByteArray &text);
    void writeError(const QByteArray &text);

    // qSQL (qsql.cpp)
    Value evalQsql(const AstNode &n);

private:
    Value applyLambda(const Value &f, const LambdaDef &def, std::span<const Value> args);
    Value applyIterator(const Value &f, std::span<const Value> args);
    Value assign(const AstNode &n);
    Value indexAssign(const AstNode &n);
};

/// Registration of each primitive family (one file each).
void registerArith(InterpreterState &s);
void registerCompare(InterpreterState &s);
void registerList(InterpreterState &s);
void registerAggregate(InterpreterState &s);
void registerStrings(InterpreterState &s);
void registerCast(InterpreterState &s);
void registerDict(InterpreterState &s);
void registerSystem(InterpreterState &s);
void registerIterators(InterpreterState &s);

/// The names in namespace ns ("" or "." for the root, else .u) of one kind, sorted: 'v' all,
/// 'a' tables, 'f' functions, as \v \a \f and tables list them (system.cpp).
Value namesOfKind(InterpreterState &s, char kind, const QByteArray &ns);

/// The thread's running interpreter (for allocation accounting inside helpers);
/// may be null.
InterpreterState *&currentState();

} // namespace qscope::qlang::detail
