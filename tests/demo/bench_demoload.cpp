// Load on the demo server, loopback only, bounded in time and count: 200 concurrent clients
// querying while the built-in feed publishes and an outside publisher sends numbered trades.
// Subscribers must receive every numbered row, in order, none lost (the one hard check: a
// correctness property, not a timing). Prints figures, with a baseline (one client alone)
// measured in the same run. QSCOPE_BENCH_SCALE multiplies the duration.

#include "demo/demoserver.h"
#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace qscope;

namespace {

constexpr int kClients = 200;
constexpr int kSubscribers = 20; // of the clients, these also subscribe to trade
const QByteArray kSeqSym = "SEQ";

/// One event-driven client on the test thread: handshake, then sync queries back to back;
/// subscribers also check the numbered rows (size = sequence number) of `SEQ.
class LoadClient : public QObject
{
public:
    LoadClient(quint16 port, bool subscriber, QObject *parent)
        : QObject(parent), m_subscriber(subscriber)
    {
        connect(&m_socket, &QTcpSocket::connected, this,
                [this] { m_socket.write(QByteArray("load\x03\x00", 6)); });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { onRead(); });
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    }

    bool querying = true;
    int64_t queries = 0;
    std::vector<int64_t> latencyUs;
    int64_t nextSeq = 0; // subscribers: the next number expected
    int64_t outOfOrder = 0;
    int64_t feedRows = 0; // rows of other syms seen (the built-in feed)
    bool loggedIn = false;
    QString failure;

private:
    void ask()
    {
        if (!querying) return;
        EncodeOptions o;
        o.type = MessageType::Sync;
        m_sent.start();
        m_socket.write(encodeMessage(Value::string(".u.i"), o));
    }

    void onRead()
    {
        if (!loggedIn) {
            if (m_socket.bytesAvailable() < 1) return;
            char c;
            m_socket.read(&c, 1);
            loggedIn = true;
            if (m_subscriber) {
                EncodeOptions o;
                o.type = MessageType::Sync;
                m_socket.write(
                    encodeMessage(Value::list({Value::symbol(".u.sub"), Value::symbol("trade"),
                                               Value::symbol("")}),
                                  o));
                m_pendingSub = true;
                m_sent.start();
            } else {
                ask();
            }
        }
        m_frames.feed(m_socket.readAll());
        while (std::optional<QByteArray> raw = m_frames.next()) {
            const Decoded d = decodeMessage(*raw);
            if (!d.ok()) {
                failure = d.error->message;
                return;
            }
            if (d.header.type == MessageType::Response) {
                if (d.value.isError())
                    failure =
                        QStringLiteral("query error '") + QString::fromUtf8(d.value.symbolValue());
                if (m_pendingSub) {
                    m_pendingSub = false;
                } else {
                    ++queries;
                    latencyUs.push_back(m_sent.nsecsElapsed() / 1000);
                }
                ask();
                continue;
            }
            // async (`upd;`trade;table)
            const Value &t = d.value.item(2);
            const Value &syms = t.columns().item(1);
            const Value &size = t.columns().item(3);
            for (int64_t r = 0; r < t.count(); ++r) {
                if (syms.symAt(r) != kSeqSym) {
                    ++feedRows;
                    continue;
                }
                if (size.at<int64_t>(r) != nextSeq) ++outOfOrder;
                nextSeq = size.at<int64_t>(r) + 1;
            }
        }
    }

    QTcpSocket m_socket;
    FrameReader m_frames;
    QElapsedTimer m_sent;
    bool m_subscriber;
    bool m_pendingSub = false;
};

double percentile(std::vector<int64_t> v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return double(v[size_t(p * double(v.size() - 1))]);
}

} // namespace

class BenchDemoLoad : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientsWhileFeedPublishes();
};

void BenchDemoLoad::clientsWhileFeedPublishes()
{
    const double scale = qEnvironmentVariableIsSet("QSCOPE_BENCH_SCALE")
                             ? std::max(0.1, qEnvironmentVariable("QSCOPE_BENCH_SCALE").toDouble())
                             : 1.0;
    const int seconds = std::max(1, int(5 * scale));

    DemoServer server;
    DemoOptions o;
    o.port = 0;
    o.unixSocket = false;
    o.feedRowsPerSecond = 2000;
    o.feedBatch = 20;
    QString err;
    QVERIFY2(server.start(o, &err), qPrintable(err));

    // Baseline: one client alone, same server, same feed.
    auto runFor = [&](int clients, int subscribers, int ms, int64_t *published) {
        std::vector<std::unique_ptr<LoadClient>> cs;
        for (int i = 0; i < clients; ++i)
            cs.push_back(std::make_unique<LoadClient>(server.port(), i < subscribers, nullptr));
        // wait for logins (and subscriptions) before publishing
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(cs.begin(), cs.end(), [](const auto &c) { return c->loggedIn; }), 20000);
        QTest::qWait(200);
        // outside publisher: numbered rows of `SEQ, 50 per upd, as fast as the loop allows
        QTcpSocket pub;
        pub.connectToHost(QStringLiteral("127.0.0.1"), server.port());
        QVERIFY(pub.waitForConnected(5000));
        pub.write(QByteArray("pub\x03\x00", 5));
        QVERIFY(pub.waitForReadyRead(5000));
        pub.readAll();
        int64_t seq = 0;
        QElapsedTimer t;
        t.start();
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, &pub, [&] {
            if (t.elapsed() >= ms || pub.bytesToWrite() > (1 << 20)) return;
            std::vector<QByteArray> syms(50, kSeqSym);
            std::vector<double> px(50, 1.0);
            std::vector<int64_t> sz(50);
            for (auto &s : sz)
                s = seq++;
            EncodeOptions eo;
            eo.type = MessageType::Async;
            pub.write(encodeMessage(
                Value::list(
                    {Value::symbol(".u.upd"), Value::symbol("trade"),
                     Value::list({Value::symbols(syms), Value::fromVector(Float, std::move(px)),
                                  Value::fromVector(Long, std::move(sz))})}),
                eo));
        });
        tick.start(5);
        QTest::qWait(ms);
        tick.stop();
        for (auto &c : cs)
            c->querying = false;
        // drain: every subscriber catches up with the last number
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(cs.begin(), cs.begin() + subscribers,
                                             [&](const auto &c) { return c->nextSeq == seq; }),
                                 30000);
        QTest::qWait(100);
        *published = seq;
        int64_t queries = 0, bad = 0, feedRows = 0;
        std::vector<int64_t> lat;
        for (auto &c : cs) {
            QVERIFY2(c->failure.isEmpty(), qPrintable(c->failure));
            queries += c->queries;
            bad += c->outOfOrder;
            feedRows += c->feedRows;
            lat.insert(lat.end(), c->latencyUs.begin(), c->latencyUs.end());
        }
        QCOMPARE(bad, int64_t(0));
        std::printf("%4d clients (%2d subscribers): %8lld queries in %d ms = %8.0f q/s, latency "
                    "median %6.0f us p99 %7.0f us; %lld numbered rows to each subscriber, "
                    "%lld feed rows delivered\n",
                    clients, subscribers, (long long)queries, ms, double(queries) * 1000.0 / ms,
                    percentile(lat, 0.5), percentile(lat, 0.99), (long long)seq,
                    (long long)feedRows);
        std::fflush(stdout);
    };
    int64_t baselineRows = 0, loadRows = 0;
    runFor(1, 1, 1000, &baselineRows);
    runFor(kClients, kSubscribers, seconds * 1000, &loadRows);
    QVERIFY(loadRows > 0);
    // the RDB holds every numbered row of both runs
    QTcpSocket q;
    q.connectToHost(QStringLiteral("127.0.0.1"), server.port());
    QVERIFY(q.waitForConnected(5000));
    q.write(QByteArray("check\x03\x00", 7));
    QVERIFY(q.waitForReadyRead(5000));
    q.readAll();
    EncodeOptions eo;
    eo.type = MessageType::Sync;
    q.write(encodeMessage(Value::string("trade"), eo));
    FrameReader fr;
    std::optional<QByteArray> raw;
    QElapsedTimer t;
    t.start();
    while (!(raw = fr.next()) && t.elapsed() < 20000) {
        q.waitForReadyRead(100);
        fr.feed(q.readAll());
    }
    QVERIFY(raw.has_value());
    const Decoded d = decodeMessage(*raw);
    QVERIFY(d.ok() && d.value.isTable());
    const Value &syms = d.value.columns().item(1);
    int64_t seqRows = 0;
    for (int64_t r = 0; r < syms.count(); ++r)
        seqRows += syms.symAt(r) == kSeqSym;
    QCOMPARE(seqRows, baselineRows + loadRows);
    std::printf("RDB: %lld trade rows, %lld of them numbered\n", (long long)d.value.count(),
                (long long)seqRows);
}

QTEST_GUILESS_MAIN(BenchDemoLoad)
#include "bench_demoload.moc"
