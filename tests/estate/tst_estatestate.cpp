// EstateState (core/estate) from answers made here, at times chosen here: the rules that need
// a figure no plant can be made to show on demand (a -w limit), the exact counts of the
// reconnect and log-behind rules, the history rings and the alerts a round raises.

#include "estate/estatehistory.h"
#include "estate/estatestate.h"
#include "estateanswers.h"

#include <QTest>

using namespace qscope;
using qscope::test::Answer;
using qscope::test::answer;

namespace {

bool active(const EstateState &s, EstateAlert::Kind kind, const QString &node)
{
    for (const EstateAlert &a : s.alerts())
        if (a.active() && a.kind == kind && a.node == node) return true;
    return false;
}

} // namespace

class TstEstateState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void memoryOverTheWLimitOrPhysicalMemory();
    void reconnectLoopCountsComebacksInTheWindow();
    void logBehindIsMeasuredFromInStep();
    void raisedLastRoundNamesNewAlertsOnce();
    void agentPeersNameSubscribersKnownOnlyByHandle_data();
    void agentPeersNameSubscribersKnownOnlyByHandle();
    void historyKeepsOneSamplePerRoundAndWraps();
    void seriesRingWrapsAtItsCapacity();
};

void TstEstateState::memoryOverTheWLimitOrPhysicalMemory()
{
    // code.kx.com/q/basics/syscmds/#w-workspace: .Q.w[] wmax is the -w limit (0 without one),
    // mphy the machine's physical memory.
    EstateState s;
    const int a = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const int b = s.addProcess(QStringLiteral("127.0.0.1:5001"));
    Answer withLimit; // 900 MB of a 1,000 MB -w limit: 90 %
    withLimit.heap = qint64(900) << 20;
    withLimit.wmax = qint64(1000) << 20;
    Answer without; // 900 MB of 16 GB physical: 5.5 %
    without.port = 5001;
    without.heap = qint64(900) << 20;
    qint64 t = 1000;
    s.applyPoll(a, answer(withLimit), t);
    s.applyPoll(b, answer(without), t);
    s.finishRound(t);
    QVERIFY(active(s, EstateAlert::Memory, QStringLiteral("127.0.0.1:5000")));
    QVERIFY(!active(s, EstateAlert::Memory, QStringLiteral("127.0.0.1:5001")));
    QVERIFY(s.alerts().front().text.contains(QStringLiteral("-w limit")));
    // Under the share again: cleared, and kept in the log.
    withLimit.heap = qint64(700) << 20;
    t += 1000;
    s.applyPoll(a, answer(withLimit), t);
    s.applyPoll(b, answer(without), t);
    s.finishRound(t);
    QVERIFY(!active(s, EstateAlert::Memory, QStringLiteral("127.0.0.1:5000")));
    QCOMPARE(s.alerts().front().clearedMs, t);
    // The share is a rule: at 5 % the one without a limit is over its physical memory share.
    EstateRules r;
    r.memoryPercent = 5;
    s.setRules(r);
    t += 1000;
    s.applyPoll(a, answer(withLimit), t);
    s.applyPoll(b, answer(without), t);
    s.finishRound(t);
    QVERIFY(active(s, EstateAlert::Memory, QStringLiteral("127.0.0.1:5001")));
    QVERIFY(s.alerts().back().text.contains(QStringLiteral("physical memory")));
}

void TstEstateState::reconnectLoopCountsComebacksInTheWindow()
{
    EstateState s;
    EstateRules r;
    r.reconnects = 2;
    r.reconnectWindowSeconds = 10;
    s.setRules(r);
    const int i = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const QString k = QStringLiteral("127.0.0.1:5000");
    qint64 t = 0;
    s.applyPoll(i, answer({}), t);
    s.finishRound(t);
    // Down and back three times within 10 s: more than 2.
    for (int n = 1; n <= 3; ++n) {
        t += 1000;
        s.applyFailure(i, QStringLiteral("connection refused"), t);
        s.finishRound(t);
        t += 1000;
        s.applyPoll(i, answer({}), t);
        s.finishRound(t);
        QCOMPARE(active(s, EstateAlert::Reconnects, k), n == 3);
    }
    QCOMPARE(s.nodes()[0].comebacks, 3);
    // While it stays up, the window slides past the first comeback (at 2 s): cleared.
    t = 12500;
    s.applyPoll(i, answer({}), t);
    s.finishRound(t);
    QVERIFY(!active(s, EstateAlert::Reconnects, k));
}

void TstEstateState::logBehindIsMeasuredFromInStep()
{
    EstateState s;
    EstateRules r;
    r.logBehindMessages = 50;
    s.setRules(r);
    const int tp = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const int ctp = s.addProcess(QStringLiteral("127.0.0.1:5001"));
    Answer pub;
    pub.subscribers = {7};
    Answer sub;
    sub.port = 5001;
    sub.upstream = ":127.0.0.1:5000";
    sub.wh = 7;
    qint64 t = 0;
    auto round = [&](qint64 pubPos, qint64 subPos) {
        t += 1000;
        pub.logPosition = pubPos;
        sub.logPosition = subPos;
        s.applyPoll(tp, answer(pub), t);
        s.applyPoll(ctp, answer(sub), t);
        s.finishRound(t);
    };
    const QString k = QStringLiteral("127.0.0.1:5001");
    // It subscribed when the tickerplant was at 1,000: in step at a gap of 1,000.
    round(1000, 0);
    round(1100, 100);
    QVERIFY(!active(s, EstateAlert::LogBehind, k));
    QCOMPARE(s.edges().size(), size_t(1));
    round(1200, 150); // 50 behind in-step: not over 50
    QVERIFY(!active(s, EstateAlert::LogBehind, k));
    round(1300, 160); // 140 behind
    QVERIFY(active(s, EstateAlert::LogBehind, k));
    QVERIFY(s.alerts().back().text.contains(QStringLiteral("140 messages behind")));
    round(1400, 400); // caught up
    QVERIFY(!active(s, EstateAlert::LogBehind, k));
}

void TstEstateState::raisedLastRoundNamesNewAlertsOnce()
{
    EstateState s;
    const int i = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    s.applyPoll(i, answer({}), 0);
    s.finishRound(0);
    QVERIFY(s.raisedLastRound().empty());
    s.applyFailure(i, QStringLiteral("connection refused"), 1000);
    s.finishRound(1000);
    QCOMPARE(s.raisedLastRound().size(), size_t(1));
    QCOMPARE(s.alerts()[size_t(s.raisedLastRound()[0])].kind, EstateAlert::Unreachable);
    s.applyFailure(i, QStringLiteral("connection refused"), 2000);
    s.finishRound(2000); // still down: the same alert, not raised again
    QVERIFY(s.raisedLastRound().empty());
    QCOMPARE(s.activeAlertCount(), 1);
}

void TstEstateState::agentPeersNameSubscribersKnownOnlyByHandle_data()
{
    QTest::addColumn<bool>("keyed");
    QTest::newRow("([] handle; host; port)") << false;
    QTest::newRow("([handle] host; port)") << true;
}

void TstEstateState::agentPeersNameSubscribersKnownOnlyByHandle()
{
    // A tickerplant with the qscope agent lists its subscribers' addresses in .qscope.peers;
    // kdb-tick's r.q subscriber keeps no .u.wh. Handle 7 is the RDB at localhost:5001; handle 9
    // is not listed (it stays "handle 9").
    QFETCH(bool, keyed);
    EstateState s;
    const int tp = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    Answer pub;
    pub.subscribers = {7, 9};
    pub.peers = {{7, "localhost", 5001}};
    pub.keyedPeers = keyed;
    pub.logPosition = 10;
    const QStringList found = s.applyPoll(tp, answer(pub), 1000);
    QCOMPARE(found, QStringList{QStringLiteral("127.0.0.1:5001")}); // discovered from the tp
    const int rdb = s.addProcess(found[0]);
    Answer sub;
    sub.port = 5001;
    sub.upstream = ":127.0.0.1:5000"; // no wh
    s.applyPoll(rdb, answer(sub), 1000);
    s.finishRound(1000);
    QCOMPARE(s.nodes()[size_t(rdb)].handleOnUpstream, 7);
    QVERIFY(s.nodes()[size_t(rdb)].handleFromPeers);
    QCOMPARE(int(s.nodes().size()), 3); // tp, the rdb, and handle 9 by handle
    QVERIFY(s.indexOf(QStringLiteral("127.0.0.1:5000#9")) >= 0);
    QVERIFY(s.indexOf(QStringLiteral("127.0.0.1:5000#7")) < 0);
    bool named = false;
    for (const EstateEdge &e : s.edges())
        if (e.to == QStringLiteral("127.0.0.1:5001")) {
            named = true;
            QCOMPARE(e.handle, 7);
            QCOMPARE(e.tables, QStringList{QStringLiteral("trade")}); // the publisher's .u.w
        }
    QVERIFY(named);
    // Next round the same (the poll does not forget it between rounds).
    s.applyPoll(tp, answer(pub), 2000);
    s.applyPoll(rdb, answer(sub), 2000);
    s.finishRound(2000);
    QCOMPARE(s.nodes()[size_t(rdb)].handleOnUpstream, 7);
    QCOMPARE(int(s.nodes().size()), 3);
    // A process without the agent answers as before: no peers, nothing named.
    EstateState plain;
    const int p2 = plain.addProcess(QStringLiteral("127.0.0.1:5000"));
    Answer bare = pub;
    bare.peers.clear();
    QVERIFY(plain.applyPoll(p2, answer(bare), 1000).isEmpty());
    plain.finishRound(1000);
    QCOMPARE(int(plain.nodes().size()), 3); // two by handle
}

void TstEstateState::historyKeepsOneSamplePerRoundAndWraps()
{
    EstateState s;
    const int tp = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const int rdb = s.addProcess(QStringLiteral("127.0.0.1:5001"));
    Answer pub;
    pub.subscribers = {7};
    Answer sub;
    sub.port = 5001;
    sub.upstream = ":127.0.0.1:5000";
    sub.wh = 7;
    const int rounds = 25;
    for (int n = 0; n < rounds; ++n) {
        pub.logPosition = n * 10; // 10 upd per 1 s round
        s.applyPoll(tp, answer(pub), n * 1000);
        s.applyPoll(rdb, answer(sub), n * 1000);
        s.finishRound(n * 1000);
    }
    const EstateSeries *h = s.nodeHistory(QStringLiteral("127.0.0.1:5000"));
    QVERIFY(h);
    QCOMPARE(h->size(), rounds);
    QCOMPARE(h->timeAt(0), 0);
    QCOMPARE(h->timeAt(rounds - 1), qint64(rounds - 1) * 1000);
    const int logPos = int(h->names().indexOf(QStringLiteral("log position")));
    const int in = int(h->names().indexOf(QStringLiteral("msgs in/s")));
    QVERIFY(logPos >= 0 && in >= 0);
    QCOMPARE(h->valueAt(logPos, rounds - 1), 240.0);
    QCOMPARE(h->valueAt(in, rounds - 1), 10.0);
    const EstateSeries *e = s.edgeHistory(s.edges().at(0).key());
    QVERIFY(e);
    QCOMPARE(e->size(), rounds);
    QCOMPARE(e->valueAt(0, rounds - 1), 10.0); // msgs/s on the edge
    QVERIFY(!s.nodeHistory(QStringLiteral("127.0.0.1:9")));
}

void TstEstateState::seriesRingWrapsAtItsCapacity()
{
    EstateSeries ring({QStringLiteral("a"), QStringLiteral("b")}, 4);
    for (int i = 0; i < 3; ++i)
        ring.append(i, {double(i), double(-i)});
    QCOMPARE(ring.size(), 3);
    QCOMPARE(ring.values(0), (std::vector<double>{0, 1, 2}));
    for (int i = 3; i < 10; ++i)
        ring.append(i, {double(i)}); // b missing: 0
    QCOMPARE(ring.size(), 4);
    QCOMPARE(ring.capacity(), 4);
    QCOMPARE(ring.values(0), (std::vector<double>{6, 7, 8, 9}));
    QCOMPARE(ring.values(1), (std::vector<double>{0, 0, 0, 0}));
    QCOMPARE(ring.timeAt(0), 6);
    QCOMPARE(ring.timeAt(3), 9);
    QCOMPARE(EstateSeries().capacity(), EstateSeries::kCapacity);
}

QTEST_GUILESS_MAIN(TstEstateState)
#include "tst_estatestate.moc"
