// The q-literal parser: every literal form of the brief, q's vector typing rules, casts, and
// errors as data with a byte position. Byte-exact agreement with kdb+ is in tst_textvectors.
#include "protocol/format.h"
#include "protocol/literal.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstring>

using namespace qscope;

namespace {

Value parsed(const char *text)
{
    const LiteralResult r = parseLiteral(QByteArray(text));
    if (!r.ok()) qWarning("%s: %s", text, qPrintable(r.error->message));
    return r.ok() ? r.value : Value::error("parse failed");
}

} // namespace

class TstLiteral : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void types_data();
    void types();
    void values();
    void structures();
    void casts();
    void errors_data();
    void errors();
    void garbageNeverCrashes();
};

void TstLiteral::types_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("type");
    QTest::addColumn<qint64>("count");
    const auto row = [](const char *t, int type, qint64 n) {
        QTest::newRow(t) << QByteArray(t) << type << n;
    };
    row("1i", -Int, 1);
    row("2h", -Short, 1);
    row("3j", -Long, 1);
    row("3", -Long, 1);
    row("4e", -Real, 1);
    row("5f", -Float, 1);
    row("1.5", -Float, 1);
    row("1e10", -Float, 1);
    row("1.5e", -Real, 1);
    // A bare 0w/0n joins any float-family vector, as q writes them (`0w 1.5e`).
    row("0w 1.5e", Real, 2);
    row("1.5 0we", Real, 2);
    row("0N 0w 1.5e", Real, 3);
    row("0w 2001.01.01T00:00:00.000", Datetime, 2);
    row("0n 1", Float, 2);
    row("0x0a", -Byte, 1);
    row("0x0a0b", Byte, 2);
    row("0x", Byte, 0);
    row("1b", -Boolean, 1);
    row("101b", Boolean, 3);
    row("\"c\"", -Char, 1);
    row("\"abc\"", Char, 3);
    row("\"\"", Char, 0);
    row("`a", -Symbol, 1);
    row("`a`b", Symbol, 2);
    row("`a`b`c`:path/to/file", Symbol, 4);
    row("`", -Symbol, 1);
    row("1 2 3i", Int, 3);
    row("1 2.0", Float, 2);
    row("1 2", Long, 2);
    row("1 2e", Real, 2);
    row("1 0N 3", Long, 3);
    row("0N", -Long, 1);
    row("0Nh", -Short, 1);
    row("0Ni", -Int, 1);
    row("0Nj", -Long, 1);
    row("0n", -Float, 1);
    row("0Ne", -Real, 1);
    row("0w", -Float, 1);
    row("-0w", -Float, 1);
    row("0W", -Long, 1);
    row("0Wh", -Short, 1);
    row("0Nd", -Date, 1);
    row("0Np", -Timestamp, 1);
    row("0Wp", -Timestamp, 1);
    row("0Ng", -Guid, 1);
    row("2024.01.02D10:00:00.123456789", -Timestamp, 1);
    row("2024.01.02D10:00", -Timestamp, 1);
    row("2024.01m", -Month, 1);
    row("2024.01.02", -Date, 1);
    row("2024.01.02T10:00:00.000", -Datetime, 1);
    row("0D10:00:00.000000000", -Timespan, 1);
    row("12:30", -Minute, 1);
    row("12:30:00", -Second, 1);
    row("12:30:00.000", -Time, 1);
    row("12:30:00.000000000", -Timespan, 1);
    row("2024.01.02 2024.01.03", Date, 2);
    row("2001.01 0N 2001.02m", Month, 3);
    row("2000.01.01 0N", Date, 2);
    row("12:00 13:00", Minute, 2);
    row("3.23 0n", Float, 2);
    row("::", UnaryPrimitive, 1);
    row("()", List, 0);
    row("{x+y}", Lambda, 1);
    row("{x+y}[1]", Projection, 1);
    row("(1;2)", Long, 2);
    row("(1;`a)", List, 2);
    row("(1h;2h)", Short, 2);
    row("enlist 1", Long, 1);
    row("enlist \"a\"", Char, 1);
    row("enlist 1 2", List, 1);
    row("`a`b!1 2", Dict, 2);
    row("`s#`a`b!1 2", SortedDict, 2);
    row("([] a:1 2; b:`x`y)", Table, 2);
    row("([k:1 2] v:3 4)", Dict, 2);
    row("flip `a`b!(1 2;3 4)", Table, 2);
    row("`int$()", Int, 0);
    row("\"i\"$()", Int, 0);
    row("`short$1 2", Short, 2);
    row("\"p\"$0", -Timestamp, 1);
    row("`s#1 2 3", Long, 3);
    row("3#`a", Symbol, 3);
    row("2!([]a:1 2;b:3 4;c:5 6)", Dict, 2);
    row("  1 2  / trailing comment", Long, 2);
}

void TstLiteral::types()
{
    QFETCH(QByteArray, text);
    QFETCH(int, type);
    QFETCH(qint64, count);
    const LiteralResult r = parseLiteral(text);
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error->message));
    QCOMPARE(r.value.type(), type);
    QCOMPARE(r.value.count(), count);
}

void TstLiteral::values()
{
    QCOMPARE(parsed("-234h").shortValue(), int16_t(-234));
    QCOMPARE(parsed("89421099511627575j").longValue(), int64_t(89421099511627575));
    QCOMPARE(parsed("3.234").floatValue(), 3.234);
    QCOMPARE(parsed("5.5e").realValue(), 5.5f);
    QCOMPARE(parsed("1e-7").floatValue(), 1e-7);
    QCOMPARE(parsed("-1.5").floatValue(), -1.5);
    QCOMPARE(parsed(".5").floatValue(), 0.5);
    QCOMPARE(parsed("0x2a").byteValue(), uint8_t(0x2a));
    QCOMPARE(parsed("0xa").byteValue(), uint8_t(0x0a));
    QCOMPARE(parsed("\"\\n\"").charValue(), '\n');
    QCOMPARE(parsed("\"\\012\"").charValue(), '\n');
    QCOMPARE(parsed("\"\\\"\"").charValue(), '"');
    QCOMPARE(parsed("\"\\\\\"").charValue(), '\\');
    QCOMPARE(parsed("\"a\\tb\"").count(), 3);
    QCOMPARE(parsed("`a`b`c`:path/to/file").symAt(3), QByteArray(":path/to/file"));
    // Temporals count from 2000.01.01 in q's units.
    QCOMPARE(parsed("2001.01m").intValue(), 12);
    QCOMPARE(parsed("2001.01.01").intValue(), 366);
    QCOMPARE(parsed("1999.12.31").intValue(), -1);
    QCOMPARE(parsed("12:01").intValue(), 721);
    QCOMPARE(parsed("12:05:00").intValue(), 43500);
    QCOMPARE(parsed("12:04:59.123").intValue(), 43499123);
    QCOMPARE(parsed("12:04:59.1").intValue(), 43499100);
    QCOMPARE(parsed("0D05:36:57.600").longValue(), int64_t(20217600000000));
    QCOMPARE(parsed("-0D00:00:01").longValue(), int64_t(-1000000000));
    QCOMPARE(parsed("2000.01.04D05:36:57.600").longValue(), int64_t(279417600000000));
    QCOMPARE(parsed("2000.01.02D").longValue(), int64_t(86400000000000));
    QCOMPARE(parsed("2000.01.04T05:36:57.600").floatValue(), 3.234);
    QCOMPARE(parsed("2p").longValue(), int64_t(7200000000000)); // 2 hours past 2000.01.01
    QCOMPARE(parsed("4u").intValue(), 240);
    // Nulls and infinities are q's bit patterns (the float null is the negative NaN).
    uint64_t bits;
    const double fnull = parsed("0n").floatValue();
    std::memcpy(&bits, &fnull, 8);
    QCOMPARE(bits, qnull::fBits);
    QCOMPARE(parsed("0Ni").intValue(), qnull::i);
    QCOMPARE(parsed("0W").longValue(), qnull::jInf);
    QCOMPARE(parsed("-0W").longValue(), -qnull::jInf);
    QCOMPARE(parsed("0Wi").intValue(), qnull::iInf);
    QVERIFY(std::isinf(parsed("-0w").floatValue()) && parsed("-0w").floatValue() < 0);
    QVERIFY(parsed("0Nd").isNull());
    const Value v = parsed("1 0N 3i");
    QCOMPARE(v.at<int32_t>(1), qnull::i);
    QCOMPARE(v.at<int32_t>(2), 3);
    QCOMPARE(parsed("1 -2 3").at<int64_t>(1), int64_t(-2));
    QCOMPARE(parsed("1 2.5").at<double>(0), 1.0);
    QCOMPARE(parsed("101b").rawData()[1], '\0');
    // Generic null, lambdas, projections with elided arguments.
    QVERIFY(parsed("::").isGenericNull());
    QCOMPARE(parsed("{x+y}").lambdaSource(), QByteArray("{x+y}"));
    QCOMPARE(parsed("{[a;b] a+\"}\"}").lambdaSource(), QByteArray("{[a;b] a+\"}\"}"));
    const Value p = parsed("{x+y+z}[;1]");
    QCOMPARE(p.type(), int(Projection));
    QCOMPARE(p.items().size(), size_t(3));
    QVERIFY(p.items()[1] == Value::elided());
}

void TstLiteral::structures()
{
    const Value d = parsed("(enlist `a)!(enlist 1)");
    QCOMPARE(d.type(), int(Dict));
    QCOMPARE(d.keys().symAt(0), QByteArray("a"));
    const Value t = parsed("([] a:1 2; b:`x`y)");
    QCOMPARE(t.columnNames().symAt(1), QByteArray("b"));
    QCOMPARE(t.columns().item(1).symAt(1), QByteArray("y"));
    QVERIFY(parsed("([] a:1 2; b:`x`y)") == parsed("flip `a`b!(1 2;`x`y)"));
    QVERIFY(parsed("([] a:1 2; b:`x`y)") == parsed("+`a`b!(1 2;`x`y)"));
    // Atoms extend to the table's length.
    QCOMPARE(parsed("([] a:1 2 3; b:`x)").columns().item(1).count(), 3);
    const Value k = parsed("([k:1 2] v:3 4)");
    QVERIFY(k.isKeyedTable());
    QVERIFY(k == parsed("1!([]k:1 2;v:3 4)"));
    QVERIFY(k == parsed("([]k:1 2)!([]v:3 4)"));
    // Lists of same-typed atoms are vectors, as q builds them.
    QCOMPARE(parsed("(1h;0Nh;3h)").type(), int(Short));
    QCOMPARE(parsed("(\"a\";\"b\")").type(), int(Char));
    QCOMPARE(parsed("(`a;`b)").type(), int(Symbol));
    QCOMPARE(parsed("(1;;2)").item(1).isGenericNull(), true);
    QCOMPARE(parsed("((1 2))").type(), int(Long));
    // A list of conforming dictionaries is a table, as in q.
    QVERIFY(parsed("(`a`b!1 2;`a`b!3 4)") == parsed("([]a:1 3;b:2 4)"));
    QCOMPARE(parsed("(`a`b!1 2;`a`c!3 4)").type(), int(List));
    // enlist of a dictionary is a one-row table.
    QCOMPARE(parsed("enlist `a`b!1 2").type(), int(Table));
    QCOMPARE(parsed("enlist[1;2]").type(), int(Long));
    QCOMPARE(parsed("enlist[1;`a]").type(), int(List));
    // Attributes.
    QCOMPARE(parsed("`s#1 2 3").attr(), Attr::Sorted);
    QCOMPARE(parsed("`u#`a`b").attr(), Attr::Unique);
    QCOMPARE(parsed("`p#1 1 2").attr(), Attr::Parted);
    QCOMPARE(parsed("`g#1 1 2").attr(), Attr::Grouped);
    QCOMPARE(parsed("`s#`a`b!1 2").type(), int(SortedDict));
    // Take cycles, and takes from the end when negative.
    QVERIFY(parsed("5#1 2") == parsed("1 2 1 2 1"));
    QVERIFY(parsed("-2#1 2 3") == parsed("2 3"));
    QVERIFY(parsed("-1#([] a:1 2 3)") == parsed("([] a:enlist 3)"));
}

void TstLiteral::casts()
{
    QVERIFY(parsed("`int$()") == Value::uninitialised(Int, 0));
    QVERIFY(parsed("`symbol$()") == Value::symbols(std::vector<QByteArray>{}));
    QVERIFY(parsed("`short$1 2") == parsed("1 2h"));
    QVERIFY(parsed("\"p\"$0") == parsed("2000.01.01D00:00:00.000000000"));
    QVERIFY(parsed("`date$2000.01.02D12:00") == parsed("2000.01.02"));
    QVERIFY(parsed("`timestamp$2000.01.02") == parsed("2000.01.02D00:00"));
    QVERIFY(parsed("`month$2001.03.04") == parsed("2001.03m"));
    QVERIFY(parsed("`minute$12:34:56") == parsed("12:34"));
    QVERIFY(parsed("`time$2000.01.01D01:02:03.004") == parsed("01:02:03.004"));
    QVERIFY(parsed("`long$2.5 -2.5") == parsed("3 -3"));
    QVERIFY(parsed("`int$0N") == parsed("0Ni"));
    QVERIFY(parsed("`float$1 0N") == parsed("1 0n"));
    QVERIFY(parsed("`boolean$0 2") == parsed("01b"));
    QVERIFY(parsed("\"c\"$65") == parsed("\"A\""));
    QVERIFY(parsed("`$\"a b\"") == Value::symbol("a b"));
    QVERIFY(parsed("`$(\"a\";\"bc\")") == parsed("`a`bc"));
    QVERIFY(parsed("\"I\"$\"12\"") == parsed("12i"));
    QVERIFY(parsed("\"I\"$\"x\"") == parsed("0Ni")); // tok gives null for bad text
    QVERIFY(parsed("\"D\"$\"2001.01.01\"") == parsed("2001.01.01"));
    QVERIFY(parsed("\"F\"$\"1\"") == parsed("1f"));
    QVERIFY(parsed("\"G\"$\"00000000-0000-0000-0000-000000000000\"") == parsed("0Ng"));
    QVERIFY(parsed("6h$1 2") == parsed("1 2i"));
    QVERIFY(parsed("`int$`a`b!1 2") == parsed("`a`b!1 2i"));
    // https://code.kx.com/q/basics/datatypes/: dates beyond the timestamp range cast to -0Wp.
    QVERIFY(parsed("`timestamp$1666.09.02") == parsed("-0Wp"));
    QVERIFY(parsed("`timestamp$3000.01.01") == parsed("0Wp"));
    QVERIFY(parsed("`date$9999.12.31T12:00:00.000") == parsed("9999.12.31"));
    QVERIFY(parsed("`month$9999.12.31") == parsed("9999.12m"));
}

void TstLiteral::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("unexpected )") << QByteArray("(1;2;3))") << 7
                                  << QStringLiteral("unexpected ')'");
    QTest::newRow("empty") << QByteArray("   ") << 0 << QStringLiteral("empty");
    QTest::newRow("unterminated string")
        << QByteArray("(1;\"ab") << 3 << QStringLiteral("unterminated string");
    QTest::newRow("evaluation") << QByteArray("til 5") << 0 << QStringLiteral("not a literal");
    QTest::newRow("arithmetic") << QByteArray("1+2") << 1 << QStringLiteral("unexpected '+'");
    QTest::newRow("bad date") << QByteArray("2001.02.30") << 0 << QStringLiteral("invalid");
    QTest::newRow("bad minute") << QByteArray("12:61") << 0 << QStringLiteral("invalid");
    QTest::newRow("mixed") << QByteArray("2001.01.01 12:00") << 11 << QStringLiteral("mixed");
    QTest::newRow("int overflow") << QByteArray("3000000000i") << 0
                                  << QStringLiteral("out of range");
    QTest::newRow("long overflow")
        << QByteArray("99999999999999999999") << 0 << QStringLiteral("out of range");
    QTest::newRow("length") << QByteArray("`a`b!1 2 3") << 4 << QStringLiteral("length");
    QTest::newRow("table length") << QByteArray("([] a:1 2; b:1 2 3)") << 1
                                  << QStringLiteral("length");
    QTest::newRow("unknown cast") << QByteArray("`foo$1") << 4 << QStringLiteral("type");
    QTest::newRow("bad attribute") << QByteArray("`q#1 2") << 0 << QStringLiteral("attribute");
    QTest::newRow("bad escape") << QByteArray("\"a\\qb\"") << 2 << QStringLiteral("escape");
    QTest::newRow("unterminated lambda")
        << QByteArray("{x+y") << 0 << QStringLiteral("unterminated lambda");
    QTest::newRow("full application")
        << QByteArray("{x+y}[1;2]") << 5 << QStringLiteral("not a literal");
    QTest::newRow("empty application")
        << QByteArray("{1}[]") << 3 << QStringLiteral("not a literal");
    QTest::newRow("huge take") << QByteArray("-9223372036854775807#1") << 20
                               << QStringLiteral("limit");
    QTest::newRow("missing paren") << QByteArray("(1;2") << 4 << QStringLiteral("end of text");
    QTest::newRow("column name") << QByteArray("([] 1)") << 4 << QStringLiteral("column name");
    QTest::newRow("0w in a date vector")
        << QByteArray("0w 2001.01.01") << 0 << QStringLiteral("mixed");
    QTest::newRow("bool mixed") << QByteArray("101b 2") << 5 << QStringLiteral("mixed");
    QTest::newRow("byte digits") << QByteArray("0xzz") << 0 << QStringLiteral("byte");
}

void TstLiteral::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, position);
    QFETCH(QString, fragment);
    const LiteralResult r = parseLiteral(text);
    QVERIFY(!r.ok());
    QVERIFY2(r.error->message.contains(fragment), qPrintable(r.error->message));
    // The message does not repeat the position (callers show it).
    QVERIFY(!r.error->message.contains(QStringLiteral(" at ")));
    QCOMPARE(r.error->position, position);
}

void TstLiteral::garbageNeverCrashes()
{
    // Bad input gets an error, never a crash or hang: random text from q's alphabet, random
    // truncations of valid literals, and nesting deeper than the parser allows.
    const QByteArray alphabet = "0123456789abcdefxyzDTNWnw.:-+ `\"\\;()[]{}!#$',/ijhpmuvtGIS";
    QRandomGenerator rng(20261123);
    int errorsSeen = 0;
    // QSCOPE_FUZZ_ITERATIONS runs longer (e.g. under sanitizers); the default stays quick.
    const int iterations = qEnvironmentVariableIsSet("QSCOPE_FUZZ_ITERATIONS")
                               ? qEnvironmentVariableIntValue("QSCOPE_FUZZ_ITERATIONS")
                               : 20000;
    for (int i = 0; i < iterations; ++i) {
        QByteArray s;
        const int n = int(rng.bounded(24));
        for (int k = 0; k < n; ++k)
            s.append(alphabet[int(rng.bounded(int(alphabet.size())))]);
        const LiteralResult r = parseLiteral(s);
        if (!r.ok()) {
            ++errorsSeen;
            QVERIFY(r.error->position >= 0 && r.error->position <= s.size());
        } else {
            formatConsole(r.value);
            formatJson(r.value);
        }
    }
    QVERIFY(errorsSeen > iterations / 2);
    const QByteArray valid = "([k:1 2] v:(\"ab\";\"c\"); w:`s#2001.01.01 2001.01.02; z:(1;`a))";
    for (qsizetype cut = 0; cut < valid.size(); ++cut)
        parseLiteral(valid.left(cut));
    const LiteralResult deep = parseLiteral(QByteArray(5000, '(') + '1' + QByteArray(5000, ')'));
    QVERIFY(!deep.ok());
    QVERIFY(deep.error->message.contains(QStringLiteral("too deep")));
    const LiteralResult deepEnlist = parseLiteral(QByteArray("enlist ").repeated(5000) + '1');
    QVERIFY(!deepEnlist.ok());
}

QTEST_GUILESS_MAIN(TstLiteral)
#include "tst_literal.moc"
