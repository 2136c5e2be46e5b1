// The tplog reader's index published while it is built (#18), at the edges of what a log holds:
// a log of few, big messages (bulk upd of whole tables) must show its first rows while the scan
// goes on, as one of many small messages does.

#include "tplog/tplogreader.h"
#include "tplogtestutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <thread>

using namespace qscope;

class TstTpLogEdge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bigMessagesArePublishedBeforeTheEnd();
};

void TstTpLogEdge::bigMessagesArePublishedBeforeTheEnd()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bulk"));
    // some 300 messages of 5,000 rows (about 150 KB each): far fewer than 1,024
    const int64_t n = test::writeTradeLog(path, int64_t(48) << 20, 5000);
    QVERIFY(n > 100 && n < 1024);
    tplog::TpLogReader r;
    QString err;
    QVERIFY2(r.open(path, &err), qPrintable(err));
    int early = 0;
    int64_t firstCount = 0, firstDone = 0;
    const tplog::LogSummary s = r.index(
        // a slow disk: each 16 MB takes past the 50 ms the first batch waits for at most
        [](int64_t, int64_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
            return true;
        },
        [&](const tplog::IndexProgress &p) {
            if (!p.done && early++ == 0) {
                firstCount = p.chunks;
                firstDone = p.bytesDone;
            }
            return true;
        });
    QVERIFY(s.isValid());
    QCOMPARE(r.chunkCount(), n);
    QVERIFY2(early > 0, "nothing was published before the scan ended");
    QVERIFY(firstCount > 0 && firstCount < n);
    // the first batch came soon after the first 16 MB, not at the end of the file
    QVERIFY2(firstDone < (int64_t(20) << 20), qPrintable(QString::number(firstDone)));
}

QTEST_GUILESS_MAIN(TstTpLogEdge)
#include "tst_tplogedge.moc"
