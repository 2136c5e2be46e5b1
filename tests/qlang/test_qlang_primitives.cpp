// Primitive families of the q interpreter, one data row per case. Each expected text is q's
// one-line form (-3!) of what kdb+ returns, as shown on the code.kx.com/q/ref/<page> named in the
// row (types included: 6 is a long, 6i an int, 2f a float).
#include "protocol/codec.h"
#include "protocol/format.h"
#include "qlang/interpreter.h"

#include <QTest>

using namespace qscope;

class TestQlangPrimitives : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cases_data();
    void cases();
    void errorsAreQWords_data();
    void errorsAreQWords();
    void globalsNativesAndMessages();
    void emptyBracketsPassTheGenericNull();
    void outputAndSystem();
    void consoleShowsAsQ_data();
    void consoleShowsAsQ();
    void expungeAndSystemCommands();
    void handlesGoToTheHost();
    void keyListsNamespacesAsKdb();
    void tablesOfANamespace();
    void viewsListsAreEmpty();
    void nativeCarriesItsQSource();
};

namespace {

struct Case
{
    const char *expr;
    const char *expected;
    const char *page; // code.kx.com/q/ref/<page>
};

const Case kCases[] = {
    {"1+2", "3", "add"},
    {"1 2 3+10", "11 12 13", "add"},
    {"2h+3h", "5h", "add"},
    {"1b+1b", "2i", "add"},
    {"3i*2", "6", "multiply"},
    {"1+2.5", "3.5", "add"},
    {"10%4", "2.5", "divide"},
    {"2000.01.01+1", "2000.01.02", "add"},
    {"2000.01.02-2000.01.01", "1i", "subtract"},
    {"2000.01.01D12:00-2000.01.01D00:00", "0D12:00:00.000000000", "subtract"},
    {"neg 1 2 3", "-1 -2 -3", "neg"},
    {"abs -3 4", "3 4", "abs"},
    {"sqrt 4 16f", "2 4f", "sqrt"},
    {"floor 2.7 -2.2", "2 -3", "floor"},
    {"7 mod 3", "1", "mod"},
    {"-7 mod 3", "2", "mod"},
    {"7 div 2", "3", "div"},
    {"5 xbar 3 7 12", "0 5 10", "xbar"},
    {"0N+1", "-0W", "add"},
    {"3&5", "3", "lesser"},
    {"1 2 3=1 5 3", "101b", "comparison"},
    {"1 2 3<2", "100b", "comparison"},
    {"`a`b`c=`b", "010b", "comparison"},
    {"1 2~1 2", "1b", "match"},
    {"not 0 1 2", "100b", "not"},
    {"null 1 0N 3", "010b", "null"},
    {"til 5", "0 1 2 3 4", "til"},
    {"count 1 2 3", "3", "count"},
    {"first 5 6 7", "5", "first"},
    {"last 5 6 7", "7", "first"},
    {"2#1 2 3", "1 2", "take"},
    {"-2#1 2 3", "2 3", "take"},
    {"5#1 2", "1 2 1 2 1", "take"},
    {"2_1 2 3 4", "3 4", "drop"},
    {"1 2,3 4", "1 2 3 4", "apply"},
    {"reverse 1 2 3", "3 2 1", "reverse"},
    {"where 1 0 1b", "0 2", "where"},
    {"distinct 1 2 1 3", "1 2 3", "distinct"},
    {"asc 3 1 2", "`s#1 2 3", "asc"},
    {"desc 3 1 2", "3 2 1", "desc"},
    {"iasc 3 1 2", "1 2 0", "asc"},
    {"group `a`b`a", "`a`b!(0 2;,1)", "group"},
    {"1 2 3 in 2 3", "011b", "in"},
    {"5 within 1 10", "1b", "within"},
    {"1 3 5 bin 4", "1", "bin"},
    {"1 2 3?2", "1", "find"},
    {"0^1 0N 3", "1 0 3", "fill"},
    {"fills 1 0N 3 0N", "1 1 3 3", "fills"},
    {"sum 1 2 3i", "6", "sum"},
    {"sum 1 2 0N", "3", "sum"},
    {"avg 1 2 3", "2f", "avg"},
    {"max 1 5 3", "5", "max"},
    {"min 1 5 3", "1", "min"},
    {"med 1 5 3 10", "4f", "med"},
    {"dev 1 2 3 4", "1.118034", "dev"},
    {"var 1 2 3 4", "1.25", "var"},
    {"sums 1 2 3", "1 3 6", "sums"},
    {"deltas 1 4 9", "1 3 5", "deltas"},
    {"ratios 1 2 4", "1 2 2f", "ratios"},
    {"prd 1 2 3", "6", "prd"},
    {"1 2 3 wavg 4 5 6", "5.333333", "wavg"},
    {"1 2 3 wsum 4 5 6", "32", "wsum"},
    {"string 42", "\"42\"", "string"},
    {"string `abc", "\"abc\"", "string"},
    {"upper \"abc\"", "\"ABC\"", "lower"},
    {"trim \"  ab  \"", "\"ab\"", "trim"},
    {"\"abcabc\" ss \"bc\"", "1 4", "ss"},
    {"\",\" vs \"a,b,c\"", "(,\"a\";,\"b\";,\"c\")", "vs"},
    {"`int$3.7", "4i", "cast"},
    {"\"j\"$2.5", "3", "cast"},
    {"\"I\"$\"12\"", "12i", "cast"},
    {"`$\"abc\"", "`abc", "cast"},
    {"`date$2000.01.02D10:00", "2000.01.02", "cast"},
    {"`minute$12:34:56", "12:34", "min"},
    {"\"D\"$\"2001.01.01\"", "2001.01.01", "cast"},
    {"{x+y}[1;2]", "3", "add"},
    {"{x*x} each 1 2 3", "1 4 9", "maps"},
    {"+/[1 2 3]", "6", "accumulators"},
    {"+\\[1 2 3]", "1 3 6", "accumulators"},
    {"1 2 3+/:10 20", "(11 12 13;21 22 23)", "maps"},
    {"1 2,\\:3", "(1 3;2 3)", "maps"},
    {"{x,y}/[1 2 3]", "1 2 3", "accumulators"},
    {"(+/)1 2 3", "6", "accumulators"},
    {"f:{[a;b] a-b}; f[5;3]", "2", "subtract"},
    {"g:{x+y}[10]; g 5", "15", "add"},
    {"$[0b;1;2]", "2", "cast"},
    {"@[{x+1};`a;{\"caught:\",x}]", "\"caught:type\"", "apply"},
    {".[{x+y};(1;2)]", "3", "apply"},
    {"type 1 2 3", "7h", "type"},
    {"type `a", "-11h", "type"},
    {"key `a`b!1 2", "`a`b", "key"},
    {"value `a`b!1 2", "1 2", "value"},
    {"flip `a`b!(1 2;3 4)", "+`a`b!(1 2;3 4)", "flip"},
    {"cols ([] a:1 2; b:3 4)", "`a`b", "cols"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); select sum v by s from t", "(+(,`s)!,`a`b`c)!+(,`v)!,4 2 4",
     "sum"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); select from t where v>1, s=`a", "+`s`v!(,`a;,3)", "select"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); exec v from t where s=`a", "1 3", "exec"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); exec sum v by s from t", "`a`b`c!4 2 4", "sum"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); update v:v*10 from t where s=`a", "+`s`v!(`a`b`a`c;10 2 30 4)",
     "update"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); delete from t where s=`a", "+`s`v!(`b`c;2 4)", "delete"},
    {"t:([] s:`a`b`a`c; v:1 2 3 4); select cnt:count i, avg v by s from t",
     "(+(,`s)!,`a`b`c)!+`cnt`v!(2 1 1;2 2 4f)", "avg"},
    {"t:([] s:`a`b; v:1 2); t lj ([s:`a`b] w:10 20)", "+`s`v`w!(`a`b;1 2;10 20)", "lj"},
    {"t:([] s:`a`b; v:1 2); t ij ([s:`a] w:10)", "+`s`v`w!(,`a;,1;,10)", "ij"},
    {"([] a:1 2) uj ([] b:3 4)", "+`a`b!(1 2 0N 0N;0N 0N 3 4)", "uj"},
    {"t:([] s:`a`b; v:1 2); `s xkey t", "(+(,`s)!,`a`b)!+(,`v)!,1 2", "keys"},
    {"t:([] s:`a`b; v:1 2); 0!1!t", "+`s`v!(`a`b;1 2)", "apply"},
    {"t:([] a:3 1 2); `a xasc t", "+(,`a)!,`s#1 2 3", "asc"},
    {"t:([] sym:`a`a`b; time:1 2 3; p:10 20 30); q:([] sym:`a`b; time:2 3; x:100 200); "
     "aj[`sym`time;t;q]",
     "+`sym`time`p`x!(`a`a`b;1 2 3;10 20 30;0N 100 200)", "aj"},
    {"t:([] a:1 2); `t upsert ([] a:enlist 5); t", "+(,`a)!,1 2 5", "upsert"},
    {"k:([id:1 2] v:`x`y); k upsert ([id:2 3] v:`z`w)", "(+(,`id)!,1 2 3)!+(,`v)!,`x`z`w",
     "upsert"},
    {"meta ([] a:1 2; b:`x`y)", "(+(,`c)!,`a`b)!+`t`f`a!(\"js\";``;``)", "meta"},
    {"-3!`a`b!1 2", "\"`a`b!1 2\"", "subtract"},
    {"1 2 3 ? 4", "3", "find"},
    {"'`custom", "'custom", "apply"},
    {"1+`a", "'type", "add"},
    {"a:1;a[5]", "'type", "apply"},
    {"`abc`de like \"a*\"", "10b", "like"},
    {"10#0N", "0N 0N 0N 0N 0N 0N 0N 0N 0N 0N", "take"},
    {"enlist 5", ",5", "enlist"},
    {"raze (1 2;3 4)", "1 2 3 4", "raze"},
    {"2 3#til 6", "(0 1 2;3 4 5)", "til"},
    {"i:0; do[5; i+:2]; i", "10", "add"},
    {"x:1 2 3; x[1]:20; x", "1 20 3", "apply"},
    {"d:`a`b!1 2; d[`c]:3; d", "`a`b`c!1 2 3", "apply"},
    {".my.v:42; .my.v", "42", "apply"},
    // f[] is f[::]: one argument, the generic null, for every kind of function
    {"{x}[]", "::", "apply"},
    {"f:{type x}; f[]", "101h", "apply"},
    {"{[]42}[]", "42", "apply"},
    {"{x+y}[]", "{x+y}[::]", "apply"},
    {"{x+y+z}[1]", "{x+y+z}[1]", "apply"},
    {"count value {x+y}[1]", "2", "value"},
    {"{x+y+z}[1][2][3]", "6", "apply"},
    {"{x,y}[1][]", "(1;::)", "apply"},
    {"count[]", "1", "apply"},
    {"1 2 3[]", "1 2 3", "apply"},
    {"d:`a`b!1 2; d[]", "`a`b!1 2", "apply"},
    {"{x+y}[;1][]", "'type", "apply"},
};

} // namespace

void TestQlangPrimitives::cases_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("expected");
    for (const Case &c : kCases)
        QTest::newRow(QByteArray(QByteArray(c.page) + ": " + c.expr).constData())
            << QByteArray(c.expr) << QByteArray(c.expected);
}

void TestQlangPrimitives::cases()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, expected);
    Interpreter q;
    const Value v = q.eval(expr);
    const QByteArray got = v.isError() ? QByteArray("'" + v.symbolValue()) : formatOneLine(v);
    QCOMPARE(got, expected);
}

void TestQlangPrimitives::errorsAreQWords_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("word");
    QTest::newRow("type") << QByteArray("1+`a") << QByteArray("type");
    QTest::newRow("length") << QByteArray("1 2+1 2 3") << QByteArray("length");
    QTest::newRow("undefined name") << QByteArray("nosuchname") << QByteArray("nosuchname");
    QTest::newRow("signal") << QByteArray("'\"boom\"") << QByteArray("boom");
    QTest::newRow("rank") << QByteArray("{x}[1;2]") << QByteArray("rank");
    QTest::newRow("parse") << QByteArray("(1;2") << QByteArray("(");
    QTest::newRow("domain") << QByteArray("til -1") << QByteArray("domain");
    QTest::newRow("outside subset") << QByteArray("hopen 5000") << QByteArray("nyi");
    QTest::newRow("mismatch") << QByteArray("([] a:1 2),([] b:1 2)") << QByteArray("mismatch");
}

void TestQlangPrimitives::errorsAreQWords()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, word);
    Interpreter q;
    const Value v = q.eval(expr);
    QVERIFY(v.isError());
    QCOMPARE(v.symbolValue(), word);
}

void TestQlangPrimitives::globalsNativesAndMessages()
{
    Interpreter q;
    q.setGlobal("z", Value::longAtom(4));
    QCOMPARE(q.eval("myfunc:{[x] 3*x}; myfunc[z]").longValue(), 12);
    QVERIFY(q.global("myfunc").has_value());
    QVERIFY(!q.global("nope").has_value());
    int calls = 0;
    q.defineNative(".u.sub", 2, [&calls](Interpreter &, std::span<const Value> a) {
        ++calls;
        return Value::longAtom(a[0].count() + a[1].count());
    });
    QCOMPARE(q.eval(".u.sub[`trade;`a`b]").longValue(), 3);
    QCOMPARE(calls, 1);
    q.defineDynamic(".z.w", [](Interpreter &) { return Value::intAtom(7); });
    QCOMPARE(q.eval(".z.w").intValue(), 7);
    // (f;args) messages as .z.pg receives them
    const Value byName = q.evalMessage(Value::list({Value::symbol("myfunc"), Value::longAtom(5)}));
    QCOMPARE(byName.longValue(), 15);
    const Value text = q.evalMessage(Value::string("myfunc 2"));
    QCOMPARE(text.longValue(), 6);
    const Value missing = q.evalMessage(Value::list({Value::symbol("nofn"), Value::longAtom(1)}));
    QVERIFY(missing.isError());
    QCOMPARE(missing.symbolValue(), QByteArray("nofn"));
    const Value projection = q.eval("{x+y}[1]");
    const Value args[] = {Value::longAtom(2)};
    QCOMPARE(q.apply(projection, args).longValue(), 3);
}

void TestQlangPrimitives::emptyBracketsPassTheGenericNull()
{
    // kdb+'s .Q.w[] calls .Q.w with ::; natives get the same one argument, not a projection.
    Interpreter q;
    std::vector<Value> seen;
    q.defineNative(".Q.w", 1, [&seen](Interpreter &, std::span<const Value> a) {
        seen.assign(a.begin(), a.end());
        return Value::longAtom(7);
    });
    QCOMPARE(q.eval(".Q.w[]").longValue(), 7);
    QCOMPARE(seen.size(), size_t(1));
    QVERIFY(seen[0].isGenericNull());
    seen.clear();
    QCOMPARE(q.eval("f:.Q.w; f[]").longValue(), 7); // through a name
    QVERIFY(seen.size() == 1 && seen[0].isGenericNull());
    q.defineNative("two", 2, [](Interpreter &, std::span<const Value> a) {
        return Value::longAtom(int64_t(a.size()));
    });
    const Value p = q.eval("two[]"); // a binary native is projected over ::
    QCOMPARE(p.type(), int(Projection));
    QCOMPARE(q.eval("two[][5]").longValue(), 2);
    // a projection's f[] fills its next hole with ::
    QCOMPARE(formatOneLine(q.eval("{(x;y)}[1][]")), QByteArray("(1;::)"));
}

void TestQlangPrimitives::outputAndSystem()
{
    Interpreter q;
    QByteArray log;
    q.setOutput([&log](const QByteArray &t) { log += t; });
    q.eval("show 1 2 3");
    QCOMPARE(log, QByteArray("1 2 3\n"));
    log.clear();
    q.eval("-1 \"hello\"");
    QCOMPARE(log, QByteArray("hello\n"));
    QCOMPARE(formatOneLine(q.eval(".Q.s1 `a`b")), QByteArray("\"`a`b\""));
    QCOMPARE(q.eval("system \"t 1+1\"").type(), -Long);
    QCOMPARE(q.eval("\\t til 1000").type(), -Long);
    q.setSystemHandler([](Interpreter &, const QByteArray &cmd) -> std::optional<Value> {
        if (cmd == "p") return Value::intAtom(5001);
        return std::nullopt;
    });
    QCOMPARE(q.eval("system \"p\"").intValue(), 5001);
    // a script that is not there: q's error is its name
    // (code.kx.com/q/basics/syscmds/#l-load-file-or-directory)
    QCOMPARE(q.eval("system \"l x.q\"").symbolValue(), QByteArray("x.q"));
    q.defineInternal(-38, [](Interpreter &, const Value &x) { return Value::longAtom(x.count()); });
    QCOMPARE(q.eval("-38!1 2 3").longValue(), 3);
    // random values: shapes and ranges
    const Value r = q.eval("10?100");
    QCOMPARE(r.type(), int(Long));
    QCOMPARE(r.count(), 10);
    for (int64_t i = 0; i < 10; ++i)
        QVERIFY(r.at<int64_t>(i) >= 0 && r.at<int64_t>(i) < 100);
    QCOMPARE(q.eval("rand 0Ng").type(), -Guid);
    QCOMPARE(q.eval("3?0Ng").type(), int(Guid));
    QCOMPARE(q.eval("count distinct -10?10").longValue(), 10);
    QCOMPARE(q.eval("type .z.p").type(), -Short);
    QCOMPARE(q.eval(".z.d").type(), -Date);
}

void TestQlangPrimitives::consoleShowsAsQ_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("shown");
    QTest::newRow("value") << QByteArray("1+1") << true;
    QTest::newRow("assign") << QByteArray("a:1") << false;
    QTest::newRow("(assign)") << QByteArray("(a:1)") << true;
    QTest::newRow("(assign) + 1") << QByteArray("1+(a:1)") << true;
    QTest::newRow("global assign") << QByteArray("b::2") << false;
    QTest::newRow("op assign") << QByteArray("a:1;a+:1") << false;
    QTest::newRow("index assign") << QByteArray("v:til 3;v[0]:9") << false;
    QTest::newRow("trailing ;") << QByteArray("1+1;") << false;
    QTest::newRow("assign then value") << QByteArray("c:3;c") << true;
    QTest::newRow("value then ; ;") << QByteArray("1;2;") << false;
    QTest::newRow("generic null") << QByteArray("::") << false;
    QTest::newRow("show") << QByteArray("show 1") << false; // show printed; its value is ::
    QTest::newRow("error") << QByteArray("1+`a") << true;
    QTest::newRow("error after ;") << QByteArray("'oops;") << true;
    QTest::newRow("empty") << QByteArray("") << false;
}

void TestQlangPrimitives::consoleShowsAsQ()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, shown);
    Interpreter q;
    QByteArray out, err;
    q.setOutput([&out](const QByteArray &t) { out += t; });
    q.setErrorOutput([&err](const QByteArray &t) { err += t; });
    QCOMPARE(q.evalConsole(line).shown, shown);
    // the same line's value over IPC is unchanged (q answers a:1 with 1)
    if (line == "a:1") QCOMPARE(q.eval(line).longValue(), 1);
    q.eval("-2 \"e\";-1 \"o\"");
    QCOMPARE(err, QByteArray("e\n"));
    QVERIFY(out.endsWith("o\n"));
}

void TestQlangPrimitives::expungeAndSystemCommands()
{
    Interpreter q;
    // \x .z.po deletes the handler (code.kx.com/q/basics/syscmds/#x-expunge)
    QCOMPARE(formatOneLine(q.eval(".z.po:{x}; `po in key `.z")), QByteArray("1b"));
    QVERIFY(q.eval("system \"x .z.po\"").isGenericNull());
    QCOMPARE(formatOneLine(q.eval("`po in key `.z")), QByteArray("0b"));
    QCOMPARE(q.eval(".z.po").symbolValue(), QByteArray(".z.po")); // undefined again
    QVERIFY(q.eval("\\x .z.pg").isGenericNull()); // not defined: nothing to do, no error
    // a host's default handler is a member of .z until expunged
    q.defineNative(".z.pc", 1, [](Interpreter &, std::span<const Value>) { return Value(); });
    QCOMPARE(formatOneLine(q.eval("key `.z")), QByteArray("``pc")); // `` ` `` heads a namespace
    QVERIFY(q.eval("system \"x .z.pc\"").isGenericNull());
    QCOMPARE(q.eval("key `.z").count(), 0);
    QCOMPARE(q.eval(".z.pc 5").symbolValue(), QByteArray(".z.pc"));
    QCOMPARE(q.eval("system \"x\"").symbolValue(), QByteArray("x"));
    QCOMPARE(q.eval("system \"x a\"").symbolValue(), QByteArray("nyi"));
    // listing by namespace; a namespace that does not exist is q's error naming it
    QCOMPARE(formatOneLine(q.eval(".h.a:1; .h.f:{x}; .h.t:([] c:1 2); system \"v .h\"")),
             QByteArray("`a`f`t"));
    QCOMPARE(formatOneLine(q.eval("system \"f .h\"")), QByteArray(",`f"));
    QCOMPARE(formatOneLine(q.eval("system \"a .h\"")), QByteArray(",`t"));
    QCOMPARE(q.eval("system \"v .nope\"").symbolValue(), QByteArray(".nope"));
    // settings fixed at kdb+'s defaults; anything kdb+ would run as a shell command is refused
    QCOMPARE(formatOneLine(q.eval("system \"W\"")), QByteArray("2i"));
    QCOMPARE(formatOneLine(q.eval("system \"o\"")), QByteArray("0Ni"));
    QCOMPARE(formatOneLine(q.eval("system \"e\"")), QByteArray("0i"));
    QCOMPARE(formatOneLine(q.eval("\\d")), QByteArray("`."));
    // \d .other switches the context (code.kx.com/q/basics/syscmds/#d-directory)
    QVERIFY(!q.eval("system \"d .other\"").isError());
    QCOMPARE(formatOneLine(q.eval("\\d")), QByteArray("`.other"));
    QVERIFY(!q.eval("system \"d .\"").isError());
    QCOMPARE(q.eval("system \"ls -l\"").symbolValue(), QByteArray("access"));
    QCOMPARE(q.eval("system \"cd /\"").symbolValue(), QByteArray("nyi"));
    QCOMPARE(q.eval("system \"S\"").symbolValue(), QByteArray("nyi"));
}

void TestQlangPrimitives::handlesGoToTheHost()
{
    Interpreter q;
    // without a host no connection handle is open
    QVERIFY(q.eval("neg[5] \"x\"").isError());
    std::vector<std::pair<int64_t, QByteArray>> sent;
    q.setHandleWriter([&sent](Interpreter &, int64_t h, const Value &msg) {
        if (h != -5) return Value::error("nope");
        sent.emplace_back(h, formatOneLine(msg));
        return Value();
    });
    QVERIFY(q.eval("neg[5](`upd;1;`a)").isGenericNull());
    QCOMPARE(sent.size(), size_t(1));
    QCOMPARE(sent[0].second, QByteArray("(`upd;1;`a)"));
    QCOMPARE(q.eval("{neg[x] y}[5i;\"a:1\"]; neg[5][]").type(), int(UnaryPrimitive));
    QCOMPARE(sent.size(), size_t(3));
    QCOMPARE(sent[1].second, QByteArray("\"a:1\""));
    QCOMPARE(sent[2].second, QByteArray("::")); // the host decides what neg[h][] (flush) does
    QCOMPARE(q.eval("7 \"1+1\"").symbolValue(), QByteArray("nope"));
    // the console's handles stay the interpreter's own
    QByteArray log;
    q.setOutput([&log](const QByteArray &t) { log += t; });
    q.eval("-1 \"to the log\"");
    QCOMPARE(log, QByteArray("to the log\n"));
}

void TestQlangPrimitives::keyListsNamespacesAsKdb()
{
    // key` gives kdb+'s own namespaces, then the user's in the order they were first named;
    // .z is never listed although it holds names (code.kx.com/q/basics/namespaces)
    Interpreter q;
    QCOMPARE(formatOneLine(q.eval("key`")), QByteArray("`q`Q`h`j`o"));
    q.eval(".z.po:{x}; .fee.fi:42; .abc.x:1; .fee.fo:2");
    QCOMPARE(formatOneLine(q.eval("key`")), QByteArray("`q`Q`h`j`o`fee`abc"));
    q.defineNative(".u.sub", 2, [](Interpreter &, std::span<const Value>) { return Value(); });
    q.defineDynamic(".zz.n", [](Interpreter &) { return Value::longAtom(1); });
    QCOMPARE(formatOneLine(q.eval("key`")), QByteArray("`q`Q`h`j`o`fee`abc`u`zz"));
    q.eval(".h.x:1"); // a name in kdb+'s own .h does not list it twice
    QCOMPARE(q.eval("key`").count(), int64_t(9));
    // key`. is the root's names, not the namespaces
    QCOMPARE(formatOneLine(q.eval("b:1; a:2; key`.")), QByteArray("`a`b"));
}

void TestQlangPrimitives::tablesOfANamespace()
{
    Interpreter q;
    q.eval("t:([]a:1 2); .u.q:([]b:1 2); .u.f:{x}; .v.x:1");
    QCOMPARE(formatOneLine(q.eval("tables`.")), QByteArray(",`t"));
    QCOMPARE(formatOneLine(q.eval("tables[]")), QByteArray(",`t"));
    QCOMPARE(formatOneLine(q.eval("tables`.u")), QByteArray(",`q"));
    QCOMPARE(formatOneLine(q.eval("tables`.v")), QByteArray("`symbol$()"));
    QCOMPARE(q.eval("tables`.v").type(), int(Symbol));
    QCOMPARE(q.eval("tables 1").symbolValue(), QByteArray("type"));
}

void TestQlangPrimitives::viewsListsAreEmpty()
{
    // \b lists views and \B the pending ones; this interpreter defines none (v::e at the top
    // is an assignment), so both are kdb+'s empty symbol list, for the root or a namespace
    Interpreter q;
    q.eval(".u.x:1");
    for (const char *cmd : {"system \"b\"", "system \"B\"", "system \"b .u\"", "\\b", "\\B"}) {
        const Value v = q.eval(cmd);
        QVERIFY2(v.type() == Symbol && v.count() == 0, cmd);
    }
    QCOMPARE(q.eval("system \"b .nope\"").symbolValue(), QByteArray(".nope"));
}

void TestQlangPrimitives::nativeCarriesItsQSource()
{
    Interpreter q;
    int calls = 0;
    const QByteArray src("{[x;y]x,y}");
    q.defineNative(
        ".u.sub", 2,
        [&calls](Interpreter &, std::span<const Value>) {
            ++calls;
            return Value::longAtom(99);
        },
        src);
    // its value is a lambda with its q text and its namespace as context, as u.q's would be
    const Value f = q.eval(".u.sub");
    QCOMPARE(f.type(), int(Lambda));
    QCOMPARE(f.lambdaSource(), src);
    QCOMPARE(f.lambdaContext(), QByteArray("u"));
    QCOMPARE(formatOneLine(q.eval("string .u.sub")), QByteArray("\"{[x;y]x,y}\""));
    QCOMPARE(q.eval(".u`sub").lambdaSource(), src);
    const QByteArray wire = encodeMessage(f); // 100, context "u", then the text as a char vector
    QVERIFY(wire.endsWith(QByteArray(QByteArray("du\x00\x0a\x00\x0a\x00\x00\x00", 9) + src)));
    // applying it, by name or as a value, runs the native
    QCOMPARE(q.eval(".u.sub[1;2]").longValue(), 99);
    QCOMPARE(q.eval("g:.u.sub; g[1;2]").longValue(), 99);
    QCOMPARE(q.apply(f, std::vector<Value>{Value::longAtom(1), Value::longAtom(2)}).longValue(),
             99);
    QCOMPARE(q.eval(".u.sub[1]").type(), int(Projection));
    QCOMPARE(calls, 3);
    // a q lambda with the same text is q's own
    QCOMPARE(formatOneLine(q.eval("{[x;y]x,y}[1;2]")), QByteArray("1 2"));
    QCOMPARE(calls, 3);
    // defined again without a source, it is the placeholder named by the name
    q.defineNative(".u.sub", 2, [](Interpreter &, std::span<const Value>) { return Value(); });
    QCOMPARE(q.eval(".u.sub").lambdaSource(), QByteArray(".u.sub"));
    // a root native keeps the placeholder: a root lambda's context is the one q's have
    q.defineNative(
        "rootfn", 1, [](Interpreter &, std::span<const Value>) { return Value(); }, src);
    QCOMPARE(q.eval("rootfn").lambdaSource(), QByteArray("rootfn"));
}

QTEST_GUILESS_MAIN(TestQlangPrimitives)
#include "test_qlang_primitives.moc"
