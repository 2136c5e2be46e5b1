// The evaluator: parse-tree walking, names and frames, application,
// projections, indexing.
#include "qlang/interpreterstate.h"
#include "qlang/parser.h"
#include "qlang/vecutil.h"

#include <algorithm>

namespace qscope::qlang::detail {

Value writeHandle(InterpreterState &s, int64_t h, const Value &x);

namespace {

struct ReturnSignal
{
    Value value;
};

struct Depth
{
    explicit Depth(InterpreterState &s) : m_s(s)
    {
        if (++m_s.depth > m_s.limits.maxDepth) qthrow("stack");
    }
    ~Depth() { --m_s.depth; }
    InterpreterState &m_s;
};

bool truthy(const Value &v)
{
    if (!v.isAtom()) qthrow("type");
    const int bt = -v.type();
    if (bt == Real || bt == Float || bt == Datetime)
        return readF(v, 0) != 0 || std::isnan(readF(v, 0));
    if (bt == Symbol || bt == Guid) qthrow("type");
    return v.rawInt() != 0;
}

/// An assignment's operator (a+:1); the generic null means plain assignment.
bool hasOp(const Value &op)
{
    return op.isFunction() && !op.isGenericNull();
}

bool isElided(const Value &v)
{
    return v.type() == UnaryPrimitive && v.primitiveCode() == 0xff;
}

} // namespace

const QByteArray &nativeContext()
{
    static const QByteArray c("\x01", 1);
    return c;
}

InterpreterState *&currentState()
{
    thread_local InterpreterState *s = nullptr;
    return s;
}

InterpreterState::InterpreterState(Interpreter *o) : owner(o)
{
    registerArith(*this);
    registerCompare(*this);
    registerList(*this);
    registerAggregate(*this);
    registerStrings(*this);
    registerCast(*this);
    registerDict(*this);
    registerSystem(*this);
    registerIterators(*this);
}

void InterpreterState::reg(const char *name, Fn1 f)
{
    const uint8_t code = nextCode[0]++;
    Builtin &b = table[0][code];
    b.name = name;
    b.arity = 1;
    b.f1 = f;
    builtinNames.insert(name, Value::primitive(UnaryPrimitive, code));
}

void InterpreterState::reg(const char *name, Fn2 f, bool infix)
{
    const uint8_t code = nextCode[1]++;
    Builtin &b = table[1][code];
    b.name = name;
    b.arity = 2;
    b.f2 = f;
    builtinNames.insert(name, Value::primitive(Operator, code));
    if (infix) infixNames.insert(name, true);
}

void InterpreterState::regN(const char *name, int arity, FnN f, bool infix)
{
    const uint8_t code = nextCode[1]++;
    Builtin &b = table[1][code];
    b.name = name;
    b.arity = arity;
    b.fn = f;
    builtinNames.insert(name, Value::primitive(Operator, code));
    if (infix) infixNames.insert(name, true);
}

void InterpreterState::regVerb(int code, Fn1 monadic, Fn2 dyadic, FnN variadic)
{
    static const char verbs[] = ":+-*%&|^=<>$,#_~!?@.";
    Builtin &u = table[0][code];
    u.name = QByteArray(1, verbs[code]);
    u.arity = 1;
    if (monadic) u.f1 = monadic;
    Builtin &b = table[1][code];
    b.name = QByteArray(1, verbs[code]);
    b.arity = 2;
    if (dyadic) b.f2 = dyadic;
    if (variadic) b.fn = variadic;
}

void InterpreterState::alias(const char *name, const Value &fn, bool infix)
{
    builtinNames.insert(name, fn);
    if (infix) infixNames.insert(name, true);
}

const Builtin *InterpreterState::builtin(const Value &f) const
{
    if (f.type() == UnaryPrimitive) return &table[0][f.primitiveCode()];
    if (f.type() == Operator) return &table[1][f.primitiveCode()];
    return nullptr;
}

LambdaP InterpreterState::lambdaDef(const Value &lambda)
{
    const QByteArray &src = lambda.lambdaSource();
    auto it = lambdas.constFind(src);
    if (it != lambdas.cend()) return *it;
    Parser p(infixNames, builtinNames, limits.maxDepth);
    LambdaP def = p.parseLambda(src);
    if (lambdas.size() > 100000) lambdas.clear();
    lambdas.insert(src, def);
    return def;
}

void InterpreterState::tick()
{
    if ((++ticks & 255) == 0 && limits.maxMillis > 0 && clock.isValid() &&
        clock.elapsed() > limits.maxMillis)
        qthrow("stop");
}

void InterpreterState::charge(int64_t bytes)
{
    allocated += bytes;
    if (limits.maxBytes > 0 && (allocated > limits.maxBytes || bytes > limits.maxBytes))
        qthrow("wsfull");
}

void InterpreterState::write(const QByteArray &text)
{
    if (output) output(text);
}

void InterpreterState::writeError(const QByteArray &text)
{
    if (errorOutput)
        errorOutput(text);
    else
        write(text);
}

Value InterpreterState::evalTop(const QByteArray &src, bool *shown)
{
    if (shown) *shown = false;
    InterpreterState *prev = currentState();
    currentState() = this;
    const bool outer = depth == 0;
    if (outer) {
        ticks = 0;
        allocated = 0;
        clock.start();
    }
    Value result;
    // a nested run (value "...", a script's statement) binds names in the context \d set last
    const QByteArray outerContext = statementContext;
    statementContext = context;
    try {
        Parser p(infixNames, builtinNames, limits.maxDepth);
        const std::vector<NodeP> stmts = p.parseProgram(src);
        for (const NodeP &s : stmts)
            result = eval(*s);
        // q's console prints nothing after a trailing `;` or for an assignment (a:1, a[0]:1,
        // a+:1), but does print a parenthesised one, (a:1)
        if (shown && !stmts.empty() && !p.endedEmpty()) {
            const AstNode &last = *stmts.back();
            *shown = last.parenthesised || (last.kind != AstNode::Kind::Assign &&
                                            last.kind != AstNode::Kind::IndexAssign);
        }
    } catch (const QError &e) {
        result = Value::error(e.word);
    } catch (const ReturnSignal &r) {
        result = r.value;
    } catch (const std::bad_alloc &) {
        result = Value::error("wsfull");
    } catch (const std::length_error &) {
        result = Value::error("wsfull");
    }
    if (shown && result.isError()) *shown = true; // an error is always printed
    statementContext = outerContext;
    if (outer) {
        frames.clear();
        depth = 0;
    }
    currentState() = prev;
    return result;
}

Value InterpreterState::evalBlock(const std::vector<NodeP> &stmts)
{
    Value r;
    for (const NodeP &s : stmts)
        r = eval(*s);
    return r;
}

const QByteArray &InterpreterState::currentContext() const
{
    if (byDirectory) return context;
    return frames.empty() ? statementContext : frames.back().ctx;
}

namespace {

struct ByDirectory
{
    explicit ByDirectory(InterpreterState &s) : m_s(s), m_was(s.byDirectory)
    {
        s.byDirectory = true;
    }
    ~ByDirectory() { m_s.byDirectory = m_was; }
    InterpreterState &m_s;
    bool m_was;
};

} // namespace

Value InterpreterState::getSymbol(const QByteArray &name)
{
    ByDirectory d(*this);
    return getName(name);
}

void InterpreterState::setSymbol(const QByteArray &name, const Value &v)
{
    ByDirectory d(*this);
    setGlobalValue(name, v);
}

QByteArray InterpreterState::qualify(const QByteArray &name) const
{
    const QByteArray &ctx = currentContext();
    if (ctx.isEmpty() || name.startsWith('.')) return name;
    return '.' + ctx + '.' + name;
}

std::optional<Value> InterpreterState::lookup(const QByteArray &name)
{
    if (!frames.empty()) {
        Frame &f = frames.back();
        for (const auto &kv : f.vars)
            if (kv.first == name) return kv.second;
        if (f.qtable) {
            const int c = f.qtable->columnIndex(name);
            if (c >= 0) {
                const Value &col = f.qtable->columns().item(c);
                Value v = f.allRows ? col : gather(col, *f.rows);
                f.vars.emplace_back(name, v);
                return v;
            }
            if (name == "i") {
                std::vector<int64_t> idx;
                if (f.allRows) {
                    idx.resize(size_t(f.qtable->count()));
                    for (size_t k = 0; k < idx.size(); ++k)
                        idx[k] = int64_t(k);
                } else {
                    idx = *f.rows;
                }
                return longs(std::move(idx));
            }
            // the enclosing lambda's locals (e.g. a parameter used in a where clause)
            for (size_t k = frames.size() - 1; k-- > 0;) {
                for (const auto &kv : frames[k].vars)
                    if (kv.first == name) return kv.second;
                if (!frames[k].qtable) break;
            }
        }
    }
    // in a namespace (\d .u, or a lambda defined there) a global name is that namespace's
    const QByteArray full = qualify(name);
    auto g = globals.constFind(full);
    if (g != globals.cend()) return *g;
    auto d = dynamics.constFind(full);
    if (d != dynamics.cend()) return (*d)(*owner);
    if (natives.contains(full)) return nativeValue(full);
    auto b = builtinNames.constFind(name);
    if (b != builtinNames.cend()) return *b;
    return std::nullopt;
}

Value InterpreterState::getName(const QByteArray &name)
{
    if (auto v = lookup(name)) return *v;
    if (name.startsWith('.') && !name.mid(1).contains('.')) {
        const Value ns = namespaceDict(name);
        if (ns.count() > 0) return ns;
    }
    // x.field: a dictionary member or a temporal part (d.year, t.minute ...)
    const int dot = int(name.lastIndexOf('.'));
    if (dot > 0) {
        const QByteArray base = name.left(dot), field = name.mid(dot + 1);
        if (auto b = lookup(base)) {
            if (b->isDict() && b->keys().type() == Symbol) return index1(*b, Value::symbol(field));
            const Value fn = builtinNames.value("__field");
            return apply2(fn, Value::symbol(field), *b);
        }
    }
    qthrow(name);
}

void InterpreterState::setName(const QByteArray &name, const Value &v, bool global)
{
    // a dotted name (.a.b, .seen) is never a local: assigning it in a lambda sets the global
    if (!global && !frames.empty() && !name.contains('.')) {
        for (auto &kv : frames.back().vars)
            if (kv.first == name) {
                kv.second = v;
                return;
            }
        frames.back().vars.emplace_back(name, v);
        return;
    }
    setGlobalValue(name, v);
}

void InterpreterState::setGlobalValue(const QByteArray &nameIn, const Value &v)
{
    if (nameIn.isEmpty()) qthrow("type");
    if (builtinNames.contains(nameIn) && !nameIn.startsWith('.')) qthrow("assign");
    const QByteArray name = qualify(nameIn);
    noteNamespace(name);
    globals.insert(name, v);
}

void InterpreterState::noteNamespace(const QByteArray &name)
{
    if (!name.startsWith('.') || name.size() < 2) return;
    const qsizetype dot = name.indexOf('.', 1);
    const QByteArray root = name.mid(1, dot < 0 ? -1 : dot - 1);
    if (root.isEmpty()) return;
    if (std::find(namespaceOrder.begin(), namespaceOrder.end(), root) == namespaceOrder.end())
        namespaceOrder.push_back(root);
}

Value InterpreterState::nativeValue(const QByteArray &name) const
{
    auto it = natives.constFind(name);
    if (it != natives.cend() && !it->source.isEmpty())
        return Value::lambda(it->context, it->source);
    return Value::lambda(nativeContext(), name);
}

std::optional<QByteArray> InterpreterState::nativeName(const Value &lambda) const
{
    const QByteArray &context = lambda.lambdaContext();
    if (context == nativeContext()) return lambda.lambdaSource();
    // Lambdas parsed here always have the root context; only a native's has another.
    if (context.isEmpty() || nativeBySource.isEmpty()) return std::nullopt;
    auto it = nativeBySource.constFind(context + '\0' + lambda.lambdaSource());
    if (it == nativeBySource.cend()) return std::nullopt;
    return *it;
}

Value InterpreterState::namespaceDict(const QByteArray &ns) const
{
    std::vector<QByteArray> names{QByteArray()};
    std::vector<Value> vals{Value()};
    const QByteArray prefix = ns + '.';
    QList<QByteArray> keys;
    auto direct = [&](const QByteArray &k) {
        return k.startsWith(prefix) && !k.mid(prefix.size()).contains('.');
    };
    for (auto it = globals.cbegin(); it != globals.cend(); ++it)
        if (direct(it.key())) keys.push_back(it.key());
    // The host's functions (.u.sub, the default .z.po ...) stand for q definitions a kdb+
    // process would have loaded, so they are members too, unless a global replaced them.
    for (auto it = natives.cbegin(); it != natives.cend(); ++it)
        if (direct(it.key()) && !globals.contains(it.key())) keys.push_back(it.key());
    // So do the host's computed variables (.u.w .u.i ... are tick.q's globals); .z's are
    // kdb+'s system names, which it does not list.
    if (ns != ".z")
        for (auto it = dynamics.cbegin(); it != dynamics.cend(); ++it)
            if (direct(it.key()) && !globals.contains(it.key()) && !natives.contains(it.key()))
                keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    for (const QByteArray &k : keys) {
        names.push_back(k.mid(prefix.size()));
        auto g = globals.constFind(k);
        auto d = dynamics.constFind(k);
        vals.push_back(g != globals.cend()   ? *g
                       : natives.contains(k) ? nativeValue(k)
                                             : (*d)(*owner));
    }
    if (names.size() == 1) return Value::dict(Value::symbols({}), Value::list({}));
    return Value::dict(Value::symbols(names), Value::list(std::move(vals)));
}

Value InterpreterState::eval(const AstNode &n)
{
    tick();
    switch (n.kind) {
    case AstNode::Kind::Const:
        return n.value;
    case AstNode::Kind::Name:
        return getName(n.name);
    case AstNode::Kind::Elided:
        return Value::elided();
    case AstNode::Kind::Apply: {
        Depth d(*this);
        // f[] is f[::] for every kind of function (and x[] indexes x at ::, which is x):
        // empty brackets give one argument, the generic null, not a projection.
        if (n.args.size() == 1 && n.args[0]->kind == AstNode::Kind::Elided)
            return apply1(eval(*n.fn), Value());
        std::vector<Value> args(n.args.size());
        bool elided = false;
        for (size_t i = n.args.size(); i-- > 0;) {
            if (n.args[i]->kind == AstNode::Kind::Elided) {
                args[i] = Value::elided();
                elided = true;
            } else {
                args[i] = eval(*n.args[i]);
            }
        }
        const Value f = eval(*n.fn);
        if (elided && f.isFunction()) {
            std::vector<Value> parts{f};
            parts.insert(parts.end(), args.begin(), args.end());
            return Value::composite(Projection, std::move(parts));
        }
        // x[;0] .u.w[;;0]: an index left out of a list or dictionary is all of that level
        if (elided)
            for (Value &a : args)
                if (isElided(a)) a = Value();
        return apply(f, args);
    }
    case AstNode::Kind::Assign:
        return assign(n);
    case AstNode::Kind::IndexAssign:
        return indexAssign(n);
    case AstNode::Kind::Lambda:
        if (!lambdas.contains(n.value.lambdaSource()))
            lambdas.insert(n.value.lambdaSource(), n.lambda);
        // defined under \d .u: its globals are .u's
        if (!currentContext().isEmpty())
            return Value::lambda(currentContext(), n.value.lambdaSource());
        return n.value;
    case AstNode::Kind::Verb:
        if (n.name == "'") qthrow("'");
        return n.value;
    case AstNode::Kind::Derived: {
        const Value f = eval(*n.fn);
        return Value::composite(Each + n.code, {f});
    }
    case AstNode::Kind::Cond: {
        Depth d(*this);
        size_t i = 0;
        for (; i + 1 < n.args.size(); i += 2)
            if (truthy(eval(*n.args[i]))) return eval(*n.args[i + 1]);
        return i < n.args.size() ? eval(*n.args[i]) : Value();
    }
    case AstNode::Kind::If: {
        Depth d(*this);
        if (truthy(eval(*n.args[0])))
            for (size_t i = 1; i < n.args.size(); ++i)
                if (n.args[i]->kind != AstNode::Kind::Elided) eval(*n.args[i]);
        return Value();
    }
    case AstNode::Kind::Do: {
        Depth d(*this);
        const Value c = eval(*n.args[0]);
        if (!c.isAtom() || !isIntegral(-c.type())) qthrow("type");
        const int64_t times = readI(c, 0);
        for (int64_t k = 0; k < times; ++k) {
            tick();
            for (size_t i = 1; i < n.args.size(); ++i)
                if (n.args[i]->kind != AstNode::Kind::Elided) eval(*n.args[i]);
        }
        return Value();
    }
    case AstNode::Kind::While: {
        Depth d(*this);
        while (truthy(eval(*n.args[0]))) {
            tick();
            for (size_t i = 1; i < n.args.size(); ++i)
                if (n.args[i]->kind != AstNode::Kind::Elided) eval(*n.args[i]);
        }
        return Value();
    }
    case AstNode::Kind::Return:
        throw ReturnSignal{eval(*n.args[0])};
    case AstNode::Kind::Signal: {
        const Value v = eval(*n.args[0]);
        if (v.type() == -Symbol) qthrow(v.symbolValue());
        if (v.type() == Char) qthrow(QByteArray(v.rawData(), int(v.count())));
        if (v.type() == -Char) qthrow(QByteArray(1, v.charValue()));
        qthrow("type");
    }
    case AstNode::Kind::List: {
        Depth d(*this);
        if (n.code == 1) {
            Value r;
            for (const NodeP &a : n.args)
                r = a->kind == AstNode::Kind::Elided ? Value() : eval(*a);
            return r;
        }
        std::vector<Value> items(n.args.size());
        for (size_t i = n.args.size(); i-- > 0;)
            items[i] = eval(*n.args[i]);
        return collapse(std::move(items));
    }
    case AstNode::Kind::Table: {
        Depth d(*this);
        std::vector<Value> cols(n.args.size());
        for (size_t i = n.args.size(); i-- > 0;)
            cols[i] = eval(*n.args[i]);
        int64_t len = -1;
        for (const Value &c : cols)
            if (!c.isAtom() && len < 0) len = c.count();
        for (const Value &c : cols)
            if (!c.isAtom() && c.count() != len) qthrow("length");
        if (len < 0) len = 1;
        for (Value &c : cols) {
            if (c.isAtom()) {
                std::vector<int64_t> z(static_cast<size_t>(len), 0);
                c = gather(enlistAtom(c), z);
            } else if (c.isTable() || c.isDict()) {
                qthrow("type");
            }
        }
        if (n.nkeys == 0) return makeTable(n.names, std::move(cols));
        std::vector<QByteArray> kn(n.names.begin(), n.names.begin() + n.nkeys);
        std::vector<QByteArray> vn(n.names.begin() + n.nkeys, n.names.end());
        std::vector<Value> kc(cols.begin(), cols.begin() + n.nkeys);
        std::vector<Value> vc(cols.begin() + n.nkeys, cols.end());
        return Value::keyedTable(makeTable(kn, std::move(kc)), makeTable(vn, std::move(vc)));
    }
    case AstNode::Kind::Qsql: {
        Depth d(*this);
        return evalQsql(n);
    }
    case AstNode::Kind::System: {
        const Value fn = builtinNames.value("system");
        return apply1(fn, Value::string(n.name));
    }
    }
    qthrow("nyi");
}

Value InterpreterState::assign(const AstNode &n)
{
    Value v = eval(*n.args[0]);
    if (hasOp(n.op)) v = apply2(n.op, getName(n.name), v);
    // a::v (and a,::v) in a lambda with a local a assigns the local, as q does
    // (code.kx.com/q4m3/6_Functions/#673-assigning-global-variables-within-a-function)
    bool global = n.global;
    if (global && !frames.empty())
        for (const auto &kv : frames.back().vars)
            global = global && kv.first != n.name;
    setName(n.name, v, global);
    return v;
}

namespace {

Value amendAt(InterpreterState &s, const Value &x, std::span<const Value> path, const Value &op,
              const Value &v)
{
    if (path.empty()) return hasOp(op) ? s.apply2(op, x, v) : v;
    const Value &i = path[0];
    if (x.isDict() && !x.isKeyedTable()) {
        std::vector<Value> keys = itemsOf(x.keys());
        std::vector<Value> vals = itemsOf(x.values());
        const std::vector<Value> targets = i.isAtom() ? std::vector<Value>{i} : itemsOf(i);
        for (size_t t = 0; t < targets.size(); ++t) {
            const Value vt = (i.isAtom() || v.isAtom()) ? v : itemAt(v, int64_t(t));
            size_t pos = 0;
            for (; pos < keys.size(); ++pos)
                if (match(keys[pos], targets[t])) break;
            if (pos == keys.size()) {
                if (path.size() > 1) qthrow("type");
                keys.push_back(targets[t]);
                vals.push_back(hasOp(op) ? s.apply2(op, nullLike(x.values()), vt) : vt);
                continue;
            }
            vals[pos] = amendAt(s, vals[pos], path.subspan(1), op, vt);
        }
        Value nk = collapse(std::move(keys));
        Value nv = collapse(std::move(vals));
        if (x.values().isVector() && nv.type() != x.values().type() && !hasOp(op)) qthrow("type");
        return Value::dict(nk, nv);
    }
    if (x.isTable()) {
        if (i.type() == -Symbol && path.size() == 1) {
            std::vector<QByteArray> names = symList(x.columnNames());
            std::vector<Value> cols = x.columns().items();
            const int c = x.columnIndex(i.symbolValue());
            Value nv = v;
            if (nv.isAtom()) {
                std::vector<int64_t> z(static_cast<size_t>(x.count()), 0);
                nv = gather(enlistAtom(nv), z);
            }
            if (nv.count() != x.count()) qthrow("length");
            if (c < 0) {
                names.push_back(i.symbolValue());
                cols.push_back(nv);
            } else {
                cols[size_t(c)] = hasOp(op) ? s.apply2(op, cols[size_t(c)], v) : nv;
            }
            return makeTable(names, std::move(cols));
        }
        qthrow("nyi");
    }
    if (!isList(x)) qthrow("type");
    std::vector<Value> items = itemsOf(x);
    const bool wasVector = x.isVector();
    const int64_t cnt = int64_t(items.size());
    if (i.isGenericNull()) {
        if (!v.isAtom() && path.size() == 1 && v.count() != cnt) qthrow("length");
        for (int64_t k = 0; k < cnt; ++k)
            items[size_t(k)] = amendAt(s, items[size_t(k)], path.subspan(1), op,
                                       v.isAtom() || path.size() > 1 ? v : itemAt(v, k));
    } else if (i.isAtom()) {
        if (!isIntegral(-i.type())) qthrow("type");
        const int64_t k = readI(i, 0);
        if (k < 0 || k >= cnt) qthrow("index");
        items[size_t(k)] = amendAt(s, items[size_t(k)], path.subspan(1), op, v);
    } else {
        const int64_t m = i.count();
        if (!v.isAtom() && v.count() != m) qthrow("length");
        for (int64_t t = 0; t < m; ++t) {
            const Value it = itemAt(i, t);
            if (!it.isAtom() || !isIntegral(-it.type())) qthrow("type");
            const int64_t k = readI(it, 0);
            if (k < 0 || k >= cnt) qthrow("index");
            items[size_t(k)] =
                amendAt(s, items[size_t(k)], path.subspan(1), op, v.isAtom() ? v : itemAt(v, t));
        }
    }
    if (cnt == 0) return x;
    Value out = collapse(std::move(items));
    if (wasVector && out.type() != x.type()) qthrow("type");
    return out;
}

} // namespace

Value InterpreterState::indexAssign(const AstNode &n)
{
    Value v = eval(*n.args[0]);
    std::vector<Value> path;
    for (size_t i = 1; i < n.args.size(); ++i)
        path.push_back(n.args[i]->kind == AstNode::Kind::Elided ? Value() : eval(*n.args[i]));
    const Value cur = getName(n.name);
    const Value updated = amendAt(*this, cur, path, n.op, v);
    bool isLocal = false;
    if (!frames.empty())
        for (const auto &kv : frames.back().vars)
            isLocal = isLocal || kv.first == n.name;
    setName(n.name, updated, !isLocal);
    return v;
}

Value amendValue(InterpreterState &s, const Value &x, std::span<const Value> path, const Value &op,
                 const Value &v)
{
    return amendAt(s, x, path, op, v);
}

int InterpreterState::valence(const Value &f)
{
    switch (f.type()) {
    case Lambda:
        if (const auto native = nativeName(f)) {
            auto it = natives.constFind(*native);
            return it == natives.cend() ? 1 : it->arity;
        }
        return int(lambdaDef(f)->params.size());
    case UnaryPrimitive:
        return 1;
    case Operator: {
        const Builtin *b = builtin(f);
        return b && b->arity ? b->arity : 2;
    }
    case Projection: {
        const auto &p = f.items();
        int filled = 0;
        for (size_t i = 1; i < p.size(); ++i)
            if (!isElided(p[i])) ++filled;
        return std::max(1, valence(p[0]) - filled);
    }
    case Composition:
        return valence(f.items().back());
    case Each:
    case Over:
    case Scan:
        return valence(f.items()[0]);
    case EachPrior:
    case EachRight:
    case EachLeft:
        return 2;
    default:
        return 1;
    }
}

Value InterpreterState::apply1(const Value &f, const Value &x)
{
    const Value a[1] = {x};
    return apply(f, a);
}

Value InterpreterState::apply2(const Value &f, const Value &x, const Value &y)
{
    const Value a[2] = {x, y};
    return apply(f, a);
}

Value InterpreterState::apply(const Value &f, std::span<const Value> args)
{
    tick();
    Depth d(*this);
    const size_t n = args.size();
    if (f.isFunction())
        for (const Value &a : args)
            if (isElided(a)) {
                std::vector<Value> parts{f};
                parts.insert(parts.end(), args.begin(), args.end());
                return Value::composite(Projection, std::move(parts));
            }
    switch (f.type()) {
    case Lambda: {
        if (const auto native = nativeName(f)) {
            auto it = natives.constFind(*native);
            if (it == natives.cend()) qthrow(*native);
            if (int(n) < it->arity) {
                // f[a] of a binary f is the projection (f;a): kdb+ keeps no trailing holes
                std::vector<Value> parts{f};
                parts.insert(parts.end(), args.begin(), args.end());
                return Value::composite(Projection, std::move(parts));
            }
            if (int(n) > it->arity) qthrow("rank");
            const auto fn = it->fn; // the native may redefine itself
            Value r = fn(*owner, args);
            if (r.isError()) qthrow(r.symbolValue());
            return r;
        }
        const LambdaP def = lambdaDef(f);
        const size_t arity = def->params.size();
        if (n < arity) {
            std::vector<Value> parts{f};
            parts.insert(parts.end(), args.begin(), args.end());
            return Value::composite(Projection, std::move(parts));
        }
        if (n > arity) qthrow("rank");
        return applyLambda(f, *def, args);
    }
    case UnaryPrimitive: {
        if (f.primitiveCode() == 0) { // ::
            if (n != 1) qthrow("rank");
            return args[0];
        }
        const Builtin *b = builtin(f);
        if (!b || !b->f1) qthrow("nyi");
        if (n != 1) qthrow("rank");
        return b->f1(*this, args[0]);
    }
    case Operator: {
        const Builtin *b = builtin(f);
        if (!b || (!b->f2 && !b->fn)) qthrow("nyi");
        const size_t arity = size_t(b->arity ? b->arity : 2);
        if (n < arity && !(b->f2 && n == 2)) {
            std::vector<Value> parts{f};
            parts.insert(parts.end(), args.begin(), args.end());
            if (n + 1 == arity && arity == 2)
                return Value::composite(Projection,
                                        std::move(parts)); // (+;1) as q writes it
            for (size_t k = n; k < arity; ++k)
                parts.push_back(Value::elided());
            return Value::composite(Projection, std::move(parts));
        }
        if (n == 2 && b->f2) return b->f2(*this, args[0], args[1]);
        if (b->fn) return b->fn(*this, args);
        qthrow("rank");
    }
    case Projection: {
        const auto &p = f.items();
        std::vector<Value> merged;
        merged.reserve(p.size() + n);
        size_t k = 0;
        bool holes = false;
        for (size_t i = 1; i < p.size(); ++i) {
            if (isElided(p[i])) {
                if (k < n) {
                    merged.push_back(args[k++]);
                } else {
                    merged.push_back(Value::elided());
                    holes = true;
                }
            } else {
                merged.push_back(p[i]);
            }
        }
        for (; k < n; ++k)
            merged.push_back(args[k]);
        if (holes) {
            std::vector<Value> parts{p[0]};
            parts.insert(parts.end(), merged.begin(), merged.end());
            return Value::composite(Projection, std::move(parts));
        }
        return apply(p[0], merged);
    }
    case Composition: {
        const auto &p = f.items();
        Value r = apply(p.back(), args);
        for (size_t i = p.size() - 1; i-- > 0;)
            r = apply1(p[i], r);
        return r;
    }
    case Each:
    case Over:
    case Scan:
    case EachPrior:
    case EachRight:
    case EachLeft:
        return applyIterator(f, args);
    case -Symbol: {
        const Value target = getSymbol(f.symbolValue());
        return index(target, args);
    }
    default:
        break;
    }
    if (f.isError()) qthrow(f.symbolValue());
    if (f.isAtom() && isIntegral(-f.type()) && f.type() != -Boolean && n == 1) {
        const int64_t h = readI(f, 0);
        if (h == 1 || h == 2 || h == -1 || h == -2) return writeHandle(*this, h, args[0]);
        if (h != 0 && handleWriter) {
            const Value r = handleWriter(*owner, h, args[0]);
            if (r.isError()) qthrow(r.symbolValue());
            return r;
        }
    }
    return index(f, args);
}

Value InterpreterState::applyLambda(const Value &f, const LambdaDef &def,
                                    std::span<const Value> args)
{
    Frame fr;
    fr.def = &def;
    if (f.lambdaContext() != nativeContext()) fr.ctx = f.lambdaContext();
    fr.vars.reserve(def.params.size() + 4);
    for (size_t i = 0; i < def.params.size(); ++i)
        fr.vars.emplace_back(def.params[i], i < args.size() ? args[i] : Value());
    frames.push_back(std::move(fr));
    struct Pop
    {
        std::vector<Frame> &f;
        ~Pop() { f.pop_back(); }
    } pop{frames};
    try {
        Value r = evalBlock(def.body);
        if (def.lastEmpty || def.body.empty()) return Value();
        return r;
    } catch (const ReturnSignal &ret) {
        return ret.value;
    }
}

Value InterpreterState::index(const Value &x, std::span<const Value> idx)
{
    if (idx.empty()) return x;
    if (idx.size() == 1) return index1(x, idx[0]);
    if (x.isFunction()) return apply(x, idx);
    if (x.isTable() && idx.size() == 2) {
        const Value rows = idx[0].isGenericNull() ? x : index1(x, idx[0]);
        return index1(rows, idx[1]);
    }
    const Value &i = idx[0];
    const Value r = i.isGenericNull() ? x : index1(x, i);
    if (i.isAtom() && !i.isGenericNull()) return index(r, idx.subspan(1));
    if (r.isDict()) {
        // d[;i;j]: every value indexed at i;j (all of the path, not only its next level)
        std::vector<Value> rest{Value()};
        rest.insert(rest.end(), idx.begin() + 1, idx.end());
        return Value::dict(r.keys(), index(r.values(), rest));
    }
    std::vector<Value> out;
    const int64_t cnt = r.count();
    for (int64_t k = 0; k < cnt; ++k)
        out.push_back(index(itemAt(r, k), idx.subspan(1)));
    if (cnt == 0) return Value::list({});
    return collapse(std::move(out));
}

int64_t dictFind(const Value &keys, const Value &k)
{
    const int64_t n = keys.count();
    if (keys.type() == Symbol && k.type() == -Symbol) {
        const int64_t pi = poolIndex(keys, k.symbolValue());
        if (pi < 0) return n;
        for (int64_t i = 0; i < n; ++i)
            if (keys.symIndex(i) == uint32_t(pi)) return i;
        return n;
    }
    if (keys.isVector() && k.isAtom() && k.type() == -keys.type()) {
        const Value kv = enlistAtom(k);
        for (int64_t i = 0; i < n; ++i)
            if (matchElem(keys, i, kv, 0)) return i;
        return n;
    }
    if (keys.isTable()) {
        const Value kl = k.isDict() ? k.values() : k;
        const int nk = int(keys.columns().count());
        for (int64_t i = 0; i < n; ++i) {
            bool ok = true;
            for (int c = 0; c < nk && ok; ++c)
                ok = match(keys.columns().item(c).element(i),
                           nk == 1 && kl.isAtom() ? kl : itemAt(kl, c));
            if (ok) return i;
        }
        return n;
    }
    for (int64_t i = 0; i < n; ++i)
        if (match(itemAt(keys, i), k)) return i;
    return n;
}

Value InterpreterState::index1(const Value &x, const Value &i)
{
    if (i.isGenericNull()) return x;
    if (x.isFunction()) return apply1(x, i);
    if (x.isKeyedTable()) {
        const Value &kt = x.keys();
        const Value &vt = x.values();
        if (i.isTable()) {
            const int64_t m = i.count();
            std::vector<int64_t> pos(static_cast<size_t>(m));
            for (int64_t r = 0; r < m; ++r)
                pos[size_t(r)] = dictFind(kt, i.element(r));
            return gather(vt, pos);
        }
        const int64_t p = dictFind(kt, i);
        return p < kt.count() ? vt.element(p) : nullLike(vt);
    }
    if (x.isDict()) {
        const Value &k = x.keys();
        const Value &v = x.values();
        const bool single =
            i.isAtom() || (k.isList() && !(i.isList() && i.count() && !i.item(0).isAtom()) &&
                           !k.isVector() && i.type() != Symbol);
        if (single) {
            const int64_t p = dictFind(k, i);
            if (p < k.count()) return itemAt(v, p);
            return nullLike(v);
        }
        std::vector<int64_t> pos(static_cast<size_t>(i.count()));
        for (int64_t r = 0; r < i.count(); ++r)
            pos[size_t(r)] = dictFind(k, itemAt(i, r));
        if (v.isVector() || v.isTable()) return gather(v, pos);
        std::vector<Value> out;
        for (int64_t p : pos)
            out.push_back(p < k.count() ? itemAt(v, p) : nullLike(v));
        if (out.empty()) return Value::list({});
        return collapse(std::move(out));
    }
    if (x.isTable()) {
        if (i.type() == -Symbol) return tableColumn(x, i.symbolValue());
        if (i.type() == Symbol) {
            std::vector<Value> cols;
            for (int64_t k = 0; k < i.count(); ++k)
                cols.push_back(tableColumn(x, i.symAt(k)));
            return Value::list(std::move(cols));
        }
        if (i.isAtom() && isIntegral(-i.type())) {
            const int64_t r = readI(i, 0);
            if (r < 0 || r >= x.count()) return nullLike(x);
            return x.element(r);
        }
        if (i.isVector() && isIntegral(i.type())) {
            std::vector<int64_t> pos(static_cast<size_t>(i.count()));
            for (int64_t r = 0; r < i.count(); ++r)
                pos[size_t(r)] = readI(i, r);
            return gather(x, pos);
        }
        qthrow("type");
    }
    if (x.isVector() || x.isList()) {
        if (i.isAtom()) {
            if (!isIntegral(-i.type())) qthrow("type");
            const int64_t r = readI(i, 0);
            if (r < 0 || r >= x.count()) return nullLike(x);
            return x.element(r);
        }
        if (i.isVector()) {
            if (!isIntegral(i.type())) qthrow("type");
            std::vector<int64_t> pos(static_cast<size_t>(i.count()));
            for (int64_t r = 0; r < i.count(); ++r)
                pos[size_t(r)] = readI(i, r);
            return gather(x, pos);
        }
        if (i.isList()) {
            if (i.count() == 0) return emptyLike(x);
            std::vector<Value> out;
            for (const Value &it : i.items())
                out.push_back(index1(x, it));
            return collapse(std::move(out));
        }
        if (i.isDict()) return Value::dict(i.keys(), index1(x, i.values()));
        qthrow("type");
    }
    if (x.type() == -Symbol) return index1(getSymbol(x.symbolValue()), i);
    qthrow("type");
}

} // namespace qscope::qlang::detail
