// The hostile-server suite (issue #16): a server that logs the client in correctly, then answers
// each request with one fault drawn from a seeded generator: random bytes, truncated frames,
// size claims from 0 to 2^63, compression bombs (a tiny frame claiming a huge size, and valid
// compression that expands past the limit), frames in 1-byte writes, wrong message types,
// pushes interleaved with the answer, a sync request of its own first, bytes flipped, and
// disconnects mid-frame. Thousands of sessions go through the engine (ConnectionManager) and
// hundreds through the real qscope-cli binary.
//
// Asserted: every request ends within a bound, with the right answer where the answer was sent
// whole, NetError::TooLarge where a size over the limit was announced, and otherwise a named
// error; qscope-cli exits 0, 2 or 3 and never crashes; the peak RSS stays under a stated bound.
//
// QSCOPE_HOSTILE_SEED (default: random, printed) replays a run; QSCOPE_HOSTILE_SESSIONS
// (default 3000; a tenth of them through qscope-cli) runs longer on demand.

#include "net/connectionmanager.h"
#include "protocol/codec.h"
#include "protocol/format.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <array>
#include <map>
#include <memory>
#include <numeric>

using namespace qscope;

namespace {

enum class Fault {
    Correct,
    RandomBytes,
    Truncated,
    SizeClaim,
    CompressedClaim,
    CompressionExpands,
    OneByteWrites,
    WrongType,
    PushesInterleaved,
    ServerSyncFirst,
    Mutated,
    DisconnectMidFrame,
    Count
};

const char *faultName(Fault f)
{
    static const char *const names[] = {"correct answer",     "random bytes",
                                        "truncated frame",    "size claim",
                                        "compressed claim",   "compression expands past limit",
                                        "1-byte writes",      "wrong message type",
                                        "pushes interleaved", "server sync request first",
                                        "bytes flipped",      "disconnect mid-frame"};
    return names[int(f)];
}

/// The limit every hostile connection runs with: claims over it must end as TooLarge.
constexpr qint64 kLimit = qint64(8) << 20;
constexpr int kQueryTimeoutMs = 600;
constexpr int kConnectTimeoutMs = 3000;
/// A session that has not ended after this is a hang (its timeouts are far shorter).
constexpr int kSessionBoundMs = 15000;
/// Peak resident memory of this test process (the engine, the server, the CLI runner).
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 kRssBoundBytes = qint64(2) << 30; // ASan's shadow memory and quarantine
#else
constexpr qint64 kRssBoundBytes = qint64(192) << 20;
#endif

quint64 seedFromEnvironment()
{
    bool ok = false;
    const quint64 s = qEnvironmentVariable("QSCOPE_HOSTILE_SEED").toULongLong(&ok);
    return ok ? s : QRandomGenerator::global()->generate64();
}

int sessionsFromEnvironment()
{
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("QSCOPE_HOSTILE_SESSIONS", &ok);
    return ok && n > 0 ? n : 3000;
}

/// What the server does for one session: drawn from the run's seed and the session number, so
/// the client side knows what to expect and a failure can be replayed alone.
struct Plan
{
    Fault fault = Fault::Correct;
    quint64 seed = 0;
};

Plan planFor(quint64 runSeed, int session)
{
    QRandomGenerator r(runSeed ^ (quint64(session) * 0x9E3779B97F4A7C15ull));
    Plan p;
    p.fault = Fault(r.bounded(int(Fault::Count)));
    p.seed = r.generate64();
    return p;
}

/// The answer a correct server gives session n: (`session; n; n mod 40 longs).
Value answerFor(int session)
{
    std::vector<int64_t> xs(static_cast<size_t>(session % 40));
    for (size_t i = 0; i < xs.size(); ++i)
        xs[i] = int64_t(i) * session;
    return Value::list({Value::symbol("session"), Value::longAtom(session),
                        Value::fromVector(Long, std::move(xs))});
}

QByteArray frameOf(const Value &v, MessageType type, bool compress = false)
{
    EncodeOptions o;
    o.type = type;
    o.compress = compress;
    return encodeMessage(v, o);
}

QByteArray randomBytes(QRandomGenerator &r, qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        b[i] = char(r.bounded(256));
    return b;
}

/// Log-uniform in [0, 2^bits): small and huge claims alike.
quint64 logUniform(QRandomGenerator &r, int bits)
{
    const int width = r.bounded(bits + 1);
    if (width == 0) return 0;
    const quint64 top = quint64(1) << (width - 1);
    return top | (width > 1 ? r.generate64() & (top - 1) : 0);
}

/// The hostile server: q's handshake, then each "s N" request answered per planFor(seed, N).
class HostileServer : public QObject
{
public:
    explicit HostileServer(quint64 seed) : m_seed(seed)
    {
        // Valid kdb+ compression of zeros, 9 and 12 MB uncompressed (over the 8 MB limit): a few
        // tens of KB each on the wire.
        for (int mb : {9, 12}) {
            std::vector<int64_t> zeros(size_t(mb) << 17);
            m_expanding.push_back(
                frameOf(Value::fromVector(Long, std::move(zeros)), MessageType::Response, true));
        }
        connect(&m_listener, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_listener.nextPendingConnection())
                adopt(s);
        });
    }
    ~HostileServer() override
    {
        // The listener deletes its sockets: they must not report to a half-destroyed server.
        for (auto &[socket, client] : m_clients)
            socket->disconnect(this);
    }
    bool listen() { return m_listener.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_listener.serverPort(); }
    qint64 connections = 0;

private:
    struct Client
    {
        bool loggedIn = false;
        QByteArray pending;
        FrameReader reader;
    };

    void adopt(QTcpSocket *s)
    {
        ++connections;
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1); // each write its own segment
        m_clients.emplace(s, Client());
        connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
        connect(s, &QTcpSocket::disconnected, this, [this, s] {
            m_clients.erase(s);
            s->deleteLater();
        });
    }

    void onReadyRead(QTcpSocket *s)
    {
        auto it = m_clients.find(s);
        if (it == m_clients.end()) return;
        Client &c = it->second;
        QByteArray bytes = s->readAll();
        if (!c.loggedIn) {
            c.pending += bytes;
            const qsizetype nul = c.pending.indexOf('\0');
            if (nul < 0) return;
            const int asked = nul > 0 ? quint8(c.pending.at(nul - 1)) : 0;
            bytes = c.pending.mid(nul + 1);
            c.loggedIn = true;
            // Some connections get capability 6 (as kdb+ 4 does), some 3 (as an older one).
            s->write(QByteArray(1, char(qMin(asked, connections % 2 ? 6 : 3))));
        }
        c.reader.feed(bytes);
        while (auto frame = c.reader.next()) {
            const Decoded d = decodeMessage(*frame);
            if (d.header.type != MessageType::Sync || d.value.type() != Char) continue;
            const QByteArray text(d.value.rawData(), qsizetype(d.value.count()));
            if (!text.startsWith("s ")) continue;
            const int session = text.mid(2).toInt();
            act(s, session, planFor(m_seed, session));
            if (m_clients.find(s) == m_clients.end()) return;
        }
        if (c.reader.error()) s->abort(); // a client that sends garbage: not expected
    }

    /// Close after what was written has gone (graceful), or at once (reset).
    static void close(QTcpSocket *s, bool reset)
    {
        s->flush();
        if (reset)
            s->abort();
        else
            s->disconnectFromHost();
    }

    void act(QTcpSocket *s, int session, const Plan &plan)
    {
        QRandomGenerator r(plan.seed);
        const QByteArray good = frameOf(answerFor(session), MessageType::Response);
        const bool hangUp = r.bounded(2) == 1; // after a partial answer: close, or go silent
        switch (plan.fault) {
        case Fault::Correct:
            s->write(good);
            break;
        case Fault::RandomBytes: {
            QByteArray junk = randomBytes(r, 1 + r.bounded(4096));
            if (r.bounded(2)) { // half of them get past the header's first checks
                junk[0] = 1;
                if (junk.size() > 1) junk[1] = 2;
                if (junk.size() > 2) junk[2] = char(r.bounded(3));
            }
            s->write(junk);
            if (hangUp) close(s, r.bounded(2));
            break;
        }
        case Fault::Truncated:
            s->write(good.left(1 + r.bounded(int(good.size() - 1))));
            if (hangUp) close(s, false);
            break;
        case Fault::SizeClaim: {
            const quint64 claim = logUniform(r, 40);
            QByteArray h("\x01\x02\x00\x00\x00\x00\x00\x00", 8);
            h[3] = char(claim >> 32);
            qToLittleEndian<quint32>(quint32(claim), h.data() + 4);
            s->write(h + randomBytes(r, r.bounded(256)));
            if (hangUp) close(s, false);
            break;
        }
        case Fault::CompressedClaim: {
            // A tiny compressed frame claiming up to 2^63 (8-byte form) or 4 GB (4-byte form).
            const bool wide = r.bounded(2);
            const quint64 claim = logUniform(r, wide ? 63 : 32);
            const QByteArray tail = randomBytes(r, 1 + r.bounded(64));
            QByteArray f("\x01\x02\x00\x00\x00\x00\x00\x00", 8);
            f[2] = char(wide ? 2 : 1);
            QByteArray size(wide ? 8 : 4, '\0');
            if (wide)
                qToLittleEndian<quint64>(claim, size.data());
            else
                qToLittleEndian<quint32>(quint32(claim), size.data());
            f += size + tail;
            qToLittleEndian<quint32>(quint32(f.size()), f.data() + 4);
            s->write(f);
            if (hangUp) close(s, false);
            break;
        }
        case Fault::CompressionExpands:
            s->write(m_expanding[size_t(r.bounded(int(m_expanding.size())))]);
            break;
        case Fault::OneByteWrites:
            drip(s, good);
            break;
        case Fault::WrongType: {
            QByteArray wrong = good;
            const int pick = r.bounded(3);
            wrong[1] = char(pick == 0 ? 0 : pick == 1 ? 1 : 3 + r.bounded(253));
            s->write(wrong);
            if (hangUp) close(s, false);
            break;
        }
        case Fault::PushesInterleaved: {
            const int before = 1 + r.bounded(5);
            for (int i = 0; i < before; ++i)
                s->write(frameOf(
                    Value::list({Value::symbol("upd"), Value::symbol("trade"), Value::longAtom(i)}),
                    MessageType::Async));
            s->write(good);
            for (int i = r.bounded(3); i > 0; --i)
                s->write(frameOf(Value::string("after"), MessageType::Async));
            break;
        }
        case Fault::ServerSyncFirst:
            s->write(frameOf(Value::string("callback[]"), MessageType::Sync));
            s->write(good);
            break;
        case Fault::Mutated: {
            QByteArray bent = good;
            for (int i = 1 + r.bounded(4); i > 0; --i)
                bent[8 + r.bounded(int(bent.size() - 8))] = char(r.bounded(256));
            s->write(bent);
            break;
        }
        case Fault::DisconnectMidFrame:
            s->write(good.left(1 + r.bounded(int(good.size() - 1))));
            close(s, r.bounded(2));
            break;
        case Fault::Count:
            break;
        }
    }

    /// Write `bytes` one at a time, each on its own (flushed) write, one per event loop pass.
    void drip(QTcpSocket *s, const QByteArray &bytes)
    {
        auto *timer = new QTimer(s);
        auto sent = std::make_shared<qsizetype>(0);
        connect(timer, &QTimer::timeout, s, [s, timer, bytes, sent] {
            s->write(bytes.mid(*sent, 1));
            s->flush();
            if (++*sent == bytes.size()) timer->deleteLater();
        });
        timer->start(0);
    }

    quint64 m_seed;
    QTcpServer m_listener;
    std::map<QTcpSocket *, Client> m_clients;
    std::vector<QByteArray> m_expanding;
};

/// VmHWM of a process (self, or a pid), in bytes; -1 if unknown.
qint64 peakRssBytes(const QString &pid = QStringLiteral("self"))
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).simplified().split(' ')[0].toLongLong() * 1024;
    return -1;
}

/// Faults whose answer was written whole: the client must get exactly it.
bool answerIsWhole(Fault f)
{
    return f == Fault::Correct || f == Fault::OneByteWrites || f == Fault::PushesInterleaved ||
           f == Fault::ServerSyncFirst;
}

/// What a session's outcome must be, given its fault; empty if it is acceptable.
QString judge(const Plan &plan, int session, const QueryResult &r)
{
    if (answerIsWhole(plan.fault)) {
        if (!r.ok()) return QStringLiteral("expected the answer, got: ") + r.error->message;
        const QByteArray want = frameOf(answerFor(session), MessageType::Response);
        if (frameOf(r.value, MessageType::Response) != want)
            return QStringLiteral("wrong answer: ") + QString::fromUtf8(formatOneLine(r.value));
        return {};
    }
    if (plan.fault == Fault::CompressionExpands) {
        if (!r.error || r.error->kind != NetError::TooLarge)
            return QStringLiteral("expected TooLarge, got: ") +
                   (r.error ? r.error->message : QStringLiteral("an answer"));
        return {};
    }
    if (plan.fault == Fault::DisconnectMidFrame || plan.fault == Fault::Truncated) {
        if (r.ok()) return QStringLiteral("an answer from a truncated frame");
    }
    if (r.error && r.error->message.isEmpty()) return QStringLiteral("an error without a text");
    return {};
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void engineSessions();
    void cliSessions();
    void cleanupTestCase();

private:
    quint64 m_seed = 0;
    int m_sessions = 0;
    std::unique_ptr<HostileServer> m_server;
    QSet<int> m_faultsSeen;
    qint64 m_sessionsRun = 0;
    int m_crashes = 0;
};

void TestHostile::initTestCase()
{
    m_seed = seedFromEnvironment();
    m_sessions = sessionsFromEnvironment();
    qInfo("hostile suite: seed %llu (replay with QSCOPE_HOSTILE_SEED=%llu), %d engine sessions, "
          "%d qscope-cli sessions",
          m_seed, m_seed, m_sessions, qMax(1, m_sessions / 10));
    m_server = std::make_unique<HostileServer>(m_seed);
    QVERIFY(m_server->listen());
}

void TestHostile::engineSessions()
{
    ConnectionManager m;
    constexpr int kConcurrent = 48;
    struct Live
    {
        int session;
        ConnectionId connection;
        QElapsedTimer clock;
    };
    QHash<RequestId, Live> live;
    QStringList failures;
    QHash<int, int> tooLarge; // fault -> sessions that ended TooLarge
    int next = 0;
    int done = 0;
    QElapsedTimer wall;
    wall.start();

    auto start = [&] {
        while (live.size() < kConcurrent && next < m_sessions) {
            const int session = next++;
            ConnectionOptions o;
            o.name = QStringLiteral("hostile");
            o.address.host = QStringLiteral("127.0.0.1");
            o.address.port = m_server->port();
            o.connectTimeoutMs = kConnectTimeoutMs;
            o.queryTimeoutMs = kQueryTimeoutMs;
            o.maxMessageBytes = kLimit;
            const ConnectionId id = m.open(o);
            const RequestId r = m.query(id, "s " + QByteArray::number(session));
            Live l{session, id, {}};
            l.clock.start();
            live.insert(r, l);
        }
    };
    connect(&m, &ConnectionManager::resultReady, this, [&](const QueryResult &r) {
        const auto it = live.find(r.id);
        if (it == live.end()) {
            failures << QStringLiteral("a result for no live request %1").arg(r.id);
            return;
        }
        const Live l = *it;
        live.erase(it);
        const Plan plan = planFor(m_seed, l.session);
        m_faultsSeen.insert(int(plan.fault));
        if (r.error && r.error->kind == NetError::TooLarge) ++tooLarge[int(plan.fault)];
        const QString verdict = judge(plan, l.session, r);
        if (!verdict.isEmpty() && failures.size() < 20)
            failures << QStringLiteral("session %1 (%2): %3")
                            .arg(l.session)
                            .arg(QLatin1String(faultName(plan.fault)), verdict);
        if (l.clock.elapsed() > kSessionBoundMs)
            failures
                << QStringLiteral("session %1 took %2 ms").arg(l.session).arg(l.clock.elapsed());
        m.close(l.connection);
        ++done;
        start();
    });
    // A real event loop, as a GUI thread runs (QTest::qWaitFor sleeps between passes, which
    // would starve the server's one-byte writes); a watchdog stops it on a hang.
    QEventLoop loop;
    QTimer watchdog;
    bool hung = false;
    connect(&watchdog, &QTimer::timeout, &loop, [&] {
        for (const Live &l : std::as_const(live))
            hung = hung || l.clock.elapsed() > kSessionBoundMs;
        if (hung || done == m_sessions) loop.quit();
    });
    watchdog.start(50);
    start();
    loop.exec();
    const bool finished = !hung;
    for (const Live &l : std::as_const(live))
        if (l.clock.elapsed() > kSessionBoundMs)
            failures << QStringLiteral("session %1 (%2) never ended")
                            .arg(l.session)
                            .arg(QLatin1String(faultName(planFor(m_seed, l.session).fault)));
    m_sessionsRun += done;
    qInfo("engine: %d sessions in %.1f s, %d ended TooLarge (compression expanding: %d, size "
          "claims: %d, compressed claims: %d)",
          done, double(wall.elapsed()) / 1000,
          int(std::accumulate(tooLarge.begin(), tooLarge.end(), 0)),
          tooLarge.value(int(Fault::CompressionExpands)), tooLarge.value(int(Fault::SizeClaim)),
          tooLarge.value(int(Fault::CompressedClaim)));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY(finished);
    QCOMPARE(done, m_sessions);
    // Size claims over the limit did come, and were refused by name.
    QVERIFY(tooLarge.value(int(Fault::SizeClaim)) + tooLarge.value(int(Fault::CompressedClaim)) >
                0 ||
            m_sessions < 200);
}

void TestHostile::cliSessions()
{
    const QString cli = QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope-cli");
    QVERIFY2(QFile::exists(cli), qPrintable(cli));
    const int total = qMax(1, m_sessions / 10);
    constexpr int kConcurrent = 8;
    struct Run
    {
        int session;
        std::unique_ptr<QProcess> process;
        QElapsedTimer clock;
    };
    std::vector<Run> running;
    QStringList failures;
    int next = 0;
    int done = 0;
    QHash<int, int> exitCodes;
    qint64 cliPeakRss = 0; // sampled while they run: /proc's VmHWM is the process's own
    QElapsedTimer wall;
    wall.start();
    // Sessions numbered after the engine's, so the faults differ.
    const int base = m_sessions;

    auto check = [&](Run &run) {
        QProcess &p = *run.process;
        const Plan plan = planFor(m_seed, run.session);
        m_faultsSeen.insert(int(plan.fault));
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        auto fail = [&](const QString &why) {
            if (failures.size() < 20)
                failures << QStringLiteral("qscope-cli session %1 (%2): %3\nstdout: %4\nstderr: %5")
                                .arg(run.session)
                                .arg(QLatin1String(faultName(plan.fault)), why,
                                     QString::fromUtf8(out.left(300)),
                                     QString::fromUtf8(err.left(300)));
        };
        if (p.exitStatus() != QProcess::NormalExit) {
            ++m_crashes;
            fail(QStringLiteral("crashed"));
            return;
        }
        const int code = p.exitCode();
        ++exitCodes[code];
        if (code != 0 && code != 2 && code != 3) fail(QStringLiteral("exit code %1").arg(code));
        if (code != 0 && err.trimmed().isEmpty()) fail(QStringLiteral("no reason on stderr"));
        if (answerIsWhole(plan.fault)) {
            const QByteArray want = formatConsole(answerFor(run.session), FormatOptions());
            if (code != 0 || out != want) fail(QStringLiteral("expected the answer"));
        }
        if (plan.fault == Fault::CompressionExpands &&
            (code != 3 || !err.contains("exceeds this connection's limit of 8 MB")))
            fail(QStringLiteral("expected the size-limit message"));
    };

    while (done < total) {
        while (int(running.size()) < kConcurrent && next < total) {
            Run run;
            run.session = base + next++;
            run.process = std::make_unique<QProcess>();
            run.process->start(cli, {QStringLiteral("query"), QStringLiteral("--timeout"),
                                     QString::number(kQueryTimeoutMs * 2),
                                     QStringLiteral("--max-size"), QStringLiteral("8M"),
                                     QStringLiteral("127.0.0.1:%1").arg(m_server->port()),
                                     QStringLiteral("s %1").arg(run.session)});
            run.clock.start();
            running.push_back(std::move(run));
        }
        // The server lives on this thread: wait by running its events, never by blocking.
        QEventLoop pass;
        QTimer::singleShot(5, &pass, &QEventLoop::quit);
        pass.exec();
        for (const Run &run : running)
            if (const qint64 pid = run.process->processId(); pid > 0)
                cliPeakRss = qMax(cliPeakRss, peakRssBytes(QString::number(pid)));
        for (auto it = running.begin(); it != running.end();) {
            if (it->process->state() == QProcess::NotRunning) {
                check(*it);
                ++done;
                it = running.erase(it);
            } else if (it->clock.elapsed() > kSessionBoundMs) {
                failures << QStringLiteral("qscope-cli session %1 (%2) hung")
                                .arg(it->session)
                                .arg(QLatin1String(faultName(planFor(m_seed, it->session).fault)));
                it->process->kill();
                it->process->waitForFinished(5000);
                ++done;
                it = running.erase(it);
            } else {
                ++it;
            }
        }
    }
    m_sessionsRun += done;
    qInfo("qscope-cli: %d sessions in %.1f s; exit 0: %d, 2: %d, 3: %d; largest peak RSS seen "
          "of a qscope-cli process %lld MB",
          done, double(wall.elapsed()) / 1000, exitCodes.value(0), exitCodes.value(2),
          exitCodes.value(3), cliPeakRss >> 20);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QCOMPARE(m_crashes, 0);
}

void TestHostile::cleanupTestCase()
{
    const qint64 rss = peakRssBytes();
    qInfo("hostile suite figures: sessions run %lld, distinct fault kinds %d of %d, crashes %d, "
          "peak RSS %lld MB (bound %lld MB), server connections %lld",
          m_sessionsRun, int(m_faultsSeen.size()), int(Fault::Count), m_crashes, rss >> 20,
          kRssBoundBytes >> 20, m_server ? m_server->connections : 0);
    QVERIFY(rss > 0);
    QVERIFY2(rss < kRssBoundBytes, qPrintable(QString::number(rss >> 20)));
    if (m_sessions >= 200) QCOMPARE(int(m_faultsSeen.size()), int(Fault::Count));
}

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
