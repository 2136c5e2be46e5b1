// Grid benchmark: a 4-column result (timestamp, sym, float, long) of 10M rows by default
// (QSCOPE_BENCH_SCALE multiplies it) decoded from real IPC bytes, then shown in the ResultPane.
// Prints, in one run: decode time (the baseline), time from value decoded to first grid paint,
// peak memory against the decoded size, the worst event-loop stall while scrolling to the end and
// back and while sorting off-thread. Reports figures; never fails on time.

#include "protocol/codec.h"
#include "protocol/format.h"
#include "results/gridview.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"
#include "results/roworder.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

using namespace qscope;

namespace {

qint64 procStatusKb(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(int(qstrlen(key))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

void resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (f.open(QIODevice::WriteOnly)) f.write("5");
}

double mb(qint64 bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

/// Records the longest gap between ticks of a 2 ms timer: an event-loop stall.
class StallProbe : public QObject
{
public:
    StallProbe()
    {
        m_timer.setInterval(2);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 gap = m_clock.nsecsElapsed();
            m_clock.restart();
            m_worst = std::max(m_worst, gap);
        });
    }
    void start()
    {
        m_worst = 0;
        m_clock.start();
        m_timer.start();
    }
    double stopMs()
    {
        m_timer.stop();
        m_worst = std::max(m_worst, m_clock.nsecsElapsed());
        return double(m_worst) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worst = 0;
};

/// The any-column substring filter as it was before the per-type cell writer (the baseline
/// figure): column by column, every cell of a column whose type's alphabet holds the needle
/// formatted with appendCell into one QByteArray and searched ignoring case; symbols tested
/// once per distinct symbol.
std::vector<uint32_t> oldAnyColumnFilter(const ResultShape &shape, const QByteArray &operand)
{
    const QByteArray needle = operand.toLower();
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
    const auto contains = [&](const QByteArray &hay) {
        return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                           [&](char a, char b) { return lower(a) == b; }) != hay.end();
    };
    const auto alphabet = [](int type) -> const char * {
        switch (type) {
        case Short:
        case Int:
        case Long:
            return "0123456789-NWnw";
        case Real:
        case Float:
            return "0123456789.-+eNWnw";
        case Timestamp:
        case Date:
        case Timespan:
        case Time:
            return "0123456789.:-DTNWnwZz";
        default:
            return nullptr;
        }
    };
    const int64_t n = shape.rows;
    std::vector<uint8_t> mask(static_cast<size_t>(n), 0);
    QByteArray cell;
    for (int c = 0; c < shape.columnCount(); ++c) {
        const Value &col = shape.columns[size_t(c)].data;
        if (col.type() == Symbol) {
            const auto &pool = col.symbolPool()->strings;
            std::vector<char> pass(pool.size());
            for (size_t i = 0; i < pool.size(); ++i)
                pass[i] = char(contains(pool[i]));
            for (int64_t r = 0; r < n; ++r)
                mask[size_t(r)] |= uint8_t(pass[col.symIndex(r)]);
            continue;
        }
        if (const char *a = alphabet(col.type())) {
            bool possible = true;
            for (char ch : needle)
                possible = possible && (std::strchr(a, ch) || std::strchr(a, ch - 32));
            if (!possible) continue;
        }
        for (int64_t r = 0; r < n; ++r) {
            if (mask[size_t(r)]) continue;
            cell.resize(0);
            appendCell(cell, col, r);
            if (contains(cell)) mask[size_t(r)] = 1;
        }
    }
    std::vector<uint32_t> rows;
    for (int64_t r = 0; r < n; ++r)
        if (mask[size_t(r)]) rows.push_back(uint32_t(r));
    return rows;
}

/// A model of n rows and 4 columns whose cells cost nothing: what a QTableView does per row.
class CountModel : public QAbstractTableModel
{
public:
    int rows = 0;
    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : rows;
    }
    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : 4;
    }
    QVariant data(const QModelIndex &index, int role) const override
    {
        return role == Qt::DisplayRole ? QVariant(index.row()) : QVariant();
    }
    void setRows(int n)
    {
        beginResetModel();
        rows = n;
        endResetModel();
    }
};

class PaintWatch : public QObject
{
public:
    bool painted = false;
    qint64 paintedAtNs = 0;
    QElapsedTimer *clock = nullptr;

protected:
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (e->type() == QEvent::Paint && !painted) {
            const bool r = QObject::eventFilter(o, e);
            // the paint event is handled after the filter; count it once it has been dispatched
            QTimer::singleShot(0, this, [this] {
                if (!painted) {
                    painted = true;
                    paintedAtNs = clock->nsecsElapsed();
                }
            });
            return r;
        }
        return false;
    }
};

} // namespace

class BenchGrid : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sortAndFilter()
    {
        // The sort and filter engines side by side on the same 10M rows: the comparator path
        // (std::sort with a per-row comparator, a per-row filter test; the earlier code) and
        // the typed path (radix grade over the typed columns, filters column by column).
        const double scale = qEnvironmentVariableIsSet("QSCOPE_BENCH_SCALE")
                                 ? qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble()
                                 : 1.0;
        const int64_t n = std::max<int64_t>(1000, int64_t(10000000 * scale));
        Value ts = Value::uninitialised(Timestamp, n);
        Value px = Value::uninitialised(Float, n);
        Value sz = Value::uninitialised(Long, n);
        std::vector<uint32_t> symIdx(static_cast<size_t>(n));
        auto *t = ts.mutableData<int64_t>();
        auto *p = px.mutableData<double>();
        auto *sp = sz.mutableData<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
            t[i] = 9132LL * 86400000000000LL + i * 1000000LL;
            // prices in random order (a sorted column would flatter both engines)
            const uint64_t h = uint64_t(i) * 0x9E3779B97F4A7C15ull;
            p[i] = (h >> 40) % 97 == 0 ? std::nan("") : 100.0 + double(h >> 44) / 1000.0;
            sp[i] = int64_t((h >> 20) % 1000);
            symIdx[size_t(i)] = uint32_t((h >> 32) % 100);
        }
        auto pool = std::make_shared<SymbolPool>();
        for (int k = 0; k < 100; ++k)
            pool->strings.push_back("SYM" + QByteArray::number((k * 37) % 100));
        const Value sym = Value::symbols(pool, Bytes::fromVector(std::move(symIdx)), n);
        const ResultShape shape = ResultShape::of(Value::table(
            Value::symbols({"time", "sym", "price", "size"}), Value::list({ts, sym, px, sz})));
        std::printf("\nbench_grid sort and filter: %lld rows (time, sym, price, size); ms, "
                    "old comparator -> typed\n",
                    (long long)n);
        auto time = [&](const SortSpec &sort, const RowFilter &filter, OrderEngine engine,
                        size_t *rows) {
            QElapsedTimer clock;
            clock.start();
            const auto order = computeRowOrder(shape, sort, filter, nullptr, engine);
            const double ms = double(clock.nsecsElapsed()) / 1e6;
            *rows = order ? order->size() : 0;
            return ms;
        };
        const char *names[] = {"time", "sym", "price", "size"};
        for (int c = 0; c < 4; ++c) {
            for (bool desc : {false, true}) {
                size_t a = 0, b = 0;
                const double old = time({c, desc}, RowFilter(), OrderEngine::Comparator, &a);
                const double typed = time({c, desc}, RowFilter(), OrderEngine::Typed, &b);
                std::printf("  sort %-5s %-4s  %9.1f -> %7.1f ms  (%.1fx)\n", names[c],
                            desc ? "desc" : "asc", old, typed, old / std::max(typed, 0.001));
                QCOMPARE(a, b);
            }
        }
        for (const char *text : {"price>150", "size<100", "sym=SYM7", "sym~SYM1", "SYM42", "123"}) {
            QString error;
            const RowFilter filter = RowFilter::parse(QString::fromUtf8(text), shape, &error);
            QVERIFY(error.isEmpty());
            size_t a = 0, b = 0;
            const double old = time({-1, false}, filter, OrderEngine::Comparator, &a);
            const double typed = time({-1, false}, filter, OrderEngine::Typed, &b);
            std::printf("  filter %-10s %9.1f -> %7.1f ms  (%.1fx), %zu rows kept\n", text, old,
                        typed, old / std::max(typed, 0.001), b);
            QCOMPARE(a, b);
        }
        // any-column digits: the earlier typed path (a baseline function above) and today's
        for (const char *digits : {"123", "7", "2024"}) {
            QString error;
            const RowFilter filter = RowFilter::parse(QString::fromUtf8(digits), shape, &error);
            // wall time, and the CPU time of the whole process (the machine may be shared:
            // CPU time is the work done, on however many threads)
            const auto cpuMs = [] {
                timespec t;
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
                return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
            };
            QElapsedTimer clock;
            clock.start();
            double cpu = cpuMs();
            const std::vector<uint32_t> before = oldAnyColumnFilter(shape, digits);
            const double oldMs = double(clock.nsecsElapsed()) / 1e6, oldCpu = cpuMs() - cpu;
            size_t kept = 0;
            cpu = cpuMs();
            const double now = time({-1, false}, filter, OrderEngine::Typed, &kept);
            const double nowCpu = cpuMs() - cpu;
            std::printf("  any-column digits filter %-5s before %7.1f ms (cpu %7.1f) -> now "
                        "%6.1f ms (cpu %6.1f, %d threads at most)  (%.1fx), %zu rows kept\n",
                        digits, oldMs, oldCpu, now, nowCpu,
                        std::clamp(QThread::idealThreadCount(), 1, 4), oldMs / std::max(now, 0.001),
                        kept);
            QCOMPARE(kept, before.size());
        }
        std::fflush(stdout);
    }

    void gridResetCost()
    {
        // What a view costs per row: a reset to 10M rows of a model with no data, in the same
        // run for the QTableView the grid was (kept here only, as the baseline: its vertical
        // header keeps a section per row) and the GridView it is now (nothing per row). The
        // GridView runs first so memory the QTableView frees and malloc keeps does not hide
        // what the GridView would take.
        const double scale = qEnvironmentVariableIsSet("QSCOPE_BENCH_SCALE")
                                 ? qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble()
                                 : 1.0;
        const int n = int(std::max<int64_t>(1000, int64_t(10000000 * scale)));
        std::printf("\nbench_grid view over %d rows (model reset, first paint, memory)\n", n);
        const auto measure = [n](QAbstractItemView &view, CountModel &model, const char *name) {
            view.resize(800, 600);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QTest::qWait(20);
            const qint64 rssKb = procStatusKb("VmRSS:");
            QElapsedTimer clock;
            clock.start();
            model.setRows(n);
            const qint64 resetNs = clock.nsecsElapsed();
            view.viewport()->repaint();
            const qint64 paintNs = clock.nsecsElapsed();
            const qint64 grownKb = procStatusKb("VmRSS:") - rssKb;
            clock.restart();
            model.setRows(n / 2); // a filter that keeps half
            view.viewport()->repaint();
            const qint64 filterNs = clock.nsecsElapsed();
            std::printf("  %-30s rows %9d: reset %6.1f ms, to painted %6.1f ms, +%6.1f MB; "
                        "reset to half the rows and paint %5.1f ms\n",
                        name, n, double(resetNs) / 1e6, double(paintNs) / 1e6,
                        double(grownKb) / 1024, double(filterNs) / 1e6);
        };
        {
            CountModel model;
            GridView view;
            view.setModel(&model);
            measure(view, model, "GridView (now)");
            QCOMPARE(view.rowAt(0), 0);
        }
        {
            CountModel model;
            QTableView view;
            view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
            view.setModel(&model);
            measure(view, model, "QTableView (before, baseline)");
        }
        std::fflush(stdout);
    }

    void grid()
    {
        const double scale = qEnvironmentVariableIsSet("QSCOPE_BENCH_SCALE")
                                 ? qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble()
                                 : 1.0;
        const int64_t n = std::max<int64_t>(1000, int64_t(10000000 * scale));
        ResultPane pane(nullptr);
        pane.resize(1200, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTest::qWait(50);
        const qint64 baselineKb = procStatusKb("VmRSS:");

        // The message as the server would send it (built, encoded, then the source freed).
        QByteArray message;
        {
            Value ts = Value::uninitialised(Timestamp, n);
            Value px = Value::uninitialised(Float, n);
            Value sz = Value::uninitialised(Long, n);
            std::vector<uint32_t> symIdx(static_cast<size_t>(n));
            auto *t = ts.mutableData<int64_t>();
            auto *p = px.mutableData<double>();
            auto *s = sz.mutableData<int64_t>();
            for (int64_t i = 0; i < n; ++i) {
                t[i] = 9132LL * 86400000000000LL + i * 1000000LL;
                p[i] = 100.0 + double((i * 7919) % 10007) / 100.0;
                s[i] = (i * 31) % 1000;
                symIdx[size_t(i)] = uint32_t((i * 13) % 100);
            }
            auto pool = std::make_shared<SymbolPool>();
            for (int k = 0; k < 100; ++k)
                pool->strings.push_back("SYM" + QByteArray::number(k));
            const Value sym = Value::symbols(pool, Bytes::fromVector(std::move(symIdx)), n);
            const Value table = Value::table(Value::symbols({"time", "sym", "price", "size"}),
                                             Value::list({ts, sym, px, sz}));
            message = encodeMessage(table, {MessageType::Response, false, 3});
        }
        QTest::qWait(10);
        resetPeak();
        const qint64 beforeDecodeKb = procStatusKb("VmRSS:");

        QElapsedTimer clock;
        clock.start();
        Decoded decoded = decodeMessage(message);
        const qint64 decodeNs = clock.nsecsElapsed();
        QVERIFY2(decoded.ok(), qPrintable(decoded.error ? decoded.error->message : QString()));
        const Value value = decoded.value;
        decoded = Decoded();
        int64_t decodedBytes = 0;
        for (const Value &c : value.columns().items())
            decodedBytes += c.type() == Symbol ? c.count() * 4 : c.count() * elementSize(c.type());
        const qint64 afterDecodeKb = procStatusKb("VmRSS:");

        QueryResult r;
        r.query = "select from trade";
        r.value = value;
        r.bytesIn = message.size();
        r.elapsedNs = decodeNs;
        PaintWatch watch;
        QElapsedTimer paintClock;
        watch.clock = &paintClock;
        GridView *grid = pane.currentView()->grid();
        grid->viewport()->installEventFilter(&watch);
        paintClock.start();
        pane.setResult(r, QStringLiteral("bench"));
        const qint64 setResultNs = paintClock.nsecsElapsed();
        QTRY_VERIFY_WITH_TIMEOUT(watch.painted, 60000);
        const qint64 firstPaintNs = watch.paintedAtNs;
        const qint64 afterPaintHwmKb = procStatusKb("VmHWM:");
        grid->viewport()->removeEventFilter(&watch);
        QCOMPARE(pane.currentView()->model()->viewRowCount(), n);

        // Scroll to the end and back with the scroll bar the user drags (the one over all
        // rows): page by page through a stretch, then jumps, then home.
        StallProbe probe;
        probe.start();
        QScrollBar *bar = pane.currentView()->rowScrollBar();
        const int steps = 200;
        for (int k = 0; k <= steps; ++k) {
            bar->setValue(int(int64_t(bar->maximum()) * k / steps));
            QTest::qWait(3);
        }
        bar->setValue(bar->maximum());
        QTest::qWait(20);
        // the last row of the result is on screen
        const int lastOnScreen = grid->rowAt(grid->viewport()->height() - 2);
        QCOMPARE(pane.currentView()->model()->sourceRow(lastOnScreen), n - 1);
        for (int k = steps; k >= 0; --k) {
            bar->setValue(int(int64_t(bar->maximum()) * k / steps));
            QTest::qWait(3);
        }
        bar->setValue(0);
        QTest::qWait(20);
        const double scrollStallMs = probe.stopMs();

        // Sort by price off the GUI thread while the probe runs.
        ResultTableModel *model = pane.currentView()->model();
        probe.start();
        QElapsedTimer sortClock;
        sortClock.start();
        model->sort(2, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!model->isBusy(), 120000);
        const qint64 sortNs = sortClock.nsecsElapsed();
        QTest::qWait(20);
        const double sortStallMs = probe.stopMs();
        const qint64 peakKb = procStatusKb("VmHWM:");

        const double decodeMs = double(decodeNs) / 1e6;
        const double paintMs = double(firstPaintNs) / 1e6;
        std::printf("\nbench_grid: %lld rows x 4 columns (timestamp, sym, float, long)\n",
                    (long long)n);
        std::printf("  message           %9.1f MB\n", mb(message.size()));
        std::printf("  decoded columns   %9.1f MB\n", mb(decodedBytes));
        std::printf("  decode            %9.1f ms   (baseline)\n", decodeMs);
        std::printf("  setResult         %9.1f ms\n", double(setResultNs) / 1e6);
        std::printf("  decoded->1st paint%9.1f ms   = %.2fx decode (target <= 2x)\n", paintMs,
                    paintMs / decodeMs);
        std::printf("  RSS fixed baseline%9.1f MB (app, before the result)\n",
                    double(baselineKb) / 1024);
        std::printf("  RSS message held  %9.1f MB, after decode %.1f MB\n",
                    double(beforeDecodeKb) / 1024, double(afterDecodeKb) / 1024);
        std::printf("  peak RSS to 1st paint %5.1f MB: (peak - baseline) = %.2fx decoded size "
                    "(target < 1.3x; includes the wire message the value views)\n",
                    double(afterPaintHwmKb) / 1024,
                    double(afterPaintHwmKb - baselineKb) * 1024 / double(decodedBytes));
        const double growth = double(peakKb - baselineKb) * 1024;
        std::printf("  peak RSS w/ sort  %9.1f MB: (peak - baseline) = %.2fx decoded size "
                    "(adds the sort permutation, 4 bytes a row)\n",
                    double(peakKb) / 1024, growth / double(decodedBytes));
        std::printf("  scroll end & back  worst stall %6.1f ms (target < 50 ms)\n", scrollStallMs);
        std::printf("  sort 1 col (pool, typed)  %9.1f ms, worst GUI stall meanwhile %.1f ms\n",
                    double(sortNs) / 1e6, sortStallMs);
        std::fflush(stdout);
        QVERIFY(firstPaintNs > 0);
    }
};

QTEST_MAIN(BenchGrid)
#include "bench_grid.moc"
