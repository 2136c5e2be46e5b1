// Export: every format written to a temporary directory and read back (XLSX with openpyxl), the
// view order honoured, cancel removing the partial file, and a bad path reported as an error.

#include "export/exportdialog.h"
#include "export/exporter.h"
#include "export/exportjob.h"
#include "results/resultview.h"
#include "resultstestdata.h"

#include <QAction>
#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QRadioButton>
#include <QToolButton>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace qscope;
using namespace qscope::testdata;

Q_DECLARE_METATYPE(qscope::ExportOutcome)

class TestResultExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) return {};
        return f.readAll();
    }
    static ResultShape withDates()
    {
        return ResultShape::of(
            table({"d", "p", "sym", "px", "n", "ok"},
                  {Value::fromVector(Date, std::vector<int32_t>{0, 9132}),
                   Value::fromVector(Timestamp, std::vector<int64_t>{0, 43200000000000}),
                   syms({"a", "b,c"}), floats({1.25, floatNull()}), longs({7, qnull::j}),
                   Value::fromVector(Boolean, std::vector<uint8_t>{1, 0})}));
    }
    /// Python 3 with openpyxl (Debian's python3-openpyxl), or empty: the caller fails, naming
    /// what is missing (a reader that is not there must not pass as a skip).
    QString python()
    {
        for (const QString &p : {QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")}) {
            QProcess probe;
            probe.start(p, {QStringLiteral("-c"), QStringLiteral("import openpyxl")});
            if (probe.waitForFinished(20000) && probe.exitStatus() == QProcess::NormalExit &&
                probe.exitCode() == 0)
                return p;
        }
        return {};
    }
    static constexpr const char *kNoOpenpyxl =
        "python3 with openpyxl is needed to read XLSX back: install python3-openpyxl";

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qRegisterMetaType<qscope::ExportOutcome>();
    }

    void csvQuotesAsQ()
    {
        const QString path = m_dir.filePath(QStringLiteral("t.csv"));
        const ExportOutcome o =
            Exporter::write(ResultShape::of(trades()), nullptr, ExportFormat::Csv, path, nullptr);
        QVERIFY2(o.ok, qPrintable(o.error));
        QCOMPARE(o.rows, 4);
        QCOMPARE(o.bytes, readAll(path).size());
        const QList<QByteArray> lines = readAll(path).split('\n');
        QCOMPARE(lines[0], QByteArray("sym,price,size,note"));
        QCOMPARE(lines[1], QByteArray("b,1.5,10,x"));
        QCOMPARE(lines[2].left(2), QByteArray("a,"));
        QVERIFY(lines[2].endsWith(",20,\"hello, world\""));
        QCOMPARE(lines[4], QByteArray("a,2,40,\"q\"\"t\""));
    }

    void tsvInViewOrder()
    {
        const QString path = m_dir.filePath(QStringLiteral("t.tsv"));
        const std::vector<uint32_t> rows{3, 0};
        ExportProgress progress;
        const ExportOutcome o =
            Exporter::write(ResultShape::of(trades()), &rows, ExportFormat::Tsv, path, &progress);
        QVERIFY2(o.ok, qPrintable(o.error));
        QCOMPARE(progress.rowsDone.load(), 2);
        // A field holding a quote is quoted, as Excel's and Python's excel-tab dialect read it.
        QCOMPARE(readAll(path),
                 QByteArray("sym\tprice\tsize\tnote\na\t2\t40\t\"q\"\"t\"\nb\t1.5\t10\tx\n"));
    }

    void jsonReadsBack()
    {
        const QString path = m_dir.filePath(QStringLiteral("t.json"));
        const ExportOutcome o =
            Exporter::write(withDates(), nullptr, ExportFormat::Json, path, nullptr);
        QVERIFY2(o.ok, qPrintable(o.error));
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(readAll(path), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        QVERIFY(doc.isArray());
        const QJsonArray a = doc.array();
        QCOMPARE(a.size(), 2);
        const QJsonObject r0 = a[0].toObject();
        QCOMPARE(r0.value(QStringLiteral("sym")).toString(), QStringLiteral("a"));
        QCOMPARE(r0.value(QStringLiteral("px")).toDouble(), 1.25);
        QCOMPARE(r0.value(QStringLiteral("n")).toDouble(), 7.0);
        QCOMPARE(r0.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(r0.value(QStringLiteral("d")).toString(), QStringLiteral("2000-01-01"));
        QVERIFY(a[1].toObject().value(QStringLiteral("px")).isNull()); // 0n is null in .j.j
        // a dict exports as one object
        const QString dpath = m_dir.filePath(QStringLiteral("d.json"));
        QVERIFY(Exporter::write(ResultShape::of(Value::dict(syms({"x", "y"}), longs({1, 2}))),
                                nullptr, ExportFormat::Json, dpath, nullptr)
                    .ok);
        const QJsonObject d = QJsonDocument::fromJson(readAll(dpath)).object();
        QCOMPARE(d.value(QStringLiteral("y")).toDouble(), 2.0);
    }

    void xlsxReadsBack()
    {
        const QString py = python();
        QVERIFY2(!py.isEmpty(), kNoOpenpyxl);
        const QString path = m_dir.filePath(QStringLiteral("t.xlsx"));
        const ExportOutcome o =
            Exporter::write(withDates(), nullptr, ExportFormat::Xlsx, path, nullptr);
        QVERIFY2(o.ok, qPrintable(o.error));
        QProcess p;
        p.start(py, {QStringLiteral("-c"),
                     QStringLiteral("import openpyxl,sys\n"
                                    "wb=openpyxl.load_workbook(sys.argv[1])\n"
                                    "for row in wb.active.iter_rows(values_only=True):\n"
                                    "  print('|'.join(repr(v) for v in row))\n"),
                     path});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QByteArray("'d'|'p'|'sym'|'px'|'n'|'ok'"));
        // Exact: a timestamp is ISO 8601 text (an Excel date holds about a microsecond).
        QCOMPARE(lines[1], QByteArray("datetime.datetime(2000, 1, 1, 0, 0)|"
                                      "'2000-01-01T00:00:00.000000000'|'a'|1.25|7|True"));
        QCOMPARE(lines[2], QByteArray("datetime.datetime(2025, 1, 1, 0, 0)|"
                                      "'2000-01-01T12:00:00.000000000'|'b,c'|None|None|False"));
        // As q displays it: an Excel date.
        QVERIFY(Exporter::write(withDates(), nullptr, ExportFormat::Xlsx, path, nullptr,
                                TextMode::Display)
                    .ok);
        QProcess d;
        d.start(py, {QStringLiteral("-c"),
                     QStringLiteral("import openpyxl,sys\n"
                                    "wb=openpyxl.load_workbook(sys.argv[1])\n"
                                    "print(repr(wb.active['B3'].value))\n"),
                     path});
        QVERIFY(d.waitForFinished(60000));
        QCOMPARE(d.readAllStandardOutput().trimmed(),
                 QByteArray("datetime.datetime(2000, 1, 1, 12, 0)"));
    }

    void xlsxSpillsOverSheets()
    {
        const QString py = python();
        QVERIFY2(!py.isEmpty(), kNoOpenpyxl);
        // more rows than one sheet holds: the export continues on Sheet2, nothing is cut
        const int64_t n = Exporter::kXlsxMaxRows + 5;
        std::vector<int64_t> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            v[size_t(i)] = i;
        const QString path = m_dir.filePath(QStringLiteral("big.xlsx"));
        const ExportOutcome o = Exporter::write(ResultShape::of(table({"i"}, {longs(v)})), nullptr,
                                                ExportFormat::Xlsx, path, nullptr);
        QVERIFY2(o.ok, qPrintable(o.error));
        QCOMPARE(o.rows, n);
        QProcess p;
        p.start(py, {QStringLiteral("-c"),
                     QStringLiteral("import openpyxl,sys\n"
                                    "wb=openpyxl.load_workbook(sys.argv[1],read_only=True)\n"
                                    "print(wb.sheetnames)\n"
                                    "print(list(wb['Sheet2'].iter_rows(values_only=True)))\n"),
                     path});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines[0], QByteArray("['Sheet1', 'Sheet2']"));
        // Sheet1 holds the header and 1,048,575 rows; Sheet2 a header and the last 6
        QCOMPARE(lines[1], QByteArray("[('i',), (1048575,), (1048576,), (1048577,), (1048578,), "
                                      "(1048579,), (1048580,)]"));
    }

    void jobCancelRemovesFile()
    {
        // The writer is held before its first row until the cancel arrives (the test seam), so
        // the export cannot win the race: the outcome is always "cancelled".
        std::vector<int64_t> v(size_t(100000), 123456789);
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(table({"i"}, {longs(v)})));
        const QString path = m_dir.filePath(QStringLiteral("cancel.csv"));
        ExportJob::holdNextUntilCancel();
        ExportJob job(shape, nullptr, ExportFormat::Csv, path);
        QSignalSpy done(&job, &ExportJob::finished);
        QSignalSpy progress(&job, &ExportJob::progress);
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty(), 10000); // the poll runs; the writer waits
        QVERIFY(done.isEmpty());
        job.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        const auto o = done.first().first().value<ExportOutcome>();
        QVERIFY(!o.ok);
        QVERIFY(o.cancelled);
        QVERIFY(!QFile::exists(path));
        // The seam holds only the next job: this one runs to the end.
        const QString again = m_dir.filePath(QStringLiteral("after-cancel.csv"));
        ExportJob next(shape, nullptr, ExportFormat::Csv, again);
        QSignalSpy nextDone(&next, &ExportJob::finished);
        QTRY_COMPARE_WITH_TIMEOUT(nextDone.count(), 1, 20000);
        QVERIFY(nextDone.first().first().value<ExportOutcome>().ok);
    }

    void jobCompletesWithProgress()
    {
        auto shape = std::make_shared<const ResultShape>(ResultShape::of(trades()));
        const QString path = m_dir.filePath(QStringLiteral("job.csv"));
        ExportJob job(shape, nullptr, ExportFormat::Csv, path);
        QSignalSpy done(&job, &ExportJob::finished);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        const auto o = done.first().first().value<ExportOutcome>();
        QVERIFY(o.ok);
        QCOMPARE(o.rows, 4);
        QCOMPARE(readAll(path).count('\n'), 5);
    }

    void exportDialogFromTheView()
    {
        // The Export menu opens the dialog (not a bare file chooser); its option "as q displays
        // it" reaches the writer. Screenshot: /work/shots/export-dialog.png.
        ResultView view(nullptr);
        QueryResult r;
        r.id = 1;
        r.query = "t";
        r.value = table({"sym", "px"}, {syms({"a,b", "c"}), floats({123456789.123, 0.1})});
        view.setResult(r, QStringLiteral("demo"));
        view.resize(700, 300);
        view.show();
        QToolButton *exportButton = nullptr;
        for (QToolButton *b : view.findChildren<QToolButton *>())
            if (b->text() == QStringLiteral("Export")) exportButton = b;
        QVERIFY(exportButton && exportButton->menu());
        QAction *csv = nullptr;
        for (QAction *a : exportButton->menu()->actions())
            if (a->text().startsWith(QStringLiteral("CSV"))) csv = a;
        QVERIFY(csv);
        csv->trigger();
        ExportDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = view.findChild<ExportDialog *>()) != nullptr);
        QTRY_VERIFY(dialog->isVisible());
        QCOMPARE(dialog->mode(), TextMode::Exact); // exact by default
        QVERIFY(dialog->findChild<QLabel *>() != nullptr);
        QDir().mkpath(QStringLiteral("/work/shots"));
        QVERIFY(dialog->grab().save(QStringLiteral("/work/shots/export-dialog.png")));
        const QString path = m_dir.filePath(QStringLiteral("dialog.csv"));
        dialog->setPath(path);
        dialog->setMode(TextMode::Display);
        QVERIFY(dialog->findChildren<QRadioButton *>().size() == 2);
        QSignalSpy done(&view, &ResultView::exportFinished);
        dialog->accept();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QCOMPARE(readAll(path), QByteArray("sym,px\n\"a,b\",1.234568e+08\nc,0.1\n"));
        QCOMPARE(ExportDialog::helpText(ExportFormat::Json, TextMode::Exact)
                     .contains(QStringLiteral("\"Infinity\"")),
                 true);
    }

    void badPathIsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("no/such/dir/x.csv"));
        const ExportOutcome o =
            Exporter::write(ResultShape::of(trades()), nullptr, ExportFormat::Csv, path, nullptr);
        QVERIFY(!o.ok);
        QVERIFY(o.error.contains(path));
        const QString xpath = m_dir.filePath(QStringLiteral("no/such/dir/x.xlsx"));
        const ExportOutcome x =
            Exporter::write(ResultShape::of(trades()), nullptr, ExportFormat::Xlsx, xpath, nullptr);
        QVERIFY(!x.ok);
        QVERIFY(!x.error.isEmpty());
    }
};

QTEST_MAIN(TestResultExport)
#include "tst_resultexport.moc"
