// The monitor's models from values built in the test: ring buffer, filter, per-sym stats,
// recording and replay files, server handles, own handles, frames.

#include "monitor/activitymodel.h"
#include "monitor/feedcsvwriter.h"
#include "monitor/feedfilter.h"
#include "monitor/feedlog.h"
#include "monitor/feedpane.h"
#include "monitor/feedringmodel.h"
#include "monitor/framesmodel.h"
#include "monitor/framesview.h"
#include "monitor/handlesagent.h"
#include "monitor/ownhandlesmodel.h"
#include "monitor/serverhandlesmodel.h"
#include "monitor/symstats.h"
#include "monitor/symstatsmodels.h"
#include "monitortestdata.h"
#include "protocol/codec.h"
#include "protocol/tableconcat.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidgetItem>

using namespace qscope;
using namespace qscope::test;

class TstFeedModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ringAppendsInOneInsertPerTick();
    void ringDropsOldestAndCounts();
    void ringBatchBiggerThanCapacity();
    void ringNewestOnTop();
    void ringFilterSymAndCondition();
    void ringMarkers();
    void concatJoinsTypedColumns();
    void ringJoinsSmallAppends();
    void paneJoinsBatchesAndRecordsAtIngest();
    void filterErrors();
    void symStatsAggregates();
    void symStatsModels();
    void feedLogRoundTripAndCorruption();
    void csvQuoting();
    void writersReportALostTail();
    void serverHandlesFromQValues();
    void serverHandlesAgentRows();
    void ownHandlesFollowRegistry();
    void ownersAndActivity();
    void framesModelAndViewHelpers();
    void agentCodeChainsHandlers();
};

void TstFeedModels::ringAppendsInOneInsertPerTick()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserts(&m, &QAbstractItemModel::rowsInserted);
    m.appendTables({tradeRows(3), tradeRows(4, 3), tradeRows(5, 7)});
    QCOMPARE(inserts.count(), 1);
    QCOMPARE(m.rowCount(), 12);
    QCOMPARE(m.columnCount(), 4);
    QCOMPARE(m.headerData(2, Qt::Horizontal).toString(), QStringLiteral("price"));
    QCOMPARE(m.data(m.index(0, 1)).toString(), QStringLiteral("AAPL"));
    QCOMPARE(m.data(m.index(11, 2)).toString(), QStringLiteral("111"));
    QCOMPARE(m.data(m.index(11, 3)).toString(), QStringLiteral("50")); // 10*(11%7+1)
    QCOMPARE(m.receivedRows(), 12);
    QCOMPARE(m.droppedRows(), 0);
}

void TstFeedModels::ringDropsOldestAndCounts()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCapacity(10);
    QSignalSpy removes(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserts(&m, &QAbstractItemModel::rowsInserted);
    for (int tick = 0; tick < 5; ++tick)
        m.appendTables({tradeRows(3, tick * 3)});
    QCOMPARE(m.rowCount(), 10);
    QCOMPARE(m.retainedRows(), 10);
    QCOMPARE(m.droppedRows(), 5);
    QCOMPARE(inserts.count(), 5);
    QCOMPARE(removes.count(), 2); // ticks 4 and 5 pushed rows out
    // The oldest kept row is row 5 of the stream (price 105), the newest 114.
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("105"));
    QCOMPARE(m.data(m.index(9, 2)).toString(), QStringLiteral("114"));
    Value t;
    int64_t r = -1;
    QVERIFY(m.rowSource(0, &t, &r));
    // The row in the table that holds it (small ticks are joined into one table as they come).
    QVERIFY(t.isTable() && r >= 0 && r < t.count());
    QCOMPARE(t.columns().item(2).at<double>(r), 105.0);
    m.setCapacity(4);
    QCOMPARE(m.rowCount(), 4);
    QCOMPARE(m.droppedRows(), 11);
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("111"));
}

void TstFeedModels::ringBatchBiggerThanCapacity()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCapacity(5);
    m.appendTables({tradeRows(3)});
    m.appendTables({tradeRows(8, 3), tradeRows(4, 11)});
    QCOMPARE(m.rowCount(), 5);
    QCOMPARE(m.droppedRows(), 10);
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("110"));
    QCOMPARE(m.data(m.index(4, 2)).toString(), QStringLiteral("114"));
}

void TstFeedModels::ringNewestOnTop()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setNewestOnTop(true);
    m.setCapacity(6);
    QSignalSpy inserts(&m, &QAbstractItemModel::rowsInserted);
    m.appendTables({tradeRows(4)});
    m.appendTables({tradeRows(4, 4)});
    QCOMPARE(inserts.last().at(1).toInt(), 0); // inserted at the top
    QCOMPARE(m.rowCount(), 6);
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("107"));
    QCOMPARE(m.data(m.index(5, 2)).toString(), QStringLiteral("102"));
    m.setNewestOnTop(false);
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("102"));
}

void TstFeedModels::ringFilterSymAndCondition()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.appendTables({tradeRows(30)});
    FeedFilter f;
    QString err;
    QVERIFY2(f.parse(QStringLiteral("`MSFT"), &err), qPrintable(err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 10);
    for (int r = 0; r < m.rowCount(); ++r)
        QCOMPARE(m.data(m.index(r, 1)).toString(), QStringLiteral("MSFT"));
    // New rows go through the filter as they arrive.
    m.appendTables({tradeRows(6, 30)});
    QCOMPARE(m.rowCount(), 12);
    QVERIFY2(f.parse(QStringLiteral("price > 120.5"), &err), qPrintable(err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 15); // 121..135
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("121"));
    QVERIFY(f.parse(QStringLiteral("size>=60"), &err));
    m.setFilter(f);
    for (int r = 0; r < m.rowCount(); ++r)
        QVERIFY(m.data(m.index(r, 3)).toString().toInt() >= 60);
    QVERIFY(m.rowCount() > 0);
    QVERIFY(f.parse(QStringLiteral("sym in `AAPL`IBM"), &err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 24);
    QVERIFY(f.parse(QStringLiteral("nosuchcol = 1"), &err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(f.parse(QString(), &err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 36);
}

void TstFeedModels::ringMarkers()
{
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.appendTables({tradeRows(2)});
    m.appendMarker(FeedRingModel::EndOfDayMarker, QStringLiteral("end of day 2026.11.23"));
    m.appendTables({tradeRows(2, 2)});
    m.appendMarker(FeedRingModel::GapMarker, QStringLiteral("gap"));
    QCOMPARE(m.rowCount(), 6);
    QCOMPARE(m.rowKind(2), FeedRingModel::EndOfDayMarker);
    QCOMPARE(m.data(m.index(2, 0)).toString(), QStringLiteral("end of day 2026.11.23"));
    QCOMPARE(m.data(m.index(2, 0), FeedRingModel::RowKindRole).toInt(),
             int(FeedRingModel::EndOfDayMarker));
    QVERIFY(m.data(m.index(2, 1)).isNull());
    QCOMPARE(m.rowKind(3), FeedRingModel::DataRow); // rows after end of day are still shown
    QCOMPARE(m.rowKind(5), FeedRingModel::GapMarker);
    // A filter keeps markers.
    FeedFilter f;
    QString err;
    QVERIFY(f.parse(QStringLiteral("`IBM"), &err));
    m.setFilter(f);
    QCOMPARE(m.rowCount(), 3); // one IBM row (index 2 of the stream) + 2 markers
}

namespace {

/// A table as the engine hands it: decoded from a message, its vectors viewing that message and
/// its symbols in a pool of its own.
Value decoded(const Value &v)
{
    const Decoded d = decodeMessage(encodeMessage(v));
    return d.ok() ? d.value : Value();
}

} // namespace

void TstFeedModels::concatJoinsTypedColumns()
{
    std::vector<Value> rows;
    for (int i = 0; i < 7; ++i)
        rows.push_back(decoded(tradeRows(1, i)));
    QVERIFY(rows.back().isTable());
    const Value joined = detail::concatTables(rows);
    QVERIFY(joined.isTable());
    QVERIFY(joined == tradeRows(7));
    // One pool of the distinct syms, not one per message.
    QCOMPARE(joined.columns().item(1).symbolPool()->strings.size(), size_t(3));
    // Row ranges: rows 3.. of one table, then row 0 of the next.
    const detail::TableRows parts[] = {{tradeRows(5), 3, -1}, {tradeRows(2, 5), 0, 1}};
    QVERIFY(detail::concatRows(parts) == tradeRows(3, 3));
    // A string column (a general list of char vectors) joins too, its strings copied.
    auto notes = [](const char *sym, const char *note) {
        return decoded(
            Value::table(Value::symbols({"sym", "note"}),
                         Value::list({Value::symbols({sym}), Value::list({Value::string(note)})})));
    };
    const Value two[] = {notes("A", "a,b"), notes("B", "")};
    const Value n = detail::concatTables(two);
    QVERIFY(n.isTable());
    QCOMPARE(n.count(), 2);
    QCOMPARE(n.columns().item(1).item(0).count(), 3);
    QCOMPARE(n.columns().item(0).symAt(1), QByteArray("B"));
    // Different layouts do not join; coalescing keeps the order and joins each run.
    const Value mixed[] = {tradeRows(2), quoteTable(2)};
    QVERIFY(detail::concatTables(mixed).isGenericNull());
    const std::vector<Value> runs = detail::coalesceTables(
        {tradeRows(2), tradeRows(3, 2), quoteTable(2), tradeRows(1, 5), tradeRows(1, 6)});
    QCOMPARE(runs.size(), size_t(3));
    QVERIFY(runs[0] == tradeRows(5));
    QCOMPARE(runs[1].count(), 2);
    QVERIFY(runs[2] == tradeRows(2, 5));
    QVERIFY(detail::concatTables({}).isGenericNull());
}

void TstFeedModels::ringJoinsSmallAppends()
{
    // One single-row message per tick for a long time: the ring keeps rows, not messages.
    FeedRingModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCapacity(500);
    for (int i = 0; i < 1500; ++i)
        m.appendTables({decoded(tradeRows(1, i))});
    QCOMPARE(m.rowCount(), 500);
    QCOMPARE(m.droppedRows(), 1000);
    QCOMPARE(m.receivedRows(), 1500);
    QVERIFY2(m.segmentCount() < 30, qPrintable(QString::number(m.segmentCount())));
    for (int r = 0; r < m.rowCount(); ++r)
        QCOMPARE(m.data(m.index(r, 2)).toString(), QString::number(1100 + r));
    m.setNewestOnTop(true);
    m.appendTables({decoded(tradeRows(1, 1500))});
    QCOMPARE(m.data(m.index(0, 2)).toString(), QStringLiteral("1600"));
    QCOMPARE(m.data(m.index(499, 2)).toString(), QStringLiteral("1101"));
    m.setNewestOnTop(false);

    // Joining under a filter keeps exactly the matching rows, in order, as they trim.
    FeedFilter f;
    QString err;
    QVERIFY(f.parse(QStringLiteral("`MSFT"), &err));
    m.setFilter(f);
    m.setCapacity(90);
    for (int i = 1501; i < 1801; ++i)
        m.appendTables({decoded(tradeRows(1, i))});
    QCOMPARE(m.rowCount(), 30); // the last 90 rows of the stream, every third one MSFT
    for (int r = 0; r < m.rowCount(); ++r) {
        QCOMPARE(m.data(m.index(r, 1)).toString(), QStringLiteral("MSFT"));
        QCOMPARE(m.data(m.index(r, 2)).toString(), QString::number(100 + 1711 + 3 * r));
    }
    // A marker ends the run being joined; rows after it are still shown below it.
    m.appendMarker(FeedRingModel::GapMarker, QStringLiteral("gap"));
    m.appendTables({decoded(tradeRows(1, 1801))});
    QCOMPARE(m.rowKind(m.rowCount() - 2), FeedRingModel::GapMarker);
    QCOMPARE(m.data(m.index(m.rowCount() - 1, 2)).toString(), QStringLiteral("1901"));
}

void TstFeedModels::paneJoinsBatchesAndRecordsAtIngest()
{
    QTemporaryDir dir;
    FeedPane pane(nullptr);
    auto batchOf = [](int first, int n) {
        FeedBatch b;
        b.table = "trade";
        for (int i = first; i < first + n; ++i) {
            b.updates << decoded(tradeRows(1, i));
            b.tables << "trade";
        }
        b.messages = n;
        b.rows = n;
        return b;
    };
    // Taken in before the recording starts; the view shows it only at its next tick.
    pane.ingest(batchOf(0, 5));
    const QString path = dir.filePath(QStringLiteral("t.csv"));
    QString err;
    QVERIFY2(pane.startRecording(path, FeedPane::Csv, &err), qPrintable(err));
    pane.ingest(batchOf(5, 2000));
    QVERIFY2(pane.stopRecording(&err), qPrintable(err));
    QVERIFY(!pane.recording());
    // Complete when stopRecording returns: the header and every row taken in while recording,
    // none from before.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.size(), 2002); // header, 2000 rows, the empty piece after the last newline
    QCOMPARE(lines.at(0), QByteArray("table,time,sym,price,size"));
    QVERIFY2(lines.at(1).startsWith("trade,") && lines.at(1).contains(",IBM,105,"),
             lines.at(1).constData());
    QVERIFY2(lines.at(2000).contains(",2104,"), lines.at(2000).constData());

    // The view applies both batches at its tick, as joined tables.
    FeedRingModel *m = pane.rowsModel("trade");
    QVERIFY(m);
    QTRY_COMPARE(m->rowCount(), 2005);
    QVERIFY2(m->segmentCount() <= 2, qPrintable(QString::number(m->segmentCount())));
    QCOMPARE(m->data(m->index(2004, 2)).toString(), QStringLiteral("2104"));
    QCOMPARE(pane.ingestedRows("trade"), 2005);
    int64_t counted = 0;
    for (int i = 0; i < pane.stats("trade")->count(); ++i)
        counted += pane.stats("trade")->at(i).count;
    QCOMPARE(counted, 2005);
}

void TstFeedModels::filterErrors()
{
    FeedFilter f;
    QString err;
    QVERIFY(!f.parse(QStringLiteral("price >"), &err));
    QVERIFY2(err.contains(QStringLiteral("missing")), qPrintable(err));
    QVERIFY(!f.parse(QStringLiteral("price > `abc"), &err));
    QVERIFY2(err.contains(QStringLiteral("number")), qPrintable(err));
    QVERIFY(!f.parse(QStringLiteral("price > 1+2"), &err));
    QVERIFY(!f.isActive());
    QVERIFY(!f.parse(QStringLiteral("(((("), &err));
    QVERIFY(!err.isEmpty());
}

void TstFeedModels::symStatsAggregates()
{
    SymStats s;
    s.ingest(tradeTable({"A", "B", "A"}, {10.0, 20.0, 12.0}, {100, 50, 300}));
    s.ingest(tradeTable({"A"}, {11.0}, {100}));
    QCOMPARE(s.count(), 2);
    const SymStats::Entry &a = s.at(s.indexOf("A"));
    QCOMPARE(a.count, 3);
    QCOMPARE(a.last, 11.0);
    QCOMPARE(a.avgSize(), 500.0 / 3.0);
    QCOMPARE(a.vwap(), (10.0 * 100 + 12.0 * 300 + 11.0 * 100) / 500.0);
    const Value t = s.toTable();
    QVERIFY(t.isTable());
    QCOMPARE(t.count(), 2);
    QCOMPARE(t.columnNames().symAt(4), QByteArray("vwap"));
    QCOMPARE(t.columns().item(1).at<int64_t>(1), 1); // B seen once
    // A quote table aggregates on bid and bsize.
    SymStats q;
    q.ingest(quoteTable(4));
    QCOMPARE(q.at(q.indexOf("AAPL")).last, 52.0);
    // No sym column: ignored, not a crash.
    SymStats none;
    none.ingest(Value::table(Value::symbols({"x"}),
                             Value::list({Value::fromVector(Long, std::vector<int64_t>{1})})));
    QCOMPARE(none.count(), 0);
}

void TstFeedModels::symStatsModels()
{
    SymStats s;
    LastValueModel last(&s);
    SymAggregatesModel agg(&s);
    QAbstractItemModelTester t1(&last, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&agg, QAbstractItemModelTester::FailureReportingMode::QtTest);
    s.ingest(tradeRows(5));
    last.refresh();
    agg.refresh();
    QCOMPARE(last.rowCount(), 3);
    QCOMPARE(last.columnCount(), 4);
    QCOMPARE(agg.rowCount(), 3);
    // AAPL's last row is stream row 3 (price 103).
    QCOMPARE(last.data(last.index(0, 2)).toString(), QStringLiteral("103"));
    s.ingest(tradeRows(3, 5));
    last.refresh();
    agg.refresh();
    QCOMPARE(agg.data(agg.index(0, 1)).toString(), QStringLiteral("3")); // AAPL: rows 0,3,6
    QCOMPARE(last.data(last.index(0, 2)).toString(), QStringLiteral("106"));
}

void TstFeedModels::feedLogRoundTripAndCorruption()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("feed.qsfeed"));
    FeedLogWriter w;
    QString err;
    QVERIFY(w.open(path, &err));
    const Value upd = Value::list({Value::symbol("upd"), Value::symbol("trade"), tradeRows(5)});
    QVERIFY(w.write(upd, &err));
    QVERIFY(w.write(Value::list({Value::symbol(".u.end"), Value::atom(-Date, 9823)}), &err));
    w.close();
    FeedLogReader r;
    QVERIFY2(r.open(path, &err), qPrintable(err));
    auto m1 = r.next();
    QVERIFY(m1.has_value());
    QVERIFY(*m1 == upd);
    auto m2 = r.next();
    QVERIFY(m2.has_value());
    QCOMPARE(m2->item(0).symbolValue(), QByteArray(".u.end"));
    QVERIFY(!r.next().has_value());
    QVERIFY(r.error().isEmpty());
    QCOMPARE(r.records(), 2);

    // Each record is an exact IPC message: the length prefix then the encoded bytes.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray all = f.readAll();
    f.close();
    QCOMPARE(all.left(8), feedLogMagic());
    EncodeOptions o;
    const QByteArray enc = encodeMessage(upd, o);
    QCOMPARE(all.mid(12, enc.size()), enc);

    // Truncated file: a clear error with the offset, no crash.
    const QString cut = dir.filePath(QStringLiteral("cut.qsfeed"));
    QFile c(cut);
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(all.left(all.size() - 5));
    c.close();
    FeedLogReader rc;
    QVERIFY(rc.open(cut, &err));
    QVERIFY(rc.next().has_value());
    QVERIFY(!rc.next().has_value());
    QVERIFY2(rc.error().contains(QStringLiteral("record at byte")), qPrintable(rc.error()));
    // A length claiming 1 GB.
    QByteArray huge = feedLogMagic() + QByteArray("\xff\xff\xff\x3f", 4) + QByteArray(16, 'x');
    const QString hp = dir.filePath(QStringLiteral("huge.qsfeed"));
    QFile h(hp);
    QVERIFY(h.open(QIODevice::WriteOnly));
    h.write(huge);
    h.close();
    FeedLogReader rh;
    QVERIFY(rh.open(hp, &err));
    QVERIFY(!rh.next().has_value());
    QVERIFY(rh.error().contains(QStringLiteral("impossible")));
    // Garbage payload with a plausible length.
    QByteArray junk = feedLogMagic() + QByteArray("\x10\x00\x00\x00", 4) + QByteArray(16, '\x07');
    QFile j(hp);
    QVERIFY(j.open(QIODevice::WriteOnly | QIODevice::Truncate));
    j.write(junk);
    j.close();
    FeedLogReader rj;
    QVERIFY(rj.open(hp, &err));
    QVERIFY(!rj.next().has_value());
    QVERIFY(!rj.error().isEmpty());
    // Not a log at all.
    FeedLogReader rn;
    QVERIFY(!rn.open(QStringLiteral(QSCOPE_SOURCE_DIR "/CMakeLists.txt"), &err));
    QVERIFY(err.contains(QStringLiteral("not a qscope feed log")));
}

void TstFeedModels::csvQuoting()
{
    QTemporaryDir dir;
    FeedCsvWriter w;
    QString err;
    QVERIFY(w.open(dir.filePath(QStringLiteral("f.csv")), &err));
    const Value t = Value::table(
        Value::symbols({"sym", "note"}),
        Value::list({Value::symbols({"A", "B"}),
                     Value::list({Value::string("a,b"), Value::string("say \"hi\"")})}));
    QVERIFY(w.writeRows("trade", t, &err));
    QVERIFY(w.writeMarker(QStringLiteral("end of day"), &err));
    QVERIFY(w.writeRows("trade", t, &err));
    w.close();
    QFile f(dir.filePath(QStringLiteral("f.csv")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines.at(0), QByteArray("table,sym,note"));
    QCOMPARE(lines.at(1), QByteArray("trade,A,\"a,b\""));
    QCOMPARE(lines.at(2), QByteArray("trade,B,\"say \"\"hi\"\"\""));
    QCOMPARE(lines.at(3), QByteArray("#,end of day"));
    QCOMPARE(lines.at(4), QByteArray("table,sym,note")); // header again after a marker
    QCOMPARE(w.rows(), 4);
    FeedCsvWriter bad;
    QVERIFY(!bad.open(QStringLiteral("/nonexistent-dir/x.csv"), &err));
    QVERIFY(err.contains(QStringLiteral("cannot write")));
}

void TstFeedModels::writersReportALostTail()
{
    // /dev/full takes the open and the buffered writes, then fails the flush: the close that
    // ends a recording must say so instead of leaving a short file behind silently.
    if (!QFile::exists(QStringLiteral("/dev/full"))) QSKIP("no /dev/full here");
    QString err;
    FeedCsvWriter csv;
    QVERIFY(csv.open(QStringLiteral("/dev/full"), &err));
    QVERIFY(csv.writeRows("trade", tradeRows(3), &err));
    QVERIFY(!csv.close(&err));
    QVERIFY2(err.contains(QStringLiteral("writing /dev/full failed")), qPrintable(err));
    QVERIFY(!csv.isOpen());
    FeedLogWriter log;
    // The 8-byte magic is written at open (buffered, so it succeeds); the flush fails.
    QVERIFY(log.open(QStringLiteral("/dev/full"), &err));
    QVERIFY(!log.close(&err));
    QVERIFY(!log.isOpen());
    QVERIFY(csv.close(&err)); // closing a closed writer is fine
}

void TstFeedModels::serverHandlesFromQValues()
{
    ServerHandlesModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // .z.W as kdb+ 4.1 gives it: handle!bytes queued.
    const Value zW = Value::dict(Value::fromVector(Int, std::vector<int32_t>{5, 7, 9}),
                                 Value::fromVector(Long, std::vector<int64_t>{0, 5 << 20, 12}));
    QString err;
    QVERIFY2(m.setHandles(zW, Value(), Value::intAtom(7), &err), qPrintable(err));
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.ownHandle(), 7);
    const int r7 = m.rowOfHandle(7);
    QVERIFY(m.at(r7).ours);
    QCOMPARE(m.data(m.index(r7, ServerHandlesModel::Ours)).toString(), QStringLiteral("ours"));
    QVERIFY(m.data(m.index(r7, 0), ServerHandlesModel::SlowRole).toBool()); // 5 MB queued
    QVERIFY(!m.data(m.index(m.rowOfHandle(9), 0), ServerHandlesModel::SlowRole).toBool());
    // Older kdb+: .z.W values are lists of message sizes; summed.
    const Value zWold =
        Value::dict(Value::fromVector(Int, std::vector<int32_t>{5, 7}),
                    Value::list({Value::fromVector(Int, std::vector<int32_t>{}),
                                 Value::fromVector(Int, std::vector<int32_t>{100, 23})}));
    QVERIFY(m.setHandles(zWold, Value(), Value::intAtom(5), &err));
    QCOMPARE(m.at(m.rowOfHandle(7)).queued, 123);
    // .z.H adds a socket .z.W does not list.
    QVERIFY(m.setHandles(zWold, Value::fromVector(Int, std::vector<int32_t>{5, 7, 11}),
                         Value::intAtom(5), &err));
    QCOMPARE(m.rowCount(), 3);
    // -38! for a list: a table (p;f).
    const Value info = Value::table(Value::symbols({"p", "f"}),
                                    Value::list({Value::string("qq"), Value::string("tu")}));
    QVERIFY2(m.setSocketInfo(Value::fromVector(Int, std::vector<int32_t>{5, 7}), info, &err),
             qPrintable(err));
    QCOMPARE(m.at(m.rowOfHandle(7)).family, QStringLiteral("u (unix)"));
    QCOMPARE(m.at(m.rowOfHandle(5)).protocol, QStringLiteral("q (IPC)"));
    // .u.w: table -> list of (handle;syms)
    const Value uw = Value::dict(
        Value::symbols({"trade", "quote"}),
        Value::list({Value::list({Value::list({Value::intAtom(7), Value::symbol("")})}),
                     Value::list({Value::list({Value::intAtom(5), Value::symbols({"A", "B"})})})}));
    QVERIFY2(m.setSubscriptions(uw, &err), qPrintable(err));
    QCOMPARE(m.at(m.rowOfHandle(7)).subscriptions, QStringList{QStringLiteral("trade:`")});
    QCOMPARE(m.at(m.rowOfHandle(5)).subscriptions, QStringList{QStringLiteral("quote:`A`B")});
    // Protocol facts survive the next poll.
    QVERIFY(m.setHandles(zWold, Value(), Value::intAtom(5), &err));
    QCOMPARE(m.at(m.rowOfHandle(7)).family, QStringLiteral("u (unix)"));
    // Wrong shapes are errors, not crashes.
    QVERIFY(!m.setHandles(Value::longAtom(1), Value(), Value(), &err));
    QVERIFY(err.contains(QStringLiteral(".z.W")));
    QVERIFY(!m.setSubscriptions(Value::longAtom(3), &err));
    QVERIFY(!m.setSocketInfo(Value(), Value::longAtom(1), &err));
}

void TstFeedModels::serverHandlesAgentRows()
{
    ServerHandlesModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString err;
    QVERIFY(m.setHandles(Value::dict(Value::fromVector(Int, std::vector<int32_t>{6}),
                                     Value::fromVector(Long, std::vector<int64_t>{0})),
                         Value(), Value::intAtom(6), &err));
    const Value row = Value::dict(
        Value::symbols({"ip", "user", "opened", "closed", "sync", "async"}),
        Value::list({Value::intAtom(0x7f000001), Value::symbol("alice"), Value::atom(-Timestamp, 0),
                     Value::nullOf(-Timestamp), Value::longAtom(4), Value::longAtom(2)}));
    m.setAgentRow(8, row);
    QCOMPARE(m.rowCount(), 2);
    const auto &r = m.at(m.rowOfHandle(8));
    QCOMPARE(r.ip, QStringLiteral("127.0.0.1"));
    QCOMPARE(r.user, QStringLiteral("alice"));
    QCOMPARE(r.syncCount, 4);
    QCOMPARE(r.asyncCount, 2);
    m.clearAgent();
    QVERIFY(!m.at(m.rowOfHandle(8)).tracked);
}

void TstFeedModels::ownHandlesFollowRegistry()
{
    HandleRegistry reg;
    reg.setHistoryLimit(1);
    OwnHandlesModel m(&reg);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    HandleInfo a;
    a.id = 1;
    a.name = QStringLiteral("tp");
    a.server = QStringLiteral("localhost:5010");
    a.state = ConnectionState::Open;
    a.messagesIn = 1234;
    reg.upsert(a);
    HandleInfo b = a;
    b.id = 2;
    reg.upsert(b);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.data(m.index(0, OwnHandlesModel::State)).toString(), QStringLiteral("connected"));
    a.state = ConnectionState::Closed;
    reg.upsert(a);
    QCOMPARE(m.data(m.index(0, OwnHandlesModel::State)).toString(), QStringLiteral("disconnected"));
    b.state = ConnectionState::Failed;
    b.lastError = QStringLiteral("refused");
    reg.upsert(b); // two closed rows, one kept: the oldest goes
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.data(m.index(0, OwnHandlesModel::LastError)).toString(), QStringLiteral("refused"));
}

void TstFeedModels::ownersAndActivity()
{
    HandleRegistry reg;
    ActivityModel m(&reg);
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The owner may come before the engine's first row, and outlives the engine's rewrites.
    reg.setOwner(7, HandlePurpose::Feed, QStringLiteral("feed trade"),
                 QStringLiteral("feed trade"));
    QCOMPARE(m.rowCount(), 0);
    HandleInfo h;
    h.id = 7;
    h.server = QStringLiteral("localhost:5010");
    h.state = ConnectionState::Open;
    h.pendingQueries = 1;
    reg.upsert(h);
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.data(m.index(0, ActivityModel::Owner)).toString(), QStringLiteral("feed trade"));
    QCOMPARE(m.data(m.index(0, ActivityModel::Purpose)).toString(), QStringLiteral("feed"));
    // A feed says what it does itself: the engine's pending count is not shown for it.
    QCOMPARE(m.data(m.index(0, ActivityModel::OnWire)).toString(),
             QStringLiteral("idle · feed trade"));
    reg.setActivity(7, QStringLiteral(".u.sub[`trade;`]"));
    QCOMPARE(m.data(m.index(0, ActivityModel::OnWire)).toString(),
             QStringLiteral(".u.sub[`trade;`]"));
    QVERIFY(!m.data(m.index(0, ActivityModel::For)).toString().isEmpty());
    h.messagesIn = 50;
    reg.upsert(h);
    QCOMPARE(reg.owner(7).owner, QStringLiteral("feed trade"));
    // A handle nobody owns shows the engine's count of requests in flight.
    HandleInfo other = h;
    other.id = 9;
    other.pendingQueries = 2;
    reg.upsert(other);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.data(m.index(m.rowOf(9), ActivityModel::OnWire)).toString(),
             QStringLiteral("2 requests in flight"));
    // Stop asks the owner; a handle without one cannot be asked.
    QSignalSpy stop(&reg, &HandleRegistry::stopRequested);
    QVERIFY(reg.requestStop(7));
    QVERIFY(!reg.requestStop(9));
    QCOMPARE(stop.size(), 1);
    // Closed: the row goes and so does the owner.
    h.state = ConnectionState::Closed;
    reg.upsert(h);
    QCOMPARE(m.rowCount(), 1);
    QVERIFY(!reg.hasOwner(7));
    QCOMPARE(ActivityModel::formatAge(1234), QStringLiteral("1.2 s"));
    QCOMPARE(ActivityModel::formatAge(75000), QStringLiteral("1 min 15 s"));
    QCOMPARE(ActivityModel::formatAge(7500000), QStringLiteral("2 h 05 min"));
}

void TstFeedModels::framesModelAndViewHelpers()
{
    FramesModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setLimit(3);
    QList<FrameRecord> snap;
    for (int i = 1; i <= 2; ++i) {
        FrameRecord f;
        f.seq = quint64(i);
        f.incoming = i % 2 == 0;
        f.messageType = i % 2 ? 1 : 2;
        f.wireBytes = 100 * i;
        f.roundTripNs = i % 2 ? -1 : 1500000;
        snap << f;
    }
    m.update(snap);
    QCOMPARE(m.rowCount(), 2);
    m.update(snap); // nothing new
    QCOMPARE(m.rowCount(), 2);
    FrameRecord f3;
    f3.seq = 3;
    FrameRecord f4;
    f4.seq = 4;
    snap << f3 << f4;
    m.update(snap);
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.at(0).seq, quint64(2));
    QCOMPARE(m.data(m.index(0, FramesModel::RoundTrip)).toString(), QStringLiteral("1.500 ms"));
    QCOMPARE(m.data(m.index(0, FramesModel::Type)).toString(), QStringLiteral("response"));

    const QString dump = FramesView::hexDump(QByteArray("\x01\x02\x00\x00\x0e\x00\x00\x00"
                                                        "AB",
                                                        10));
    QVERIFY2(dump.startsWith(QStringLiteral("00000000  01 02 00 00 0e 00 00 00  41 42")),
             qPrintable(dump));
    QVERIFY(dump.contains(QStringLiteral("........AB")));
    std::unique_ptr<QTreeWidgetItem> item(FramesView::treeFor(
        Value::list({Value::symbol("upd"), Value::symbol("trade"), tradeRows(3)}), QString()));
    QCOMPARE(item->childCount(), 3);
    QCOMPARE(item->child(2)->childCount(), 4); // the table's 4 columns
    QCOMPARE(item->child(2)->child(1)->child(0)->text(1), QStringLiteral("AAPL"));
    std::unique_ptr<QTreeWidgetItem> big(
        FramesView::treeFor(tradeRows(1000).columns().item(2), QString()));
    QCOMPARE(big->childCount(), 201); // capped, with a "more" row
}

void TstFeedModels::agentCodeChainsHandlers()
{
    const QByteArray code = HandlesAgent::installCode();
    const QList<QByteArray> st = HandlesAgent::statements(code);
    QVERIFY(st.size() >= 10);
    for (const QByteArray &s : st)
        QVERIFY(!s.startsWith('/'));
    // Every handler it sets calls the previous one, kept in its own namespace.
    for (const char *h : {"po", "pc", "pg", "ps"}) {
        const QByteArray set = QByteArray(".z." + QByteArray(h) + ":{");
        const auto it = std::find_if(st.begin(), st.end(),
                                     [&](const QByteArray &s) { return s.startsWith(set); });
        QVERIFY2(it != st.end(), h);
        QVERIFY2(it->contains(QByteArray(".qscope.old[`" + QByteArray(h) + "]")), it->constData());
    }
    QVERIFY(HandlesAgent::uninstallCode().contains(".qscope.had"));
    QCOMPARE(HandlesAgent::closeHandleCode(12),
             QByteArray("hclose 12i;if[`pc in key`.z;.z.pc 12i];"));
}

QTEST_MAIN(TstFeedModels)
#include "tst_feedmodels.moc"
