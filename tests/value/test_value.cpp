// The value model: construction, element access, nulls, symbols interning, match.
#include "protocol/value.h"

#include <QTest>

#include <array>
#include <cmath>

using namespace qscope;

class TestValue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultIsGenericNull()
    {
        const Value v;
        QCOMPARE(v.type(), int(UnaryPrimitive));
        QVERIFY(v.isGenericNull());
        QVERIFY(!Value::elided().isGenericNull());
        QCOMPARE(Value::elided().primitiveCode(), uint8_t(0xff));
    }

    void atoms()
    {
        QCOMPARE(Value::longAtom(42).longValue(), int64_t(42));
        QCOMPARE(Value::longAtom(42).type(), -int(Long));
        QCOMPARE(Value::intAtom(-7).intValue(), -7);
        QCOMPARE(Value::shortAtom(-3).shortValue(), int16_t(-3));
        QCOMPARE(Value::real(1.5f).realValue(), 1.5f);
        QCOMPARE(Value::floatAtom(2.25).floatValue(), 2.25);
        QCOMPARE(Value::charAtom('x').charValue(), 'x');
        QCOMPARE(Value::symbol("abc").symbolValue(), QByteArray("abc"));
        QCOMPARE(Value::error("type").symbolValue(), QByteArray("type"));
        QVERIFY(Value::boolean(true).boolean());
        QCOMPARE(Value::atom(-Date, 366).rawInt(), int64_t(366));
    }

    void atomsOfFloatTypes()
    {
        // atom() takes an integer for every atom type and converts it for e f z.
        QCOMPARE(Value::atom(-Float, 3).floatValue(), 3.0);
        QCOMPARE(Value::atom(-Datetime, -2).type(), -int(Datetime));
        QCOMPARE(Value::atom(-Datetime, -2).floatValue(), -2.0);
        QCOMPARE(Value::temporalFloat(-Real, 1.5).realValue(), 1.5f);
        QCOMPARE(Value::temporalFloat(-Datetime, 0.25).floatValue(), 0.25);
        // A real rounds once, from the integer: through double this one would round twice.
        const int64_t big = (int64_t(1) << 60) + (int64_t(1) << 36) + 1;
        QVERIFY(float(big) != float(double(big)));
        QCOMPARE(Value::atom(-Real, big).realValue(), float(big));
        QVERIFY(Value::atom(-Real, 7) == Value::real(7.0f));
    }

    void typedNulls_data()
    {
        QTest::addColumn<int>("type");
        for (int t : {Guid, Short, Int, Long, Real, Float, Char, Symbol, Timestamp, Month, Date,
                      Datetime, Timespan, Minute, Second, Time})
            QTest::addRow("%d", t) << -t;
    }
    void typedNulls()
    {
        QFETCH(int, type);
        const Value n = Value::nullOf(type);
        QCOMPARE(n.type(), type);
        QVERIFY(n.isNull());
    }

    void nullBitPatternsAreQs()
    {
        // q writes the negative quiet NaN for 0n and 0Ne.
        const Value f = Value::nullOf(-Float);
        double d = f.floatValue();
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        QCOMPARE(bits, qnull::fBits);
        const float e = Value::nullOf(-Real).realValue();
        uint32_t ebits;
        std::memcpy(&ebits, &e, 4);
        QCOMPARE(ebits, qnull::eBits);
        QVERIFY(!Value::longAtom(0).isNull());
    }

    void storageClasses()
    {
        // The same width read differently: what one shared case list could mix up.
        QVERIFY(storageOf(Real) == Storage::Real);
        QVERIFY(storageOf(Datetime) == Storage::Float);
        QVERIFY(storageOf(Boolean) != storageOf(Byte) && storageOf(Byte) != storageOf(Char));
        for (int t : {Int, Month, Date, Minute, Second, Time})
            QVERIFY(storageOf(t) == Storage::Int32);
        for (int t : {Long, Timestamp, Timespan})
            QVERIFY(storageOf(t) == Storage::Int64);
        // an atom is stored as one element of its vector
        for (int t = 1; t <= Time; ++t)
            QVERIFY(storageOf(-t) == storageOf(t));
        for (int t : {0, 3, 20, int(Table), int(Dict), int(Lambda), int(Error)})
            QVERIFY(storageOf(t) == Storage::Other);
    }

    void nullsAreForAtoms()
    {
        // nullOf takes an atom type; no vector is null, even one whose bytes are a null's.
        QVERIFY(Value::nullOf(Long).isGenericNull());
        QVERIFY(Value::nullOf(-3).isGenericNull());
        QVERIFY(!Value::fromVector<uint8_t>(Guid, std::vector<uint8_t>(16, 0)).isNull());
        QVERIFY(!Value::symbols(std::vector<QByteArray>{QByteArray()}).isNull());
        QVERIFY(!Value::boolean(false).isNull());
        QVERIFY(!Value::byte(0).isNull());
        QVERIFY(!Value::error("type").isNull());
    }

    void elementsAsStored()
    {
        QCOMPARE(Value::fromVector<float>(Real, {0.0f, -1.5f}).element(1), Value::real(-1.5f));
        QCOMPARE(Value::fromVector<double>(Datetime, {0.0, 1.25}).element(1),
                 Value::temporalFloat(-Datetime, 1.25));
        QCOMPARE(Value::fromVector<int32_t>(Minute, {0, -61}).element(1),
                 Value::atom(-Minute, -61));
        QCOMPARE(Value::fromVector<int64_t>(Timespan, {0, qnull::j}).element(1),
                 Value::nullOf(-Timespan));
        QVERIFY(Value::fromVector<int32_t>(Date, {0, qnull::i}).element(1).isNull());
        QCOMPARE(Value::fromVector<int16_t>(Short, {0, -2}).element(1), Value::shortAtom(-2));
        QCOMPARE(Value::fromVector<uint8_t>(Boolean, {0, 1}).element(1), Value::boolean(true));
        QCOMPARE(Value::fromVector<uint8_t>(Byte, {0, 0xfe}).element(1), Value::byte(0xfe));
        QCOMPARE(Value::fromVector<char>(Char, {'a', 'b'}).element(1), Value::charAtom('b'));
        std::vector<uint8_t> g(32, 0);
        g[31] = 7;
        std::array<uint8_t, 16> want{};
        want[15] = 7;
        QCOMPARE(Value::fromVector<uint8_t>(Guid, g).element(1), Value::guid(want));
    }

    void vectorsAreColumnar()
    {
        const Value v = Value::fromVector<int64_t>(Long, {1, 2, 3});
        QCOMPARE(v.type(), int(Long));
        QCOMPARE(v.count(), int64_t(3));
        QCOMPARE(v.at<int64_t>(2), int64_t(3));
        QCOMPARE(v.element(1), Value::longAtom(2));

        Value u = Value::uninitialised(Float, 4);
        for (int i = 0; i < 4; ++i)
            u.mutableData<double>()[i] = i * 0.5;
        QCOMPARE(u.at<double>(3), 1.5);
        QCOMPARE(u.element(3).type(), -int(Float));
    }

    void viewKeepsOwnerAlive()
    {
        Value v;
        {
            QByteArray bytes(16, '\0');
            bytes[0] = 7;
            bytes[8] = 9;
            auto owner = std::make_shared<QByteArray>(bytes);
            v = Value::vector(Long, Bytes::view(owner, owner->constData(), 16), 2);
        }
        QCOMPARE(v.at<int64_t>(0), int64_t(7));
        QCOMPARE(v.at<int64_t>(1), int64_t(9));
    }

    void symbolsAreInterned()
    {
        const Value s = Value::symbols({"a", "b", "a", "c", "a"});
        QCOMPARE(s.count(), int64_t(5));
        QCOMPARE(s.symbolPool()->strings.size(), size_t(3));
        QCOMPARE(s.symIndex(0), s.symIndex(2));
        QVERIFY(s.symIndex(0) != s.symIndex(1));
        QCOMPARE(s.symAt(3), QByteArray("c"));
        QCOMPARE(s.element(4), Value::symbol("a"));
    }

    void tablesAndDicts()
    {
        const Value t = Value::table(
            Value::symbols({"a", "b"}),
            Value::list({Value::fromVector<int64_t>(Long, {1, 2}), Value::symbols({"x", "y"})}));
        QCOMPARE(t.count(), int64_t(2));
        QCOMPARE(t.columnIndex("b"), 1);
        QCOMPARE(t.columnIndex("z"), -1);
        const Value row = t.element(1);
        QVERIFY(row.isDict());
        QCOMPARE(row.values().item(1), Value::symbol("y"));

        const Value k = Value::keyedTable(t, t);
        QVERIFY(k.isKeyedTable());
        QVERIFY(!Value::dict(Value::symbols({"a"}), Value::list({Value()})).isKeyedTable());
        QCOMPARE(Value::dict(Value::symbols({"a"}), Value::list({Value()}), true).type(),
                 int(SortedDict));
    }

    void matchFollowsQ()
    {
        QVERIFY(Value::nullOf(-Float) == Value::nullOf(-Float)); // 0n~0n is 1b
        QVERIFY(!(Value::longAtom(1) == Value::intAtom(1)));     // 1~1i is 0b
        QVERIFY(Value::symbols({"a", "b"}) == Value::symbols({"a", "b"}));
        QVERIFY(!(Value::symbols({"a", "b"}) == Value::symbols({"a", "c"})));
        QVERIFY(Value::string("abc") == Value::string("abc"));
        QVERIFY(!(Value::string("abc") == Value::string("abd")));
        QVERIFY(Value::lambda("", "{x}") == Value::lambda("", "{x}"));
    }
};

QTEST_GUILESS_MAIN(TestValue)
#include "test_value.moc"
