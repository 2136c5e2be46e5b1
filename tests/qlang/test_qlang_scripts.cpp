// Whole scripts: the trade-table session of shared/seeds/002 (KX's "Interprocess communication"
// primer) gives q's answers in shape and type; hostile input ends in q's error words under the
// configured limits, never a crash or a hang; a bigger table stays vector-fast.
#include "protocol/format.h"
#include "qlang/interpreter.h"

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

QTEST_GUILESS_MAIN(TestQlangScripts)
#include "test_qlang_scripts.moc"
