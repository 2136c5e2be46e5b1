// q-exact text: expected output taken from q sessions shown on KX's documentation pages
// (each case names its page). The pages strip trailing blanks from lines while q pads every
// table column, so console text is compared with trailing blanks removed per line.
#include "protocol/format.h"
#include "protocol/literal.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace qscope;

namespace {

Value lit(const char *text)
{
    const LiteralResult r = parseLiteral(QByteArray(text));
    if (!r.ok()) qFatal("bad literal in test: %s: %s", text, qPrintable(r.error->message));
    return r.value;
}

QByteArray trimLines(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    for (QByteArray &l : lines)
        while (l.endsWith(' '))
            l.chop(1);
    return lines.join('\n');
}

Value longs(std::vector<int64_t> v)
{
    return Value::fromVector(Long, std::move(v));
}

} // namespace

class TstFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void console_data();
    void console();
    void consoleSize();
    void oneLine_data();
    void oneLine();
    void cells();
    void json_data();
    void json();
    void jsonDisplay();
    void literal_data();
    void literal();
    void fields();
    void robustness();
};

void TstFormat::console_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QByteArray>("expected");
    const int64_t jInf = std::numeric_limits<int64_t>::max();

    // https://code.kx.com/q/basics/datatypes/
    QTest::newRow("datatypes: no display for short infinity")
        << Value::shortAtom(32767) << QByteArray("32767h\n");
    QTest::newRow("datatypes: -0Wh") << Value::shortAtom(-32767) << QByteArray("-32767h\n");
    QTest::newRow("datatypes: 0Ng")
        << Value::nullOf(-Guid) << QByteArray("00000000-0000-0000-0000-000000000000\n");
    QTest::newRow("datatypes: utf-8 string")
        << Value::string("Z\303\274rich") << QByteArray("\"Z\\303\\274rich\"\n");
    QTest::newRow("datatypes: timestamp limits")
        << Value::fromVector(Timestamp, std::vector<int64_t>{-jInf + 1, jInf - 1})
        << QByteArray("1707.09.22D00:12:43.145224194 2292.04.10D23:47:16.854775806\n");
    QTest::newRow("datatypes: timespan limits")
        << Value::fromVector(Timespan, std::vector<int64_t>{-jInf + 1, jInf - 1})
        << QByteArray("-106751D23:47:16.854775806 106751D23:47:16.854775806\n");
    QTest::newRow("datatypes: -0Wp") << Value::atom(-Timestamp, -jInf) << QByteArray("-0Wp\n");
    QTest::newRow("datatypes: date out of range")
        << Value::atom(-Date, -730120) << QByteArray("0000.00.00\n");
    QTest::newRow("datatypes: datetime out of range")
        << Value::temporalFloat(-Datetime, -730120.0) << QByteArray("0000.00.00T00:00:00.000\n");
    QTest::newRow("datatypes: float$0Wj")
        << Value::floatAtom(double(jInf)) << QByteArray("9.223372e+18\n");
    QTest::newRow("datatypes: float$0Wi")
        << Value::floatAtom(2147483647.0) << QByteArray("2.147484e+09\n");
    QTest::newRow("datatypes: 0we")
        << Value::real(std::numeric_limits<float>::infinity()) << QByteArray("0we\n");
    QTest::newRow("datatypes: 0w")
        << Value::floatAtom(std::numeric_limits<double>::infinity()) << QByteArray("0w\n");
    QTest::newRow("datatypes: 0W 0N -0W")
        << longs({jInf, std::numeric_limits<int64_t>::min(), -jInf}) << QByteArray("0W 0N -0W\n");
    QTest::newRow("datatypes: sticky nulls")
        << longs({std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min(),
                  std::numeric_limits<int64_t>::min(), 1, 2, 3})
        << QByteArray("0N 0N 0N 1 2 3\n");
    QTest::newRow("datatypes: show noon")
        << lit("`minutes`seconds`nanoseconds!(12:00;12:00:00;12:00:00.000000000)")
        << QByteArray(
               "minutes    | 12:00\nseconds    | 12:00:00\nnanoseconds| 0D12:00:00.000000000\n");
    QTest::newRow("datatypes: \"j\"$noon")
        << lit("`minutes`seconds`nanoseconds!720 43200 43200000000000")
        << QByteArray("minutes    | 720\nseconds    | 43200\nnanoseconds| 43200000000000\n");
    QTest::newRow("datatypes: guids")
        << lit("\"G\"$(\"337714f8-3d76-f283-cdc1-33ca89be59e9\";\"0a369037-75d3-b24d-6721-"
               "5a1d44d4bed5\")")
        << QByteArray(
               "337714f8-3d76-f283-cdc1-33ca89be59e9 0a369037-75d3-b24d-6721-5a1d44d4bed5\n");
    QTest::newRow("datatypes: D$") << Value::atom(-Date, 365608) << QByteArray("3001.01.01\n");

    // https://code.kx.com/q/ref/fill/
    QTest::newRow("fill: longs") << longs({1, 2, 3, 0}) << QByteArray("1 2 3 0\n");
    QTest::newRow("fill: floats") << Value::fromVector(Float,
                                                       std::vector<double>{1.2, -4.5, 1, 1, 15})
                                  << QByteArray("1.2 -4.5 1 1 15\n");
    QTest::newRow("fill: promoted")
        << Value::fromVector(Float, std::vector<double>{11, 2.1, 3.1, 10, 4.5, 10})
        << QByteArray("11 2.1 3.1 10 4.5 10\n");
    QTest::newRow("fill: symbols") << Value::symbols({"tom", "dick", "nobody", "harry"})
                                   << QByteArray("`tom`dick`nobody`harry\n");
    QTest::newRow("fill: dict") << lit("`a`b`c!1 2 30") << QByteArray("a| 1\nb| 2\nc| 30\n");
    QTest::newRow("fill: fills") << lit("0N 2 3 3 3 7 7") << QByteArray("0N 2 3 3 3 7 7\n");
    QTest::newRow("fill: table") << lit("([] x:`a`b`c`d`e`f; c2:1 1 3 3 3 5)")
                                 << QByteArray("x c2\n----\na 1\nb 1\nc 3\nd 3\ne 3\nf 5\n");

    // https://code.kx.com/q/ref/string/
    QTest::newRow("string: symbol") << Value::string("ibm") << QByteArray("\"ibm\"\n");
    QTest::newRow("string: enlisted") << Value::string("2") << QByteArray(",\"2\"\n");
    QTest::newRow("string: nested") << lit("((,\"2\";,\"3\");(,\"a\";,\"b\";,\"c\"))")
                                    << QByteArray("(,\"2\";,\"3\")\n(,\"a\";,\"b\";,\"c\")\n");
    QTest::newRow("string: cat") << lit("(,\"c\";,\"a\";,\"t\")")
                                 << QByteArray(",\"c\"\n,\"a\"\n,\"t\"\n");
    QTest::newRow("string: dict") << lit("`a`b`c!(\"2002\";\"2004\";\"2010\")")
                                  << QByteArray("a| \"2002\"\nb| \"2004\"\nc| \"2010\"\n");
    QTest::newRow("string: table")
        << lit("([]a:(,\"1\";,\"2\";,\"3\");b:(\"ibm\";\"goog\";\"aapl\"))")
        << QByteArray("a    b\n-----------\n,\"1\" \"ibm\"\n,\"2\" \"goog\"\n,\"3\" \"aapl\"\n");

    // https://code.kx.com/q/ref/uj/
    QTest::newRow("uj: s") << lit("([]a:1 2;b:2 3;c:5 7)")
                           << QByteArray("a b c\n-----\n1 2 5\n2 3 7\n");
    QTest::newRow("uj: nulls blank")
        << lit("([]a:1 2 1 2 3;b:2 3 2 3 7;c:5 7 10 20 30;d:\"  ABC\")")
        << QByteArray("a b c  d\n--------\n1 2 5\n2 3 7\n1 2 10 A\n2 3 20 B\n3 7 30 C\n");
    QTest::newRow("uj: keyed") << lit("([a:1 2 3;b:2 3 7]c:10 20 30;d:\"ABC\")")
                               << QByteArray(
                                      "a b| c  d\n---| ----\n1 2| 10 A\n2 3| 20 B\n3 7| 30 C\n");
    QTest::newRow("uj: keyed nulls")
        << lit("([a:1 2]b:``z;c:1 0N)") << QByteArray("a| b c\n-| ---\n1|   1\n2| z\n");
    QTest::newRow("uj: keyed x") << lit("([a:1 2]b:`x`y;c:10 20)")
                                 << QByteArray("a| b c\n-| ----\n1| x 10\n2| y 20\n");

    // https://code.kx.com/q/ref/lj/
    QTest::newRow("lj: keyed two keys")
        << lit("([a:1 3;b:`I`K]c:1 2;d:10 20)")
        << QByteArray("a b| c d\n---| ----\n1 I| 1 10\n3 K| 2 20\n");
    QTest::newRow("lj: result with null")
        << lit("([]a:1 2 3;b:`I`J`K;c:1 20 2;d:10 0N 20)")
        << QByteArray("a b c  d\n---------\n1 I 1  10\n2 J 20\n3 K 2  20\n");
    QTest::newRow("lj: null symbol")
        << lit("([]a:1 2;b:``z;c:1 0N)") << QByteArray("a b c\n-----\n1   1\n2 z\n");

    // https://code.kx.com/q/ref/dotj/
    QTest::newRow("dotj: dict of lists") << lit("`a`b!(0 1;(\"hello\";\"world\"))")
                                         << QByteArray("a| 0       1\nb| \"hello\" \"world\"\n");
    QTest::newRow("dotj: table of strings")
        << lit("([]a:1 2;b:(\"Greetings\";\"Earthlings\"))")
        << QByteArray("a b\n--------------\n1 \"Greetings\"\n2 \"Earthlings\"\n");

    // https://code.kx.com/q/ref/enlist/
    QTest::newRow("enlist: list") << lit("enlist[0 1 2 3 4;`ibm`goog;\"hello\"]")
                                  << QByteArray("0 1 2 3 4\n`ibm`goog\n\"hello\"\n");
    QTest::newRow("enlist: dict to table")
        << lit("enlist `a`b`c!(1;2 3; 4)") << QByteArray("a b   c\n-------\n1 2 3 4\n");

    // https://code.kx.com/q/basics/syscmds/#p-precision
    QTest::newRow("P: reciprocal 7") << Value::floatAtom(1.0 / 7) << QByteArray("0.1428571\n");
    QTest::newRow("P: long") << Value::longAtom(123456789) << QByteArray("123456789\n");
    QTest::newRow("P: float") << Value::floatAtom(123456789) << QByteArray("1.234568e+08\n");

    // https://code.kx.com/q/ref/show/
    QTest::newRow("show: til 5") << lit("0 1 2 3 4") << QByteArray("0 1 2 3 4\n");
    QTest::newRow("show: booleans") << lit("11001b") << QByteArray("11001b\n");

    // https://code.kx.com/q/basics/syscmds/#b-pending-views (,`a and `symbol$())
    QTest::newRow("syscmds: ,`a") << lit("enlist `a") << QByteArray(",`a\n");
    QTest::newRow("syscmds: symbol$()") << lit("`symbol$()") << QByteArray("`symbol$()\n");

    // https://code.kx.com/q/basics/syscmds/#e-tls-server-mode
    QTest::newRow("syscmds: 0i") << Value::intAtom(0) << QByteArray("0i\n");

    // Generic null prints nothing: https://code.kx.com/q/ref/show/ (show returns ::, unprinted)
    QTest::newRow("generic null") << Value() << QByteArray();
}

void TstFormat::console()
{
    QFETCH(Value, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(trimLines(formatConsole(value)), expected);
}

void TstFormat::consoleSize()
{
    // https://code.kx.com/q/basics/syscmds/#c-console-size: \c 5 5 is coerced to 10 10, and
    // til each 20+til 10 shows 7 cut rows and a `..` row.
    std::vector<Value> rows;
    for (int i = 0; i < 10; ++i) {
        std::vector<int64_t> v(size_t(20 + i));
        for (size_t k = 0; k < v.size(); ++k)
            v[k] = int64_t(k);
        rows.push_back(longs(std::move(v)));
    }
    const QByteArray out = formatConsole(Value::list(rows), FormatOptions{.width = 5, .height = 5});
    QCOMPARE(out, QByteArray("0 1 2 3..\n0 1 2 3..\n0 1 2 3..\n0 1 2 3..\n0 1 2 3..\n0 1 2 3..\n"
                             "0 1 2 3..\n..\n"));

    // Same page, \f .h: a symbol list cut to width-1 characters ending in `..`. The page does
    // not say its console width; its line is 90 characters, so the session had 91 columns.
    const Value fns = Value::symbols(
        {"cd", "code", "data", "eb",      "ec", "ed",   "es",  "estr", "fram", "ha",   "hb",
         "hc", "he",   "hn",   "hp",      "hr", "ht",   "hta", "htac", "htc",  "html", "http",
         "hu", "hug",  "hy",   "iso8601", "jx", "logo", "nbr", "pre",  "sa",   "sb",   "sc",
         "td", "text", "tx",   "ty",      "uh", "xd",   "xmp", "xs",   "xt"});
    QCOMPARE(formatConsole(fns, FormatOptions{.width = 91, .height = 25}),
             QByteArray("`cd`code`data`eb`ec`ed`es`estr`fram`ha`hb`hc`he`hn`hp"
                        "`hr`ht`hta`htac`htc`html`http`hu`hu..\n"));

    // A table taller than the console: header, rule, height-5 rows, then `..`.
    std::vector<int64_t> col(100);
    for (size_t k = 0; k < col.size(); ++k)
        col[k] = int64_t(k);
    const Value t = Value::table(Value::symbols({"a"}), Value::list({longs(col)}));
    const QList<QByteArray> lines =
        formatConsole(t, FormatOptions{.width = 80, .height = 25}).split('\n');
    QCOMPARE(lines.size(), 24); // 23 lines + the empty piece after the final newline
    QCOMPARE(lines[0], QByteArray("a "));
    QCOMPARE(lines[1], QByteArray("--"));
    QCOMPARE(lines[2], QByteArray("0 "));
    QCOMPARE(lines[21], QByteArray("19"));
    QCOMPARE(lines[22], QByteArray(".."));
    // A dict of 30 keys at 25 rows: 22 entries and `..`.
    std::vector<QByteArray> keys;
    for (int i = 0; i < 30; ++i)
        keys.push_back("k" + QByteArray::number(i));
    const Value d = Value::dict(Value::symbols(keys), longs(std::vector<int64_t>(30, 7)));
    const QList<QByteArray> dl = formatConsole(d).split('\n');
    QCOMPARE(dl.size(), 24);
    QCOMPARE(dl[21], QByteArray("k21| 7"));
    QCOMPARE(dl[22], QByteArray(".."));
    // Wide options keep long lines whole.
    QCOMPARE(formatConsole(fns).size(), 80);
    QVERIFY(formatConsole(fns).endsWith("..\n"));
    QCOMPARE(formatConsole(fns, FormatOptions{.width = 2000, .height = 25}).size(),
             formatOneLine(fns).size() + 1);
    // A 10-million item vector is cut without formatting all of it.
    const Value big = Value::uninitialised(Long, 10000000);
    std::memset(const_cast<char *>(big.rawData()), 0, 80000000);
    QBENCHMARK_ONCE
    {
        QCOMPARE(formatConsole(big).size(), 80);
    }
}

void TstFormat::oneLine_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QByteArray>("expected");
    // -3! and .Q.s1: https://code.kx.com/q/basics/internal/#-3x-show and the brief's examples
    QTest::newRow("dict") << lit("`a`b!1 2") << QByteArray("`a`b!1 2");
    QTest::newRow("table") << lit("([]a:1 2;b:3 4)") << QByteArray("+`a`b!(1 2;3 4)");
    QTest::newRow("keyed table") << lit("([a:1 2]b:3 4)")
                                 << QByteArray("(+(,`a)!,1 2)!+(,`b)!,3 4");
    QTest::newRow("general list") << lit("(1;`a;\"xy\")") << QByteArray("(1;`a;\"xy\")");
    QTest::newRow("nested") << lit("(`one;2 3;\"456\";(7;8 9))")
                            << QByteArray("(`one;2 3;\"456\";(7;8 9))");
    QTest::newRow("enlist") << lit("(enlist 1h; 2; enlist 3j)") << QByteArray("(,1h;2;,3)");
    QTest::newRow("empty table") << lit("([] name:`symbol$(); iq:`int$())")
                                 << QByteArray("+`name`iq!(`symbol$();`int$())");
    QTest::newRow("attribute") << lit("`s#1 2 3") << QByteArray("`s#1 2 3");
    QTest::newRow("sorted dict") << lit("`s#`a`b!2 3i") << QByteArray("`s#`a`b!2 3i");
    QTest::newRow("lambda") << lit("{x+y}") << QByteArray("{x+y}");
    QTest::newRow("projection") << lit("{x+y}[3]") << QByteArray("{x+y}[3]");
    QTest::newRow("elided") << lit("{x+y}[;3]") << QByteArray("{x+y}[;3]");
    QTest::newRow("generic null") << Value() << QByteArray("::");
    QTest::newRow("list with null") << lit("(42;::;`foo)") << QByteArray("(42;::;`foo)");
    QTest::newRow("error") << Value::error("type") << QByteArray("'type");
    QTest::newRow("operator") << Value::primitive(Operator, 1) << QByteArray("+");
    QTest::newRow("not") << Value::primitive(UnaryPrimitive, 15) << QByteArray("~:");
    QTest::newRow("raze") << Value::composite(Over, {Value::primitive(Operator, 12)})
                          << QByteArray(",/");
    QTest::newRow("sums") << Value::composite(Scan, {Value::primitive(Operator, 1)})
                          << QByteArray("+\\");
    QTest::newRow("each") << Value::composite(Each, {Value::primitive(Operator, 12)})
                          << QByteArray(",'");
    QTest::newRow("insert[1]") << Value::composite(Projection, {Value::primitive(Operator, 28),
                                                                Value::longAtom(1)})
                               << QByteArray("insert[1]");
    QTest::newRow("any") << Value::composite(
                                Composition,
                                {Value::primitive(UnaryPrimitive, 28),
                                 Value::composite(Projection, {Value::primitive(Operator, 11),
                                                               Value::charAtom('b')})})
                         << QByteArray("max$[\"b\"]");
    QTest::newRow("bytes") << lit("0x0a0b") << QByteArray("0x0a0b");
    QTest::newRow("one byte") << lit("enlist 0x0a") << QByteArray(",0x0a");
    QTest::newRow("char escapes") << lit("\"a\\\"b\\\\c\\n\\t\\001\"")
                                  << QByteArray("\"a\\\"b\\\\c\\n\\t\\001\"");
    QTest::newRow("float vector with null") << lit("3.23 0n") << QByteArray("3.23 0n");
    QTest::newRow("integral floats") << lit("1 2 3f") << QByteArray("1 2 3f");
    QTest::newRow("real vector") << lit("5.5 8.5e") << QByteArray("5.5 8.5e");
    QTest::newRow("real null") << lit("(5.5e; 0Ne)") << QByteArray("5.5 0Ne");
    QTest::newRow("int nulls") << lit("(1i;0Ni;3i)") << QByteArray("1 0N 3i");
    QTest::newRow("month vector") << lit("(2001.01m; 0Nm)") << QByteArray("2001.01 0Nm");
    QTest::newRow("date with null")
        << lit("2001.01.01 2000.05.01 0Nd") << QByteArray("2001.01.01 2000.05.01 0N");
    QTest::newRow("all-null dates") << lit("0N 0Nd") << QByteArray("0N 0Nd");
    QTest::newRow("timestamp") << lit("2000.01.04D05:36:57.600")
                               << QByteArray("2000.01.04D05:36:57.600000000");
    QTest::newRow("datetime") << lit("2000.01.04T05:36:57.600")
                              << QByteArray("2000.01.04T05:36:57.600");
    QTest::newRow("timespan") << lit("0D05:36:57.600") << QByteArray("0D05:36:57.600000000");
    QTest::newRow("negative timespan") << lit("-0D05:00") << QByteArray("-0D05:00:00.000000000");
    QTest::newRow("minute") << lit("12:01") << QByteArray("12:01");
    QTest::newRow("second") << lit("12:05:00") << QByteArray("12:05:00");
    QTest::newRow("time") << lit("12:04:59.123") << QByteArray("12:04:59.123");
    QTest::newRow("time nulls") << lit("12:04:59.123 0Nt") << QByteArray("12:04:59.123 0N");
    QTest::newRow("nulls") << lit("(0Nh;0N;0Ni;0Ne;0n;0Np;0Nm;0Nd;0Nz;0Nn;0Nu;0Nv;0Nt)")
                           << QByteArray("(0Nh;0N;0Ni;0Ne;0n;0Np;0Nm;0Nd;0Nz;0Nn;0Nu;0Nv;0Nt)");
    QTest::newRow("infinities") << lit("(0Wi;0W;0w;-0w;0Wp;0Wd;0Wt;0wz)")
                                << QByteArray("(0Wi;0W;0w;-0w;0Wp;0Wd;0Wt;0wz)");
    QTest::newRow("empty vectors") << lit("(`int$();\"\";`float$();`timestamp$();0x)")
                                   << QByteArray("(`int$();\"\";`float$();`timestamp$();`byte$())");
    QTest::newRow("empty list") << lit("()") << QByteArray("()");
    QTest::newRow("symbol nulls") << lit("``quick``fox") << QByteArray("``quick``fox");
}

void TstFormat::oneLine()
{
    QFETCH(Value, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(formatOneLine(value), expected);
}

void TstFormat::cells()
{
    const Value ints = lit("1 0N 3i");
    QCOMPARE(formatCell(ints, 0), QByteArray("1"));
    QCOMPARE(formatCell(ints, 1), QByteArray("0N"));
    QCOMPARE(formatCell(ints, 3), QByteArray()); // out of range: empty, no crash
    QCOMPARE(formatCell(ints, -1), QByteArray());
    const Value floats = lit("3.23 0n 0w 2");
    QCOMPARE(formatCell(floats, 0), QByteArray("3.23"));
    QCOMPARE(formatCell(floats, 1), QByteArray("0n"));
    QCOMPARE(formatCell(floats, 2), QByteArray("0w"));
    QCOMPARE(formatCell(floats, 3), QByteArray("2"));
    const Value syms = lit("``a`bc");
    QCOMPARE(formatCell(syms, 0), QByteArray());
    QCOMPARE(formatCell(syms, 1), QByteArray("a"));
    const Value strings = lit("(\"ab\";\"c\";1 2)");
    QCOMPARE(formatCell(strings, 0), QByteArray("ab"));
    QCOMPARE(formatCell(strings, 1), QByteArray("c"));
    QCOMPARE(formatCell(strings, 2), QByteArray("1 2"));
    QCOMPARE(formatCell(lit("101b"), 1), QByteArray("0"));
    QCOMPARE(formatCell(lit("0x0a2b"), 1), QByteArray("0x2b"));
    QCOMPARE(formatCell(lit("2001.01.01 0Nd"), 0), QByteArray("2001.01.01"));
    QCOMPARE(formatCell(lit("2001.01.01 0Nd"), 1), QByteArray("0N"));
    QCOMPARE(formatCell(lit("2000.01.04D05:36:57.600 0Np"), 0),
             QByteArray("2000.01.04D05:36:57.600000000"));
    QCOMPARE(formatCell(lit("\"xy\""), 1), QByteArray("y"));
    QCOMPARE(formatAtom(Value::intAtom(1)), QByteArray("1"));
    QCOMPARE(formatAtom(Value::symbol("abc")), QByteArray("abc"));
    QCOMPARE(formatAtom(lit("0Nh")), QByteArray("0N"));
    QCOMPARE(formatAtom(lit("5.5e")), QByteArray("5.5"));
    QCOMPARE(formatAtom(lit("\"G\"$\"8c680a01-5a49-5aab-5a65-d4bfddb6a661\"")),
             QByteArray("8c680a01-5a49-5aab-5a65-d4bfddb6a661"));
    // A table column of a table: the row as its one-line form; a huge nested cell is cut.
    std::vector<int64_t> many(100000, 1);
    const Value nested = Value::list({longs(many)});
    const QByteArray cell = formatCell(nested, 0);
    QVERIFY(cell.size() <= 512);
    QVERIFY(cell.endsWith(".."));
}

void TstFormat::json_data()
{
    QTest::addColumn<Value>("value");
    QTest::addColumn<QByteArray>("expected");
    // https://code.kx.com/q/ref/dotj/
    QTest::newRow("infinities") << Value::fromVector(
                                       Float,
                                       std::vector<double>{-std::numeric_limits<double>::infinity(),
                                                           0, 1, 2, 3,
                                                           std::numeric_limits<double>::infinity()})
                                // .j.j writes bare inf; JSON has no such token (RFC 8259).
                                << QByteArray("[\"-Infinity\",0,1,2,3,\"Infinity\"]");
    QTest::newRow("dict") << lit("`a`b!(0 1;(\"hello\";\"world\"))")
                          << QByteArray("{\"a\":[0,1],\"b\":[\"hello\",\"world\"]}");
    QTest::newRow("table") << lit("([]a:1 2;b:`Greetings`Earthlings)")
                           << QByteArray(
                                  "[{\"a\":1,\"b\":\"Greetings\"},{\"a\":2,\"b\":\"Earthlings\"}]");
    // Rules of .j.j in q.k: booleans, temporals as q text with dashes, nulls.
    QTest::newRow("booleans") << lit("101b") << QByteArray("[true,false,true]");
    QTest::newRow("date") << lit("2001.01.01") << QByteArray("\"2001-01-01\"");
    QTest::newRow("timestamp") << lit("2000.01.04D05:36:57.6")
                               << QByteArray("\"2000-01-04T05:36:57.600000000\"");
    QTest::newRow("temporal nulls")
        << lit("(0Nd;0Np;0Nm;0Nz;0Nn;0Nt)") << QByteArray("[null,null,null,null,null,null]");
    QTest::newRow("temporal infinities")
        << lit("(0Wd;-0Wp;0Wz)") << QByteArray("[\"Infinity\",\"-Infinity\",\"Infinity\"]");
    QTest::newRow("exact floats") << lit("123456789.123 0.1234567891234 0.1")
                                  << QByteArray("[123456789.123,0.1234567891234,0.1]");
    QTest::newRow("month datetime timespan")
        << lit("(2026.12m;2026.12.04T21:59:45.597;0D21:59:45.597835082)")
        << QByteArray("[\"2026-12\",\"2026-12-04T21:59:45.597\",\"0D21:59:45.597835082\"]");
    QTest::newRow("minute") << lit("12:01") << QByteArray("\"12:01\"");
    QTest::newRow("float null") << lit("1 0n") << QByteArray("[1,null]");
    QTest::newRow("generic null") << Value() << QByteArray("null");
    QTest::newRow("escapes") << lit("\"a\\\"\\n\"") << QByteArray("\"a\\\"\\n\"");
    QTest::newRow("numeric keys") << lit("1 2!3 4") << QByteArray("{\"1\":3,\"2\":4}");
}

void TstFormat::json()
{
    QFETCH(Value, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(formatJson(value), expected);
}

void TstFormat::jsonDisplay()
{
    // As q displays it: \P 7 floats and .j.j's temporal text, still valid JSON.
    QCOMPARE(formatJson(lit("123456789.123 0w 0n"), TextMode::Display),
             QByteArray("[1.234568e+08,\"Infinity\",null]"));
    QCOMPARE(formatJson(lit("2000.01.04D05:36:57.6"), TextMode::Display),
             QByteArray("\"2000-01-04D05:36:57.600000000\""));
}

void TstFormat::literal_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    // Symbols q's lexer would split are casts of their text; everything else as -3! writes it,
    // with floats and reals at their shortest round-trip text.
    QTest::newRow("symbols") << QByteArray("`$(\"a,b\";\"x\\\"y\";\"plain\";\"a b\";\"`c\")")
                             << QByteArray("`$(\"a,b\";\"x\\\"y\";\"plain\";\"a b\";\"`c\")");
    QTest::newRow("plain symbols")
        << QByteArray("`a`b.c`:/tmp/x`") << QByteArray("`a`b.c`:/tmp/x`");
    QTest::newRow("one odd symbol") << QByteArray("`$\"a,b\"") << QByteArray("`$\"a,b\"");
    QTest::newRow("enlisted") << QByteArray("enlist`$\"a,b\"") << QByteArray(",`$\"a,b\"");
    QTest::newRow("floats") << QByteArray("123456789.123 0.1234567891234 1 0n 0w")
                            << QByteArray("123456789.123 0.1234567891234 1 0n 0w");
    QTest::newRow("whole floats") << QByteArray("1 2f") << QByteArray("1 2f");
    QTest::newRow("reals") << QByteArray("0.1 1.5 16777217e") << QByteArray("0.1 1.5 16777216e");
    QTest::newRow("dict keys") << QByteArray("(`$(\"a b\";\"c\"))!1 2")
                               << QByteArray("(`$(\"a b\";\"c\"))!1 2");
    QTest::newRow("table") << QByteArray("([]s:`$(\"a,b\";\"c\");f:0.1 0.30000000000000004)")
                           << QByteArray("+`s`f!(`$(\"a,b\";\"c\");0.1 0.30000000000000004)");
}

void TstFormat::literal()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    const Value v = lit(text);
    QCOMPARE(formatLiteral(v), expected);
    const LiteralResult back = parseLiteral(formatLiteral(v));
    QVERIFY2(back.ok(), qPrintable(back.error ? back.error->message : QString()));
    QCOMPARE(back.value, v);
}

void TstFormat::fields()
{
    // CSV/TSV fields: q's `csv 0: t` text, exact floats, nulls empty.
    const Value t = lit("([]b:10b;x:0x0a0b;j:1 0N;f:123456789.123 0n;w:0w -0w;"
                        "d:2026.12.04 0Nd;p:2026.12.04D21:59:45.597835082 0Np;m:2026.12 2000.01m;"
                        "n:0D01:00:00.000000001 0Nn;u:12:30 0Nu;s:`a`;c:\"x \")");
    const auto row = [&](int64_t r) {
        QList<QByteArray> out;
        for (const Value &c : t.columns().items())
            out << formatField(c, r, TextMode::Exact);
        return out.join('|');
    };
    QCOMPARE(row(0), QByteArray("1|0a|1|123456789.123|0w|2026-12-04|2026-12-04D21:59:45.597835082|"
                                "2026-12|0D01:00:00.000000001|12:30|a|x"));
    QCOMPARE(row(1), QByteArray("0|0b|||-0w|||2000-01|||| "));
    QCOMPARE(formatField(t.columns().item(3), 0, TextMode::Display), QByteArray("1.234568e+08"));
}

void TstFormat::robustness()
{
    // Deep nesting and odd values never crash and always give text.
    Value v = Value::longAtom(1);
    for (int i = 0; i < 2000; ++i)
        v = Value::list({v, Value::symbol("a")});
    QVERIFY(!formatOneLine(v).isEmpty());
    QVERIFY(!formatConsole(v).isEmpty());
    QVERIFY(!formatJson(v).isEmpty());
    QCOMPARE(formatOneLine(Value::primitive(UnaryPrimitive, 200)), QByteArray("`unknown101_200"));
    // Every bit pattern of every type formats: random payloads for atoms and vectors (q's
    // extremes included: nulls, infinities, out-of-range temporals, NaNs, negative times).
    QRandomGenerator rng(42);
    for (int round = 0; round < 3000; ++round) {
        for (int t = 1; t <= Time; ++t) {
            if (t == 3 || t == Symbol) continue;
            const int w = elementSize(t);
            Value vec = Value::uninitialised(t, 4);
            char *p = vec.mutableData<char>();
            for (int k = 0; k < 4 * w; ++k)
                p[k] = char(rng.bounded(256));
            if (round % 3 == 0 && w >= 4) // extremes: 0x7f.. / 0x80.. patterns
                for (int k = 0; k < w; ++k)
                    p[k] = char(k == w - 1 ? (round % 2 ? 0x80 : 0x7f) : (round % 2 ? 0 : 0xff));
            QVERIFY(!formatOneLine(vec).isEmpty());
            QVERIFY(!formatConsole(vec).isEmpty());
            QVERIFY(!formatJson(vec).isEmpty());
            for (int64_t i = 0; i < 4; ++i) {
                formatCell(vec, i);
                const Value atom = vec.element(i);
                QVERIFY(!formatOneLine(atom).isEmpty());
                formatAtom(atom);
                formatJson(atom);
            }
        }
    }
    // A table with no columns, an empty dict, a list of empty lists: text, no crash.
    QVERIFY(!formatOneLine(Value::table(Value::symbols({}), Value::list({}))).isEmpty());
    formatConsole(Value::table(Value::symbols({}), Value::list({})));
    QCOMPARE(formatOneLine(Value::dict(Value::list({}), Value::list({}))), QByteArray("()!()"));
    QCOMPARE(formatConsole(Value::dict(Value::list({}), Value::list({}))), QByteArray());
    QCOMPARE(formatConsole(lit("(();())")), QByteArray("\n\n"));
}

QTEST_GUILESS_MAIN(TstFormat)
#include "tst_format.moc"
