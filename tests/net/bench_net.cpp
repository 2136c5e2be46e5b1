// Connection engine benchmark: prints figures, never fails on time.
//   1. sync round trip (request to value delivered on the manager's thread), median and p99,
//      against a raw blocking-socket ping-pong to the same server in the same run;
//   2. feed throughput with 1-row and 100-row upd messages (received and delivered, no loss);
//   3. 1,000 concurrent connections: time to open all, threads used, memory per connection.
// The manager's thread waits in its event loop between events, as a GUI thread does (no busy
// polling: on a machine with few cores a polling loop would take CPU from the network thread).
// The machine may be shared: the load average is printed, and CPU time per message on the
// network and manager threads is printed beside the wall-clock rates.
// QSCOPE_BENCH_SCALE (default 1) multiplies the sizes.

#include "fakeqserver.h"

#include "net/connectionmanager.h"
#include "net/descriptorlimit.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <ctime>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace qscope;
using qscope::test::FakeQServer;

namespace {

double scale()
{
    bool ok = false;
    const double s = qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble(&ok);
    return ok && s > 0 ? s : 1.0;
}

/// The fake server on its own thread, so blocking clients on the main thread can reach it.
class ServerThread
{
public:
    ServerThread()
    {
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            &m_anchor,
            [this] {
                m_server = new FakeQServer;
                m_server->onMessage = [](QIODevice *io, const MessageHeader &h, const Value &,
                                         const QByteArray &) {
                    if (h.type != MessageType::Sync) return;
                    FakeQServer::reply(io, Value::longAtom(2));
                    // Written at once, as kdb+ does, not on the server loop's next pass: the
                    // same for the raw client and the engine.
                    if (auto *socket = qobject_cast<QAbstractSocket *>(io)) socket->flush();
                };
                m_server->listenTcp();
                m_port = m_server->port();
            },
            Qt::BlockingQueuedConnection);
    }
    ~ServerThread()
    {
        QThread *home = QThread::currentThread();
        QMetaObject::invokeMethod(
            &m_anchor,
            [this, home] {
                delete m_server;
                m_anchor.moveToThread(home); // pushed back from its own thread
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    quint16 port() const { return m_port; }
    /// Run fn(server) on the server's thread and wait.
    template<class Fn>
    void run(Fn fn)
    {
        QMetaObject::invokeMethod(
            &m_anchor, [this, fn] { fn(*m_server); }, Qt::BlockingQueuedConnection);
    }

private:
    QThread m_thread;
    QObject m_anchor;
    FakeQServer *m_server = nullptr;
    quint16 m_port = 0;
};

qint64 percentile(std::vector<qint64> v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ').first().toLongLong();
    return 0;
}

int threadCount()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("Threads:")) return line.mid(8).trimmed().toInt();
    return 0;
}

/// Wait for pred, sleeping in the event loop until the next event arrives, as a GUI thread
/// does (QTRY's 10 ms naps would dominate the figures; QCoreApplication::processEvents(flags, ms)
/// drops WaitForMoreEvents and would poll).
template<class Pred>
bool spin(Pred pred, int timeoutMs)
{
    QEventLoop loop;
    QTimer deadline; // its timer event wakes the loop when time is up
    deadline.setSingleShot(true);
    deadline.start(timeoutMs);
    while (!pred() && deadline.isActive())
        loop.processEvents(QEventLoop::WaitForMoreEvents);
    return pred();
}

/// CPU time (ns) of the threads whose name starts with prefix, from /proc/self/task/*/schedstat.
qint64 threadsCpuNs(const QByteArray &prefix)
{
    qint64 total = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith(prefix)) continue;
        QFile stat(tasks.filePath(tid + QStringLiteral("/schedstat")));
        if (stat.open(QIODevice::ReadOnly)) total += stat.readAll().split(' ').first().toLongLong();
    }
    return total;
}

/// CPU time (ns) of the calling thread.
qint64 thisThreadCpuNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

QByteArray loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray("?");
}

/// Hand freed heap back to the system, so RSS counts what is live (glibc keeps freed memory).
void trimHeap()
{
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

/// RSS after the heap was trimmed and the process had a moment to settle.
qint64 settledRssKb()
{
    QTest::qWait(200);
    trimHeap();
    return rssKb();
}

bool readFully(int fd, char *p, size_t n)
{
    while (n > 0) {
        const ssize_t got = ::read(fd, p, n);
        if (got <= 0) return false;
        p += got;
        n -= size_t(got);
    }
    return true;
}

/// A blocking TCP client logged in to the server (Nagle off, as the engine's socket), or -1.
int rawConnect(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    const QByteArray hello = encodeHandshake("bench:", 3);
    char cap;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        ::write(fd, hello.constData(), size_t(hello.size())) != ssize_t(hello.size()) ||
        !readFully(fd, &cap, 1)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

class BenchNet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void feedThroughput_data();
    void feedThroughput();
    void thousandConnections();
};

void BenchNet::initTestCase()
{
    qInfo("load average at start: %s (%d cores)", loadAverage().constData(),
          QThread::idealThreadCount());
    // 1,000 connections to an in-process server need ~2,500 descriptors (both ends, and the
    // engine's lane duplicates): as the apps do at start.
    const DescriptorLimit fds = raiseDescriptorLimit();
    qInfo("open-file limit: %lld (was %lld)%s%s", fds.current, fds.previous, fds.ok() ? "" : "; ",
          qPrintable(fds.error));
}

void BenchNet::roundTrip()
{
    ServerThread server;
    const int n = int(3000 * scale());
    // The raw blocking ping-pong (the floor for this machine and server) and the engine take
    // turns in rounds, so a change in the machine's load during the run weighs on both alike.
    const int rounds = 10;
    const int perRound = std::max(1, n / rounds);

    const int fd = rawConnect(server.port());
    QVERIFY(fd >= 0);
    EncodeOptions o;
    o.type = MessageType::Sync;
    const QByteArray query = encodeMessage(Value::string("1+1"), o);
    std::vector<qint64> raw;
    auto rawRound = [&]() -> bool {
        QElapsedTimer t;
        for (int i = 0; i < perRound; ++i) {
            t.start();
            if (::write(fd, query.constData(), size_t(query.size())) != ssize_t(query.size()))
                return false;
            char header[8];
            if (!readFully(fd, header, 8)) return false;
            const auto h = MessageHeader::parse(header, 8, nullptr);
            if (!h) return false;
            QByteArray msg(header, 8);
            msg.resize(qsizetype(h->size));
            if (!readFully(fd, msg.data() + 8, size_t(h->size - 8))) return false;
            if (decodeMessage(msg).value.longValue() != 2) return false;
            raw.push_back(t.nsecsElapsed());
        }
        return true;
    };

    // The engine: request on this thread, value delivered back on this thread.
    ConnectionManager m;
    ConnectionOptions opt;
    opt.address.host = QStringLiteral("127.0.0.1");
    opt.address.port = server.port();
    const ConnectionId id = m.open(opt);
    std::vector<qint64> engine;
    QElapsedTimer t;
    int done = 0;
    int goal = 0;
    bool failed = false;
    RequestId current = 0;
    QObject::connect(&m, &ConnectionManager::resultReady, &m, [&](const QueryResult &r) {
        if (r.id != current) return;
        engine.push_back(t.nsecsElapsed());
        if (!r.ok() || r.value.longValue() != 2) failed = true;
        if (++done < goal) {
            t.start();
            current = m.query(id, "1+1");
        }
    });
    auto engineRound = [&]() -> bool {
        goal += perRound;
        t.start();
        current = m.query(id, "1+1");
        return spin([&] { return done == goal; }, 60000) && !failed;
    };
    // Warm both up first, so connect time and first-use costs are not counted.
    QTRY_COMPARE(m.state(id), ConnectionState::Open);
    QVERIFY(rawRound());
    QVERIFY(engineRound());
    raw.clear();
    engine.clear();

    std::vector<double> roundRatios;
    std::vector<qint64> roundExtraNs; // engine median minus raw median, per round
    for (int r = 0; r < rounds; ++r) {
        const size_t rawFrom = raw.size(), engineFrom = engine.size();
        if (r % 2 == 0) {
            QVERIFY(rawRound());
            QVERIFY(engineRound());
        } else {
            QVERIFY(engineRound());
            QVERIFY(rawRound());
        }
        const std::vector<qint64> rr(raw.begin() + qsizetype(rawFrom), raw.end());
        const std::vector<qint64> er(engine.begin() + qsizetype(engineFrom), engine.end());
        roundRatios.push_back(double(percentile(er, 0.5)) / double(percentile(rr, 0.5)));
        roundExtraNs.push_back(percentile(er, 0.5) - percentile(rr, 0.5));
    }
    ::close(fd);

    const double rawMed = double(percentile(raw, 0.5)) / 1000.0;
    const double rawP99 = double(percentile(raw, 0.99)) / 1000.0;
    const double engMed = double(percentile(engine, 0.5)) / 1000.0;
    const double engP99 = double(percentile(engine, 0.99)) / 1000.0;
    std::sort(roundRatios.begin(), roundRatios.end());
    qInfo("round trip, %d sync queries each, in %d alternating rounds (us):", rounds * perRound,
          rounds);
    qInfo("  raw blocking socket   median %8.1f  p99 %8.1f", rawMed, rawP99);
    qInfo("  engine (to GUI thread) median %8.1f  p99 %8.1f", engMed, engP99);
    qInfo("  ratio engine/raw       median %8.2fx p99 %7.2fx (target within 1.5x)", engMed / rawMed,
          engP99 / rawP99);
    qInfo("  per-round median ratios: lowest %.2fx, middle %.2fx, highest %.2fx",
          roundRatios.front(), roundRatios[roundRatios.size() / 2], roundRatios.back());
    // The raw floor moves with where the scheduler puts the client and server threads (same
    // core or not); what the engine adds on top of it is the steadier figure.
    qInfo("  engine adds %.1f us per round trip (middle of the per-round median differences)",
          double(percentile(roundExtraNs, 0.5)) / 1000.0);
}

void BenchNet::feedThroughput_data()
{
    QTest::addColumn<int>("rowsPerMessage");
    QTest::addColumn<int>("messages");
    QTest::newRow("1-row upd") << 1 << int(200000 * scale());
    QTest::newRow("100-row upd") << 100 << int(30000 * scale());
}

void BenchNet::feedThroughput()
{
    QFETCH(int, rowsPerMessage);
    QFETCH(int, messages);
    ServerThread server;
    QPointer<QIODevice> subscriber;
    server.run([&](FakeQServer &s) {
        s.onMessage = [&subscriber](QIODevice *io, const MessageHeader &h, const Value &,
                                    const QByteArray &) {
            if (h.type != MessageType::Sync) return;
            subscriber = io;
            FakeQServer::reply(io, Value::list({Value::symbol("trade"), Value::longAtom(0)}));
        };
    });
    ConnectionManager m;
    ConnectionOptions opt;
    opt.address.host = QStringLiteral("127.0.0.1");
    opt.address.port = server.port();
    const ConnectionId id = m.open(opt);
    QSignalSpy subscribed(&m, &ConnectionManager::subscribed);
    m.subscribe(id, "trade");
    QTRY_COMPARE(subscribed.size(), 1);

    // One upd message: a trade table of rowsPerMessage rows (time, sym, price, size).
    std::vector<int64_t> times(static_cast<size_t>(rowsPerMessage)),
        sizes(static_cast<size_t>(rowsPerMessage));
    std::vector<double> prices(static_cast<size_t>(rowsPerMessage));
    std::vector<QByteArray> syms(static_cast<size_t>(rowsPerMessage));
    for (int i = 0; i < rowsPerMessage; ++i) {
        times[size_t(i)] = 1000 + i;
        sizes[size_t(i)] = 100 * i;
        prices[size_t(i)] = 10.5 + i;
        syms[size_t(i)] = i % 2 ? "AAPL" : "MSFT";
    }
    const Value table = Value::table(
        Value::symbols({"time", "sym", "price", "size"}),
        Value::list({Value::fromVector(Timespan, times), Value::symbols(syms),
                     Value::fromVector(Float, prices), Value::fromVector(Long, sizes)}));
    const QByteArray upd = encodeMessage(
        Value::list({Value::symbol("upd"), Value::symbol("trade"), table}), EncodeOptions{});

    qint64 gotMessages = 0, gotRows = 0, batches = 0;
    QObject::connect(&m, &ConnectionManager::feedBatch, &m, [&](const FeedBatch &b) {
        gotMessages += b.messages;
        gotRows += b.rows;
        ++batches;
    });
    const qint64 netCpu0 = threadsCpuNs("qscope-net");
    const qint64 guiCpu0 = thisThreadCpuNs();
    QElapsedTimer t;
    t.start();
    qint64 publishNs = 0;
    server.run([&](FakeQServer &) {
        // Written in chunks so the socket buffer drains while the publisher runs.
        QByteArray chunk;
        const int perChunk = std::max(1, int(256 * 1024 / upd.size()));
        for (int i = 0; i < perChunk; ++i)
            chunk += upd;
        int sent = 0;
        while (sent < messages) {
            const int k = std::min(perChunk, messages - sent);
            subscriber->write(k == perChunk ? chunk : chunk.left(qsizetype(k) * upd.size()));
            sent += k;
        }
        publishNs = t.nsecsElapsed();
    });
    QVERIFY(spin([&] { return gotMessages >= messages; }, 60000));
    const double secs = double(t.nsecsElapsed()) / 1e9;
    const double netCpuUs = double(threadsCpuNs("qscope-net") - netCpu0) / 1e3;
    const double guiCpuUs = double(thisThreadCpuNs() - guiCpu0) / 1e3;
    qInfo("feed, %d-row upd: %d messages (%lld bytes each) in %.3f s (published in %.3f s)",
          rowsPerMessage, messages, qint64(upd.size()), secs, double(publishNs) / 1e9);
    qInfo("  published %d, received and delivered %lld messages (%lld rows)", messages, gotMessages,
          gotRows);
    QCOMPARE(gotMessages, qint64(messages)); // no loss, no duplicates
    QCOMPARE(gotRows, qint64(messages) * rowsPerMessage);
    qInfo("  delivered %.0f msg/s, %.0f rows/s in %lld batches (%.1f msgs/batch); loss 0",
          double(messages) / secs, double(gotRows) / secs, batches,
          double(messages) / double(batches));
    qInfo("  CPU per message: network thread %.2f us, manager thread %.2f us (load %s)",
          netCpuUs / messages, guiCpuUs / messages, loadAverage().constData());
    qInfo("  targets: 100000 msg/s, 1000000 rows/s");
}

void BenchNet::thousandConnections()
{
    ServerThread server;
    const int n = int(1000 * scale());
    auto serverClients = [&server] {
        int c = 0;
        server.run([&c](FakeQServer &s) { c = s.clientCount(); });
        return c;
    };
    auto waitClients = [&](int want) {
        QElapsedTimer w;
        w.start();
        while (serverClients() != want && w.elapsed() < 60000)
            QTest::qWait(10);
        return serverClients() == want;
    };

    // The in-process server's own cost per client (a QTcpSocket and a frame reader), measured
    // with plain blocking sockets whose client side lives in the kernel, not in our RSS.
    const qint64 rawBefore = settledRssKb();
    std::vector<int> fds;
    for (int i = 0; i < n; ++i) {
        const int fd = rawConnect(server.port());
        QVERIFY(fd >= 0);
        fds.push_back(fd);
    }
    QVERIFY(waitClients(n));
    const qint64 serverSideKb = settledRssKb() - rawBefore;
    for (int fd : fds)
        ::close(fd);
    QVERIFY(waitClients(0));

    // The engine: RSS before and after opening n connections on an existing manager.
    const int threadsStart = threadCount();
    ConnectionManager m;
    int open = 0, failed = 0;
    QObject::connect(&m, &ConnectionManager::stateChanged, &m,
                     [&](ConnectionId, ConnectionState s, const QString &) {
                         if (s == ConnectionState::Open) ++open;
                         if (s == ConnectionState::Failed) ++failed;
                     });
    const qint64 rssBefore = settledRssKb();
    const int threadsBefore = threadCount();
    QElapsedTimer t;
    t.start();
    ConnectionOptions opt;
    opt.address.host = QStringLiteral("127.0.0.1");
    opt.address.port = server.port();
    opt.connectTimeoutMs = 30000;
    QList<ConnectionId> ids;
    for (int i = 0; i < n; ++i)
        ids << m.open(opt);
    QVERIFY(spin([&] { return open + failed == n; }, 60000));
    const double secs = double(t.nsecsElapsed()) / 1e9;
    // Everyone answers a query: the connections are really usable.
    int answered = 0;
    QObject::connect(&m, &ConnectionManager::resultReady, &m, [&](const QueryResult &r) {
        if (r.ok()) ++answered;
    });
    for (ConnectionId id : ids)
        m.query(id, "1+1");
    QVERIFY(spin([&] { return answered == open; }, 60000));
    const int threadsAfter = threadCount();
    const qint64 rssAfter = settledRssKb();
    QCOMPARE(failed, 0);
    QCOMPARE(serverClients(), n);
    const qint64 totalKb = rssAfter - rssBefore;
    qInfo("%d concurrent connections (server in the same process): all open in %.3f s", n, secs);
    qInfo("  threads (/proc/self/status): %d before the manager, %d with it, %d with %d "
          "connections open and queried; network threads %d",
          threadsStart, threadsBefore, threadsAfter, n, m.networkThreadCount());
    qInfo("  memory (RSS, heap trimmed): %lld KiB for %d connections incl. the server side "
          "= %.1f KiB each; server side alone %.1f KiB each; engine %.1f KiB per connection",
          totalKb, n, double(totalKb) / n, double(serverSideKb) / n,
          double(totalKb - serverSideKb) / n);
    QVERIFY(threadsAfter - threadsStart < 20);
}

QTEST_GUILESS_MAIN(BenchNet)
#include "bench_net.moc"
