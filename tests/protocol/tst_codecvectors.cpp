// Every case of every real kdb+ vector file decodes, and re-encodes to exactly kdb+'s bytes.

#include "protocol/codec.h"
#include "protocol/tableconcat.h"
#include "vectorfiles.h"

#if __has_include("protocol/literal.h")
#include "protocol/literal.h"
#define QSCOPE_HAVE_LITERAL 1
#endif

#include <QtTest>

#include <cmath>

using namespace qscope;
using namespace qscope::testing;

namespace {

/// The README's quirk: qPython's file holds positive NaNs where kdb+ writes negative ones.
QByteArray normaliseNaN(QByteArray b)
{
    b.replace(QByteArray::fromHex("000000000000f87f"), QByteArray::fromHex("000000000000f8ff"));
    b.replace(QByteArray::fromHex("0000c07f"), QByteArray::fromHex("0000c0ff"));
    return b;
}

QString show(const VectorCase &c)
{
    return c.file + QStringLiteral(": ") + QString::fromUtf8(c.expression);
}

} // namespace

class TestCodecVectors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void payloadFiles_data();
    void payloadFiles();
    void docsMessages();
    void functions();
    void compressedVectors();
    void specificValues();
    void bigEndianMessage();
    void literalsEncodeToKdbBytes();
    void nanPayloadsKeepTheirBits();
};

void TestCodecVectors::payloadFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("qsharp") << QStringLiteral("qsharp-QExpressions3.out");
    QTest::newRow("qpython") << QStringLiteral("qpython-QExpressions3.out");
    QTest::newRow("qjava-functions") << QStringLiteral("qjava-QExpressionsFunctions.out");
}

void TestCodecVectors::payloadFiles()
{
    QFETCH(QString, file);
    const auto cases = readOutFile(file);
    QVERIFY2(cases.size() >= 11, qPrintable(file));
    int positiveNaNs = 0;
    for (const VectorCase &c : cases) {
        // As a payload ...
        const Decoded d = decodePayload(c.bytes);
        QVERIFY2(d.ok(), qPrintable(show(c) + QStringLiteral(" -> ") + d.error->message));
        const QByteArray again = encodePayload(d.value);
        QCOMPARE(encodedPayloadSize(d.value), again.size());
        // Re-encoding keeps every value's bits, as q's -8! does: qPython's positive NaNs
        // (0x7ff8..) come back as they were, not as q's 0xfff8.. (issue 16).
        QCOMPARE(again.toHex(), c.bytes.toHex());
        if (normaliseNaN(c.bytes) != c.bytes) ++positiveNaNs;
        // ... and as a whole message, through the header path.
        const QByteArray message = withHeader(c.bytes);
        const Decoded m = decodeMessage(message);
        QVERIFY2(m.ok(), qPrintable(show(c)));
        QCOMPARE(m.header.type, MessageType::Response);
        QCOMPARE(m.header.size, message.size());
        QCOMPARE(encodePayload(m.value), again);
        EncodeOptions o;
        o.type = MessageType::Response;
        QCOMPARE(encodeMessage(d.value, o).toHex(), withHeader(again).toHex());
        // Round trip of our own bytes gives the same value and the same bytes.
        const Decoded back = decodePayload(again);
        QVERIFY(back.ok());
        QVERIFY2(back.value == d.value, qPrintable(show(c)));
        QCOMPARE(encodePayload(back.value), again);
    }
    if (file.startsWith(QLatin1String("qpython")))
        QVERIFY(positiveNaNs > 0); // the quirk is real in that file, so it must have been met
    else
        QCOMPARE(positiveNaNs, 0);
}

void TestCodecVectors::docsMessages()
{
    const auto cases = readJsonFile(QStringLiteral("kx-docs-serialization.json"));
    QCOMPARE(int(cases.size()), 14);
    for (const VectorCase &c : cases) {
        const Decoded d = decodeMessage(c.bytes);
        QVERIFY2(d.ok(), qPrintable(show(c)));
        QCOMPARE(d.header.type, MessageType::Async);
        QCOMPARE(d.header.size, c.bytes.size());
        QCOMPARE(encodeMessage(d.value).toHex(), c.bytes.toHex()); // -8! writes type 0
    }
    // `s#`a`b!2 3i is a sorted dict (127) whose keys carry s#.
    const Decoded sorted = decodeMessage(cases[5].bytes);
    QCOMPARE(sorted.value.type(), int(SortedDict));
    QCOMPARE(sorted.value.keys().attr(), Attr::Sorted);
    QCOMPARE(sorted.value.values().element(1).intValue(), 3);
    // Keyed table: a dict of two tables.
    const Decoded keyed = decodeMessage(cases[10].bytes);
    QVERIFY(keyed.value.isKeyedTable());
    QCOMPARE(keyed.value.keys().columnNames().symAt(0), QByteArray("a"));
    // Sorted keyed table: type 127 over tables.
    const Decoded sortedKeyed = decodeMessage(cases[11].bytes);
    QCOMPARE(sortedKeyed.value.type(), int(SortedDict));
    QCOMPARE(sortedKeyed.value.keys().attr(), Attr::Sorted);
    // {x+y}: a lambda in the root context.
    const Decoded lambda = decodeMessage(cases[12].bytes);
    QCOMPARE(lambda.value.type(), int(Lambda));
    QCOMPARE(lambda.value.lambdaSource(), QByteArray("{x+y}"));
    QVERIFY(lambda.value.lambdaContext().isEmpty());
}

void TestCodecVectors::functions()
{
    const auto cases = readOutFile(QStringLiteral("qjava-QExpressionsFunctions.out"));
    QCOMPARE(int(cases.size()), 11);
    auto value = [&](int i) { return decodePayload(cases[size_t(i)].bytes).value; };
    // {x+y}[3]: a projection of a lambda and 3
    const Value proj = value(0);
    QCOMPARE(proj.type(), int(Projection));
    QCOMPARE(int(proj.items().size()), 2);
    QCOMPARE(proj.item(0).type(), int(Lambda));
    QCOMPARE(proj.item(0).lambdaSource(), QByteArray("{x+y}"));
    QCOMPARE(proj.item(1).longValue(), int64_t(3));
    // xbar: a lambda in the .q context
    const Value xbar = value(2);
    QCOMPARE(xbar.type(), int(Lambda));
    QCOMPARE(xbar.lambdaContext(), QByteArray("q"));
    // not: unary primitive 0x0f; and: operator 5
    QCOMPARE(value(3).type(), int(UnaryPrimitive));
    QCOMPARE(int(value(3).primitiveCode()), 0x0f);
    QCOMPARE(value(4).type(), int(Operator));
    // any: composition; raze: over (107) of an operator
    QCOMPARE(value(6).type(), int(Composition));
    QCOMPARE(value(8).type(), int(Over));
    QCOMPARE(value(8).item(0).type(), int(Operator));
    QCOMPARE(value(10).type(), int(EachPrior));
}

void TestCodecVectors::compressedVectors()
{
    const auto cases = readOutFile(QStringLiteral("qpython-QCompressedExpressions3.out"));
    QCOMPARE(int(cases.size()), 3);
    for (const VectorCase &c : cases) {
        const QByteArray compressed = withHeader(c.bytes, 1);
        DecodeError error;
        const auto plain = decompressMessage(compressed, &error);
        QVERIFY2(plain.has_value(), qPrintable(show(c) + QStringLiteral(": ") + error.message));
        QCOMPARE(plain->size(), qFromLittleEndian<uint32_t>(c.bytes.constData()));
        QCOMPARE(uint8_t(plain->at(2)), uint8_t(0));
        // Our compressor reproduces kdb+'s bytes exactly.
        QCOMPARE(compressMessage(*plain).toHex(), compressed.toHex());
        // And the value decodes, re-encodes to the same uncompressed bytes, and decodes through
        // decodeMessage's compressed path.
        const Decoded d = decodeMessage(compressed);
        QVERIFY2(d.ok(), qPrintable(show(c)));
        QVERIFY(d.header.compressed);
        EncodeOptions o;
        o.type = MessageType::Response;
        QCOMPARE(encodeMessage(d.value, o).toHex(), plain->toHex());
        o.compress = true;
        QCOMPARE(encodeMessage(d.value, o).toHex(), compressed.toHex());
    }
    // 1000#`q
    const Decoded q = decodeMessage(withHeader(cases[0].bytes, 1));
    QCOMPARE(q.value.type(), int(Symbol));
    QCOMPARE(q.value.count(), int64_t(1000));
    QCOMPARE(q.value.symAt(999), QByteArray("q"));
    QCOMPARE(int(q.value.symbolPool()->strings.size()), 1);
    // ([] q:1000#`q): a table whose one column is that vector.
    const Decoded t = decodeMessage(withHeader(cases[1].bytes, 1));
    QVERIFY(t.value.isTable());
    QCOMPARE(t.value.count(), int64_t(1000));
}

void TestCodecVectors::specificValues()
{
    // Spot checks of decoded values against the q expressions in the qsharp file.
    const auto cases = readOutFile(QStringLiteral("qsharp-QExpressions3.out"));
    auto find = [&](const char *expr) -> Value {
        for (const VectorCase &c : cases)
            if (c.expression == expr) return decodePayload(c.bytes).value;
        qWarning("no case %s", expr);
        return Value::error("missing");
    };
    QCOMPARE(find("1i").intValue(), 1);
    QCOMPARE(find("-234h").shortValue(), int16_t(-234));
    QCOMPARE(find("89421099511627575j").longValue(), int64_t(89421099511627575));
    QCOMPARE(find("3.234").floatValue(), 3.234);
    QCOMPARE(find("5.5e").realValue(), 5.5f);
    QCOMPARE(find("`abc").symbolValue(), QByteArray("abc"));
    QCOMPARE(find("\"abc\"").count(), int64_t(3));
    QCOMPARE(find("2001.01m").rawInt(), int64_t(12));
    QCOMPARE(find("2001.01.01").rawInt(), int64_t(366));
    const Value err = find("1+`");
    QCOMPARE(err.type(), int(Error));
    QCOMPARE(err.symbolValue(), QByteArray("type"));
}

void TestCodecVectors::bigEndianMessage()
{
    // 1 2 3 as a big-endian long vector message (byte 0 = 0), and the int 1i atom.
    const QByteArray be = QByteArray::fromHex("00020000000000260700000000030000000000000001"
                                              "00000000000000020000000000000003");
    const Decoded d = decodeMessage(be);
    QVERIFY2(d.ok(), d.error ? qPrintable(d.error->message) : "");
    QVERIFY(!d.header.littleEndian);
    QCOMPARE(d.value.type(), int(Long));
    QCOMPARE(d.value.at<int64_t>(2), int64_t(3));
    const Decoded atom = decodeMessage(QByteArray::fromHex("000200000000000dfa00000001"));
    QVERIFY(atom.ok());
    QCOMPARE(atom.value.intValue(), 1);
    const Decoded f = decodeMessage(QByteArray::fromHex("0002000000000011f7400c000000000000"));
    QVERIFY(f.ok());
    QCOMPARE(f.value.floatValue(), 3.5);
    // A symbol vector and a float vector, big-endian.
    const Decoded mixed = decodeMessage(
        QByteArray::fromHex("0002000000000026"
                            "0000000000020b0000000002610062000900000000013ff0000000000000"));
    QVERIFY2(mixed.ok(), mixed.error ? qPrintable(mixed.error->message) : "");
    QCOMPARE(mixed.value.item(0).symAt(1), QByteArray("b"));
    QCOMPARE(mixed.value.item(1).at<double>(0), 1.0);
    // Re-encoded, it is the little-endian form of the same value.
    QCOMPARE(encodePayload(d.value).toHex(),
             QByteArray("070003000000010000000000000002000000000000000300000000000000"));
}

void TestCodecVectors::literalsEncodeToKdbBytes()
{
#ifdef QSCOPE_HAVE_LITERAL
    // Every expression of the vector files that is a literal parses (literal.h) to a value whose
    // -8! bytes are exactly what kdb+ wrote; the rest (til 5, 1+`, xbar ...) must be refused.
    int literals = 0;
    for (const char *f : {"qsharp-QExpressions3.out", "qpython-QExpressions3.out"}) {
        for (const VectorCase &c : readOutFile(QString::fromLatin1(f))) {
            const LiteralResult r = parseLiteral(c.expression);
            if (!r.ok()) continue;
            ++literals;
            QCOMPARE(encodePayload(r.value).toHex(), normaliseNaN(c.bytes).toHex());
        }
    }
    QVERIFY2(literals >= 150, qPrintable(QString::number(literals)));
    QVERIFY(!parseLiteral("til 5").ok());
#else
    QSKIP("core/protocol/literal.h is not in this tree");
#endif
}

QTEST_GUILESS_MAIN(TestCodecVectors)
void TestCodecVectors::nanPayloadsKeepTheirBits()
{
    // Crafted payloads: q's nulls, the positive quiet NaN other tools write, signalling NaNs and
    // NaNs with payloads, infinities and -0. Every one survives decode and re-encode bit for
    // bit, in vectors and atoms, through element access, tables and table concatenation.
    const std::vector<uint64_t> f64{
        0xfff8000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull, 0x7ff8deadbeef0001ull,
        0xfff0000000000123ull, 0x7ff0000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull};
    const std::vector<uint32_t> f32{0xffc00000u, 0x7fc00000u, 0x7f800001u,
                                    0x7fc0beefu, 0xff800123u, 0x80000000u};
    for (const int type : {int(Float), int(Datetime), int(Real)}) {
        const bool wide = type != Real;
        const int64_t n = wide ? int64_t(f64.size()) : int64_t(f32.size());
        QByteArray bytes(wide ? reinterpret_cast<const char *>(f64.data())
                              : reinterpret_cast<const char *>(f32.data()),
                         qsizetype(n * (wide ? 8 : 4)));
        Value vec = Value::uninitialised(type, n);
        std::memcpy(vec.mutableData<char>(), bytes.constData(), size_t(bytes.size()));
        const QByteArray payload = encodePayload(vec);
        QCOMPARE(payload.mid(6).toHex(), bytes.toHex());
        const Decoded d = decodePayload(payload);
        QVERIFY(d.ok());
        QCOMPARE(encodePayload(d.value).toHex(), payload.toHex());
        // Compressed messages too.
        EncodeOptions o;
        o.compress = true;
        const Decoded m = decodeMessage(encodeMessage(d.value, o));
        QVERIFY(m.ok());
        QCOMPARE(encodePayload(m.value).toHex(), payload.toHex());
        for (int64_t i = 0; i < n; ++i) {
            const Value atom = d.value.element(i);
            const QByteArray a = encodePayload(atom);
            QCOMPARE(a.mid(1).toHex(),
                     bytes.mid(qsizetype(i * (wide ? 8 : 4)), wide ? 8 : 4).toHex());
            QCOMPARE(encodePayload(decodePayload(a).value).toHex(), a.toHex());
        }
        // A table and two of them joined (a feed tick): the column's bits as they were.
        const Value t = Value::table(Value::symbols({QByteArrayLiteral("x")}), Value::list({vec}));
        const Value joined = detail::concatTables(std::vector<Value>{t, t});
        const QByteArray col = encodePayload(joined.columns().item(0));
        QCOMPARE(col.mid(6).toHex(), QByteArray(bytes + bytes).toHex());
        QCOMPARE(encodePayload(decodePayload(encodePayload(t)).value), encodePayload(t));
    }
}

#include "tst_codecvectors.moc"
