// qscope-cli decode / encode, run as a process on the real kdb+ vectors.

#include "vectorfiles.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope::testing;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QString cliPath()
{
    return QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli");
}

Run cli(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(cliPath(), args);
    if (!p.waitForStarted(10000)) return {};
    if (!input.isEmpty()) p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QByteArray normaliseNaN(QByteArray hex)
{
    hex.replace("000000000000f87f", "000000000000f8ff");
    hex.replace("0000c07f", "0000c0ff");
    return hex;
}

} // namespace

class TestCliCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodeReencodesEveryVector();
    void decodeCompressed();
    void decodeFormats();
    void decodeMalformed();
    void encodeLiterals();
    void encodeCompressed();
    void encodeErrors();
    void commandLines();

private:
    QTemporaryDir m_dir;
};

void TestCliCodec::initTestCase()
{
    QVERIFY2(QFileInfo::exists(cliPath()), qPrintable(cliPath()));
    QVERIFY(m_dir.isValid());
}

void TestCliCodec::decodeReencodesEveryVector()
{
    // Binary files for one half, hex on stdin for the other: --out ipc gives the bytes back.
    int i = 0;
    for (const VectorCase &c : readOutFile(QStringLiteral("qsharp-QExpressions3.out"))) {
        const QByteArray message = withHeader(c.bytes);
        Run r;
        if (i++ % 2) {
            const QString path = m_dir.filePath(QStringLiteral("m%1.bin").arg(i));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(message);
            f.close();
            r = cli(
                {QStringLiteral("decode"), QStringLiteral("--out"), QStringLiteral("ipc"), path});
        } else {
            r = cli({QStringLiteral("decode"), QStringLiteral("--hex"), QStringLiteral("--out"),
                     QStringLiteral("ipc"), QStringLiteral("-")},
                    message.toHex() + '\n');
        }
        QVERIFY2(r.exitCode == 0, QByteArray(c.expression + ": " + r.err).constData());
        QCOMPARE(r.out.trimmed(), "0x" + normaliseNaN(message.toHex()));
    }
    // --payload: the same bytes without a header re-encode as -8! would (message type 0).
    const Run p = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                       QStringLiteral("--payload"), QStringLiteral("--out"), QStringLiteral("ipc")},
                      "fa01000000");
    QCOMPARE(p.exitCode, 0);
    QCOMPARE(p.out.trimmed(), QByteArray("0x010000000d000000fa01000000"));
}

void TestCliCodec::decodeCompressed()
{
    for (const VectorCase &c : readOutFile(QStringLiteral("qpython-QCompressedExpressions3.out"))) {
        const QByteArray message = withHeader(c.bytes, 1);
        const Run z = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                           QStringLiteral("--out"), QStringLiteral("ipcz")},
                          message.toHex());
        QCOMPARE(z.exitCode, 0);
        QCOMPARE(z.out.trimmed(), "0x" + message.toHex()); // kdb+'s compressed bytes exactly
        const Run plain = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                               QStringLiteral("--out"), QStringLiteral("ipc")},
                              message.toHex());
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(plain.out.trimmed().size(),
                 2 + 2 * qsizetype(qFromLittleEndian<uint32_t>(c.bytes.constData())));
    }
}

void TestCliCodec::decodeFormats()
{
    // q's console shows 1i as `1i`, and -3! of enlist 1i is `,1i` (code.kx.com/q/ref/enlist).
    const Run one =
        cli({QStringLiteral("decode"), QStringLiteral("--hex")}, "0x010000000d000000fa01000000");
    QCOMPARE(one.exitCode, 0);
    QCOMPARE(one.out, QByteArray("1i\n"));
    const Run list = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                          QStringLiteral("--out"), QStringLiteral("q1")},
                         "010000001200000006000100000001000000");
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.out, QByteArray(",1i\n"));
    // .j.j `a`b!2 3i is {"a":2,"b":3}
    const Run json = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                          QStringLiteral("--out"), QStringLiteral("json")},
                         "0100000021000000630b0002000000610062000600020000000200000003000000");
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(json.out, QByteArray("{\"a\":2,\"b\":3}\n"));
}

void TestCliCodec::decodeMalformed()
{
    // Truncated: the header promises 0x1a bytes.
    const Run cut = cli({QStringLiteral("decode"), QStringLiteral("--hex")},
                        "010000001a0000000600030000000100000002");
    QCOMPARE(cut.exitCode, 1);
    QVERIFY2(cut.err.contains("at byte 4"), cut.err.constData());
    // A bad type inside a payload names its offset.
    const Run bad =
        cli({QStringLiteral("decode"), QStringLiteral("--hex"), QStringLiteral("--payload")},
            "000002000000ff015000");
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("at byte 8") && bad.err.contains("unknown type 80"),
             bad.err.constData());
    // Not hex, missing file, empty input, unknown format.
    QCOMPARE(cli({QStringLiteral("decode"), QStringLiteral("--hex")}, "01zz").exitCode, 1);
    QCOMPARE(cli({QStringLiteral("decode"), m_dir.filePath(QStringLiteral("nope"))}).exitCode, 1);
    QCOMPARE(cli({QStringLiteral("decode")}).exitCode, 1);
    QCOMPARE(
        cli({QStringLiteral("decode"), QStringLiteral("--out"), QStringLiteral("xml")}).exitCode,
        1);
    // Garbage never crashes it.
    QByteArray junk;
    for (int i = 0; i < 64; ++i)
        junk += char((i * 37 + 11) & 0xff);
    QCOMPARE(cli({QStringLiteral("decode"), QStringLiteral("-")}, junk).exitCode, 1);
}

void TestCliCodec::encodeLiterals()
{
    // Literal expressions of kx-docs-serialization.json: encode gives q's -8! bytes.
    const std::vector<std::pair<const char *, const char *>> cases = {
        {"1i", "010000000d000000fa01000000"},
        {"enlist 1i", "010000001200000006000100000001000000"},
        {"`a`b!2 3i", "0100000021000000630b0002000000610062000600020000000200000003000000"},
        {"`s#`a`b!2 3i", "01000000210000007f0b0102000000610062000600020000000200000003000000"},
        {"([]a:enlist 2i;b:enlist 3i)",
         "010000002f0000006200630b0002000000610062000000020000000600010000000200000006000100000003"
         "000000"},
        {"([a:enlist 2i]b:enlist 3i)",
         "010000003f000000636200630b00010000006100000001000000060001000000020000006200630b00010000"
         "00620000000100000006000100000003000000"},
    };
    for (const auto &[literal, hex] : cases) {
        const Run r = cli({QStringLiteral("encode"), QString::fromLatin1(literal)});
        QVERIFY2(r.exitCode == 0, QByteArray(QByteArray(literal) + ": " + r.err).constData());
        QCOMPARE(r.out.trimmed(), "0x" + QByteArray(hex));
    }
}

void TestCliCodec::encodeCompressed()
{
    // 1000#`q written out as a literal: -18! gives qPython's compressed vector (with message
    // type 0 instead of the response's 2).
    QByteArray literal;
    for (int i = 0; i < 1000; ++i)
        literal += "`q";
    const VectorCase c = readOutFile(QStringLiteral("qpython-QCompressedExpressions3.out"))[0];
    QByteArray expected = withHeader(c.bytes, 1);
    expected[1] = 0;
    const Run z =
        cli({QStringLiteral("encode"), QStringLiteral("--compress"), QString::fromLatin1(literal)});
    QCOMPARE(z.exitCode, 0);
    QCOMPARE(z.out.trimmed(), "0x" + expected.toHex());
    // Small values are not compressed even when asked.
    const Run small =
        cli({QStringLiteral("encode"), QStringLiteral("--compress"), QStringLiteral("1i")});
    QCOMPARE(small.out.trimmed(), QByteArray("0x010000000d000000fa01000000"));
}

void TestCliCodec::encodeErrors()
{
    const Run r = cli({QStringLiteral("encode"), QStringLiteral("til 5")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!r.err.isEmpty());
    QCOMPARE(cli({QStringLiteral("encode")}).exitCode, 1);
}

void TestCliCodec::commandLines()
{
    // A literal that starts with a dash is the literal, not an option (as q users type it).
    const Run neg = cli({QStringLiteral("encode"), QStringLiteral("-5")});
    QCOMPARE(neg.exitCode, 0);
    QCOMPARE(neg.out, QByteArray("0x0100000011000000f9fbffffffffffffff\n"));
    // QCommandLineParser's forms: --opt=value and -- before positional arguments.
    const Run eq = cli({QStringLiteral("decode"), QStringLiteral("--hex"),
                        QStringLiteral("--out=q1"), QStringLiteral("--"), QStringLiteral("-")},
                       "0x0100000011000000f9fbffffffffffffff");
    QCOMPARE(eq.exitCode, 0);
    QCOMPARE(eq.out, QByteArray("-5\n"));
    // Every subcommand's --help lists its options and exits 0; an unknown one names itself.
    const std::pair<const char *, const char *> commands[] = {{"decode", "--console H W"},
                                                              {"encode", "--compress"},
                                                              {"query", "--console H W"},
                                                              {"sub", "--password-file F"}};
    for (const auto &[command, option] : commands) {
        const Run help = cli({QString::fromLatin1(command), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        const QByteArray usage = QByteArray("usage: qscope-cli ") + command;
        QVERIFY2(help.out.startsWith(usage), help.out.constData());
        QVERIFY2(help.out.contains(option), help.out.constData());
        const Run bad = cli({QString::fromLatin1(command), QStringLiteral("--bogus")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("unknown option --bogus"), bad.err.constData());
    }
}

QTEST_GUILESS_MAIN(TestCliCodec)
#include "tst_clicodec.moc"
