// FramesView over the engine's frame tap against an in-process DemoServer: the table, hex view,
// decoded tree and export of the selected frames.

#include "demo/demoserver.h"
#include "monitor/feedlog.h"
#include "monitor/framesmodel.h"
#include "monitor/framesview.h"
#include "net/frametap.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
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
    void budgetEvictsOldestBytes();
    void snapshotSinceOnlyNew();
    void benchSnapshotCopy();
};

namespace {
detail::FrameTap &fill(detail::FrameTap &tap, int frames, int bytesEach)
{
    tap.setEnabled(true);
    for (int i = 0; i < frames; ++i) {
        FrameRecord r;
        r.wireBytes = bytesEach;
        tap.add(r, QByteArray(bytesEach, char('a' + i % 26)));
    }
    return tap;
}
} // namespace

void TstFramesView::budgetEvictsOldestBytes()
{
    detail::FrameTap tap;
    tap.setBudget(1000);
    fill(tap, 10, 300); // 3,000 bytes through a 1,000-byte budget
    QList<FrameRecord> f = tap.snapshot();
    QCOMPARE(f.size(), 10); // every record kept
    for (int i = 0; i < 7; ++i)
        QVERIFY2(f[i].raw.isEmpty(), qPrintable(QString::number(i)));
    for (int i = 7; i < 10; ++i) {
        QCOMPARE(f[i].raw.size(), 300);
        QCOMPARE(f[i].raw.at(0), char('a' + i));
    }
    QCOMPARE(tap.rawBytes(), qint64(900));

    // A frame over the whole budget keeps no bytes and takes none from the others.
    FrameRecord big;
    tap.add(big, QByteArray(5000, 'z'));
    f = tap.snapshot();
    QVERIFY(f.last().raw.isEmpty());
    QCOMPARE(f[9].raw.size(), 300);
    QCOMPARE(tap.rawBytes(), qint64(900));

    // The next frame after it still gets its bytes; the oldest holder gives its up.
    tap.add(FrameRecord{}, QByteArray(300, 'n'));
    f = tap.snapshot();
    QCOMPARE(f.last().raw, QByteArray(300, 'n'));
    QVERIFY(f[7].raw.isEmpty());
    QCOMPARE(f[8].raw.size(), 300);
    QCOMPARE(tap.rawBytes(), qint64(900));
}

void TstFramesView::snapshotSinceOnlyNew()
{
    detail::FrameTap tap;
    fill(tap, 10, 8);
    const QList<FrameRecord> all = tap.snapshotSince(0);
    QCOMPARE(all.size(), 10);
    QCOMPARE(all.first().seq, quint64(1));
    const QList<FrameRecord> tail = tap.snapshotSince(7);
    QCOMPARE(tail.size(), 3);
    QCOMPARE(tail[0].seq, quint64(8));
    QCOMPARE(tail[2].seq, quint64(10));
    QVERIFY(tap.snapshotSince(10).isEmpty());
    const QList<FrameRecord> capped = tap.snapshotSince(0, 2);
    QCOMPARE(capped.size(), 2);
    QCOMPARE(capped[0].seq, quint64(9));

    // The model asks for what follows its last row and adds exactly those.
    FramesModel model;
    model.update(tap.snapshotSince(model.lastSeq(), model.limit()));
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.lastSeq(), quint64(10));
    fill(tap, 5, 8);
    const QList<FrameRecord> fresh = tap.snapshotSince(model.lastSeq(), model.limit());
    QCOMPARE(fresh.size(), 5);
    model.update(fresh);
    QCOMPARE(model.rowCount(), 15);
    QCOMPARE(model.at(14).seq, quint64(15));
    // Clear: the rows go, and the tap's older frames do not come back, only newer ones.
    model.clearShown();
    model.update(tap.snapshotSince(model.lastSeq(), model.limit()));
    QCOMPARE(model.rowCount(), 0);
    fill(tap, 2, 8);
    model.update(tap.snapshotSince(model.lastSeq(), model.limit()));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.at(0).seq, quint64(16));
}

// The copy a refresh makes under the tap's mutex with the tap full (100,000 records) and 100 new
// frames since the last refresh: the old full snapshot against the incremental one.
void TstFramesView::benchSnapshotCopy()
{
    detail::FrameTap tap;
    fill(tap, detail::FrameTap::kMaxRecords, 64);
    constexpr int kRounds = 20;
    qint64 fullNs = 0, sinceNs = 0;
    qsizetype fullRows = 0, sinceRows = 0;
    for (int round = 0; round < kRounds; ++round) {
        fill(tap, 100, 64);
        const quint64 seen = tap.snapshotSince(0, 1).first().seq - 100;
        QElapsedTimer t;
        t.start();
        const QList<FrameRecord> full = tap.snapshot();
        fullNs += t.nsecsElapsed();
        t.restart();
        const QList<FrameRecord> since = tap.snapshotSince(seen);
        sinceNs += t.nsecsElapsed();
        fullRows = full.size();
        sinceRows = since.size();
    }
    QCOMPARE(fullRows, qsizetype(detail::FrameTap::kMaxRecords));
    QCOMPARE(sinceRows, qsizetype(100));
    qInfo("frames refresh copy with %d records: full snapshot %.3f ms (%lld rows), "
          "snapshotSince %.4f ms (%lld rows), mean of %d",
          detail::FrameTap::kMaxRecords, double(fullNs) / kRounds / 1e6, qlonglong(fullRows),
          double(sinceNs) / kRounds / 1e6, qlonglong(sinceRows), kRounds);
}

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
