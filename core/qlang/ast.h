#pragma once
/// The parse tree. It has q's own shape: an application node is (function; arg;
/// arg ...), names are looked up at run time, and constants are values. A few
/// special forms (assignment, $[;;], if/do/while, qSQL templates, lambdas) get
/// their own kinds because they do not evaluate their arguments eagerly.

#include "protocol/value.h"

#include <QByteArray>

#include <memory>
#include <vector>

namespace qscope::qlang::detail {

struct AstNode;
using NodeP = std::shared_ptr<const AstNode>;

/// A lambda's parsed form, cached by source text (lambdas from the wire are
/// parsed on first use).
struct LambdaDef
{
    QByteArray source;
    std::vector<QByteArray> params;
    std::vector<NodeP> body; // statements; empty statements are dropped
    bool lastEmpty = false;  // `{a:1;}` returns ::
};
using LambdaP = std::shared_ptr<const LambdaDef>;

struct AstNode
{
    enum class Kind {
        Const,       // value
        Name,        // name
        Apply,       // fn(args); an Elided arg makes a projection
        Elided,      // missing argument in f[1;]
        Assign,      // name : args[0]   (op set: name op: args[0]; global: name ::
                     // args[0])
        IndexAssign, // name[args[1..]] : args[0] (op optional)
        Lambda,      // lambda
        Verb,        // a primitive verb used as a value: value = dyadic form, monadic =
                     // unary form
        Derived,     // fn with an iterator: code 0..5 for ' / \ ': /: \:
        Cond,        // $[c;a;b;...]
        If,          // if[c;...]
        Do,          // do[n;...]
        While,       // while[c;...]
        Return,      // :x
        Signal,      // 'x
        List,        // (a;b;c)
        Table,       // ([k..] c..): names, args, nkeys
        Qsql,        // select/exec/update/delete
        System,      // \cmd text
    };
    Kind kind = Kind::Const;
    Value value;
    Value monadic; // Verb: unary form
    QByteArray name;
    NodeP fn;
    std::vector<NodeP> args;
    Value op; // Assign / IndexAssign with an operator (a+:1)
    bool global = false;
    int code = 0; // Derived: iterator code; Qsql: 0 select 1 exec 2 update 3 delete
    LambdaP lambda;
    // Table / Qsql
    std::vector<QByteArray> names;   // column names (Table, Qsql select part)
    std::vector<QByteArray> byNames; // Qsql by part
    std::vector<NodeP> bys;
    std::vector<NodeP> wheres;
    NodeP from;
    int nkeys = 0;
    bool distinctSel = false;
    NodeP limit;                // select[n]
    bool parenthesised = false; // Assign / IndexAssign written (a:1): q's console shows it
};

} // namespace qscope::qlang::detail
