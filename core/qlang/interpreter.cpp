#include "qlang/interpreter.h"

#include "qlang/cast.h"
#include "qlang/interpreterstate.h"
#include "qlang/vecutil.h"

#include <QDateTime>

namespace qscope {

namespace ql = qlang::detail;
using ql::InterpreterState;

namespace {

int64_t nowNanos(bool utc)
{
    const QDateTime now = QDateTime::currentDateTime();
    const int64_t ms = now.toMSecsSinceEpoch() + (utc ? 0 : int64_t(now.offsetFromUtc()) * 1000);
    return (ms - kEpochOffsetDays * 86400000LL) * 1000000LL;
}

} // namespace

Interpreter::Interpreter() : m_state(std::make_unique<InterpreterState>(this))
{
    // clock names, read on every access; kdb+ counts from 2000.01.01 (.z.p UTC,
    // .z.P local)
    auto part = [](bool utc, int type) {
        return [utc, type](Interpreter &) {
            const Value p = Value::atom(-Timestamp, nowNanos(utc));
            return type == Timestamp ? p : ql::castAtom(type, p);
        };
    };
    defineDynamic(".z.p", part(true, Timestamp));
    defineDynamic(".z.P", part(false, Timestamp));
    defineDynamic(".z.d", part(true, Date));
    defineDynamic(".z.D", part(false, Date));
    defineDynamic(".z.t", part(true, Time));
    defineDynamic(".z.T", part(false, Time));
    defineDynamic(".z.n", part(true, Timespan));
    defineDynamic(".z.N", part(false, Timespan));
    defineDynamic(".z.z", part(true, Datetime));
    defineDynamic(".z.Z", part(false, Datetime));
}

Interpreter::~Interpreter() = default;

void Interpreter::setLimits(const Limits &limits)
{
    m_state->limits = limits;
}
const Interpreter::Limits &Interpreter::limits() const
{
    return m_state->limits;
}

void Interpreter::defineNative(const QByteArray &name, int arity, Native fn,
                               const QByteArray &source)
{
    InterpreterState &s = *m_state;
    auto old = s.natives.constFind(name);
    if (old != s.natives.cend() && !old->source.isEmpty())
        s.nativeBySource.remove(old->context + '\0' + old->source);
    // .u.sub's context is u, as for a function defined after \d .u; a root name keeps the
    // placeholder, as a q lambda at the root has the empty context every parsed lambda has.
    QByteArray context;
    if (name.startsWith('.')) context = name.mid(1).split('.').value(0);
    const bool withSource = !source.isEmpty() && !context.isEmpty() && name.count('.') > 1;
    ql::InterpreterState::NativeDef def{arity < 1 ? 1 : arity, std::move(fn), {}, {}};
    if (withSource) {
        def.context = context;
        def.source = source;
        s.nativeBySource.insert(context + '\0' + source, name);
    }
    s.natives.insert(name, std::move(def));
    s.globals.remove(name);
    s.noteNamespace(name);
}

void Interpreter::defineDynamic(const QByteArray &name, Dynamic fn)
{
    m_state->dynamics.insert(name, std::move(fn));
    m_state->noteNamespace(name);
}

void Interpreter::setGlobal(const QByteArray &name, const Value &v)
{
    m_state->noteNamespace(name);
    m_state->globals.insert(name, v);
}

std::optional<Value> Interpreter::global(const QByteArray &name) const
{
    auto it = m_state->globals.constFind(name);
    if (it == m_state->globals.cend()) return std::nullopt;
    return *it;
}

Value Interpreter::eval(const QByteArray &source)
{
    return m_state->evalTop(source);
}

Value Interpreter::runScript(const QByteArray &script, const QByteArray &file)
{
    return m_state->runScript(script, file);
}

Interpreter::ConsoleResult Interpreter::evalConsole(const QByteArray &source)
{
    ConsoleResult r;
    r.value = m_state->evalTop(source, &r.shown);
    if (r.value.isGenericNull()) r.shown = false;
    return r;
}

Value Interpreter::apply(const Value &function, std::span<const Value> args)
{
    InterpreterState &s = *m_state;
    InterpreterState *prev = ql::currentState();
    ql::currentState() = &s;
    const bool outer = s.depth == 0;
    if (outer) {
        s.ticks = 0;
        s.allocated = 0;
        s.clock.start();
    }
    Value r;
    try {
        r = s.apply(function, args);
    } catch (const ql::QError &e) {
        r = Value::error(e.word);
    } catch (const std::bad_alloc &) {
        r = Value::error("wsfull");
    } catch (const std::length_error &) {
        r = Value::error("wsfull");
    }
    if (outer) {
        s.frames.clear();
        s.depth = 0;
    }
    ql::currentState() = prev;
    return r;
}

Value Interpreter::evalMessage(const Value &message)
{
    if (message.type() == Char) return eval(QByteArray(message.rawData(), int(message.count())));
    if (message.type() == -Char) return eval(QByteArray(1, message.charValue()));
    if (!message.isList() && message.type() != Symbol)
        return message; // value of a non-list atom is itself
    const std::vector<Value> items = ql::itemsOf(message);
    if (items.empty()) return message;
    Value f = items[0];
    if (f.type() == -Symbol) {
        // (`upd;...): the name is found in the current directory (\d), as q does
        m_state->byDirectory = true;
        auto v = m_state->lookup(f.symbolValue());
        m_state->byDirectory = false;
        if (!v) return Value::error(f.symbolValue());
        f = *v;
    } else if (f.type() == Char) {
        f = eval(QByteArray(f.rawData(), int(f.count())));
        if (f.isError()) return f;
    }
    return apply(f, std::span<const Value>(items).subspan(1));
}

void Interpreter::setOutput(std::function<void(const QByteArray &)> out)
{
    m_state->output = std::move(out);
}

void Interpreter::setErrorOutput(std::function<void(const QByteArray &)> out)
{
    m_state->errorOutput = std::move(out);
}

void Interpreter::setSystemHandler(SystemHandler handler)
{
    m_state->systemHandler = std::move(handler);
}

void Interpreter::defineInternal(int n, Internal fn)
{
    m_state->internals.insert(n, std::move(fn));
}

void Interpreter::setHandleWriter(HandleWriter writer)
{
    m_state->handleWriter = std::move(writer);
}

} // namespace qscope
