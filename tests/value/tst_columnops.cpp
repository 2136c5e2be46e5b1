// The typed-column toolkit (protocol/columnops.h) and the CSV field writer (protocol/csv.h):
// the shared readers every layer calls, checked on nulls, bounds and symbol pools.

#include "protocol/columnops.h"
#include "protocol/csv.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace qscope;

class TstColumnOps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void elementAsDoubleMapsNulls()
    {
        const Value ints = Value::fromVector(Int, std::vector<int32_t>{7, qnull::i, -3});
        QCOMPARE(elementAsDouble(ints, 0), 7.0);
        QVERIFY(std::isnan(elementAsDouble(ints, 1)));
        QCOMPARE(elementAsLong(ints, 1), qnull::j);
        QCOMPARE(elementRawInt(ints, 1), int64_t(qnull::i));
        const Value bytes = Value::fromVector(Byte, std::vector<uint8_t>{0, 255});
        QCOMPARE(elementAsDouble(bytes, 0), 0.0); // a byte is never null
        QCOMPARE(elementAsDouble(bytes, 1), 255.0);
        const Value reals = Value::fromVector(Real, std::vector<float>{1.5f});
        QCOMPARE(elementAsDouble(reals, 0), 1.5);
        QCOMPARE(elementAsLong(Value::floatAtom(2.6), 0), int64_t(3));
        QCOMPARE(elementAsDouble(Value::atom(-Date, 42), 0), 42.0); // raw units: days
    }

    void numericAtIsElementAsDoubleWithInfinities()
    {
        const Value ints =
            Value::fromVector(Int, std::vector<int32_t>{7, qnull::i, qnull::iInf, -qnull::iInf});
        QCOMPARE(numericAt(ints, 0), elementAsDouble(ints, 0));
        QVERIFY(std::isnan(numericAt(ints, 1)));
        QCOMPARE(numericAt(ints, 2), std::numeric_limits<double>::infinity());
        QCOMPARE(numericAt(ints, 3), -std::numeric_limits<double>::infinity());
        QCOMPARE(elementAsDouble(ints, 2), double(qnull::iInf)); // raw units keep 0W's value
        const Value longs = Value::fromVector(Long, std::vector<int64_t>{-qnull::jInf, 5});
        QCOMPARE(numericAt(longs, 0), -std::numeric_limits<double>::infinity());
        QCOMPARE(numericAt(longs, 1), 5.0);
        QVERIFY(std::isnan(numericAt(longs, 2))); // out of range
        const Value dates = Value::fromVector(Date, std::vector<int32_t>{42});
        QVERIFY(std::isnan(numericAt(dates, 0))); // temporals are not numbers here
        QCOMPARE(numericAt(Value::fromVector(Byte, std::vector<uint8_t>{255}), 0), 255.0);
    }

    void gatherKeepsPoolAndFillsNulls()
    {
        const Value syms = Value::symbols({"a", "b", ""});
        const Value g = gatherRows(syms, std::vector<int64_t>{1, 0, 5});
        QCOMPARE(g.count(), int64_t(3));
        QCOMPARE(g.symAt(0), QByteArray("b"));
        QCOMPARE(g.symAt(2), QByteArray());
        QCOMPARE(g.symbolPool(), syms.symbolPool());
        const Value noEmpty = Value::symbols({"x"});
        const Value g2 = gatherRows(noEmpty, std::vector<int64_t>{-1, 0});
        QCOMPARE(g2.symAt(0), QByteArray());
        QCOMPARE(g2.symAt(1), QByteArray("x"));
        const Value longs = Value::fromVector(Long, std::vector<int64_t>{10, 20});
        const Value gl = gatherRows(longs, std::vector<int64_t>{1, 2});
        QCOMPARE(gl.at<int64_t>(0), int64_t(20));
        QCOMPARE(gl.at<int64_t>(1), qnull::j);
        const Value list = Value::list({Value::floatAtom(1), longs});
        const Value gll = gatherRows(list, std::vector<int64_t>{1});
        QVERIFY(valuesMatch(gll.item(0), longs));
    }

    void matchHashAndOrder()
    {
        const double nan = std::nan("");
        const Value f = Value::fromVector(Float, std::vector<double>{nan, 1.0, nan, -2.0});
        QVERIFY(elementsMatch(f, 0, f, 2));
        QCOMPARE(elementHash(f, 0), elementHash(f, 2));
        QVERIFY(!elementsMatch(f, 1, f, 3));
        QVERIFY(compareElements(f, 0, 3) < 0); // null first
        QVERIFY(compareElements(f, 3, 1) < 0);
        QCOMPARE(compareElements(f, 0, 2), 0);
        const Value a = Value::symbols({"b", "a"});
        const Value b = Value::symbols({"a"});
        QVERIFY(elementsMatch(a, 1, b, 0)); // different pools, same text
        QCOMPARE(elementHash(a, 1), elementHash(b, 0));
        QVERIFY(compareElements(a, 1, 0) < 0);
        const Value j = Value::fromVector(Long, std::vector<int64_t>{qnull::j, -5});
        QVERIFY(compareElements(j, 0, 1) < 0);
    }

    void vectorFromAtomsOnlyWhenUniform()
    {
        const Value v = vectorFromAtoms({Value::atom(-Short, 3), Value::atom(-Short, 4)});
        QCOMPARE(v.type(), int(Short));
        QCOMPARE(v.at<int16_t>(1), int16_t(4));
        const Value mixed = vectorFromAtoms({Value::atom(-Short, 3), Value::floatAtom(1)});
        QVERIFY(mixed.isList());
        QCOMPARE(vectorFromAtoms({}).type(), int(List));
    }

    void dictValueBySymbolKey()
    {
        const Value d = Value::dict(Value::symbols({"used", "heap"}),
                                    Value::fromVector(Long, std::vector<int64_t>{5, 9}));
        QCOMPARE(dictValue(d, "heap").rawInt(), int64_t(9));
        QCOMPARE(dictValue(d, "peak").type(), Value().type());
        QCOMPARE(dictValue(Value::floatAtom(1), "used").type(), Value().type());
    }

    void csvFieldRoundTrips()
    {
        const QList<QByteArray> fields = {"plain", "a,b", "say \"hi\"", "two\nlines", "", "cr\r"};
        QByteArray line;
        for (int i = 0; i < fields.size(); ++i) {
            if (i) line += ',';
            appendCsvField(line, fields[i]);
        }
        QCOMPARE(line, QByteArray("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\"cr\r\""));
        const CsvTable t = parseCsv(QString::fromUtf8(line));
        QVERIFY(t.ok());
        QCOMPARE(t.records.size(), 1);
        QCOMPARE(t.records[0].size(), fields.size());
        for (int i = 0; i < fields.size(); ++i)
            QCOMPARE(t.records[0][i], QString::fromUtf8(fields[i]));
        QByteArray tab;
        appendCsvField(tab, "a,b", '\t');
        QCOMPARE(tab, QByteArray("a,b")); // only the delimiter in use forces quotes
    }
};

QTEST_GUILESS_MAIN(TstColumnOps)
#include "tst_columnops.moc"
