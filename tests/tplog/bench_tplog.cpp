// Benchmark (#18): scan a generated tickerplant log of QSCOPE_TPLOG_BENCH_MB megabytes (default
// 64 in the suite; `QSCOPE_TPLOG_BENCH_MB=1024 ./bench_tplog` for the 1 GB figure) and print
// MB/s for a plain read of the file, verify (-11!(-2;x)) and index, the memory the index holds,
// and the time to decode one message. The file goes to /tmp and is removed afterwards. Prints
// figures; passes or fails only on correctness, never on a time.
//
// firstPaint: the log view (TpLogView) opening a log of each of QSCOPE_TPLOG_PAINT_MB megabytes
// (comma separated; default 64; `QSCOPE_TPLOG_PAINT_MB=1024,10240` for the #18 figures), written
// to QSCOPE_TPLOG_BENCH_DIR (default /tmp): the time until the grid's model has its first row,
// until the grid's viewport first paints rows (its paint event, and a QWidget::grab of the grid
// done at that moment), and until the whole file is indexed, in the same run; the memory the
// index holds; and the GUI thread's CPU to select all and read the selection as ranges (as the
// view does) next to reading it with selectedRows() (an index per message: 84 s at 10 GB, so
// run that size with QTEST_FUNCTION_TIMEOUT=1800000).

#include "net/connectionmanager.h"
#include "results/gridview.h"
#include "tplog/tplogmessagesmodel.h"
#include "tplog/tplogreader.h"
#include "tplog/tplogview.h"
#include "tplogtestutil.h"

#include <QApplication>
#include <QImage>
#include <QItemSelectionModel>
#include <QSignalBlocker>

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <ctime>

using namespace qscope;

namespace {

/// A line of /proc/self/status in kB (VmRSS, RssAnon: the heap, RssFile: mapped file pages).
int64_t statusKb(const QByteArray &key = "VmRSS:")
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    return 0;
}
int64_t rssKb()
{
    return statusKb();
}

/// CPU time of the calling thread, ns.
qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double mbps(int64_t bytes, qint64 ns)
{
    return double(bytes) / 1e6 / (double(std::max<qint64>(ns, 1)) / 1e9);
}

} // namespace

class BenchTpLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scanThroughput();
    void firstPaint();
};

namespace {

/// Notes the first paint of a widget once armed.
class PaintWatch : public QObject
{
public:
    QElapsedTimer *clock = nullptr;
    bool armed = false;
    qint64 paintedNs = -1;

protected:
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (armed && paintedNs < 0 && e->type() == QEvent::Paint) paintedNs = clock->nsecsElapsed();
        return QObject::eventFilter(o, e);
    }
};

} // namespace

void BenchTpLog::firstPaint()
{
    const QString sizes = qEnvironmentVariableIsSet("QSCOPE_TPLOG_PAINT_MB")
                              ? qEnvironmentVariable("QSCOPE_TPLOG_PAINT_MB")
                              : QStringLiteral("64");
    const QString base = qEnvironmentVariableIsSet("QSCOPE_TPLOG_BENCH_DIR")
                             ? qEnvironmentVariable("QSCOPE_TPLOG_BENCH_DIR")
                             : QStringLiteral("/tmp");
    QVERIFY(QDir().mkpath(base));
    for (const QString &mbText : sizes.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int64_t mb = mbText.trimmed().toLongLong();
        QVERIFY(mb > 0);
        QTemporaryDir dir(base + QStringLiteral("/qscope-bench-tplog-XXXXXX"));
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("sym2026.01.01"));
        QElapsedTimer t;
        t.start();
        QString err;
        const int64_t n = test::writeTradeLog(path, mb * 1000000, 4, &err);
        QVERIFY2(n > 0, qPrintable(err));
        const int64_t size = QFileInfo(path).size();
        std::printf("\n%.0f MB log: %lld messages, written in %.1f s\n", double(size) / 1e6,
                    (long long)n, double(t.elapsed()) / 1000.0);
        const int64_t anonBefore = statusKb("RssAnon:");
        {
            ConnectionManager manager(1);
            TpLogView view(&manager);
            view.resize(1400, 900);
            view.show();
            PaintWatch watch;
            watch.clock = &t;
            view.messagesGrid()->viewport()->installEventFilter(&watch);
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            qint64 rowsNs = -1, grabNs = -1, loadedNs = -1;
            QImage grabbed;
            QObject::connect(&view, &TpLogView::loaded, &view,
                             [&] { loadedNs = t.nsecsElapsed(); });
            t.restart();
            const qint64 guiCpu0 = threadCpuNs();
            view.open(path);
            const QDeadlineTimer deadline(30 * 60 * 1000);
            while (loadedNs < 0 && !deadline.hasExpired()) {
                QCoreApplication::processEvents(QEventLoop::AllEvents |
                                                QEventLoop::WaitForMoreEvents);
                if (rowsNs < 0 && view.messagesModel()->rowCount() > 0) {
                    rowsNs = t.nsecsElapsed();
                    watch.armed = true;
                    // the grid as it paints now: a real render of its rows
                    grabbed = view.messagesGrid()->grab().toImage();
                    grabNs = t.nsecsElapsed();
                }
            }
            const qint64 guiCpuNs = threadCpuNs() - guiCpu0;
            QVERIFY2(loadedNs >= 0, "the index did not finish in 30 min");
            QVERIFY(rowsNs >= 0);
            QVERIFY(!grabbed.isNull());
            QCOMPARE(view.messagesModel()->rowCount(), int(n));
            const auto reader = view.reader();
            std::printf("first row in the model:    %8.1f ms\n", double(rowsNs) / 1e6);
            std::printf("first paint of the grid:   %8.1f ms (viewport paint event; grab of "
                        "the grid done at %.1f ms)\n",
                        double(watch.paintedNs) / 1e6, double(grabNs) / 1e6);
            std::printf("whole file indexed:        %8.1f ms (%.0f MB/s)\n", double(loadedNs) / 1e6,
                        mbps(size, loadedNs));
            std::printf("GUI thread busy:           %8.1f ms of CPU while indexing (the grid "
                        "growing, the summary, chart and tables)\n",
                        double(guiCpuNs) / 1e6);
            std::printf("index holds %.1f MB (%.1f bytes/message); heap (RssAnon) +%.1f MB "
                        "(%.1f bytes/message: the index, what the grid keeps per row, "
                        "the view); file pages (RssFile) %.1f MB: the program's own, the log is "
                        "read, not mapped\n",
                        double(reader->indexBytes()) / 1e6,
                        double(reader->indexBytes()) / double(n),
                        double(statusKb("RssAnon:") - anonBefore) / 1000.0,
                        double(statusKb("RssAnon:") - anonBefore) * 1000.0 / double(n),
                        double(statusKb("RssFile:")) / 1000.0);
            // select-all, read as the rows pane and Export selected read it (the decode itself is
            // left out: the selection model's signals are held), then as selectedRows() would
            GridView *grid = view.messagesGrid();
            const QSignalBlocker hold(grid->selectionModel());
            qint64 cpu = threadCpuNs();
            grid->selectAll();
            const TpLogSelection selected = view.selectedMessages();
            const qint64 rangesNs = threadCpuNs() - cpu;
            QCOMPARE(selected.size(), n);
            const int64_t anonRanges = statusKb("RssAnon:");
            cpu = threadCpuNs();
            const QModelIndexList perRow = grid->selectionModel()->selectedRows();
            const qint64 perRowNs = threadCpuNs() - cpu;
            const int64_t perRowKb = statusKb("RssAnon:") - anonRanges;
            QCOMPARE(int64_t(perRow.size()), n);
            std::printf("select-all read as ranges: %8.3f ms of GUI CPU (%zu range); as "
                        "selectedRows(): %.1f ms, heap +%.1f MB\n",
                        double(rangesNs) / 1e6, selected.rowRanges().size(), double(perRowNs) / 1e6,
                        double(perRowKb) / 1000.0);
        }
        QFile::remove(path);
    }
}

void BenchTpLog::scanThroughput()
{
    const int64_t mb = qEnvironmentVariableIsSet("QSCOPE_TPLOG_BENCH_MB")
                           ? qEnvironmentVariableIntValue("QSCOPE_TPLOG_BENCH_MB")
                           : 64;
    QTemporaryDir dir(QStringLiteral("/tmp/qscope-bench-tplog-XXXXXX"));
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sym2026.01.01"));
    QElapsedTimer t;
    t.start();
    QString err;
    const int64_t n = test::writeTradeLog(path, mb * 1000000, 4, &err);
    QVERIFY2(n > 0, qPrintable(err));
    const int64_t size = QFileInfo(path).size();
    std::printf("generated %lld chunks, %.1f MB in %.1f s\n", (long long)n, double(size) / 1e6,
                double(t.elapsed()) / 1000.0);

    // a plain read of the file (page cache warm, as for the scans below)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray buf(8 << 20, Qt::Uninitialized);
        uint64_t sum = 0;
        t.restart();
        for (qint64 got; (got = f.read(buf.data(), buf.size())) > 0;)
            sum += uint8_t(buf[got - 1]);
        std::printf("plain read: %8.0f MB/s (checksum %llu)\n", mbps(size, t.nsecsElapsed()),
                    (unsigned long long)sum);
    }
    tplog::TpLogReader r;
    QVERIFY(r.open(path, &err));
    t.restart();
    const tplog::LogSummary v = r.verify();
    const qint64 verifyNs = t.nsecsElapsed();
    QVERIFY(v.isValid());
    QCOMPARE(v.chunks, n);
    std::printf("verify:     %8.0f MB/s (%lld chunks, valid)\n", mbps(size, verifyNs),
                (long long)v.chunks);
    const int64_t before = rssKb();
    t.restart();
    const tplog::LogSummary s = r.index();
    const qint64 indexNs = t.nsecsElapsed();
    QCOMPARE(s.chunks, n);
    std::printf("index:      %8.0f MB/s; index holds %.1f MB (%d bytes/chunk); RSS +%.1f MB "
                "(the index and the scan's 1 MB window: the file is read, not mapped)\n",
                mbps(size, indexNs), double(n) * sizeof(tplog::ChunkInfo) / 1e6,
                int(sizeof(tplog::ChunkInfo)), double(rssKb() - before) / 1000.0);
    t.restart();
    for (int64_t i = 0; i < 1000; ++i)
        QVERIFY(r.decode((i * 7919) % n).ok());
    std::printf("decode:     %.2f us per message (random access)\n",
                double(t.nsecsElapsed()) / 1000.0 / 1000.0);
}

QTEST_MAIN(BenchTpLog)
#include "bench_tplog.moc"
