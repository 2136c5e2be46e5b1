// Every expression of the real kdb+ vectors (shared/vectors) against the text side:
// literals parse to exactly q's bytes, decoded values format without crashing, and the
// one-line form of a parsed literal parses back to the same value.
#include "protocol/codec.h"
#include "protocol/format.h"
#include "protocol/literal.h"
#include "vectorfiles.h"

#include <QTest>

#include <set>

using namespace qscope;
using namespace qscope::testing;

namespace {

/// The README's known quirk: qPython's file writes float/real nulls as the positive NaN.
/// Map q's negative NaN in our bytes to the positive one where the vector has it.
bool equalModuloNanQuirk(const QByteArray &ours, const QByteArray &theirs)
{
    if (ours.size() != theirs.size()) return false;
    QByteArray a = ours;
    static const QByteArray f8neg = QByteArray::fromHex("000000000000f8ff");
    static const QByteArray f8pos = QByteArray::fromHex("000000000000f87f");
    static const QByteArray f4neg = QByteArray::fromHex("0000c0ff");
    static const QByteArray f4pos = QByteArray::fromHex("0000c07f");
    for (qsizetype i = 0; i + 8 <= a.size(); ++i)
        if (a.mid(i, 8) == f8neg && theirs.mid(i, 8) == f8pos) a.replace(i, 8, f8pos);
    for (qsizetype i = 0; i + 4 <= a.size(); ++i)
        if (a.mid(i, 4) == f4neg && theirs.mid(i, 4) == f4pos) a.replace(i, 4, f4pos);
    return a == theirs;
}

/// Expressions in the vector files that are not literals: q evaluated them (til, each,
/// operators, -8!, iterators). Listed so a reader sees exactly what is skipped.
const std::set<QByteArray> &notLiterals()
{
    static const std::set<QByteArray> s = {
        "1+`", "insert [1]", "xbar", "not",  "and",  "md5",
        "any", "save",       "raze", "sums", "prev", "([] a:til 200;b:25+til 200;c:200#`a)",
    };
    return s;
}

} // namespace

class TstTextVectors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void literalsMatchKdbBytes();
    void decodedValuesFormat();
};

void TstTextVectors::literalsMatchKdbBytes()
{
    std::vector<VectorCase> cases;
    for (const char *f : {"qsharp-QExpressions3.out", "qpython-QExpressions3.out",
                          "qjava-QExpressionsFunctions.out"}) {
        auto c = readOutFile(QString::fromLatin1(f));
        QVERIFY2(!c.empty(), f);
        cases.insert(cases.end(), c.begin(), c.end());
    }
    int covered = 0, skipped = 0;
    QStringList failures;
    QStringList skippedList;
    for (const VectorCase &c : cases) {
        if (notLiterals().count(c.expression)) {
            ++skipped;
            skippedList << QString::fromUtf8(c.expression);
            // A non-literal must be refused with a position, never mis-parsed.
            const LiteralResult r = parseLiteral(c.expression);
            if (r.ok())
                failures << QStringLiteral("non-literal accepted: %1")
                                .arg(QString::fromUtf8(c.expression));
            else if (r.error->position < 0)
                failures << QStringLiteral("no position: %1").arg(QString::fromUtf8(c.expression));
            continue;
        }
        const LiteralResult r = parseLiteral(c.expression);
        if (!r.ok()) {
            failures << QStringLiteral("%1: %2").arg(QString::fromUtf8(c.expression),
                                                     r.error->message);
            continue;
        }
        const QByteArray ours = encodePayload(r.value);
        if (!equalModuloNanQuirk(ours, c.bytes)) {
            failures << QStringLiteral("%1: bytes %2 want %3")
                            .arg(QString::fromUtf8(c.expression), QString::fromLatin1(ours.toHex()),
                                 QString::fromLatin1(c.bytes.toHex()));
            continue;
        }
        // Round trip: the one-line form reads back as the same value.
        const QByteArray line = formatOneLine(r.value);
        const LiteralResult back = parseLiteral(line);
        if (!back.ok() || !(back.value == r.value) ||
            encodePayload(back.value) != encodePayload(r.value)) {
            failures << QStringLiteral("round trip %1 -> %2: %3")
                            .arg(QString::fromUtf8(c.expression), QString::fromUtf8(line),
                                 back.ok() ? QStringLiteral("differs") : back.error->message);
            continue;
        }
        ++covered;
    }
    // kx-docs: whole -8! messages; the literal is what follows "-8!".
    int docsCovered = 0;
    for (const VectorCase &c : readJsonFile(QStringLiteral("kx-docs-serialization.json"))) {
        if (!c.expression.startsWith("-8!") || c.expression.startsWith("-8!'") ||
            c.expression == "-8!1 2 3") {
            // -8!' maps over a list; "-8!1 2 3" is from a kdb+ before 3.0 (ints by default).
            ++skipped;
            skippedList << QString::fromUtf8(c.expression);
            continue;
        }
        const QByteArray expr = c.expression.mid(3);
        const LiteralResult r = parseLiteral(expr);
        if (!r.ok()) {
            ++skipped; // `byte$til 5, enlist each: evaluation, not literals
            skippedList << QString::fromUtf8(c.expression);
            continue;
        }
        const QByteArray ours = encodePayload(r.value);
        if (ours != c.bytes.mid(8))
            failures << QStringLiteral("%1: bytes %2 want %3")
                            .arg(QString::fromUtf8(c.expression), QString::fromLatin1(ours.toHex()),
                                 QString::fromLatin1(c.bytes.mid(8).toHex()));
        else
            ++docsCovered;
    }
    qInfo("literals matching kdb+ bytes: %d (+%d from KX docs), skipped %d non-literals:", covered,
          docsCovered, skipped);
    for (const QString &s : skippedList)
        qInfo("  skipped: %s", qPrintable(s));
    for (const QString &f : failures)
        qWarning("%s", qPrintable(f));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY(covered >= 190);
    QVERIFY(docsCovered >= 6);
}

void TstTextVectors::decodedValuesFormat()
{
    int n = 0;
    for (const char *f : {"qsharp-QExpressions3.out", "qpython-QExpressions3.out",
                          "qjava-QExpressionsFunctions.out"}) {
        for (const VectorCase &c : readOutFile(QString::fromLatin1(f))) {
            const Decoded d = decodePayload(c.bytes);
            QVERIFY2(d.ok(), c.expression.constData());
            const QByteArray console = formatConsole(d.value);
            const QByteArray line = formatOneLine(d.value);
            const QByteArray json = formatJson(d.value);
            // q prints nothing for :: and for an empty list or dict (.Q.s gives "").
            QVERIFY(d.value.isGenericNull() || d.value.count() == 0 || !console.isEmpty());
            QVERIFY(!line.isEmpty());
            QVERIFY(!json.isEmpty());
            for (const QByteArray &l : console.split('\n'))
                QVERIFY2(l.size() <= 79, l.constData());
            if (d.value.isVector() || d.value.isList())
                for (int64_t i = 0; i < d.value.count(); ++i)
                    formatCell(d.value, i);
            ++n;
        }
    }
    QVERIFY(n > 200);
}

QTEST_GUILESS_MAIN(TstTextVectors)
#include "tst_textvectors.moc"
