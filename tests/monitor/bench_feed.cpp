// Benchmark: a tickerplant feed into a live FeedPane through the real engine.
// An in-test publisher (its own thread, a real TCP socket, kdb-tick's messages) sends
//   A) 500k rows/s as 100-row upd messages, and B) 50k single-row upd messages/s,
// for a bounded time each. Printed: rows published vs received by the engine (must be equal) and
// by the view, GUI event-loop lag p50/p99 (against an idle baseline measured in the same run),
// and resident memory over time (flat once the ring buffer is full). Then what a ring of 100k
// single-row updates holds, kept as messages (as it was) against joined (as it is).
// QSCOPE_BENCH_SCALE=N runs each phase N times longer.

#include "monitor/feedpane.h"
#include "monitor/feedringmodel.h"
#include "monitortestdata.h"
#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace qscope;

namespace {

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

/// A minimal kdb-tick publisher: accepts one subscriber, answers .u.sub with (`trade;schema),
/// then sends pre-encoded async (`upd;`trade;rows) at a fixed message rate. Lives on its own
/// thread; the socket is created there.
class Publisher : public QObject
{
    Q_OBJECT
public:
    Publisher(int rowsPerMessage, int messagesPerSecond, int durationMs)
        : m_rowsPerMessage(rowsPerMessage), m_rate(messagesPerSecond), m_duration(durationMs)
    {
        for (int i = 0; i < 8; ++i)
            m_messages << encodeMessage(Value::list({Value::symbol("upd"), Value::symbol("trade"),
                                                     test::tradeRows(rowsPerMessage, i * 97)}));
        m_schema = encodeMessage(Value::list({Value::symbol("trade"), test::tradeRows(0)}),
                                 EncodeOptions{MessageType::Response, false, 3});
    }
    std::atomic<quint16> port{0};
    std::atomic<qint64> publishedMessages{0};
    std::atomic<qint64> publishedRows{0};
    std::atomic<bool> finished{false};
    std::atomic<qint64> heldBack{0}; ///< ticks where the socket's buffer was full

public Q_SLOTS:
    void start()
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress::LocalHost, 0);
        port = m_server->serverPort();
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            m_socket = m_server->nextPendingConnection();
            connect(m_socket, &QTcpSocket::readyRead, this, &Publisher::onRead);
        });
    }

private:
    void onRead()
    {
        m_in += m_socket->readAll();
        if (!m_handshaken) {
            const int nul = int(m_in.indexOf('\0'));
            if (nul < 0) return;
            m_in.remove(0, nul + 1);
            m_socket->write(QByteArray(1, '\x03'));
            m_handshaken = true;
        }
        while (m_in.size() >= 8) {
            DecodeError e;
            auto h = MessageHeader::parse(m_in.constData(), m_in.size(), &e);
            if (!h || m_in.size() < h->size) return;
            const MessageType t = h->type;
            m_in.remove(0, int(h->size));
            if (t == MessageType::Sync) {
                m_socket->write(m_schema); // the .u.sub call
                if (!m_timer) begin();
            }
        }
    }
    void begin()
    {
        m_clock.start();
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(1);
        connect(m_timer, &QTimer::timeout, this, &Publisher::publish);
        m_timer->start();
    }
    void publish()
    {
        const qint64 elapsed = m_clock.elapsed();
        const qint64 due = std::min<qint64>(elapsed, m_duration) * m_rate / 1000;
        if (m_socket->bytesToWrite() > (64 << 20)) {
            ++heldBack;
        } else {
            QByteArray chunk;
            qint64 sent = publishedMessages;
            while (sent < due) {
                chunk += m_messages[int(sent % m_messages.size())];
                ++sent;
                if (chunk.size() > (4 << 20)) break;
            }
            if (!chunk.isEmpty()) {
                m_socket->write(chunk);
                publishedRows += (sent - publishedMessages) * m_rowsPerMessage;
                publishedMessages = sent;
            }
        }
        if (elapsed >= m_duration && publishedMessages >= due) {
            m_timer->stop();
            finished = true;
        }
    }

    int m_rowsPerMessage, m_rate, m_duration;
    QList<QByteArray> m_messages;
    QByteArray m_schema;
    QTcpServer *m_server = nullptr;
    QTcpSocket *m_socket = nullptr;
    QByteArray m_in;
    bool m_handshaken = false;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_clock;
};

struct Lag
{
    std::vector<double> samples;
    double pct(double p) const
    {
        if (samples.empty()) return 0;
        std::vector<double> s = samples;
        std::sort(s.begin(), s.end());
        return s[std::min(s.size() - 1, size_t(p * double(s.size())))];
    }
};

/// Lag of a 10 ms timer on this (the GUI) thread for `ms`, while `body` runs alongside.
class LagProbe : public QObject
{
public:
    explicit LagProbe(Lag *lag) : m_lag(lag)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const double now = double(m_clock.nsecsElapsed()) / 1e6;
            if (m_last >= 0) m_lag->samples.push_back(std::max(0.0, now - m_last - 10.0));
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }

private:
    Lag *m_lag;
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_last = -1;
};

/// Bytes the allocator has handed out and not had back (glibc); -1 elsewhere. Unlike RSS it
/// drops when memory is freed, so it measures what a structure holds.
qint64 heapInUse()
{
#if defined(__GLIBC__)
    return qint64(mallinfo2().uordblks);
#else
    return -1;
#endif
}

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

class BenchFeed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idleBaseline();
    void batches500kRowsPerSecond() { phase("A: 100-row batches, 500k rows/s", 100, 5000); }
    void singleRows50kMessagesPerSecond() { phase("B: single-row messages, 50k msg/s", 1, 50000); }
    /// Last: the heap it grows stays in the process's RSS, which the phases above print.
    void ringMemoryPerRow();

private:
    void phase(const char *name, int rowsPerMessage, int messagesPerSecond);
    int scale() const { return std::max(1, qEnvironmentVariableIntValue("QSCOPE_BENCH_SCALE")); }
};

void BenchFeed::idleBaseline()
{
    Lag lag;
    {
        LagProbe probe(&lag);
        runFor(2000);
    }
    std::printf(
        "baseline (idle GUI thread): event-loop lag p50 %.2f ms, p99 %.2f ms (%zu samples), "
        "RSS %lld KB\n",
        lag.pct(0.5), lag.pct(0.99), lag.samples.size(), rssKb());
    std::fflush(stdout);
}

void BenchFeed::ringMemoryPerRow()
{
    // What a ring of 100k rows holds when they came as 100k single-row messages: kept as the
    // decoded messages (what the ring held before it joined them), and joined as the ring keeps
    // them now. The baseline and the figure are measured in this run, on this machine.
    const int n = 100000;
    std::vector<QByteArray> wire;
    for (int i = 0; i < 64; ++i)
        wire.push_back(encodeMessage(test::tradeRows(1, i)));
    const qint64 h0 = heapInUse();
    std::vector<Value> messages;
    messages.reserve(n);
    for (int i = 0; i < n; ++i)
        messages.push_back(decodeMessage(wire[size_t(i) % wire.size()]).value);
    const qint64 h1 = heapInUse();
    {
        FeedRingModel ring;
        ring.setCapacity(n);
        for (int i = 0; i < n; i += 2500) // one UI tick of 50k rows/s at a time
            ring.appendTables(
                std::vector<Value>(messages.begin() + i, messages.begin() + i + 2500));
        messages.clear();
        messages.shrink_to_fit();
        const qint64 h2 = heapInUse();
        std::printf("ring of %d rows from single-row messages (time n, sym s, price f, size j: "
                    "28 B of data a row):\n  kept as decoded messages: %.1f MB, %.0f B/row\n"
                    "  joined in the ring: %.1f MB, %.0f B/row (%d segments, %d rows shown)\n",
                    n, double(h1 - h0) / 1e6, double(h1 - h0) / n, double(h2 - h0) / 1e6,
                    double(h2 - h0) / n, ring.segmentCount(), ring.rowCount());
        std::fflush(stdout);
        QCOMPARE(ring.rowCount(), n);
    }
}

void BenchFeed::phase(const char *name, int rowsPerMessage, int messagesPerSecond)
{
    const int durationMs = 8000 * scale();
    QThread thread;
    struct Join
    {
        QThread &t;
        ~Join()
        {
            t.quit();
            t.wait();
        }
    } join{thread};
    auto *pub = new Publisher(rowsPerMessage, messagesPerSecond, durationMs);
    pub->moveToThread(&thread);
    connect(&thread, &QThread::finished, pub, &QObject::deleteLater);
    thread.start();
    QMetaObject::invokeMethod(pub, &Publisher::start, Qt::QueuedConnection);
    QTRY_VERIFY(pub->port != 0);

    ConnectionManager manager(1);
    ConnectionOptions o;
    o.name = QStringLiteral("bench tp");
    o.address.host = QStringLiteral("127.0.0.1");
    o.address.port = pub->port;
    const ConnectionId id = manager.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(id), ConnectionState::Open, 5000);

    FeedPane pane(&manager);
    pane.resize(1200, 700);
    pane.show();
    pane.setCapacity(100000);
    qint64 engineRows = 0, engineMessages = 0, batches = 0;
    connect(&manager, &ConnectionManager::feedBatch, this, [&](const FeedBatch &b) {
        engineRows += b.rows;
        engineMessages += b.messages;
        ++batches;
    });
    const SubscriptionId sub = manager.subscribe(id, "trade");
    pane.attachSubscription(sub, QStringLiteral(".u.sub[`trade;`]"));

    Lag lag;
    std::vector<qint64> rss;
    QElapsedTimer clock;
    clock.start();
    {
        LagProbe probe(&lag);
        QTimer mem;
        connect(&mem, &QTimer::timeout, this, [&] { rss.push_back(rssKb()); });
        mem.start(1000);
        runFor(durationMs);
        // Drain: the publisher is done; wait until the engine delivered everything.
        QElapsedTimer drain;
        drain.start();
        while (drain.elapsed() < 20000 &&
               (!pub->finished || engineRows < pub->publishedRows.load()))
            runFor(50);
        runFor(200); // one more UI tick applies the last batch
    }
    const double secs = double(clock.elapsed()) / 1000.0;
    const qint64 viewRows = pane.ingestedRows("trade");
    std::printf("%s, %.1f s\n", name, secs);
    std::printf("  published: %lld messages, %lld rows (publisher held back by a full socket "
                "buffer on %lld ticks)\n",
                pub->publishedMessages.load(), pub->publishedRows.load(), pub->heldBack.load());
    std::printf("  engine received: %lld messages, %lld rows in %lld batches (%.1f batches/s) -> "
                "%s\n",
                engineMessages, engineRows, batches, double(batches) / secs,
                engineRows == pub->publishedRows.load() ? "EQUAL" : "MISMATCH");
    std::printf("  view took in: %lld rows, shows %d (ring 100000), dropped %lld (ring or queue "
                "full)\n",
                viewRows, pane.rowsModel("trade") ? pane.rowsModel("trade")->rowCount() : 0,
                qlonglong(pane.droppedRows("trade")));
    std::printf("  GUI event-loop lag: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples; target "
                "p99 < 50 ms)\n",
                lag.pct(0.5), lag.pct(0.99), lag.pct(1.0), lag.samples.size());
    std::printf("  RSS KB per second:");
    for (qint64 k : rss)
        std::printf(" %lld", k);
    std::printf("\n");
    std::fflush(stdout);
    // The engine never loses a message: this is a correctness check, not a timing one.
    QCOMPARE(engineRows, pub->publishedRows.load());
    QCOMPARE(viewRows, engineRows);
    manager.close(id);
}

QTEST_MAIN(BenchFeed)
#include "bench_feed.moc"
