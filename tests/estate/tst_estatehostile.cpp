// EstateState (core/estate) against what a long watch and a hostile or broken process give it:
// poll answers whose dicts are not what q makes.

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
    void dictsWhoseKeysOutnumberTheirValuesAreRefused_data();
    void dictsWhoseKeysOutnumberTheirValuesAreRefused();
};

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

QTEST_GUILESS_MAIN(TstEstateHostile)
#include "tst_estatehostile.moc"
