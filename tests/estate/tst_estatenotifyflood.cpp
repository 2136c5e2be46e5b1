// Desktop notifications when many alerts come at once (ui/estate/estatenotifier.h): a network
// blip that makes 40 processes unreachable in one round is one notification naming the count and
// the first few, not 40 balloons; a round raising a few is still one per alert.

#include "estate/estatemodel.h"
#include "estate/estatenotifier.h"
#include "estateanswers.h"

#include <QtTest>

using namespace qscope;
using qscope::test::Answer;
using qscope::test::answer;

namespace {

struct FakeSink : NotificationSink
{
    QStringList summaries, bodies;
    void notify(const QString &summary, const QString &body) override
    {
        summaries << summary;
        bodies << body;
    }
};

} // namespace

class TstEstateNotifyFlood : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void manyAlertsInOneRoundAreOneNotification();
    void aFewAlertsAreOneEach();
};

void TstEstateNotifyFlood::manyAlertsInOneRoundAreOneNotification()
{
    EstateModel m;
    FakeSink sink;
    EstateNotifier n(&m, &sink);
    n.setEnabled(true);
    std::vector<int> ids;
    for (int p = 0; p < 40; ++p)
        ids.push_back(m.addProcess(QStringLiteral("127.0.0.1:%1").arg(6000 + p)));
    for (int i : ids)
        m.applyPoll(i, answer(Answer{}), 1000);
    m.finishRound(1000);
    QCOMPARE(sink.summaries.size(), 0);
    for (int i : ids)
        m.applyFailure(i, QStringLiteral("connection refused"), 2000);
    m.finishRound(2000);
    QCOMPARE(m.activeAlertCount(), 40);
    QCOMPARE(sink.summaries.size(), 1);
    QVERIFY2(sink.summaries[0].contains(QStringLiteral("40 alerts")),
             qPrintable(sink.summaries[0]));
    QVERIFY2(sink.bodies[0].contains(QStringLiteral("127.0.0.1:6000 unreachable")),
             qPrintable(sink.bodies[0]));
    QVERIFY2(sink.bodies[0].contains(QStringLiteral("and 35 more")), qPrintable(sink.bodies[0]));
}

void TstEstateNotifyFlood::aFewAlertsAreOneEach()
{
    EstateModel m;
    FakeSink sink;
    EstateNotifier n(&m, &sink);
    n.setEnabled(true);
    std::vector<int> ids;
    for (int p = 0; p < EstateNotifier::kOneEachUpTo; ++p)
        ids.push_back(m.addProcess(QStringLiteral("127.0.0.1:%1").arg(6000 + p)));
    for (int i : ids)
        m.applyFailure(i, QStringLiteral("connection refused"), 1000);
    m.finishRound(1000);
    QCOMPARE(sink.summaries.size(), EstateNotifier::kOneEachUpTo);
    QVERIFY(sink.bodies[0].startsWith(QStringLiteral("127.0.0.1:6000 unreachable")));
}

QTEST_MAIN(TstEstateNotifyFlood)
#include "tst_estatenotifyflood.moc"
