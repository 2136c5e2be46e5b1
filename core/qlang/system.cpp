// System and console: system "cmd" and \cmd (\t \ts \c \v \a \f, the rest
// through the host's handler), show, .Q.s, .Q.s1, 0N!, and the console handles
// -1/-2/1/2 "text" (code.kx.com/q/basics/syscmds, /ref/show, /ref/dotq).
#include "qlang/interpreterstate.h"
#include "qlang/vecutil.h"

#include "protocol/format.h"

#include <QElapsedTimer>

#include <algorithm>

namespace qscope::qlang::detail {

namespace {

QByteArray textOf(const Value &s)
{
    if (s.type() == Char) return QByteArray(s.rawData(), int(s.count()));
    if (s.type() == -Char) return QByteArray(1, s.charValue());
    if (s.type() == -Symbol) return s.symbolValue();
    qthrow("type");
}

FormatOptions consoleSize(InterpreterState &s)
{
    FormatOptions o;
    const Value c = s.globals.value("\x01console");
    if (c.type() == Int && c.count() == 2) {
        o.height = c.at<int32_t>(0);
        o.width = c.at<int32_t>(1);
    }
    return o;
}

Value evalNested(InterpreterState &s, const QByteArray &src)
{
    const Value r = s.evalTop(src);
    if (r.isError()) qthrow(r.symbolValue());
    return r;
}

std::vector<QByteArray> globalsWhere(InterpreterState &s, bool (*pred)(const Value &))
{
    std::vector<QByteArray> out;
    for (auto it = s.globals.cbegin(); it != s.globals.cend(); ++it)
        if (!it.key().startsWith('.') && !it.key().startsWith('\x01') && pred(*it))
            out.push_back(it.key());
    std::sort(out.begin(), out.end());
    return out;
}

Value runSystem(InterpreterState &s, const QByteArray &cmdIn)
{
    const QByteArray cmd = cmdIn.trimmed();
    if (s.systemHandler) {
        if (auto r = s.systemHandler(*s.owner, cmd)) {
            if (r->isError()) qthrow(r->symbolValue());
            return *r;
        }
    }
    const int sp = int(cmd.indexOf(' '));
    const QByteArray head = sp < 0 ? cmd : cmd.left(sp);
    const QByteArray rest = sp < 0 ? QByteArray() : cmd.mid(sp + 1).trimmed();
    if (head == "t" || head.startsWith("t:") || head == "ts" || head.startsWith("ts:")) {
        const bool space = head.startsWith("ts");
        int64_t reps = 1;
        const int colon = int(head.indexOf(':'));
        if (colon >= 0) {
            bool ok = false;
            reps = head.mid(colon + 1).toLongLong(&ok);
            if (!ok || reps < 1) qthrow("domain");
        }
        if (rest.isEmpty()) return Value::intAtom(0); // \t alone: the timer interval (none)
        QElapsedTimer timer;
        timer.start();
        const int64_t before = s.allocated;
        for (int64_t i = 0; i < reps; ++i)
            evalNested(s, rest);
        const int64_t ms = timer.elapsed();
        if (space) return longs({ms, s.allocated - before});
        return Value::longAtom(ms);
    }
    if (head == "c") {
        if (rest.isEmpty()) {
            const FormatOptions o = consoleSize(s);
            return Value::fromVector(Int, std::vector<int32_t>{o.height, o.width});
        }
        const QList<QByteArray> parts = rest.simplified().split(' ');
        if (parts.size() != 2) qthrow("domain");
        const int h = parts[0].toInt(), w = parts[1].toInt();
        if (h < 10 || w < 10) qthrow("domain");
        s.globals.insert("\x01console", Value::fromVector(Int, std::vector<int32_t>{h, w}));
        return Value();
    }
    if (head == "v") return Value::symbols(globalsWhere(s, [](const Value &) { return true; }));
    if (head == "a")
        return Value::symbols(
            globalsWhere(s, [](const Value &v) { return v.isTable() || v.isKeyedTable(); }));
    if (head == "f")
        return Value::symbols(globalsWhere(s, [](const Value &v) { return v.type() == Lambda; }));
    if (head == "d" && rest.isEmpty()) return Value::symbol(".");
    if (head == "P" && rest.isEmpty()) return Value::intAtom(7);
    qthrow("nyi");
}

Value systemK(InterpreterState &s, const Value &x)
{
    return runSystem(s, textOf(x));
}

Value showK(InterpreterState &s, const Value &x)
{
    s.write(formatConsole(x, consoleSize(s)));
    return Value();
}

Value qsK(InterpreterState &s, const Value &x)
{
    return Value::string(formatConsole(x, consoleSize(s)));
}

Value qs1K(InterpreterState &, const Value &x)
{
    return Value::string(formatOneLine(x));
}

Value nyiK(InterpreterState &, const Value &)
{
    qthrow("nyi");
}

} // namespace

Value writeHandle(InterpreterState &s, int64_t h, const Value &x)
{
    // 1/2 write text, -1/-2 with a newline; q returns the handle
    QByteArray text;
    if (x.type() == Char || x.type() == -Char) {
        text = textOf(x);
    } else if (x.isList()) {
        for (const Value &i : x.items()) {
            if (i.type() != Char && i.type() != -Char) qthrow("type");
            text += textOf(i) + '\n';
        }
        if (h < 0) text.chop(1);
    } else {
        qthrow("type");
    }
    if (h < 0) text += '\n';
    s.write(text);
    return Value::atom(-Int, h);
}

void registerSystem(InterpreterState &s)
{
    s.reg("system", systemK);
    s.reg("show", showK);
    s.reg(".Q.s", qsK);
    s.reg(".Q.s1", qs1K);
    // names that exist in q but reach outside the process stay out of the demo's
    // subset
    s.reg("hopen", nyiK);
    s.reg("hclose", nyiK);
    s.reg("read0", nyiK);
    s.reg("read1", nyiK);
    s.reg("getenv", nyiK);
    s.reg("exit", nyiK);
}

} // namespace qscope::qlang::detail
