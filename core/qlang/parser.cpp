#include "qlang/parser.h"

#include "qlang/interpreterstate.h"
#include "qlang/qerror.h"

#include <algorithm>

namespace qscope::qlang::detail {

namespace {

struct DepthGuard
{
    DepthGuard(int &d, int max) : m_d(d)
    {
        if (++m_d > max) qthrow("stack");
    }
    ~DepthGuard() { --m_d; }
    int &m_d;
};

std::shared_ptr<AstNode> make(AstNode::Kind k)
{
    auto n = std::make_shared<AstNode>();
    n->kind = k;
    return n;
}

bool isQsqlKeyword(const QByteArray &t)
{
    return t == "select" || t == "exec" || t == "update" || t == "delete";
}

} // namespace

int verbCode(char c)
{
    static const char verbs[] = ":+-*%&|^=<>$,#_~!?@.";
    for (int i = 0; i < 20; ++i)
        if (verbs[i] == c) return i;
    return -1;
}

Parser::Parser(const QHash<QByteArray, bool> &infix, const QHash<QByteArray, Value> &builtins,
               int maxDepth)
    : m_infix(infix), m_builtins(builtins), m_maxDepth(maxDepth)
{}

NodeP Parser::constant(const Value &v)
{
    auto n = make(AstNode::Kind::Const);
    n->value = v;
    return n;
}

const Token &Parser::peek(int ahead) const
{
    static const Token end;
    const size_t p = m_pos + size_t(ahead);
    return p < m_tokens.size() ? m_tokens[p] : end;
}

Token Parser::next()
{
    if (m_pos >= m_tokens.size()) return Token{};
    return m_tokens[m_pos++];
}

bool Parser::atEnd() const
{
    return m_pos >= m_tokens.size();
}

std::vector<NodeP> Parser::parseProgram(const QByteArray &src)
{
    m_tokens = Lexer::tokenize(src);
    m_pos = 0;
    std::vector<NodeP> stmts = parseSeq(Token::Kind::End);
    if (!atEnd()) qthrow(peek().kind == Token::Kind::RParen ? ")" : "]");
    return stmts;
}

LambdaP Parser::parseLambda(const QByteArray &text)
{
    auto def = std::make_shared<LambdaDef>();
    def->source = text;
    if (text.size() < 2 || text.front() != '{' || text.back() != '}') qthrow("parse");
    const QByteArray inner = text.mid(1, text.size() - 2);
    m_tokens = Lexer::tokenize(inner, true);
    m_pos = 0;
    bool explicitParams = false;
    if (peek().kind == Token::Kind::LBracket) {
        explicitParams = true;
        next();
        while (peek().kind != Token::Kind::RBracket) {
            if (atEnd()) qthrow("[");
            const Token t = next();
            if (t.kind == Token::Kind::Name)
                def->params.push_back(t.text);
            else if (t.kind != Token::Kind::Semi)
                qthrow("parse");
        }
        next();
        if (def->params.size() > 8) qthrow("params");
        if (def->params.empty()) def->params.push_back("x");
    }
    if (!explicitParams) {
        int arity = 0;
        for (const Token &t : m_tokens)
            if (t.kind == Token::Kind::Name) {
                if (t.text == "x")
                    arity = std::max(arity, 1);
                else if (t.text == "y")
                    arity = std::max(arity, 2);
                else if (t.text == "z")
                    arity = std::max(arity, 3);
            }
        static const char *xyz[] = {"x", "y", "z"};
        for (int i = 0; i < std::max(arity, 1); ++i)
            def->params.push_back(xyz[i]);
    }
    std::vector<NodeP> stmts;
    for (;;) {
        NodeP e = parseExpr({});
        const bool semi = peek().kind == Token::Kind::Semi;
        if (e) stmts.push_back(e);
        def->lastEmpty = !e;
        if (!semi) break;
        next();
    }
    if (!atEnd()) qthrow(peek().kind == Token::Kind::RParen ? ")" : "]");
    def->body = std::move(stmts);
    return def;
}

std::vector<NodeP> Parser::parseSeq(Token::Kind)
{
    std::vector<NodeP> out;
    for (;;) {
        NodeP e = parseExpr({});
        if (e) out.push_back(e);
        m_lastEmpty = !e;
        if (peek().kind == Token::Kind::Semi) {
            next();
            continue;
        }
        break;
    }
    return out;
}

Parser::Term Parser::verbTerm(const QByteArray &text, bool colon)
{
    Term t;
    t.verb = true;
    t.text = text;
    t.assignOp = colon && text != ":";
    auto n = make(AstNode::Kind::Verb);
    if (text.size() == 1) {
        const int code = verbCode(text[0]);
        n->value = Value::primitive(Operator, uint8_t(code));
        n->monadic = Value::primitive(UnaryPrimitive, uint8_t(code));
    } else {
        auto it = m_builtins.constFind(text);
        if (it == m_builtins.cend()) qthrow(text);
        n->value = *it;
        n->monadic = *it;
    }
    n->name = text;
    t.node = n;
    return t;
}

std::vector<NodeP> Parser::parseBracketArgs()
{
    next(); // '['
    DepthGuard g(m_depth, m_maxDepth);
    std::vector<NodeP> args;
    for (;;) {
        NodeP e = parseExpr({});
        args.push_back(e ? e : make(AstNode::Kind::Elided));
        const Token t = next();
        if (t.kind == Token::Kind::Semi) continue;
        if (t.kind == Token::Kind::RBracket) break;
        qthrow(t.kind == Token::Kind::End ? "[" : "parse");
    }
    return args;
}

Parser::Term Parser::parseTerm()
{
    DepthGuard g(m_depth, m_maxDepth);
    const Token tok = next();
    Term t;
    switch (tok.kind) {
    case Token::Kind::Number:
    case Token::Kind::String:
    case Token::Kind::Symbol:
        t.node = constant(tok.value);
        break;
    case Token::Kind::Name: {
        if (isQsqlKeyword(tok.text)) {
            t.node = parseQsql(tok.text);
            return t;
        }
        if ((tok.text == "if" || tok.text == "do" || tok.text == "while") &&
            peek().kind == Token::Kind::LBracket) {
            auto n = make(tok.text == "if"   ? AstNode::Kind::If
                          : tok.text == "do" ? AstNode::Kind::Do
                                             : AstNode::Kind::While);
            n->args = parseBracketArgs();
            if (n->args[0]->kind == AstNode::Kind::Elided) qthrow("parse");
            t.node = n;
            return t;
        }
        if (m_infix.contains(tok.text)) {
            t.verb = true;
            auto n = make(AstNode::Kind::Verb);
            n->value = m_builtins.value(tok.text);
            n->monadic = n->value;
            n->name = tok.text;
            t.node = n;
            t.text = tok.text;
        } else {
            auto n = make(AstNode::Kind::Name);
            n->name = tok.text;
            t.node = n;
        }
        break;
    }
    case Token::Kind::Verb:
        if (tok.text == ":" && tok.colon) {
            t.dcolon = true;
            t.node = constant(Value());
            break;
        }
        t = verbTerm(tok.text, tok.colon);
        t.globalAmend = tok.globalAmend;
        break;
    case Token::Kind::Signal: {
        t.verb = true;
        t.text = "'";
        auto n = make(AstNode::Kind::Verb);
        n->name = "'";
        t.node = n;
        break;
    }
    case Token::Kind::LParen: {
        if (peek().kind == Token::Kind::LBracket) {
            t.node = parseTable();
            break;
        }
        std::vector<NodeP> items;
        bool any = false;
        int count = 0;
        for (;;) {
            NodeP e = parseExpr({});
            any = any || e;
            items.push_back(e ? e : constant(Value()));
            ++count;
            const Token c = next();
            if (c.kind == Token::Kind::Semi) continue;
            if (c.kind == Token::Kind::RParen) break;
            qthrow(c.kind == Token::Kind::End ? "(" : "parse");
        }
        if (count == 1 && !any) {
            t.node = constant(Value::list({}));
        } else if (count == 1 && (items[0]->kind == AstNode::Kind::Assign ||
                                  items[0]->kind == AstNode::Kind::IndexAssign)) {
            auto n = std::make_shared<AstNode>(*items[0]); // (a:1): printed at the console
            n->parenthesised = true;
            t.node = n;
        } else if (count == 1) {
            t.node = items[0];
        } else {
            auto n = make(AstNode::Kind::List);
            n->args = std::move(items);
            t.node = n;
        }
        break;
    }
    case Token::Kind::Lambda: {
        Parser sub(m_infix, m_builtins, m_maxDepth);
        sub.m_depth = m_depth;
        auto n = make(AstNode::Kind::Lambda);
        n->lambda = sub.parseLambda(tok.text);
        n->value = Value::lambda(QByteArray(), tok.text);
        t.node = n;
        break;
    }
    case Token::Kind::System: {
        auto n = make(AstNode::Kind::System);
        n->name = tok.text;
        t.node = n;
        break;
    }
    case Token::Kind::LBracket: {
        --m_pos;
        auto args = parseBracketArgs();
        auto n = make(AstNode::Kind::List);
        n->args = std::move(args);
        n->code = 1; // a bare [a;b] block: evaluate in order, yield the last
        t.node = n;
        break;
    }
    case Token::Kind::Adverb:
        qthrow(tok.text);
    default:
        qthrow("parse");
    }
    for (;;) {
        const Token &p = peek();
        if (p.kind == Token::Kind::LBracket && !p.spaceBefore) {
            auto args = parseBracketArgs();
            if (t.verb && t.text == "$" && args.size() >= 3) {
                auto n = make(AstNode::Kind::Cond);
                n->args = std::move(args);
                t = Term{n};
                continue;
            }
            if (t.verb && t.text == "'") {
                auto n = make(AstNode::Kind::Signal);
                n->args = std::move(args);
                t = Term{n};
                continue;
            }
            auto n = make(AstNode::Kind::Apply);
            n->fn = t.node;
            n->args = std::move(args);
            t = Term{n};
            continue;
        }
        if (p.kind == Token::Kind::Adverb && !p.spaceBefore) {
            const Token a = next();
            if (t.verb && t.text == "'") qthrow("'");
            auto n = make(AstNode::Kind::Derived);
            n->fn = t.node;
            n->code = a.text == "'"    ? ItEach
                      : a.text == "/"  ? ItOver
                      : a.text == "\\" ? ItScan
                      : a.text == "':" ? ItPrior
                      : a.text == "/:" ? ItRight
                                       : ItLeft;
            t = Term{n};
            t.verb = true;
            continue;
        }
        break;
    }
    return t;
}

NodeP Parser::parseExpr(Stops stops)
{
    DepthGuard g(m_depth, m_maxDepth);
    std::vector<Term> terms;
    for (;;) {
        const Token &p = peek();
        if (p.kind == Token::Kind::End || p.kind == Token::Kind::Semi ||
            p.kind == Token::Kind::RParen || p.kind == Token::Kind::RBracket)
            break;
        if (stops.comma && p.kind == Token::Kind::Verb && p.text == "," && !p.colon &&
            !(peek(1).kind == Token::Kind::Adverb && !peek(1).spaceBefore))
            break;
        if (stops.keywords && p.kind == Token::Kind::Name &&
            (p.text == "by" || p.text == "from" || p.text == "where"))
            break;
        terms.push_back(parseTerm());
        if (int(terms.size()) > m_maxDepth * 4) qthrow("stack");
    }
    if (terms.empty()) return nullptr;
    return build(terms);
}

NodeP Parser::build(std::vector<Term> &terms)
{
    const int n = int(terms.size());
    auto monadicApply = [](const Term &v, NodeP arg) -> NodeP {
        if (v.node->kind == AstNode::Kind::Verb && v.text == "'") {
            auto s = make(AstNode::Kind::Signal);
            s->args = {std::move(arg)};
            return s;
        }
        if (v.node->kind == AstNode::Kind::Verb && v.text == ":") {
            auto r = make(AstNode::Kind::Return);
            r->args = {std::move(arg)};
            return r;
        }
        auto a = make(AstNode::Kind::Apply);
        if (v.node->kind == AstNode::Kind::Verb) {
            auto c = make(AstNode::Kind::Const);
            c->value = v.node->monadic;
            a->fn = c;
        } else {
            a->fn = v.node;
        }
        a->args = {std::move(arg)};
        return a;
    };
    auto dyadicApply = [](const Term &left, const Term &v, NodeP right) -> NodeP {
        const AstNode &ln = *left.node;
        const bool isAssign =
            v.dcolon || (v.node->kind == AstNode::Kind::Verb && (v.text == ":" || v.assignOp));
        if (isAssign) {
            if (ln.kind == AstNode::Kind::Name) {
                auto a = make(AstNode::Kind::Assign);
                a->name = ln.name;
                a->args = {std::move(right)};
                a->global = v.dcolon || v.globalAmend;
                if (v.assignOp) a->op = v.node->value;
                return a;
            }
            if (ln.kind == AstNode::Kind::Apply && ln.fn->kind == AstNode::Kind::Name) {
                auto a = make(AstNode::Kind::IndexAssign);
                a->name = ln.fn->name;
                a->args = {std::move(right)};
                for (const NodeP &i : ln.args)
                    a->args.push_back(i);
                if (v.assignOp) a->op = v.node->value;
                return a;
            }
            if (v.dcolon || v.text == ":") qthrow("assign");
        }
        if (v.text == "'") qthrow("parse");
        auto a = make(AstNode::Kind::Apply);
        a->fn = v.node;
        a->args = {left.node, std::move(right)};
        return a;
    };
    int k = n - 1;
    NodeP acc;
    if (terms[k].verb) {
        const Term &v = terms[k];
        if (k >= 1 && !terms[k - 1].verb) {
            if (v.text == "'" || v.text == ":") qthrow("parse");
            auto a = make(AstNode::Kind::Apply);
            a->fn = v.node;
            a->args = {terms[k - 1].node, make(AstNode::Kind::Elided)};
            acc = a;
            k -= 2;
        } else {
            if (v.node->kind == AstNode::Kind::Verb && v.text == "'") qthrow("parse");
            acc = v.node;
            k -= 1;
        }
    } else {
        acc = terms[k].node;
        k -= 1;
    }
    while (k >= 0) {
        const Term &t = terms[k];
        const bool actsAsVerb = t.verb || (t.dcolon && k >= 1 && !terms[k - 1].verb &&
                                           (terms[k - 1].node->kind == AstNode::Kind::Name ||
                                            terms[k - 1].node->kind == AstNode::Kind::Apply));
        if (actsAsVerb) {
            if (k >= 1 && !terms[k - 1].verb) {
                acc = dyadicApply(terms[k - 1], t, acc);
                k -= 2;
            } else {
                acc = monadicApply(t, acc);
                k -= 1;
            }
        } else {
            auto a = make(AstNode::Kind::Apply);
            a->fn = t.node;
            a->args = {acc};
            acc = a;
            k -= 1;
        }
    }
    return acc;
}

NodeP Parser::parseTable()
{
    auto n = make(AstNode::Kind::Table);
    next(); // '['
    std::vector<NodeP> exprs;
    auto column = [&]() {
        if (peek().kind == Token::Kind::Name && peek(1).kind == Token::Kind::Verb &&
            peek(1).text == ":" && !peek(1).colon) {
            n->names.push_back(next().text);
            next();
            NodeP e = parseExpr({});
            if (!e) qthrow("parse");
            exprs.push_back(e);
            return;
        }
        NodeP e = parseExpr({});
        if (!e) return;
        n->names.push_back(derivedName(*e));
        exprs.push_back(e);
    };
    auto section = [&](Token::Kind close) {
        while (peek().kind != close) {
            if (atEnd()) qthrow(close == Token::Kind::RBracket ? "[" : "(");
            column();
            if (peek().kind == Token::Kind::Semi)
                next();
            else if (peek().kind != close)
                qthrow("parse");
        }
        next();
    };
    section(Token::Kind::RBracket);
    n->nkeys = int(exprs.size());
    section(Token::Kind::RParen);
    n->args = std::move(exprs);
    return n;
}

void Parser::parseColumns(std::vector<QByteArray> &names, std::vector<NodeP> &exprs,
                          bool allowEmpty)
{
    for (;;) {
        const Token &p = peek();
        if (p.kind == Token::Kind::Name && (p.text == "by" || p.text == "from")) break;
        if (p.kind == Token::Kind::End || p.kind == Token::Kind::Semi ||
            p.kind == Token::Kind::RParen || p.kind == Token::Kind::RBracket)
            break;
        QByteArray name;
        if (p.kind == Token::Kind::Name && peek(1).kind == Token::Kind::Verb &&
            peek(1).text == ":" && !peek(1).colon) {
            name = next().text;
            next();
        }
        NodeP e = parseExpr({true, true});
        if (!e) {
            if (!allowEmpty) qthrow("parse");
            break;
        }
        names.push_back(name.isEmpty() ? derivedName(*e) : name);
        exprs.push_back(e);
        if (peek().kind == Token::Kind::Verb && peek().text == "," && !peek().colon) {
            next();
            continue;
        }
        break;
    }
}

NodeP Parser::parseQsql(const QByteArray &kw)
{
    DepthGuard g(m_depth, m_maxDepth);
    auto n = make(AstNode::Kind::Qsql);
    n->code = kw == "select" ? 0 : kw == "exec" ? 1 : kw == "update" ? 2 : 3;
    if (peek().kind == Token::Kind::LBracket && !peek().spaceBefore) {
        auto args = parseBracketArgs();
        if (args.size() != 1 || n->code != 0) qthrow("nyi");
        n->limit = args[0];
    }
    if (peek().kind == Token::Kind::Name && peek().text == "distinct" && n->code == 0 &&
        !(peek(1).kind == Token::Kind::Verb && peek(1).text == ":")) {
        // `select distinct from t` or `select distinct a from t`
        if (peek(1).kind == Token::Kind::Name && (peek(1).text == "from" || true)) {
            next();
            n->distinctSel = true;
        }
    }
    std::vector<NodeP> cols;
    parseColumns(n->names, cols, true);
    n->args = std::move(cols);
    if (peek().kind == Token::Kind::Name && peek().text == "by") {
        if (n->code == 3) qthrow("parse");
        next();
        parseColumns(n->byNames, n->bys, true);
        if (n->bys.empty()) qthrow("parse");
    }
    if (!(peek().kind == Token::Kind::Name && peek().text == "from")) qthrow("from");
    next();
    n->from = parseExpr({false, true});
    if (!n->from) qthrow("parse");
    if (peek().kind == Token::Kind::Name && peek().text == "where") {
        next();
        for (;;) {
            NodeP e = parseExpr({true, true});
            if (!e) qthrow("parse");
            n->wheres.push_back(e);
            if (peek().kind == Token::Kind::Verb && peek().text == "," && !peek().colon) {
                next();
                continue;
            }
            break;
        }
    }
    if (n->code == 3 && !n->args.empty() && !n->wheres.empty()) qthrow("nyi");
    // delete a,b from t names columns, not expressions
    if (n->code == 3)
        for (const NodeP &c : n->args)
            if (c->kind != AstNode::Kind::Name) qthrow("type");
    return n;
}

QByteArray derivedName(const AstNode &n)
{
    switch (n.kind) {
    case AstNode::Kind::Name: {
        // the virtual column i names no column: select i, count i by .. give x, as in q
        // (code.kx.com/q4m3/9_Queries_q-sql/#931-syntax)
        if (n.name == "i") return "x";
        const int dot = int(n.name.lastIndexOf('.'));
        return dot > 0 ? n.name.mid(dot + 1) : n.name;
    }
    case AstNode::Kind::Apply: {
        const bool namedFn = n.fn->kind == AstNode::Kind::Name ||
                             (n.fn->kind == AstNode::Kind::Verb && n.fn->name.size() > 2);
        if (namedFn && n.args.size() == 2) {
            for (auto it = n.args.rbegin(); it != n.args.rend(); ++it) {
                const QByteArray s = derivedName(**it);
                if (!s.isEmpty() && s != "x") return s;
            }
        }
        for (const NodeP &a : n.args) {
            const QByteArray s = derivedName(*a);
            if (!s.isEmpty() && s != "x") return s;
        }
        return "x";
    }
    default:
        return "x";
    }
}

} // namespace qscope::qlang::detail
