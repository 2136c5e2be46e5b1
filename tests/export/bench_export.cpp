// Export throughput: 1M rows x 4 float columns (plus a long) to CSV, exact (shortest round-trip
// text) against "as q displays it" (\P 7, the text exports wrote before), and JSON both ways.
// Reports figures; passes or fails on nothing but a failed export.

#include "export/exporter.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace qscope;

class BenchExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void floatsToCsv()
    {
        constexpr int64_t n = 1000000;
        QRandomGenerator rng(7);
        std::vector<Value> cols;
        std::vector<QByteArray> names;
        for (int c = 0; c < 4; ++c) {
            std::vector<double> v(static_cast<size_t>(n));
            for (double &x : v) // prices, ratios and full-precision doubles
                x = c == 0   ? double(rng.bounded(10000000)) / 100.0
                    : c == 1 ? rng.generateDouble()
                             : rng.generateDouble() * 1e6;
            cols.push_back(Value::fromVector(Float, std::move(v)));
            names.push_back("f" + QByteArray::number(c));
        }
        std::vector<int64_t> ids(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            ids[size_t(i)] = i;
        cols.push_back(Value::fromVector(Long, std::move(ids)));
        names.push_back("id");
        const ResultShape shape =
            ResultShape::of(Value::table(Value::symbols(names), Value::list(std::move(cols))));
        QTemporaryDir dir;
        for (const ExportFormat f : {ExportFormat::Csv, ExportFormat::Json}) {
            for (const TextMode mode : {TextMode::Display, TextMode::Exact}) {
                const QString path = dir.filePath(QStringLiteral("b.") % Exporter::fileSuffix(f));
                QElapsedTimer t;
                t.start();
                const ExportOutcome o = Exporter::write(shape, nullptr, f, path, nullptr, mode);
                const double s = double(t.nsecsElapsed()) / 1e9;
                QVERIFY2(o.ok, qPrintable(o.error));
                qInfo("%s %s: %lld rows x 5 columns in %.3f s (%.2f M rows/s, %.1f MB/s, %lld "
                      "bytes)",
                      qPrintable(Exporter::formatName(f)),
                      mode == TextMode::Exact ? "exact        " : "as q displays",
                      static_cast<long long>(o.rows), s, double(o.rows) / s / 1e6,
                      double(o.bytes) / s / 1e6, static_cast<long long>(o.bytes));
            }
        }
    }
};

QTEST_MAIN(BenchExport)
#include "bench_export.moc"
