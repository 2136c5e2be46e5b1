// Benchmark (#18): scan a generated tickerplant log of QSCOPE_TPLOG_BENCH_MB megabytes (default
// 64 in the suite; `QSCOPE_TPLOG_BENCH_MB=1024 ./bench_tplog` for the 1 GB figure) and print
// MB/s for a plain read of the file, verify (-11!(-2;x)) and index, the memory the index holds,
// and the time to decode one message. The file goes to /tmp and is removed afterwards. Prints
// figures; passes or fails only on correctness, never on a time.

#include "tplog/tplogreader.h"
#include "tplogtestutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace qscope;

namespace {

int64_t rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
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
};

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
                "(mapped pages the kernel may drop included)\n",
                mbps(size, indexNs), double(n) * sizeof(tplog::ChunkInfo) / 1e6,
                int(sizeof(tplog::ChunkInfo)), double(rssKb() - before) / 1000.0);
    t.restart();
    for (int64_t i = 0; i < 1000; ++i)
        QVERIFY(r.decode((i * 7919) % n).ok());
    std::printf("decode:     %.2f us per message (random access)\n",
                double(t.nsecsElapsed()) / 1000.0 / 1000.0);
}

QTEST_GUILESS_MAIN(BenchTpLog)
#include "bench_tplog.moc"
