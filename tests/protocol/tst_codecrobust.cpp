// Malformed input gives an error with a byte offset, never a crash, hang or huge allocation;
// the framer reassembles messages however the stream is chunked; large-message size fields.

#include "protocol/codec.h"
#include "protocol/codecdetail.h"
#include "vectorfiles.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace qscope;
using namespace qscope::testing;

namespace {

std::vector<QByteArray> allMessages()
{
    std::vector<QByteArray> out;
    for (const char *f : {"qsharp-QExpressions3.out", "qpython-QExpressions3.out",
                          "qjava-QExpressionsFunctions.out"})
        for (const VectorCase &c : readOutFile(QString::fromLatin1(f)))
            out.push_back(withHeader(c.bytes));
    for (const VectorCase &c : readOutFile(QStringLiteral("qpython-QCompressedExpressions3.out")))
        out.push_back(withHeader(c.bytes, 1));
    return out;
}

QByteArray compressedCase(int i)
{
    return withHeader(
        readOutFile(QStringLiteral("qpython-QCompressedExpressions3.out"))[size_t(i)].bytes, 1);
}

void expectError(const Decoded &d, int64_t offset, const char *needle)
{
    QVERIFY(!d.ok());
    QVERIFY2(d.error->message.contains(QLatin1String(needle)), qPrintable(d.error->message));
    QCOMPARE(d.error->offset, offset);
}

} // namespace

class TestCodecRobust : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void truncatedPayloads();
    void truncatedMessages();
    void badTypeAndAttribute();
    void hugeClaimedSizes();
    void negativeLength();
    void deepNesting();
    void malformedTables();
    void corruptCompressed();
    void randomMutations();
    void frameReaderByteByByte();
    void frameReaderRandomChunks();
    void frameReaderErrors();
    void largeMessageSizeField();
    void wideCompressedMessage();
    void encodeLimits();
    void encodeLimitsNested();
    void symbolInterning();
    void handshake();
};

void TestCodecRobust::truncatedPayloads()
{
    int checked = 0;
    for (const char *f : {"qsharp-QExpressions3.out", "qpython-QExpressions3.out",
                          "qjava-QExpressionsFunctions.out"}) {
        for (const VectorCase &c : readOutFile(QString::fromLatin1(f))) {
            for (qsizetype k = 0; k < c.bytes.size(); ++k) {
                const Decoded d = decodePayload(c.bytes.left(k));
                QVERIFY2(!d.ok(), qPrintable(QString::fromUtf8(c.expression)));
                QVERIFY(d.error->offset >= 0 && d.error->offset <= k);
                ++checked;
            }
        }
    }
    QVERIFY(checked > 1000);
}

void TestCodecRobust::truncatedMessages()
{
    for (const QByteArray &m : allMessages()) {
        for (qsizetype k = 0; k < m.size(); ++k) {
            const Decoded d = decodeMessage(m.left(k));
            QVERIFY(!d.ok());
            QVERIFY(d.error->offset >= 0);
        }
        // More bytes than the header says.
        QVERIFY(!decodeMessage(m + QByteArray("xx")).ok());
    }
    expectError(decodeMessage(QByteArray::fromHex("0100")), 2, "truncated header");
    expectError(decodeMessage(QByteArray::fromHex("0302000009000000ff")), 0, "byte-order");
    expectError(decodeMessage(QByteArray::fromHex("0107000009000000ff")), 1, "message type");
    expectError(decodeMessage(QByteArray::fromHex("0102000009000000ff")), 4, "below the minimum");
}

void TestCodecRobust::badTypeAndAttribute()
{
    // enumeration type 20, unknown types, and a bad attribute byte
    expectError(decodePayload(QByteArray::fromHex("14000100000001000000")), 0, "enumeration");
    expectError(decodePayload(QByteArray::fromHex("4d00")), 0, "unknown type 77");
    expectError(decodePayload(QByteArray::fromHex("fd0000000000000000")), 0, "unknown type -3");
    expectError(decodePayload(QByteArray::fromHex("030001000000")), 0, "unknown type 3");
    expectError(decodePayload(QByteArray::fromHex("07090100000001000000")), 1, "attribute");
    // inside a list, the offset points at the bad item
    expectError(decodePayload(QByteArray::fromHex("000002000000ff015000")), 8, "unknown type 80");
    // trailing bytes after a complete value
    expectError(decodePayload(QByteArray::fromHex("fa0100000000")), 5, "trailing");
    // a lambda whose source is not a string
    expectError(decodePayload(QByteArray::fromHex("6400fa01000000")), 2, "char vector");
}

void TestCodecRobust::hugeClaimedSizes()
{
    // A long vector claiming 2^31-1 elements with 8 bytes present: refused before allocating.
    expectError(decodePayload(QByteArray::fromHex("0700ffffff7f0100000000000000")), 6, "truncated");
    // A general list claiming 2^31-1 items.
    expectError(decodePayload(QByteArray::fromHex("0000ffffff7f0101")), 2, "exceeds");
    // Symbols: more claimed than bytes.
    expectError(decodePayload(QByteArray::fromHex("0b00ffffff7f6100")), 6, "truncated");
    // A header claiming 1 TB against the limit.
    DecodeLimits small;
    small.maxMessageBytes = 1 << 20;
    const QByteArray bigHeader = QByteArray::fromHex("010200ff00000010fa01000000");
    QVERIFY(!decodeMessage(bigHeader, small).ok());
    FrameReader reader(small);
    reader.feed(bigHeader);
    QVERIFY(!reader.next());
    QVERIFY(reader.error().has_value());
    QVERIFY(reader.error()->message.contains(QLatin1String("exceeds")));
    // A compressed message claiming a 4 GB output from a few bytes.
    QByteArray c = compressedCase(0);
    qToLittleEndian<uint32_t>(0xfffffff0u, c.data() + 8);
    DecodeError e;
    QVERIFY(!decompressMessage(c, &e));
    QCOMPARE(e.offset, int64_t(8));
    // ... and one over the configured limit.
    DecodeLimits tiny;
    tiny.maxMessageBytes = 100;
    QVERIFY(!decompressMessage(compressedCase(2), &e, tiny));
    QVERIFY(e.message.contains(QLatin1String("limit")));
}

void TestCodecRobust::negativeLength()
{
    expectError(decodePayload(QByteArray::fromHex("0700ffffffff")), 2, "negative count");
    expectError(decodePayload(QByteArray::fromHex("0000feffffff")), 2, "negative count");
    expectError(decodePayload(QByteArray::fromHex("0a0000000080")), 2, "negative count");
    expectError(decodePayload(QByteArray::fromHex("68ffffffff")), 1, "negative count");
}

void TestCodecRobust::deepNesting()
{
    // enlist enlist ... 1b, 5000 deep: refused at the limit, no stack overflow.
    QByteArray deep;
    for (int i = 0; i < 5000; ++i)
        deep += QByteArray::fromHex("000001000000");
    deep += QByteArray::fromHex("ff01");
    const Decoded d = decodePayload(deep);
    QVERIFY(!d.ok());
    QVERIFY(d.error->message.contains(QLatin1String("nesting")));
    QCOMPARE(d.error->offset, int64_t(1001 * 6));
    // Within the limit it decodes; a lower limit refuses it.
    const QByteArray fine = deep.right(900 * 6 + 2);
    QVERIFY(decodePayload(fine).ok());
    DecodeLimits shallow;
    shallow.maxDepth = 10;
    QVERIFY(!decodePayload(fine, true, shallow).ok());
    // Nested each-operators count too.
    QByteArray eachs(3000, char(0x6a));
    eachs += QByteArray::fromHex("6600");
    QVERIFY(!decodePayload(eachs).ok());
}

void TestCodecRobust::malformedTables()
{
    // table whose dict keys are not symbols
    expectError(decodePayload(QByteArray::fromHex("620063060001000000010000000000010000000700"
                                                  "0100000001000000000000000000")),
                3, "symbol");
    // table over something that is not a dict
    expectError(decodePayload(QByteArray::fromHex("6200fa01000000")), 2, "must hold a dict");
    // two names, one column
    expectError(decodePayload(QByteArray::fromHex("6200630b00020000006100620000000100000007000100"
                                                  "00000100000000000000")),
                13, "2 names but 1 columns");
    // columns of different lengths
    expectError(decodePayload(QByteArray::fromHex("6200630b0002000000610062000000020000000700010000"
                                                  "00010000000000000007000000000000")),
                13, "differ in length");
}

void TestCodecRobust::corruptCompressed()
{
    DecodeError e;
    for (int i = 0; i < 3; ++i) {
        const QByteArray good = compressedCase(i);
        QVERIFY(decompressMessage(good, &e).has_value());
        // every truncation (with the header size fixed up) fails cleanly
        for (qsizetype k = 13; k < good.size(); ++k) {
            QByteArray cut = good.left(k);
            qToLittleEndian<uint32_t>(uint32_t(k), cut.data() + 4);
            QVERIFY(!decompressMessage(cut, &e).has_value());
            QVERIFY(e.offset >= 0 && e.offset <= k);
        }
        // trailing garbage
        QByteArray longer = good + QByteArray(3, 'x');
        qToLittleEndian<uint32_t>(uint32_t(longer.size()), longer.data() + 4);
        QVERIFY(!decompressMessage(longer, &e).has_value());
        QVERIFY(e.message.contains(QLatin1String("unused")));
    }
    // first item a back-reference to an empty slot
    const QByteArray empty = QByteArray::fromHex("010201000f000000200000000103fa");
    QVERIFY(!decompressMessage(empty, &e).has_value());
    QVERIFY2(e.message.contains(QLatin1String("empty hash slot")), qPrintable(e.message));
    QCOMPARE(e.offset, int64_t(13));
    // not compressed at all
    QVERIFY(!decompressMessage(QByteArray::fromHex("010200000d000000fa01000000"), &e));
    QCOMPARE(e.offset, int64_t(2));
    // and decodeMessage reports the same
    QVERIFY(!decodeMessage(empty).ok());
}

void TestCodecRobust::randomMutations()
{
    // Not a fuzzer (that is tests/fuzz), but every build runs a few thousand mutants.
    QRandomGenerator rng(20261123);
    const auto messages = allMessages();
    int decoded = 0;
    for (int round = 0; round < 20000; ++round) {
        QByteArray m = messages[rng.bounded(int(messages.size()))];
        const int flips = 1 + rng.bounded(4);
        for (int f = 0; f < flips; ++f) {
            const int at = 8 + rng.bounded(int(m.size()) - 8);
            m[at] = char(rng.bounded(256));
        }
        const Decoded d = decodeMessage(m);
        if (d.ok()) {
            ++decoded;
            const QByteArray again = encodePayload(d.value); // whatever decodes also encodes
            QCOMPARE(again.size(), encodedPayloadSize(d.value));
            QVERIFY(decodePayload(again).ok());
        } else {
            QVERIFY(d.error->offset >= 0);
        }
    }
    QVERIFY(decoded > 0);
}

void TestCodecRobust::frameReaderByteByByte()
{
    const auto messages = allMessages();
    QByteArray stream;
    for (const QByteArray &m : messages)
        stream += m;
    FrameReader reader;
    std::vector<QByteArray> got;
    for (char ch : stream) {
        reader.feed(&ch, 1);
        if (reader.pendingBytes() >= 8) QVERIFY(reader.pendingHeader().has_value());
        while (auto m = reader.next())
            got.push_back(*m);
    }
    QVERIFY(!reader.error());
    QCOMPARE(got.size(), messages.size());
    for (size_t i = 0; i < got.size(); ++i)
        QCOMPARE(got[i], messages[i]);
    QCOMPARE(reader.pendingBytes(), int64_t(0));
    QVERIFY(!reader.pendingHeader());
}

void TestCodecRobust::frameReaderRandomChunks()
{
    const auto messages = allMessages();
    QByteArray stream;
    for (const QByteArray &m : messages)
        stream += m;
    QRandomGenerator rng(42);
    for (int round = 0; round < 50; ++round) {
        FrameReader reader;
        std::vector<QByteArray> got;
        qsizetype at = 0;
        while (at < stream.size()) {
            const qsizetype n = std::min<qsizetype>(1 + rng.bounded(300), stream.size() - at);
            reader.feed(stream.constData() + at, n);
            at += n;
            if (rng.bounded(3) == 0) // sometimes let bytes pile up before reading
                continue;
            while (auto m = reader.next())
                got.push_back(*m);
        }
        while (auto m = reader.next())
            got.push_back(*m);
        QCOMPARE(got.size(), messages.size());
        for (size_t i = 0; i < got.size(); ++i)
            QCOMPARE(got[i], messages[i]);
    }
    // pendingHeader reports the frame being assembled
    FrameReader r;
    const QByteArray m = messages[20];
    r.feed(m.left(10));
    QVERIFY(!r.next());
    QCOMPARE(r.pendingHeader()->size, m.size());
    QCOMPARE(r.pendingBytes(), int64_t(10));
}

void TestCodecRobust::frameReaderErrors()
{
    FrameReader r;
    r.feed(withHeader(QByteArray::fromHex("fa01000000")));
    QVERIFY(r.next().has_value());
    r.feed(QByteArray::fromHex("0509000000000000"));
    QVERIFY(!r.next());
    QVERIFY(r.error().has_value());
    QCOMPARE(r.error()->offset, int64_t(0));
    // once broken, nothing more is read
    r.feed(withHeader(QByteArray::fromHex("fa01000000")));
    QVERIFY(!r.next());
}

void TestCodecRobust::largeMessageSizeField()
{
    // Capability 5/6: the size's bits 32..39 live in header byte 3.
    char h[8] = {1, 2, 0, 0, 0, 0, 0, 0};
    detail::writeSizeField(h, (int64_t(0x12) << 32) | 0x345678, true);
    QCOMPARE(uint8_t(h[3]), uint8_t(0x12));
    QCOMPARE(qFromLittleEndian<uint32_t>(h + 4), 0x345678u);
    QCOMPARE(detail::readSizeField(h, true), (int64_t(0x12) << 32) | 0x345678);
    detail::writeSizeField(h, (int64_t(1) << 40) - 1, false);
    QCOMPARE(qFromBigEndian<uint32_t>(h + 4), 0xffffffffu);
    QCOMPARE(detail::readSizeField(h, false), (int64_t(1) << 40) - 1);
    QCOMPARE(detail::maxMessageSize(3), int64_t(INT32_MAX));
    QCOMPARE(detail::maxMessageSize(6), (int64_t(1) << 40) - 1);
    // A 4 GB+ message header parses, and is refused (not allocated) for a short buffer.
    const QByteArray big = QByteArray::fromHex("0102000108000000fa01000000");
    DecodeError e;
    const auto header = MessageHeader::parse(big.constData(), big.size(), &e);
    QVERIFY(header);
    QCOMPARE(header->size, (int64_t(1) << 32) + 8);
    const Decoded d = decodeMessage(big);
    QVERIFY(!d.ok());
    QVERIFY2(d.error->message.contains(QLatin1String("4294967304")), qPrintable(d.error->message));
    FrameReader r;
    r.feed(big);
    QVERIFY(!r.next());
    QVERIFY(!r.error());
    QCOMPARE(r.pendingHeader()->size, (int64_t(1) << 32) + 8);
}

void TestCodecRobust::wideCompressedMessage()
{
    // Byte 2 = 2: the uncompressed size follows the header as 8 bytes (capability 6). Rebuild a
    // real compressed vector in that layout; it must inflate to the same message.
    const QByteArray narrow = compressedCase(1);
    DecodeError e;
    const auto expected = decompressMessage(narrow, &e);
    QVERIFY(expected);
    QByteArray wide = narrow.left(12) + QByteArray(4, '\0') + narrow.mid(12);
    wide[2] = 2;
    qToLittleEndian<uint32_t>(uint32_t(wide.size()), wide.data() + 4);
    const auto inflated = decompressMessage(wide, &e);
    QVERIFY2(inflated, qPrintable(e.message));
    QCOMPARE(*inflated, *expected);
    QVERIFY(decodeMessage(wide).ok());
}

void TestCodecRobust::encodeLimits()
{
    // A vector whose count does not fit the int32 count field cannot be encoded: empty result.
    static const char dummy[8] = {};
    const Value huge = Value::vector(Long, Bytes::view(nullptr, dummy, 8), int64_t(3) << 30);
    QCOMPARE(encodedPayloadSize(huge), 6 + (int64_t(3) << 33));
    QVERIFY(encodePayload(huge).isEmpty());
    QVERIFY(encodeMessage(Value::list({huge})).isEmpty());
    // Small messages are never compressed; incompressible ones are returned unchanged.
    const QByteArray small = encodeMessage(Value::longAtom(1));
    QCOMPARE(compressMessage(small), small);
    std::vector<int64_t> noise(1000);
    QRandomGenerator rng(7);
    for (auto &x : noise)
        x = int64_t(rng.generate64());
    const QByteArray random = encodeMessage(Value::fromVector(Long, noise));
    QCOMPARE(compressMessage(random), random);
    EncodeOptions o;
    o.compress = true;
    std::vector<int64_t> zeros(1000, 0);
    const QByteArray z = encodeMessage(Value::fromVector(Long, zeros), o);
    QCOMPARE(int(z[2]), 1);
    QVERIFY(z.size() < 8014 / 2);
    const Decoded back = decodeMessage(z);
    QVERIFY(back.ok());
    QCOMPARE(back.value.count(), int64_t(1000));
    // A NaN keeps its bits, as q's -8! does (issue 16): std::nan is the positive quiet NaN,
    // q's null the negative one; neither is rewritten as the other.
    const QByteArray nan = encodePayload(Value::floatAtom(std::nan("")));
    QCOMPARE(nan.toHex(), QByteArray("f7000000000000f87f"));
    QCOMPARE(encodePayload(Value::nullOf(-Float)).toHex(), QByteArray("f7000000000000f8ff"));
}

void TestCodecRobust::encodeLimitsNested()
{
    // Every container the encoder walks passes the limit up: one vector too long for its count
    // field anywhere inside makes the whole value unencodable, never a truncated count.
    static const char dummy[8] = {};
    const Value huge = Value::vector(Long, Bytes::view(nullptr, dummy, 8), int64_t(3) << 30);
    const Value op = Value::primitive(Operator, 1); // +
    for (int type : {int(Projection), int(Composition), int(Each), int(Over), int(Scan),
                     int(EachPrior), int(EachRight), int(EachLeft)}) {
        const Value ok = Value::composite(type, {op});
        const QByteArray bytes = encodePayload(ok);
        QVERIFY2(!bytes.isEmpty(), qPrintable(QString::number(type)));
        QCOMPARE(encodedPayloadSize(ok), int64_t(bytes.size()));
        const Decoded back = decodePayload(bytes);
        QVERIFY(back.ok());
        QVERIFY(back.value == ok);
        QVERIFY(!(back.value == Value::composite(type, {Value::primitive(Operator, 2)})));
        QVERIFY2(encodePayload(Value::composite(type, {huge})).isEmpty(),
                 qPrintable(QString::number(type)));
    }
    // The iterator-derived forms carry one operand: a byte of type, then the operand.
    QCOMPARE(encodePayload(Value::composite(Over, {op})).toHex(), QByteArray("6b6601"));
    const Value names = Value::symbols({"a"});
    QVERIFY(encodePayload(Value::list({Value::list({huge})})).isEmpty());
    QVERIFY(encodePayload(Value::dict(names, Value::list({huge}))).isEmpty());
    QVERIFY(encodePayload(Value::dict(Value::list({huge}), names, true)).isEmpty());
    QVERIFY(encodePayload(Value::table(names, Value::list({huge}))).isEmpty());
    QVERIFY(!encodePayload(Value::table(names, Value::list({Value::symbols({"x"})}))).isEmpty());
}

void TestCodecRobust::symbolInterning()
{
    // Short (< 8 bytes) and long symbols, including ones that end near the buffer end, are
    // interned once each per message, and a table's columns share the message's pool.
    const std::vector<QByteArray> syms = {
        "a",       "longsymbolname", "",        "a", "longsymbolname",
        "abcdefg", "abcdefgh",       "abcdefg", "",  "zz"};
    const QByteArray payload = encodePayload(Value::symbols(syms));
    const Decoded d = decodePayload(payload);
    QVERIFY(d.ok());
    QCOMPARE(d.value.count(), int64_t(syms.size()));
    for (size_t i = 0; i < syms.size(); ++i)
        QCOMPARE(d.value.symAt(int64_t(i)), syms[i]);
    QCOMPARE(int(d.value.symbolPool()->strings.size()), 6);
    QCOMPARE(d.value.symIndex(0), d.value.symIndex(3));
    QCOMPARE(d.value.symIndex(2), d.value.symIndex(8));
    QVERIFY(d.value.symIndex(5) != d.value.symIndex(6));
}

void TestCodecRobust::handshake()
{
    QCOMPARE(encodeHandshake("user:pw", 3), QByteArray("user:pw\x03", 8) + QByteArray(1, '\0'));
    QCOMPARE(encodeHandshake("", 6), QByteArray::fromHex("0600"));
}

QTEST_GUILESS_MAIN(TestCodecRobust)
#include "tst_codecrobust.moc"
