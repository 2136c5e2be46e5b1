// EstateState (core/estate) against what a long watch and a hostile or broken process give it:
// a process that flaps for hours, and poll answers whose dicts are not what q makes.

#include "estate/estatestate.h"
#include "estateanswers.h"

#include <QTest>

using namespace qscope;
using qscope::test::Answer;
using qscope::test::answer;

class TstEstateHostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aFlappingProcessKeepsTheAlertLogBounded();
    void dictsWhoseKeysOutnumberTheirValuesAreRefused_data();
    void dictsWhoseKeysOutnumberTheirValuesAreRefused();
    void aProcessAnsweringAnErrorIsNotCalledUnreachable();
    void addressesARemoteProcessNamesForItselfAreOnItsHost();
};

void TstEstateHostile::aFlappingProcessKeepsTheAlertLogBounded()
{
    // A process restarting every few seconds for a day raises an "unreachable" alert each time
    // it goes: the log (which the view rewrites and the notifier indexes every round) must not
    // grow with it.
    EstateState s;
    const int i = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    qint64 t = 0;
    for (int n = 0; n < 5000; ++n) {
        t += 1000;
        s.applyPoll(i, answer({}), t);
        s.finishRound(t);
        t += 1000;
        s.applyFailure(i, QStringLiteral("connection refused"), t);
        s.finishRound(t);
        // what the round raised is still where raisedLastRound says
        for (int r : s.raisedLastRound()) {
            QVERIFY(r >= 0 && r < int(s.alerts().size()));
            QVERIFY(s.alerts()[size_t(r)].active());
            QCOMPARE(s.alerts()[size_t(r)].raisedMs, t);
        }
    }
    QVERIFY2(s.alerts().size() <= size_t(EstateState::kClearedAlertsKept) + 8,
             qPrintable(QStringLiteral("%1 alerts kept").arg(s.alerts().size())));
    // the newest stay: the one active now, and the last cleared before it
    QVERIFY(s.alerts().back().active());
    QCOMPARE(s.alerts().back().raisedMs, t);
    QVERIFY(s.activeAlertCount() >= 1);
    // oldest first still
    for (size_t k = 1; k < s.alerts().size(); ++k)
        QVERIFY(s.alerts()[k - 1].raisedMs <= s.alerts()[k].raisedMs);
}

void TstEstateHostile::dictsWhoseKeysOutnumberTheirValuesAreRefused_data()
{
    // q never sends such a dict, but the decoder takes one as it comes: the poll must not read
    // values past their end (a crash or garbage figures), and says what was wrong.
    QTest::addColumn<int>("item");
    QTest::addColumn<Value>("dict");
    const Value eightKeys =
        Value::symbols({"used", "heap", "peak", "wmax", "mmap", "mphy", "syms", "symw"});
    QTest::newRow(".Q.w[]") << 2
                            << Value::dict(eightKeys,
                                           Value::fromVector(Long, std::vector<int64_t>{1}));
    QTest::newRow(".u.w") << 4
                          << Value::dict(Value::symbols({"trade", "quote", "ohlc"}),
                                         Value::list({Value::list({})}));
    QTest::newRow("tables") << 9
                            << Value::dict(Value::symbols({"trade", "quote", "ohlc"}),
                                           Value::list({Value::longAtom(3)}));
    QTest::newRow(".z.W") << 3
                          << Value::dict(Value::fromVector(Int, std::vector<int32_t>{5, 6, 7}),
                                         Value::list({Value::longAtom(3)}));
}

void TstEstateHostile::dictsWhoseKeysOutnumberTheirValuesAreRefused()
{
    QFETCH(int, item);
    QFETCH(Value, dict);
    EstateState s;
    const int i = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const Value good = answer({});
    std::vector<Value> items;
    for (int64_t k = 0; k < good.count(); ++k)
        items.push_back(k == item ? dict : good.item(k));
    s.applyPoll(i, Value::list(std::move(items)), 1000);
    s.finishRound(1000);
    const EstateNode &n = s.nodes()[0];
    QVERIFY(!n.reachable);
    QVERIFY2(n.error.contains(QStringLiteral("keys")), qPrintable(n.error));
    QCOMPARE(n.heap, 0);
    QVERIFY(n.tableRows.isEmpty());
    QVERIFY(n.subscribers.isEmpty());
}

void TstEstateHostile::aProcessAnsweringAnErrorIsNotCalledUnreachable()
{
    // A real kdb+ process whose .z.pg refuses the poll ('access) is up: the alert, the report
    // and the node's text say it cannot be polled and what it answered, not that it is
    // unreachable. One that does not answer at all still is unreachable.
    EstateState s;
    const int up = s.addProcess(QStringLiteral("127.0.0.1:5000"));
    const int down = s.addProcess(QStringLiteral("127.0.0.1:5001"));
    NetError qerr;
    qerr.kind = NetError::QError;
    qerr.message = QStringLiteral("access");
    NetError refused;
    refused.kind = NetError::ConnectFailed;
    refused.message = QStringLiteral("connection refused");
    s.applyFailure(up, EstateState::pollErrorText(qerr), 1000, qerr.kind == NetError::QError);
    s.applyFailure(down, EstateState::pollErrorText(refused), 1000,
                   refused.kind == NetError::QError);
    s.finishRound(1000);
    QCOMPARE(s.alerts().size(), size_t(2));
    QCOMPARE(s.alerts()[0].text,
             QStringLiteral("127.0.0.1:5000 cannot be polled: it answered 'access"));
    QCOMPARE(s.alerts()[1].text, QStringLiteral("127.0.0.1:5001 unreachable: connection refused"));
    // a malformed answer is the process's answer too
    s.applyPoll(down, Value::list({Value::longAtom(1)}), 2000);
    s.finishRound(2000);
    QVERIFY(s.nodes()[1].answeredBadly);
    QVERIFY2(s.alerts()[1].text.startsWith(QStringLiteral("127.0.0.1:5001 cannot be polled: ")),
             qPrintable(s.alerts()[1].text));
    // answering properly again clears it
    s.applyPoll(up, answer({}), 3000);
    s.finishRound(3000);
    QVERIFY(!s.nodes()[0].answeredBadly);
    QVERIFY(!s.alerts()[0].active());
}

void TstEstateHostile::addressesARemoteProcessNamesForItselfAreOnItsHost()
{
    // r.q's default upstream is ":5010", and a subscriber on the tickerplant's machine is seen
    // there from 127.0.0.1: both name the answering process's machine, not this one.
    EstateState s;
    const int rdb = s.addProcess(QStringLiteral("10.1.2.3:5011"));
    const int tp = s.addProcess(QStringLiteral("10.1.2.3:5010"));
    Answer sub;
    sub.port = 5011;
    sub.upstream = ":5010";
    QStringList found = s.applyPoll(rdb, answer(sub), 1000);
    QCOMPARE(s.nodes()[size_t(rdb)].upstreamKey, QStringLiteral("10.1.2.3:5010"));
    QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char(' '))));
    Answer pub;
    pub.port = 5010;
    pub.subscribers = {7, 8};
    pub.peers = {{7, "127.0.0.1", 5011}, {8, "localhost", 5012}};
    found = s.applyPoll(tp, answer(pub), 1000);
    QCOMPARE(found, QStringList{QStringLiteral("10.1.2.3:5012")});
    // one watched on this machine keeps this machine
    EstateState local;
    const int here = local.addProcess(QStringLiteral("127.0.0.1:5011"));
    local.applyPoll(here, answer(sub), 1000);
    QCOMPARE(local.nodes()[size_t(here)].upstreamKey, QStringLiteral("127.0.0.1:5010"));
}

QTEST_GUILESS_MAIN(TstEstateHostile)
#include "tst_estatehostile.moc"
