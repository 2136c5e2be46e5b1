// bench_protocol: throughput of the codec, printed as one table with a memcpy baseline (and
// node-q where node is installed), measured in the same run. It reports; it never fails on time.
// QSCOPE_BENCH_SCALE (default 1) scales every size: 10M longs/floats, 1M symbols, a 1M-row table,
// an 80 MB long vector for compression.

#include "protocol/codec.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <functional>
#include <map>

using namespace qscope;

namespace {

double scale()
{
    bool ok = false;
    const double s = qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble(&ok);
    return ok && s > 0 ? s : 1.0;
}

/// Best wall time in seconds of fn over a few runs (at least 2, until ~1.5 s spent, at most 7).
double bestOf(const std::function<void()> &fn)
{
    double best = 1e300, spent = 0;
    for (int run = 0; run < 7 && (run < 2 || spent < 1.5); ++run) {
        QElapsedTimer t;
        t.start();
        fn();
        const double s = double(t.nsecsElapsed()) / 1e9;
        best = std::min(best, s);
        spent += s;
    }
    return best;
}

/// memcpy of n bytes into an already-touched buffer: the baseline each row is compared with.
double memcpyMBps(int64_t n)
{
    static QByteArray src, dst;
    if (src.size() < n) {
        src = QByteArray(qsizetype(n), 'a');
        dst = QByteArray(qsizetype(n), 'b');
    }
    const double s = bestOf([&] { std::memcpy(dst.data(), src.constData(), size_t(n)); });
    return double(n) / 1e6 / s;
}

struct Row
{
    QString name;
    int64_t bytes = 0;
    double seconds = 0;
    QString nodeKey; // file name handed to node-q, if any
};

Value makeTable(int64_t rows, const std::vector<QByteArray> &names)
{
    QRandomGenerator rng(1);
    const auto n = static_cast<size_t>(rows);
    std::vector<int64_t> ts(n), qty(n);
    std::vector<double> px(n);
    std::vector<QByteArray> syms(n);
    int64_t t0 = int64_t(8766) * 86400 * 1000000000LL; // 2024.01.01D00:00
    for (size_t i = 0; i < n; ++i) {
        t0 += 1000 + rng.bounded(100000);
        ts[i] = t0;
        syms[i] = names[rng.bounded(int(names.size()))];
        px[i] = 100.0 + rng.generateDouble();
        qty[i] = 100 * (1 + rng.bounded(50));
    }
    const Value cols = Value::list({Value::fromVector(Timestamp, std::move(ts)),
                                    Value::symbols(syms), Value::fromVector(Float, std::move(px)),
                                    Value::fromVector(Long, std::move(qty))});
    return Value::table(Value::symbols({"time", "sym", "price", "size"}), cols);
}

} // namespace

class BenchProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void run();
};

void BenchProtocol::run()
{
    const double k = scale();
    const int64_t nLong = int64_t(10'000'000 * k);
    const int64_t nSym = int64_t(1'000'000 * k);
    const int64_t nRows = int64_t(1'000'000 * k);

    QRandomGenerator rng(2026);
    std::vector<int64_t> longs(static_cast<size_t>(nLong));
    for (auto &x : longs)
        x = int64_t(rng.generate64() >> 8);
    std::vector<double> floats(static_cast<size_t>(nLong));
    for (auto &x : floats)
        x = rng.generateDouble() * 1000;
    std::vector<QByteArray> distinct;
    for (int i = 0; i < 1000; ++i)
        distinct.push_back("sym" + QByteArray::number(i));
    std::vector<QByteArray> symList(static_cast<size_t>(nSym));
    for (auto &s : symList)
        s = distinct[rng.bounded(1000)];
    // A slowly increasing series (each value held for 32 ticks) for compression.
    std::vector<int64_t> series(static_cast<size_t>(nLong));
    for (int64_t i = 0; i < nLong; ++i)
        series[size_t(i)] = 1'000'000 + i / 32;

    const std::map<QString, Value> values = {
        {QStringLiteral("longs"), Value::fromVector(Long, longs)},
        {QStringLiteral("floats"), Value::fromVector(Float, floats)},
        {QStringLiteral("symbols"), Value::symbols(symList)},
        {QStringLiteral("table"), makeTable(nRows, distinct)},
    };
    const QStringList order = {QStringLiteral("longs"), QStringLiteral("floats"),
                               QStringLiteral("symbols"), QStringLiteral("table")};
    const QStringList labels = {
        QStringLiteral("%1M longs").arg(double(nLong) / 1e6),
        QStringLiteral("%1M floats").arg(double(nLong) / 1e6),
        QStringLiteral("%1M symbols (1000 distinct)").arg(double(nSym) / 1e6),
        QStringLiteral("%1M-row table (p,s,f,j)").arg(double(nRows) / 1e6)};

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::vector<Row> rows;
    std::map<QString, QByteArray> messages;
    for (const QString &key : order) {
        EncodeOptions o;
        o.type = MessageType::Response;
        messages[key] = encodeMessage(values.at(key), o);
        QVERIFY(!messages[key].isEmpty());
        QFile f(dir.filePath(key));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(messages[key]);
    }

    // decode
    for (int i = 0; i < order.size(); ++i) {
        const QByteArray &m = messages[order[i]];
        Decoded d;
        const double s = bestOf([&] { d = decodeMessage(m); });
        QVERIFY(d.ok());
        QCOMPARE(d.value.count(), values.at(order[i]).count());
        rows.push_back({QStringLiteral("decode ") + labels[i], m.size(), s, order[i]});
        if (i == 0) {
            // Same longs sent by a big-endian peer: the copy-and-swap path instead of a view.
            QByteArray be = m;
            be[0] = 0;
            qToBigEndian<uint32_t>(uint32_t(be.size()), be.data() + 4);
            qToBigEndian<uint32_t>(uint32_t(nLong), be.data() + 10);
            for (int64_t j = 0; j < nLong; ++j)
                qToBigEndian<int64_t>(longs[size_t(j)], be.data() + 14 + 8 * j);
            Decoded bd;
            const double bs = bestOf([&] { bd = decodeMessage(be); });
            QVERIFY(bd.ok());
            QCOMPARE(bd.value.at<int64_t>(nLong - 1), longs.back());
            rows.push_back({QStringLiteral("decode ") + labels[i] + QStringLiteral(", big-endian"),
                            be.size(), bs, QString()});
        }
    }
    // encode
    for (int i = 0; i < order.size(); ++i) {
        const Value &v = values.at(order[i]);
        QByteArray out;
        const double s = bestOf([&] { out = encodeMessage(v); });
        QCOMPARE(out.size(), messages[order[i]].size());
        rows.push_back({QStringLiteral("encode ") + labels[i], out.size(), s, QString()});
    }
    // compression
    const QByteArray plain = encodeMessage(Value::fromVector(Long, series));
    QByteArray packed;
    const double cs = bestOf([&] { packed = compressMessage(plain); });
    QVERIFY(packed.size() < plain.size() / 2);
    rows.push_back(
        {QStringLiteral("compress %1 MB long series").arg(double(plain.size()) / 1e6, 0, 'f', 0),
         plain.size(), cs, QString()});
    std::optional<QByteArray> inflated;
    DecodeError err;
    const double ds = bestOf([&] { inflated = decompressMessage(packed, &err); });
    QVERIFY(inflated && *inflated == plain);
    {
        QFile f(dir.filePath(QStringLiteral("compressed")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(packed);
    }
    rows.push_back({QStringLiteral("decompress (MB/s of output, ratio %1)")
                        .arg(double(plain.size()) / double(packed.size()), 0, 'f', 1),
                    plain.size(), ds, QStringLiteral("compressed")});

    // node-q on the same bytes, where node and node-q are installed.
    std::map<QString, double> nodeSeconds;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString nodeq =
        QStringLiteral(QSCOPE_SOURCE_DIR "/tests/interop-node/node_modules/node-q");
    QString nodeNote;
    if (node.isEmpty() || !QDir(nodeq).exists()) {
        nodeNote = QStringLiteral("node-q: not run (node or node-q missing)");
    } else {
        QStringList args = {QStringLiteral(QSCOPE_SOURCE_DIR "/tests/protocol/bench_nodeq.js"),
                            nodeq};
        for (const QString &key : order)
            args << key + QLatin1Char('=') + dir.filePath(key);
        args << QStringLiteral("compressed=") + dir.filePath(QStringLiteral("compressed"));
        QProcess p;
        p.start(node, args);
        if (!p.waitForFinished(600000) || p.exitCode() != 0) {
            nodeNote = QStringLiteral("node-q: failed: ") +
                       QString::fromLocal8Bit(p.readAllStandardError()).left(300);
        } else {
            for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
                const QList<QByteArray> f = line.split(' ');
                if (f.size() == 3) nodeSeconds[QString::fromLatin1(f[0])] = f[2].toDouble();
            }
            nodeNote =
                QStringLiteral("node-q: lib/c.js deserialize, default options (%1)").arg(node);
        }
    }

    QTextStream out(stdout);
    out << "\nbench_protocol, scale " << k << " (QSCOPE_BENCH_SCALE); best of several runs\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
               .arg(QStringLiteral("case"), -44)
               .arg(QStringLiteral("MB"), 6)
               .arg(QStringLiteral("MB/s"), 10)
               .arg(QStringLiteral("memcpy"), 8)
               .arg(QStringLiteral("x memcpy"), 9)
               .arg(QStringLiteral("node-q"), 7)
               .arg(QStringLiteral("x node-q"), 9);
    for (const Row &r : rows) {
        const double mb = double(r.bytes) / 1e6;
        const double mbps = mb / r.seconds;
        const double base = memcpyMBps(r.bytes);
        QString nodeCol = QStringLiteral("-"), nodeRatio = QStringLiteral("-");
        if (!r.nodeKey.isEmpty() && nodeSeconds.count(r.nodeKey)) {
            const double nodeMbps = mb / nodeSeconds[r.nodeKey];
            nodeCol = QString::number(nodeMbps, 'f', 0);
            nodeRatio = QString::number(mbps / nodeMbps, 'f', 0);
        }
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7\n")
                   .arg(r.name, -44)
                   .arg(mb, 6, 'f', 1)
                   .arg(mbps, 10, 'f', 0)
                   .arg(base, 8, 'f', 0)
                   .arg(mbps / base, 9, 'f', 2)
                   .arg(nodeCol, 7)
                   .arg(nodeRatio, 9);
    }
    out << nodeNote << "\n";
    out << "little-endian fixed-width vectors decode zero-copy (the value views the message), so "
           "those rows time the header and bookkeeping only.\n";
    out.flush();
}

QTEST_GUILESS_MAIN(BenchProtocol)
#include "bench_protocol.moc"
