#pragma once
/// q parser: tokens to the parse tree of ast.h. Expressions are read right to
/// left as q does: a verb takes the noun on its left (if any) and the whole
/// expression on its right; a noun next to a noun is an application. Throws
/// QError with q's words ('parse, 'stack ...).

#include "qlang/ast.h"
#include "qlang/lexer.h"

#include <QHash>

namespace qscope::qlang::detail {

class Parser
{
public:
    /// infix: names that act as verbs (in, within, like ...); builtins: their
    /// function values.
    Parser(const QHash<QByteArray, bool> &infix, const QHash<QByteArray, Value> &builtins,
           int maxDepth);

    std::vector<NodeP> parseProgram(const QByteArray &src);
    /// After parseProgram: the source ended with an empty statement (a trailing `;`).
    bool endedEmpty() const { return m_lastEmpty; }
    LambdaP parseLambda(const QByteArray &text);

private:
    struct Term
    {
        NodeP node;
        bool verb = false;
        bool dcolon = false;      // `::`
        bool assignOp = false;    // a verb written with a trailing colon: +:
        bool globalAmend = false; // written with two: ,:: amends the global
        QByteArray text;          // verb text
    };
    struct Stops
    {
        bool comma = false;
        bool keywords = false;
    };

    const Token &peek(int ahead = 0) const;
    Token next();
    bool atEnd() const;
    std::vector<NodeP> parseSeq(Token::Kind close);
    NodeP parseExpr(Stops stops);
    Term parseTerm();
    NodeP build(std::vector<Term> &terms);
    std::vector<NodeP> parseBracketArgs();
    NodeP parseTable();
    NodeP parseQsql(const QByteArray &kw);
    void parseColumns(std::vector<QByteArray> &names, std::vector<NodeP> &exprs, bool allowEmpty);
    Term verbTerm(const QByteArray &text, bool colon);
    static NodeP constant(const Value &v);

    const QHash<QByteArray, bool> &m_infix;
    const QHash<QByteArray, Value> &m_builtins;
    int m_maxDepth;
    int m_depth = 0;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    bool m_lastEmpty = false;
};

/// Column name q derives for an unnamed qSQL expression (`avg price` -> price).
QByteArray derivedName(const AstNode &n);
/// Verb character to its kdb+ primitive code (`:+-*%&|^=<>$,#_~!?@.` -> 0..19),
/// -1 if none.
int verbCode(char c);

} // namespace qscope::qlang::detail
