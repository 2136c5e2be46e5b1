// Exports read back exactly (issue 20): a seeded random table of every q column type (nulls,
// infinities, NaNs with payloads, -0, extremes, empty and unicode strings, symbols with commas,
// quotes, backticks and spaces) is exported to CSV, TSV, JSON and XLSX and read back by
// independent readers (Python's csv and json, openpyxl: readback.py), then compared value by
// value with the original. "Copy as q" text is read back through the literal parser and
// compared the same way. The seed is printed; QSCOPE_SEED=<n> replays a run.

#include "export/exporter.h"
#include "protocol/format.h"
#include "protocol/literal.h"
#include "results/resultshape.h"
#include "results/selectiontext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

using namespace qscope;

namespace {

constexpr int kRows = 600;
const char kTypes[] = "bgxhijefcspmdznuvt*"; // q type letters, '*' a column of strings

int typeOf(char letter)
{
    static const char letters[] = " bg xhijefcspmdznuvt";
    return int(std::strchr(letters, letter) - letters);
}

QByteArray columnName(char letter)
{
    // The strings column's name needs quoting in CSV and a cast in q text.
    return letter == '*' ? QByteArray("str, \"odd\"") : QByteArray(1, letter);
}

const std::vector<QByteArray> &symbolPool()
{
    static const std::vector<QByteArray> pool{
        "",          "plain",      "a,b",          "x\"y",
        "back`tick", "with space", "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac",
        "`$\"x\"",   "tab\there",  "line\nbreak",  "IBM.N",
        "_under",    ":/tmp/x",    "1a",           "emoji \xf0\x9f\x98\x80"};
    return pool;
}

const std::vector<QByteArray> &stringPool()
{
    static const std::vector<QByteArray> pool{"",
                                              "plain",
                                              "a,b",
                                              "q\"t",
                                              "line\nbreak",
                                              "tab\there",
                                              "h\xc3\xa9llo w\xc3\xb6rld",
                                              "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                                              "emoji \xf0\x9f\x98\x80",
                                              "`$\"x\";(1 2)",
                                              " lead and trail ",
                                              "x",
                                              "\\backslash\\"};
    return pool;
}

template<class T>
T bitsAs(uint64_t bits)
{
    T x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
}

class Generator
{
public:
    explicit Generator(quint32 seed) : m_rng(seed) {}

    Value column(char letter, int n)
    {
        const int t = typeOf(letter);
        if (letter == '*') {
            std::vector<Value> items;
            for (int i = 0; i < n; ++i)
                items.push_back(Value::string(pick(stringPool())));
            return Value::list(std::move(items));
        }
        if (t == Symbol) {
            std::vector<QByteArray> s;
            for (int i = 0; i < n; ++i)
                s.push_back(pick(symbolPool()));
            return Value::symbols(s);
        }
        Value v = Value::uninitialised(t, n);
        char *p = v.mutableData<char>();
        const int w = elementSize(t);
        for (int i = 0; i < n; ++i)
            fill(t, p + size_t(i) * size_t(w), special());
        return v;
    }

private:
    bool special() { return m_rng.bounded(8) == 0; }
    template<class T>
    const T &pick(const std::vector<T> &v)
    {
        return v[m_rng.bounded(quint32(v.size()))];
    }
    int64_t range(int64_t lo, int64_t hi)
    {
        return lo + int64_t(m_rng.generate64() % uint64_t(hi - lo + 1));
    }
    template<class T>
    static void put(char *p, T x)
    {
        std::memcpy(p, &x, sizeof x);
    }

    void fill(int t, char *p, bool special)
    {
        switch (t) {
        case Boolean:
            put<uint8_t>(p, uint8_t(m_rng.bounded(2)));
            return;
        case Guid:
            for (int k = 0; k < 16; ++k)
                p[k] = special ? 0 : char(m_rng.bounded(256));
            return;
        case Byte:
            put<uint8_t>(p, uint8_t(m_rng.bounded(256)));
            return;
        case Short:
            put<int16_t>(p, special ? pick(std::vector<int16_t>{qnull::h, qnull::hInf,
                                                                int16_t(-qnull::hInf), 0})
                                    : int16_t(m_rng.bounded(65536) - 32768));
            return;
        case Int:
            put<int32_t>(p, special
                                ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf, 0})
                                : int32_t(m_rng.generate()));
            return;
        case Long:
            put<int64_t>(p, special ? pick(std::vector<int64_t>{qnull::j, qnull::jInf, -qnull::jInf,
                                                                (int64_t(1) << 53) + 1,
                                                                -(int64_t(1) << 53) - 1})
                                    : int64_t(m_rng.generate64()));
            return;
        case Real: {
            const float inf = std::numeric_limits<float>::infinity();
            float x;
            if (special)
                x = pick(std::vector<float>{bitsAs<float>(qnull::eBits), bitsAs<float>(0x7fc00000u),
                                            bitsAs<float>(0x7f800001u), inf, -inf, -0.0f, FLT_MIN,
                                            FLT_MAX, FLT_TRUE_MIN, 0.1f});
            else if (m_rng.bounded(3) == 0)
                x = bitsAs<float>(m_rng.generate()); // any bits: denormals, NaN payloads
            else
                x = float(int64_t(m_rng.bounded(2000000)) - 1000000) / 100.0f;
            put(p, x);
            return;
        }
        case Float:
        case Datetime: {
            const double inf = std::numeric_limits<double>::infinity();
            double x;
            if (t == Datetime) {
                // q's datetimes are whole milliseconds (their text is): days + ms as the
                // parser builds them. Before 1900.03.01 too (XLSX writes those as text).
                const int64_t ms = range(-45000LL * 86400000, 45000LL * 86400000);
                const int64_t day = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
                x = special ? pick(std::vector<double>{bitsAs<double>(qnull::fBits), inf, -inf})
                            : double(day) + double(ms - day * 86400000) / 86400000.0;
            } else if (special) {
                x = pick(std::vector<double>{bitsAs<double>(qnull::fBits),
                                             bitsAs<double>(0x7ff8000000000000ull),
                                             bitsAs<double>(0x7ff0000000000001ull), inf, -inf, -0.0,
                                             0.1 + 0.2, 123456789.123, 0.1234567891234, 5e-324,
                                             DBL_MAX, DBL_MIN, 1e17, 1e-5, 9.999e-6});
            } else {
                switch (m_rng.bounded(4)) {
                case 0:
                    x = bitsAs<double>(m_rng.generate64()); // any bits
                    break;
                case 1:
                    x = double(int64_t(m_rng.bounded(100000000)) - 50000000) / 100.0;
                    break;
                case 2:
                    x = m_rng.generateDouble() * std::pow(10.0, int(m_rng.bounded(40)) - 20);
                    break;
                default:
                    x = m_rng.generateDouble();
                    break;
                }
            }
            put(p, x);
            return;
        }
        case Char:
            put<char>(p, char(32 + m_rng.bounded(95))); // printable ASCII: a char is one byte
            return;
        case Timestamp:
        case Timespan:
            put<int64_t>(p, special
                                ? pick(std::vector<int64_t>{qnull::j, qnull::jInf, -qnull::jInf, 0})
                                : int64_t(m_rng.generate64() >> 1) - (int64_t(1) << 62));
            return;
        case Month:
            put<int32_t>(p, special ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf,
                                                                -1199, -1198})
                                    : int32_t(range(-1999 * 12, 7999 * 12 + 11)));
            return;
        case Date:
            put<int32_t>(p, special ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf,
                                                                -36465, -36466})
                                    : int32_t(range(-730119, 2921939)));
            return;
        case Minute:
            put<int32_t>(p, special
                                ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf})
                                : int32_t(range(-100000, 100000)));
            return;
        case Second:
            put<int32_t>(p, special
                                ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf})
                                : int32_t(range(-1000000, 1000000)));
            return;
        case Time:
            put<int32_t>(p, special
                                ? pick(std::vector<int32_t>{qnull::i, qnull::iInf, -qnull::iInf})
                                : int32_t(range(-1000000000, 1000000000)));
            return;
        default:
            return;
        }
    }

    QRandomGenerator m_rng;
};

template<class T>
T load(const char *p)
{
    T x;
    std::memcpy(&x, p, sizeof x);
    return x;
}

QByteArray hexOf(const void *p, int n)
{
    return QByteArray(static_cast<const char *>(p), n).toHex();
}

/// The canonical form readback.py prints for the same cell (see its docstring).
QByteArray canonical(char letter, const Value &column, int64_t row)
{
    if (letter == '*') {
        const Value s = column.item(row);
        return QByteArray(s.rawData(), qsizetype(s.count())).toHex();
    }
    const int t = typeOf(letter);
    if (t == Symbol) return column.symAt(row).toHex();
    const char *p = column.rawData() + size_t(row) * size_t(elementSize(t));
    const auto integer = [](int64_t x, int64_t nul, int64_t inf, bool infAsNumber) {
        if (x == nul) return QByteArray("null");
        if (!infAsNumber && (x == inf || x == -inf)) return QByteArray(x < 0 ? "-inf" : "inf");
        return QByteArray::number(x);
    };
    switch (t) {
    case Boolean:
        return QByteArray::number(load<uint8_t>(p));
    case Guid: {
        QByteArray h = hexOf(p, 16);
        for (int k : {20, 16, 12, 8})
            h.insert(k, '-');
        return h;
    }
    case Byte:
        return QByteArray::number(load<uint8_t>(p));
    case Short:
        return integer(load<int16_t>(p), qnull::h, 0, true);
    case Int:
        return integer(load<int32_t>(p), qnull::i, 0, true);
    case Long:
        return integer(load<int64_t>(p), qnull::j, 0, true);
    case Real: {
        const float x = load<float>(p);
        return std::isnan(x) ? QByteArray("null") : hexOf(&x, 4);
    }
    case Float: {
        const double x = load<double>(p);
        return std::isnan(x) ? QByteArray("null") : hexOf(&x, 8);
    }
    case Char:
        return hexOf(p, 1);
    case Timestamp:
    case Timespan:
        return integer(load<int64_t>(p), qnull::j, qnull::jInf, false);
    case Datetime: {
        const double x = load<double>(p);
        if (std::isnan(x)) return "null";
        if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
        return QByteArray::number(qint64(std::llround(x * 86400000.0)));
    }
    default:
        return integer(load<int32_t>(p), qnull::i, qnull::iInf, false);
    }
}

/// The original q text of a cell, for failure messages.
QByteArray qText(const Value &column, int64_t row)
{
    return formatLiteral(column.isList() ? column.item(row) : column.element(row));
}

} // namespace

class TestExportRoundTrip : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    quint32 m_seed = 0;
    Value m_table;
    QByteArray m_types;

    /// Compares every cell of `rows` (canonical strings from a reader) with the original.
    void compareAll(const QString &what, const QJsonArray &header, const QJsonArray &rows)
    {
        const auto &cols = m_table.columns().items();
        QCOMPARE(header.size(), qsizetype(cols.size()));
        for (qsizetype c = 0; c < header.size(); ++c)
            QCOMPARE(header[c].toString().toUtf8(), m_table.columnNames().symAt(c));
        QCOMPARE(rows.size(), qsizetype(kRows));
        int compared = 0;
        for (int r = 0; r < kRows; ++r) {
            const QJsonArray row = rows[r].toArray();
            for (size_t c = 0; c < cols.size(); ++c) {
                const QByteArray want = canonical(m_types[qsizetype(c)], cols[c], r);
                const QByteArray got = row[qsizetype(c)].toString().toUtf8();
                if (want != got)
                    QFAIL(qPrintable(
                        QStringLiteral("%1, seed %2: column %3 row %4 (q: %5): "
                                       "expected %6, read back %7")
                            .arg(what)
                            .arg(m_seed)
                            .arg(QString::fromUtf8(m_table.columnNames().symAt(int64_t(c))))
                            .arg(r)
                            .arg(QString::fromUtf8(qText(cols[c], r)), QString::fromUtf8(want),
                                 QString::fromUtf8(got))));
                ++compared;
            }
        }
        qInfo("%s: %d values read back equal", qPrintable(what), compared);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QByteArray env = qgetenv("QSCOPE_SEED");
        m_seed = env.isEmpty() ? QRandomGenerator::system()->generate() : env.toUInt();
        qInfo("seed %u (replay with QSCOPE_SEED=%u)", m_seed, m_seed);
        Generator gen(m_seed);
        std::vector<QByteArray> names;
        std::vector<Value> cols;
        for (const char *l = kTypes; *l; ++l) {
            names.push_back(columnName(*l));
            cols.push_back(gen.column(*l, kRows));
            m_types.append(*l);
        }
        m_table = Value::table(Value::symbols(names), Value::list(std::move(cols)));
    }

    void formats_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("csv") << int(ExportFormat::Csv);
        QTest::newRow("tsv") << int(ExportFormat::Tsv);
        QTest::newRow("json") << int(ExportFormat::Json);
        QTest::newRow("xlsx") << int(ExportFormat::Xlsx);
    }

    void formats()
    {
        QFETCH(int, format);
        const auto f = ExportFormat(format);
        const QString path = m_dir.filePath(QStringLiteral("t.") % Exporter::fileSuffix(f));
        const ExportOutcome o =
            Exporter::write(ResultShape::of(m_table), nullptr, f, path, nullptr);
        QVERIFY2(o.ok, qPrintable(o.error));
        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral(QSCOPE_SOURCE_DIR "/tests/export/readback.py"),
                  Exporter::fileSuffix(f), path, QString::fromLatin1(m_types)});
        QVERIFY2(py.waitForFinished(120000), "readback.py did not finish");
        const QByteArray err = py.readAllStandardError();
        QVERIFY2(py.exitStatus() == QProcess::NormalExit && py.exitCode() == 0,
                 qPrintable(QStringLiteral("/usr/bin/python3 readback.py %1 failed (exit %2): %3")
                                .arg(Exporter::fileSuffix(f))
                                .arg(py.exitCode())
                                .arg(QString::fromUtf8(err))));
        QJsonParseError perr;
        const QJsonObject doc = QJsonDocument::fromJson(py.readAllStandardOutput(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
        compareAll(Exporter::formatName(f), doc.value(QStringLiteral("header")).toArray(),
                   doc.value(QStringLiteral("rows")).toArray());
    }

    void copyAsQ()
    {
        // The product path: the whole grid selected, "Copy as q".
        const ResultShape shape = ResultShape::of(m_table);
        std::vector<int> columns;
        for (int c = 0; c < shape.columnCount(); ++c)
            columns.push_back(c);
        std::vector<int64_t> rows;
        for (int64_t r = 0; r < shape.rows; ++r)
            rows.push_back(r);
        const QByteArray text = selectionAsQ(shape, columns, rows);
        const LiteralResult back = parseLiteral(text);
        if (!back.ok()) {
            m_dir.setAutoRemove(false); // keep the text for the report
            QFile dump(m_dir.filePath(QStringLiteral("copy-as-q.txt")));
            if (dump.open(QIODevice::WriteOnly)) dump.write(text);
            qWarning("the q text is in %s", qPrintable(dump.fileName()));
        }
        QVERIFY2(back.ok(),
                 qPrintable(QStringLiteral("seed %1: %2 at byte %3: %4")
                                .arg(m_seed)
                                .arg(back.error ? back.error->message : QString())
                                .arg(back.error ? back.error->position : -1)
                                .arg(QString::fromUtf8(
                                    text.mid(std::max(0, back.error->position - 40), 40) +
                                    " <here> " + text.mid(back.error->position, 40)))));
        QVERIFY(back.value.isTable());
        QJsonArray header;
        for (int64_t c = 0; c < back.value.columnNames().count(); ++c)
            header.append(QString::fromUtf8(back.value.columnNames().symAt(c)));
        QJsonArray table;
        const auto &cols = back.value.columns().items();
        for (int r = 0; r < kRows; ++r) {
            QJsonArray row;
            for (size_t c = 0; c < cols.size(); ++c)
                row.append(QString::fromUtf8(canonical(m_types[qsizetype(c)], cols[c], r)));
            table.append(row);
        }
        compareAll(QStringLiteral("Copy as q"), header, table);
        // Column by column too (one column: its vector), and one cell at a time for the
        // symbols and strings that need casts and escapes.
        for (int c = 0; c < shape.columnCount(); ++c) {
            const LiteralResult col = parseLiteral(selectionAsQ(shape, {c}, rows));
            QVERIFY2(col.ok(), qPrintable(QString::number(c)));
            for (int r = 0; r < kRows; ++r)
                QCOMPARE(canonical(m_types[c], col.value, r),
                         canonical(m_types[c], m_table.columns().item(c), r));
        }
        for (int64_t r = 0; r < 50; ++r) {
            for (int c : {9, 18}) { // symbols and strings
                const QByteArray cell = selectionAsQ(shape, {c}, {r});
                const LiteralResult one = parseLiteral(cell);
                QVERIFY2(one.ok(), cell.constData());
                QCOMPARE(one.value, shape.cellValue(c, r));
            }
        }
    }

    void displayModeIsTheGridText()
    {
        // "As q displays it": the grid's text, \P 7, as before this option existed.
        const Value t = Value::table(
            Value::symbols({"f"}),
            Value::list(
                {Value::fromVector(Float, std::vector<double>{123456789.123, 0.1234567891234})}));
        const QString path = m_dir.filePath(QStringLiteral("display.csv"));
        QVERIFY(Exporter::write(ResultShape::of(t), nullptr, ExportFormat::Csv, path, nullptr,
                                TextMode::Display)
                    .ok);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("f\n1.234568e+08\n0.1234568\n"));
        const QString exact = m_dir.filePath(QStringLiteral("exact.csv"));
        QVERIFY(Exporter::write(ResultShape::of(t), nullptr, ExportFormat::Csv, exact, nullptr).ok);
        QFile e(exact);
        QVERIFY(e.open(QIODevice::ReadOnly));
        QCOMPARE(e.readAll(), QByteArray("f\n123456789.123\n0.1234567891234\n"));
    }
};

QTEST_MAIN(TestExportRoundTrip)
#include "tst_exportroundtrip.moc"
