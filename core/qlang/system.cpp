// System and console: system "cmd" and \cmd (\t \ts \c \v \a \f \x \d, the rest
// through the host's handler), show, .Q.s, .Q.s1, 0N!, and the console handles
// -1/-2/1/2 "text" (code.kx.com/q/basics/syscmds, /ref/show, /ref/dotq).
#include "qlang/interpreterstate.h"
#include "qlang/vecutil.h"

#include "protocol/format.h"
#include "protocol/qstatements.h"

#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cctype>

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

/// Names directly under namespace ns (\v .h, \f .u) whose value pred accepts.
std::vector<QByteArray> namesIn(InterpreterState &s, const QByteArray &ns,
                                bool (*pred)(const Value &))
{
    const QByteArray name = ns.trimmed();
    if (!name.startsWith('.') || name.mid(1).contains('.') || name.size() < 2) qthrow(name);
    const Value d = s.namespaceDict(name);
    if (d.count() == 0) qthrow(name); // kdb+: \a .n on a namespace that does not exist
    std::vector<QByteArray> out;
    const Value &keys = d.keys();
    for (int64_t i = 0; i < keys.count(); ++i)
        if (!keys.symAt(i).isEmpty() && pred(itemAt(d.values(), i))) out.push_back(keys.symAt(i));
    std::sort(out.begin(), out.end());
    return out;
}

/// \x .z.po: delete a handler's definition, so the default behaviour is back
/// (code.kx.com/q/basics/syscmds/#x-expunge). Deleting what is not defined is no error.
Value expunge(InterpreterState &s, const QByteArray &nameIn)
{
    const QByteArray name = nameIn.trimmed();
    if (name.isEmpty() || name.contains(' ')) qthrow("x");
    if (!name.startsWith(".z.")) qthrow("nyi"); // kdb+ documents \x for the .z callbacks only
    s.globals.remove(name);
    s.natives.remove(name);
    return Value();
}

/// \d shows the context, \d .u makes .u the namespace later statements define and read their
/// global names in, \d . goes back to the root (code.kx.com/q/basics/syscmds/#d-directory).
Value directory(InterpreterState &s, const QByteArray &ns)
{
    if (ns.isEmpty()) return Value::symbol(QByteArray(".") + s.context);
    if (ns == ".") {
        s.context.clear();
        return Value();
    }
    // one level of namespace, a name (`\d .u`), as kdb-tick's scripts use
    const QByteArray name = ns.mid(1);
    const bool ok = ns.startsWith('.') && !name.isEmpty() && !name.contains('.') &&
                    std::all_of(name.begin(), name.end(),
                                [](char c) { return std::isalnum(uchar(c)) || c == '_'; }) &&
                    !std::isdigit(uchar(name[0]));
    if (!ok) qthrow(ns);
    s.context = name;
    s.noteNamespace(ns + ".");
    return Value();
}

/// \l file without a host handler: read it from the file system and run it; a file that
/// cannot be read is q's error, its name.
Value loadFile(InterpreterState &s, const QByteArray &name)
{
    if (name.isEmpty()) qthrow("nyi"); // \l alone reloads a database directory: none here
    QFile f(QString::fromLocal8Bit(name));
    if (!f.open(QIODevice::ReadOnly)) qthrow(name);
    const Value r = s.runScript(f.readAll(), name);
    if (r.isError()) qthrow(r.symbolValue());
    return Value();
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
    if (head == "v" || head == "a" || head == "f") return namesOfKind(s, head[0], rest);
    if (head == "b" || head == "B") {
        // Views (\b) and pending views (\B): this interpreter has none (a top-level v::e is
        // a plain assignment here), so the lists are empty, as kdb+'s are without views.
        if (!rest.isEmpty() && rest != ".") namesIn(s, rest, [](const Value &) { return true; });
        return Value::symbols({});
    }
    if (head == "x") return expunge(s, rest);
    if (head == "l") return loadFile(s, rest);
    if (head == "d") return directory(s, rest);
    // Settings this interpreter keeps at kdb+'s defaults: shown, not changed.
    if (rest.isEmpty()) {
        if (head == "P") return Value::intAtom(7);
        if (head == "e" || head == "s" || head == "T" || head == "g" || head == "E" || head == "z")
            return Value::intAtom(0);
        if (head == "W") return Value::intAtom(2);
        if (head == "o") return Value::intAtom(qnull::i);
        if (head == "_") return Value::boolean(false);
    }
    // Commands that reach the file system or the process (\\ \1 \2 \cd \r \u ...) are not
    // implemented; anything else kdb+ would hand to the shell, which a restricted kdb+ refuses.
    static const char *const known[] = {"P", "e", "s", "T",  "g",  "E", "z", "W",
                                        "o", "_", "C", "cd", "l",  "p", "r", "S",
                                        "u", "w", "1", "2",  "\\", "t", "ts"};
    for (const char *k : known)
        if (head == k) qthrow("nyi");
    qthrow("access");
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

Value InterpreterState::runScript(const QByteArray &script, const QByteArray &file)
{
    // q restores the context after loading a file, so a script's \d .u does not leak
    const QByteArray before = context;
    Value result;
    for (const QStatement &st : qStatements(script)) {
        const Value r = evalTop(st.text);
        if (r.isError()) {
            writeError(file + ':' + QByteArray::number(st.firstLine + 1) + ": " + st.text + '\n');
            result = r;
            break;
        }
    }
    context = before;
    return result;
}

Value namesOfKind(InterpreterState &s, char kind, const QByteArray &nsIn)
{
    bool (*pred)(const Value &) = [](const Value &) { return true; };
    if (kind == 'a') pred = [](const Value &v) { return v.isTable() || v.isKeyedTable(); };
    if (kind == 'f') pred = [](const Value &v) { return v.isFunction(); };
    const QByteArray ns = nsIn.trimmed();
    // without a name: the current context's (\d), empty while nothing is defined there
    if (ns.isEmpty() && !s.context.isEmpty()) {
        if (s.namespaceDict('.' + s.context).count() == 0) return Value::symbols({});
        return Value::symbols(namesIn(s, '.' + s.context, pred));
    }
    if (ns.isEmpty() || ns == ".") return Value::symbols(globalsWhere(s, pred));
    return Value::symbols(namesIn(s, ns, pred));
}

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
    if (h == 2 || h == -2)
        s.writeError(text);
    else
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
