// FramesView over the engine's frame tap against an in-process DemoServer: the table, hex view,
// decoded tree and export of the selected frames.

#include "demo/demoserver.h"
#include "monitor/feedlog.h"
#include "monitor/framesmodel.h"
#include "monitor/framesview.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace qscope;

class TstFramesView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tapQueryAndInspect();
};

void TstFramesView::tapQueryAndInspect()
{
    DemoOptions d;
    d.port = 0;
    d.unixSocket = false;
    d.feed = false;
    DemoServer server;
    QString err;
    QVERIFY2(server.start(d, &err), qPrintable(err));
    ConnectionManager manager(1);
    ConnectionOptions o;
    o.name = QStringLiteral("demo");
    o.address.host = QStringLiteral("127.0.0.1");
    o.address.port = server.port();
    o.tapFrames = true;
    const ConnectionId id = manager.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(manager.state(id), ConnectionState::Open, 10000);

    FramesView view(&manager);
    view.resize(1100, 700);
    view.show();
    QAbstractItemModelTester tester(view.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setConnection(id);
    QSignalSpy results(&manager, &ConnectionManager::resultReady);
    manager.query(id, "1 2 3");
    manager.query(id, "`a`b!(1;\"xyz\")");
    QTRY_COMPARE_WITH_TIMEOUT(results.count(), 2, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() >= 4, 5000);

    int out = -1, in = -1;
    for (int r = 0; r < view.model()->rowCount(); ++r) {
        const FrameRecord &f = view.model()->at(r);
        if (!f.incoming && f.messageType == 1 && out < 0) out = r;
        if (f.incoming && f.messageType == 2 && in < 0) in = r;
    }
    QVERIFY(out >= 0 && in >= 0);
    const FrameRecord &resp = view.model()->at(in);
    QVERIFY(resp.roundTripNs >= 0);
    QCOMPARE(resp.wireBytes, qint64(resp.raw.size()));
    QVERIFY(
        !view.model()->data(view.model()->index(in, FramesModel::RoundTrip)).toString().isEmpty());

    view.showFrame(in);
    // Little-endian response header: 01 02 00 00 then the size.
    QVERIFY2(view.hexText().startsWith(QStringLiteral("00000000  01 02 00 00")),
             qPrintable(view.hexText().left(80)));
    QCOMPARE(view.tree()->topLevelItemCount(), 1);
    QVERIFY2(view.tree()->topLevelItem(0)->text(0).contains(QStringLiteral("long vector")),
             qPrintable(view.tree()->topLevelItem(0)->text(0)));
    QCOMPARE(view.tree()->topLevelItem(0)->childCount(), 3);
    QCOMPARE(view.tree()->topLevelItem(0)->child(2)->text(1), QStringLiteral("3"));

    view.showFrame(out);
    QVERIFY(view.hexText().startsWith(QStringLiteral("00000000  01 01 00 00")));
    QVERIFY2(view.tree()->topLevelItem(0)->text(1).contains(QStringLiteral("1 2 3")),
             qPrintable(view.tree()->topLevelItem(0)->text(1)));

    const QString dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/screenshots");
    QDir().mkpath(dir);
    view.table()->selectRow(in);
    QTest::qWait(100);
    QVERIFY(view.grab().save(dir + QStringLiteral("/framesview.png")));

    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("frames.qsfeed"));
    QVERIFY2(view.exportFrames({out, in}, path, &err), qPrintable(err));
    FeedLogReader r;
    QVERIFY2(r.open(path, &err), qPrintable(err));
    auto first = r.next();
    QVERIFY(first.has_value());
    QCOMPARE(first->type(), int(Char)); // the query text "1 2 3"
    auto second = r.next();
    QVERIFY(second.has_value());
    QCOMPARE(second->type(), int(Long));
    QCOMPARE(second->count(), 3);
    QVERIFY(view.exportFrames({out}, tmp.filePath(QStringLiteral("f.txt")), &err));
    QVERIFY(!view.exportFrames({}, tmp.filePath(QStringLiteral("none.qsfeed")), &err));

    // Tap off: no new frames.
    view.setTapping(false);
    const int n = view.model()->rowCount();
    manager.query(id, "42");
    QTRY_COMPARE_WITH_TIMEOUT(results.count(), 3, 5000);
    QTest::qWait(400);
    QCOMPARE(view.model()->rowCount(), n);
}

QTEST_MAIN(TstFramesView)
#include "tst_framesview.moc"
