// Connection engine benchmark: prints figures, never fails on time.
//   1. sync round trip (request to value delivered on the manager's thread), median and p99,
//      against a raw blocking-socket ping-pong to the same server in the same run;
//   2. feed throughput with 1-row and 100-row upd messages (received and delivered, no loss);
//   3. 1,000 concurrent connections: time to open all, threads used, memory per connection.
// QSCOPE_BENCH_SCALE (default 1) multiplies the sizes.

#include "fakeqserver.h"

#include "net/connectionmanager.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
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
                    if (h.type == MessageType::Sync) FakeQServer::reply(io, Value::longAtom(2));
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

/// Wait for pred on an event loop that wakes on each event (QTRY's 10 ms naps would dominate
/// the figures).
template<class Pred>
bool spin(Pred pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!pred() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return pred();
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
    // 1,000 connections to an in-process server need ~2,000 descriptors.
    rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

void BenchNet::roundTrip()
{
    ServerThread server;
    const int n = int(3000 * scale());
    // Raw blocking ping-pong: the floor for this machine and server.
    std::vector<qint64> raw;
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(server.port());
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const QByteArray hello = encodeHandshake("bench:", 3);
        QCOMPARE(::write(fd, hello.constData(), size_t(hello.size())), ssize_t(hello.size()));
        char cap;
        QVERIFY(readFully(fd, &cap, 1));
        EncodeOptions o;
        o.type = MessageType::Sync;
        const QByteArray query = encodeMessage(Value::string("1+1"), o);
        QElapsedTimer t;
        for (int i = 0; i < n; ++i) {
            t.start();
            QCOMPARE(::write(fd, query.constData(), size_t(query.size())), ssize_t(query.size()));
            char header[8];
            QVERIFY(readFully(fd, header, 8));
            const auto h = MessageHeader::parse(header, 8, nullptr);
            QVERIFY(h);
            QByteArray msg(header, 8);
            msg.resize(qsizetype(h->size));
            QVERIFY(readFully(fd, msg.data() + 8, size_t(h->size - 8)));
            const Decoded d = decodeMessage(msg);
            QCOMPARE(d.value.longValue(), 2);
            raw.push_back(t.nsecsElapsed());
        }
        ::close(fd);
    }
    // The engine: request on this thread, value delivered back on this thread.
    std::vector<qint64> engine;
    {
        ConnectionManager m;
        ConnectionOptions opt;
        opt.address.host = QStringLiteral("127.0.0.1");
        opt.address.port = server.port();
        const ConnectionId id = m.open(opt);
        QElapsedTimer t;
        int done = 0;
        bool failed = false;
        RequestId current = 0;
        QObject::connect(&m, &ConnectionManager::resultReady, &m, [&](const QueryResult &r) {
            if (r.id != current) return;
            engine.push_back(t.nsecsElapsed());
            if (!r.ok() || r.value.longValue() != 2) failed = true;
            if (++done < n) {
                t.start();
                current = m.query(id, "1+1");
            }
        });
        // Warm up the connection first, so connect time is not counted.
        QTRY_COMPARE(m.state(id), ConnectionState::Open);
        t.start();
        current = m.query(id, "1+1");
        QVERIFY(spin([&] { return done == n; }, 60000));
        QVERIFY(!failed);
    }
    const double rawMed = double(percentile(raw, 0.5)) / 1000.0;
    const double rawP99 = double(percentile(raw, 0.99)) / 1000.0;
    const double engMed = double(percentile(engine, 0.5)) / 1000.0;
    const double engP99 = double(percentile(engine, 0.99)) / 1000.0;
    qInfo("round trip, %d sync queries each (us):", n);
    qInfo("  raw blocking socket   median %8.1f  p99 %8.1f", rawMed, rawP99);
    qInfo("  engine (to GUI thread) median %8.1f  p99 %8.1f", engMed, engP99);
    qInfo("  ratio engine/raw       median %8.2fx p99 %7.2fx (target within 1.5x)", engMed / rawMed,
          engP99 / rawP99);
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
    QCOMPARE(gotMessages, qint64(messages)); // no loss, no duplicates
    QCOMPARE(gotRows, qint64(messages) * rowsPerMessage);
    qInfo("feed, %d-row upd: %d messages (%lld bytes each) in %.3f s (published in %.3f s)",
          rowsPerMessage, messages, qint64(upd.size()), secs, double(publishNs) / 1e9);
    qInfo("  delivered %.0f msg/s, %.0f rows/s in %lld batches (%.1f msgs/batch); loss 0",
          double(messages) / secs, double(gotRows) / secs, batches,
          double(messages) / double(batches));
    qInfo("  targets: 100000 msg/s, 1000000 rows/s");
}

void BenchNet::thousandConnections()
{
    ServerThread server;
    const int n = int(1000 * scale());
    const qint64 rssBefore = rssKb();
    const int threadsBefore = threadCount();
    ConnectionManager m;
    int open = 0, failed = 0;
    QObject::connect(&m, &ConnectionManager::stateChanged, &m,
                     [&](ConnectionId, ConnectionState s, const QString &) {
                         if (s == ConnectionState::Open) ++open;
                         if (s == ConnectionState::Failed) ++failed;
                     });
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
    QTRY_VERIFY_WITH_TIMEOUT(answered == open, 60000);
    const qint64 rssAfter = rssKb();
    const int threadsAfter = threadCount();
    QCOMPARE(failed, 0);
    qInfo("%d concurrent connections (server in the same process): all open in %.3f s", n, secs);
    qInfo("  network threads %d; process threads %d -> %d (includes the server thread and "
          "the decode pool)",
          m.networkThreadCount(), threadsBefore, threadsAfter);
    qInfo("  memory: %.1f KiB per connection (RSS delta incl. the server side, %lld KiB total)",
          double(rssAfter - rssBefore) / n, rssAfter - rssBefore);
    QVERIFY(threadsAfter - threadsBefore < 20);
}

QTEST_GUILESS_MAIN(BenchNet)
#include "bench_net.moc"
