// Whole scripts: the trade-table session of shared/seeds/002 (KX's "Interprocess communication"
// primer) gives q's answers in shape and type; hostile input ends in q's error words under the
// configured limits, never a crash or a hang; a bigger table stays vector-fast.
#include "protocol/format.h"
#include "qlang/interpreter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTest>

using namespace qscope;

class TestQlangScripts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tradeSeed();
    void hostileInput_data();
    void hostileInput();
    void timeLimitEndsLoops();
    void whereOnMillionRows();
    // kdb+ fidelity the plant's scripts need (issue 17), each against its code.kx.com page
    void loadScript();
    void scriptErrorStopsAtItsLine();
    void missingScript();
    void directorySwitchesContext();
    void globalAppendInLambda();
    void tableAppendRow();
    void virtualColumnIName();
    void variablesOfNamespace();
    void symbolsResolveInTheDirectory();
    void setAttribute();
};

namespace {

const char *kTradeScript = R"(/ Create a list of French stocks where name is the key.
stock:([name:`Alcatel`Alstom`AirFrance`FranceTelecom`Snecma`Supra]
 industry:`telecom`engineering`aviation`telecom`aviation`consulting)
/ get a list of distinct stocks are there?
stocks: distinct exec name from stock
ns: count stocks
n:10000
trade:([]stock:`stock$n?stocks;
 price:n?100.0;amount:100*10+n?20;exchange:5+n?2.0;date:1998.01.01+n?449)
`date xasc`trade
/ An example function.
f:{[mytable] count select from mytable}
weekrollup:{[daterange]
 select first date, last date, amount wavg price by stock, date.week
  from trade where date within daterange }
)";

} // namespace

void TestQlangScripts::tradeSeed()
{
    Interpreter q;
    const Value loaded = q.eval(kTradeScript);
    QVERIFY2(!loaded.isError(), loaded.symbolValue().constData());
    QCOMPARE(q.eval("ns").longValue(), 6);
    QCOMPARE(q.eval("f[stock]").longValue(), 6);
    QCOMPARE(q.eval("f[trade]").longValue(), 10000);
    QCOMPARE(formatOneLine(q.eval("exec `s=attr date from trade")), QByteArray("1b"));
    // weekrollup: keyed by stock and week (a Monday), columns date date1 price
    const Value w = q.eval("weekrollup 1998.02.28 1998.03.31");
    QVERIFY2(w.isKeyedTable(), w.symbolValue().constData());
    QCOMPARE(formatOneLine(w.keys().columnNames()), QByteArray("`stock`week"));
    QCOMPARE(formatOneLine(w.values().columnNames()), QByteArray("`date`date1`price"));
    QCOMPARE(formatOneLine(q.eval(
                 "exec distinct 1=(`date$week) mod 7 from key weekrollup 1998.02.28 1998.03.31")),
             QByteArray(",0b"));
    QCOMPARE(q.eval("meta weekrollup 1998.02.28 1998.03.31").values().columns().item(0).type(),
             int(Char));
    QCOMPARE(formatOneLine(q.eval("exec t from meta weekrollup 1998.02.28 1998.03.31")),
             QByteArray("\"sdddf\""));
    QCOMPARE(
        q.eval("all (value weekrollup 1998.02.28 1998.03.31)[`date] within 1998.02.28 1998.03.31")
            .boolean(),
        true);
    // select avg price by stock from trade: six stocks, sorted, float averages near 50
    const Value a = q.eval("select avg price by stock from trade");
    QVERIFY(a.isKeyedTable());
    QCOMPARE(formatOneLine(a.keys()),
             QByteArray("+(,`stock)!,`AirFrance`Alcatel`Alstom`FranceTelecom`Snecma`Supra"));
    const Value prices = a.values().columns().item(0);
    QCOMPARE(prices.type(), int(Float));
    for (int64_t i = 0; i < prices.count(); ++i)
        QVERIFY(prices.at<double>(i) > 40 && prices.at<double>(i) < 60);
    // the protected-evaluation example of the same page
    q.eval("myfunc:{[x] 3*x}");
    QCOMPARE(formatOneLine(q.eval("@[value;\"myfunc[silly]\";`$\"Number please\"]")),
             QByteArray("`Number please"));
    QCOMPARE(q.eval("myfunc[4]").longValue(), 12);
}

void TestQlangScripts::hostileInput_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("word");
    QTest::newRow("deep parens") << QByteArray(QByteArray(5000, '(') + "1" + QByteArray(5000, ')'))
                                 << QByteArray("stack");
    QTest::newRow("recursion") << QByteArray("f:{f x}; f 1") << QByteArray("stack");
    QTest::newRow("huge til") << QByteArray("til 1000000000000") << QByteArray("wsfull");
    QTest::newRow("huge take") << QByteArray("1000000000000#1") << QByteArray("wsfull");
    QTest::newRow("gigantic string") << QByteArray("100000000000#\"abc\"") << QByteArray("wsfull");
    QTest::newRow("long chain") << QByteArray(QByteArray("1") +
                                              QByteArray(20000, '\0').replace('\0', "+1"))
                                << QByteArray("stack");
    QTest::newRow("unbalanced") << QByteArray("{[x] x+") << QByteArray("{");
    QTest::newRow("bad token") << QByteArray("1 2 3x") << QByteArray("3x");
}

void TestQlangScripts::hostileInput()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, word);
    Interpreter q;
    Interpreter::Limits limits;
    limits.maxDepth = 500;
    limits.maxBytes = int64_t(256) << 20;
    limits.maxMillis = 5000;
    q.setLimits(limits);
    const Value v = q.eval(expr);
    QVERIFY(v.isError());
    QCOMPARE(v.symbolValue(), word);
    // the interpreter is still usable afterwards
    QCOMPARE(q.eval("1+1").longValue(), 2);
}

void TestQlangScripts::timeLimitEndsLoops()
{
    Interpreter q;
    Interpreter::Limits limits;
    limits.maxMillis = 200;
    q.setLimits(limits);
    QElapsedTimer t;
    t.start();
    const Value v = q.eval("i:0; while[1b; i+:1]");
    QVERIFY(v.isError());
    QCOMPARE(v.symbolValue(), QByteArray("stop"));
    QVERIFY(t.elapsed() < 5000);
    const Value d = q.eval("do[1000000000; i+:1]");
    QCOMPARE(d.symbolValue(), QByteArray("stop"));
    const Value c = q.eval("{x+1}/[{1b};0]");
    QCOMPARE(c.symbolValue(), QByteArray("stop"));
    // a trap cannot swallow the time limit
    const Value trapped = q.eval("@[{while[1b;]};0;{`caught}]");
    QCOMPARE(trapped.symbolValue(), QByteArray("stop"));
}

void TestQlangScripts::whereOnMillionRows()
{
    Interpreter q;
    const int64_t scale = qEnvironmentVariableIntValue("QSCOPE_BENCH_SCALE") > 0
                              ? qEnvironmentVariableIntValue("QSCOPE_BENCH_SCALE")
                              : 1;
    q.eval(QByteArray("n:" + QByteArray::number(1000000 * scale) +
                      "; trade:([] sym:n?`AAPL`MSFT`IBM`GOOG; price:n?100.0; size:n?1000)"));
    QElapsedTimer t;
    t.start();
    const Value r = q.eval("select from trade where sym=`AAPL");
    const qint64 selectMs = t.elapsed();
    QVERIFY(r.isTable());
    QVERIFY(r.count() > 200000 * scale && r.count() < 300000 * scale);
    t.restart();
    const Value base = q.eval("count trade");
    const qint64 countMs = t.elapsed();
    t.restart();
    const Value g = q.eval("select avg price, sum size by sym from trade");
    const qint64 groupMs = t.elapsed();
    QCOMPARE(g.count(), 4);
    QCOMPARE(base.longValue(), 1000000 * scale);
    qInfo("rows %lld: where sym=`AAPL %lld ms; by sym %lld ms; count (baseline) %lld ms",
          static_cast<long long>(1000000 * scale), static_cast<long long>(selectMs),
          static_cast<long long>(groupMs), static_cast<long long>(countMs));
}

namespace {

/// An interpreter whose current directory is tests/qlang/data (\l reads relative to it), with
/// what it writes to handle 2 kept.
struct ScriptFixture
{
    ScriptFixture() : previous(QDir::currentPath())
    {
        QDir::setCurrent(QStringLiteral(QLANG_DATA_DIR));
        q.setErrorOutput([this](const QByteArray &t) { errors += t; });
    }
    ~ScriptFixture() { QDir::setCurrent(previous); }
    Interpreter q;
    QByteArray errors;
    QString previous;
};

QByteArray show(Interpreter &q, const char *expr)
{
    return formatOneLine(q.eval(expr));
}

} // namespace

// code.kx.com/q/basics/syscmds/#l-load-file-or-directory (\l and system "l")
// code.kx.com/q/learn/tour/scripts/ (indented continuation lines, / and \ comment blocks, a
// lone \ ending the script)
void TestQlangScripts::loadScript()
{
    ScriptFixture f;
    Interpreter &q = f.q;
    const Value r = q.eval("\\l tickish.q");
    QVERIFY2(!r.isError(), r.symbolValue().constData());
    QVERIFY(r.isGenericNull());
    // \d .u made i j init add .u's; .u.init[] ran and set .u.t and .u.w (w:: in a .u lambda)
    QCOMPARE(show(q, ".u.i,.u.j"), QByteArray("0 0"));
    QCOMPARE(show(q, ".u.t"), QByteArray("`trade`quote"));
    QCOMPARE(show(q, "key .u.w"), QByteArray("`trade`quote"));
    // a multi-line lambda is one definition; it reads and amends .u.w from inside .u
    QCOMPARE(show(q, ".u.add[`trade;7i]"), QByteArray("1"));
    QCOMPARE(show(q, ".u.w`trade"), QByteArray(",7i"));
    QCOMPARE(show(q, "total[]"), QByteArray("0f"));
    // \d . came back to the root: trade is a root table, i is not defined there
    QCOMPARE(show(q, "tables[]"), QByteArray(",`trade"));
    QCOMPARE(q.eval("i").symbolValue(), QByteArray("i"));
    // nothing in the comment block nor after the lone \ ran
    QCOMPARE(q.eval("boom").symbolValue(), QByteArray("boom"));
    QCOMPARE(q.eval("after").symbolValue(), QByteArray("after"));
    QCOMPARE(show(q, "\\d"), QByteArray("`."));
    // system "l ..." is the same command
    QVERIFY(!q.eval(".u.i:5; system \"l tickish.q\"").isError());
    QCOMPARE(show(q, ".u.i"), QByteArray("0"));
    QVERIFY(f.errors.isEmpty());
}

// code.kx.com/q/basics/syscmds/#l-load-file-or-directory: loading stops at the error, which is
// signalled to the caller; the location (file:line: statement) goes to stderr, as q's backtrace
void TestQlangScripts::scriptErrorStopsAtItsLine()
{
    ScriptFixture f;
    Interpreter &q = f.q;
    const Value r = q.eval("\\l bad.q");
    QVERIFY(r.isError());
    QCOMPARE(r.symbolValue(), QByteArray("type"));
    QCOMPARE(f.errors, QByteArray("bad.q:4: c:a+`x\n"));
    QCOMPARE(show(q, "a"), QByteArray("1"));
    QCOMPARE(show(q, "b 1"), QByteArray("2")); // lines 2-3 were one definition
    QCOMPARE(q.eval("d").symbolValue(), QByteArray("d"));
    // a trap sees q's error word
    QCOMPARE(show(q, "@[system;\"l bad.q\";{x}]"), QByteArray("\"type\""));
}

// code.kx.com/q/basics/syscmds/#l-load-file-or-directory: a file that is not there signals its name
void TestQlangScripts::missingScript()
{
    ScriptFixture f;
    QCOMPARE(f.q.eval("\\l nosuch.q").symbolValue(), QByteArray("nosuch.q"));
    QCOMPARE(f.q.eval("system \"l nosuch.q\"").symbolValue(), QByteArray("nosuch.q"));
}

// code.kx.com/q/basics/syscmds/#d-directory: \d .u makes later definitions .u's; \d . returns
void TestQlangScripts::directorySwitchesContext()
{
    Interpreter q;
    QCOMPARE(show(q, "\\d"), QByteArray("`."));
    QVERIFY(!q.eval("\\d .u").isError());
    QCOMPARE(show(q, "\\d"), QByteArray("`.u"));
    QVERIFY(!q.eval("i:0").isError());
    QVERIFY(!q.eval("bump:{i::i+1; i}").isError()); // its globals are .u's when it runs anywhere
    QCOMPARE(show(q, "i"), QByteArray("0"));
    QVERIFY(!q.eval("\\d .").isError());
    QCOMPARE(show(q, ".u.i"), QByteArray("0"));
    QCOMPARE(q.eval("i").symbolValue(), QByteArray("i"));
    QCOMPARE(show(q, ".u.bump[]"), QByteArray("1"));
    QCOMPARE(show(q, ".u.i"), QByteArray("1"));
    QCOMPARE(q.eval("\\d .1x").symbolValue(), QByteArray(".1x"));
}

// code.kx.com/q/ref/assign/ (x,::y amends the global x, also inside a lambda)
void TestQlangScripts::globalAppendInLambda()
{
    Interpreter q;
    QVERIFY(!q.eval("a:1 2; f:{a,::x}; f 3; f 4 5").isError());
    QCOMPARE(show(q, "a"), QByteArray("1 2 3 4 5"));
    // with a local of that name, :: assigns the local (code.kx.com/q4m3/6_Functions/#673)
    QVERIFY(!q.eval("g:{b:0; b,::x; b}").isError());
    QVERIFY(!q.eval("b:`x").isError());
    QCOMPARE(show(q, "g`y"), QByteArray("(0;`y)"));
    QCOMPARE(show(q, "b"), QByteArray("`x"));
    // u.q's idiom: w[t],:h on the global dictionary of n#() empty lists
    QVERIFY(!q.eval("w:`a`b!2#(); h:{w[x],:y}; h[`a;7i]; h[`a;8i]").isError());
    QCOMPARE(show(q, "w"), QByteArray("`a`b!(7 8i;())"));
    // and reads it as u.q does: an elided index is all of that level
    // (code.kx.com/q/ref/apply/#index-at-depth)
    QVERIFY(!q.eval("w:`t`q!(((16i;`a);(25i;`));enlist(16i;`))").isError());
    QCOMPARE(show(q, "w[;;0]"), QByteArray("`t`q!(16 25i;,16i)"));
    QCOMPARE(show(q, "{x[;0]} each value w"), QByteArray("(16 25i;,16i)"));
}

// code.kx.com/q/ref/join/ and code.kx.com/q4m3/9_Queries_q-sql/#92-insert-and-upsert:
// t,:row (values in column order), t,:dict and t,:enlist dict append a row; a row of the wrong
// length is 'length, of the wrong type 'type, and the table stays as it was
void TestQlangScripts::tableAppendRow()
{
    Interpreter q;
    QVERIFY(!q.eval("t:([]s:`symbol$();p:`long$())").isError());
    QVERIFY(!q.eval("t,:(`a;1)").isError());
    QVERIFY(!q.eval("t,:`s`p!(`b;2)").isError());
    QVERIFY(!q.eval("t,:enlist `s`p!(`c;3)").isError());
    QVERIFY(!q.eval("t,:`p`s!(4;`d)").isError()); // a dictionary's keys name the columns
    QCOMPARE(show(q, "t"), QByteArray("+`s`p!(`a`b`c`d;1 2 3 4)"));
    QCOMPARE(show(q, "type enlist `s`p!(`c;3)"), QByteArray("98h"));
    QCOMPARE(q.eval("t,:(`e;5;6)").symbolValue(), QByteArray("length"));
    QCOMPARE(q.eval("t,:(1;`e)").symbolValue(), QByteArray("type"));
    QCOMPARE(q.eval("t,:(`e;5.5)").symbolValue(), QByteArray("type"));
    QCOMPARE(q.eval("t,:`s`p!(`e;5.5)").symbolValue(), QByteArray("type"));
    QCOMPARE(q.eval("t,:`s`q!(`e;5)").symbolValue(), QByteArray("mismatch"));
    QCOMPARE(show(q, "t"), QByteArray("+`s`p!(`a`b`c`d;1 2 3 4)"));
    // inside a function, on the global
    QVERIFY(!q.eval("add:{t,::(x;y)}; add[`e;5]").isError());
    QCOMPARE(show(q, "count t"), QByteArray("5"));
}

// code.kx.com/q4m3/9_Queries_q-sql/#931-syntax: the virtual column i gives a column named x
void TestQlangScripts::virtualColumnIName()
{
    Interpreter q;
    q.eval("t:([]sym:`a`b`a;p:1 2 3)");
    QCOMPARE(show(q, "select count i by sym from t"), QByteArray("(+(,`sym)!,`a`b)!+(,`x)!,2 1"));
    QCOMPARE(show(q, "select i from t"), QByteArray("+(,`x)!,0 1 2"));
    QCOMPARE(show(q, "cols select i, p from t"), QByteArray("`x`p"));
    QCOMPARE(show(q, "select n:count i by sym from t"), QByteArray("(+(,`sym)!,`a`b)!+(,`n)!,2 1"));
}

// code.kx.com/q/basics/syscmds/#v-variables and #f-functions: \v .u lists a namespace's
// variables, sorted; \v alone the current namespace's (\d)
void TestQlangScripts::variablesOfNamespace()
{
    Interpreter q;
    q.eval(".u.w:()!(); .u.i:0; .u.t:`trade; .u.sub:{x}; a:1");
    QCOMPARE(show(q, "\\v .u"), QByteArray("`i`sub`t`w"));
    QCOMPARE(show(q, "system \"v .u\""), QByteArray("`i`sub`t`w"));
    QCOMPARE(show(q, "\\f .u"), QByteArray(",`sub"));
    QCOMPARE(show(q, "\\v"), QByteArray(",`a"));
    q.eval("\\d .u");
    QCOMPARE(show(q, "\\v"), QByteArray("`i`sub`t`w"));
    q.eval("\\d .fresh");
    QCOMPARE(show(q, "\\v"), QByteArray("`symbol$()"));
    q.eval("\\d .");
    QCOMPARE(q.eval("\\v .nope").symbolValue(), QByteArray(".nope"));
}

// code.kx.com/q/basics/syscmds/#d-directory: a name written in a function defined under \d .u is
// .u's, but a name given as a symbol (value`t, `t insert x) is found in the current directory,
// as u.q's .u.add reads the root's tables with value x
void TestQlangScripts::symbolsResolveInTheDirectory()
{
    Interpreter q;
    QVERIFY(!q.eval("\\d .u").isError());
    QVERIFY(!q.eval("t:`inU").isError());
    QVERIFY(!q.eval("val:{value x}; mine:{t}; ins:{x insert y}").isError());
    QVERIFY(!q.eval("\\d .").isError());
    QVERIFY(!q.eval("t:([]sym:`a`b;p:1 2)").isError());
    QCOMPARE(show(q, ".u.mine[]"), QByteArray("`inU"));
    QCOMPARE(show(q, "count .u.val`t"), QByteArray("2"));
    QCOMPARE(show(q, ".u.ins[`t;(`c;3)]"), QByteArray(",2"));
    QCOMPARE(show(q, "count t"), QByteArray("3"));
    QCOMPARE(show(q, ".u.t"), QByteArray("`inU"));
}

// code.kx.com/q/ref/set-attribute/: `g# `s# `u# `p# set an attribute, `# removes it; `s# on an
// unsorted list is 's-fail, `u# on repeats 'u-fail (u.q returns its schemas with @[0#v;`sym;`g#])
void TestQlangScripts::setAttribute()
{
    Interpreter q;
    QCOMPARE(show(q, "`g#`b`a`b"), QByteArray("`g#`b`a`b"));
    QCOMPARE(show(q, "attr `s#1 2 2"), QByteArray("`s"));
    QCOMPARE(show(q, "attr `u#1 2 3"), QByteArray("`u"));
    QCOMPARE(show(q, "attr `#`s#1 2"), QByteArray("`"));
    QCOMPARE(q.eval("`s#3 1").symbolValue(), QByteArray("s-fail"));
    QCOMPARE(q.eval("`u#1 1").symbolValue(), QByteArray("u-fail"));
    QCOMPARE(show(q, "exec a from meta @[([]time:`timespan$();sym:`symbol$());`sym;`g#]"),
             QByteArray("``g"));
}

QTEST_GUILESS_MAIN(TestQlangScripts)
#include "test_qlang_scripts.moc"
