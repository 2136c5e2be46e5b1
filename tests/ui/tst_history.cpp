// Query history: persistence as JSON lines, the newest-first model (QAbstractItemModelTester),
// the cap, searching by words across query, server and error, and bad lines in the file.
#include "history/historymodel.h"
#include "history/historystore.h"
#include "history/historyview.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QtTest>

using namespace qscope;

class TestHistory : public QObject
{
    Q_OBJECT

    static HistoryEntry entry(const QString &q, const QString &server, const QString &error = {})
    {
        HistoryEntry e;
        e.time = QDateTime::currentDateTimeUtc();
        e.server = server;
        e.profileId = QStringLiteral("p-") + server;
        e.query = q;
        e.durationNs = 1234567;
        e.bytes = 4096;
        e.error = error;
        return e;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void persistAndSearch()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.jsonl"));
        {
            HistoryStore store;
            QCOMPARE(store.load(path), QString());
            store.add(
                entry(QStringLiteral("select from trade where sym=`IBM"), QStringLiteral("rdb")));
            store.add(entry(QStringLiteral("count quote"), QStringLiteral("hdb")));
            store.add(entry(QStringLiteral("1+`a"), QStringLiteral("rdb"), QStringLiteral("type")));
        }
        HistoryStore store;
        QCOMPARE(store.load(path), QString());
        QCOMPARE(store.count(), 3);
        QCOMPARE(store.at(2).error, QStringLiteral("type"));
        QCOMPARE(store.at(0).bytes, qint64(4096));

        HistoryModel model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        HistoryFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester2(&filter,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 3);
        // newest first
        QCOMPARE(model.index(0, HistoryModel::Query).data().toString(), QStringLiteral("1+`a"));
        QCOMPARE(model.index(0, HistoryModel::Error).data().toString(), QStringLiteral("'type"));
        QCOMPARE(model.index(0, HistoryModel::Duration).data().toString(),
                 QStringLiteral("1.2 ms"));

        filter.setSearch(QStringLiteral("trade"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setSearch(QStringLiteral("RDB"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setSearch(QStringLiteral("rdb type"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setSearch(QStringLiteral("nothing-like-this"));
        QCOMPARE(filter.rowCount(), 0);
        filter.setSearch(QString());
        QCOMPARE(filter.rowCount(), 3);

        store.add(entry(QStringLiteral("new one"), QStringLiteral("x")));
        QCOMPARE(model.index(0, HistoryModel::Query).data().toString(), QStringLiteral("new one"));
    }

    void capAndBadLines()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(HistoryStore::toJsonLine(entry(QStringLiteral("ok"), QStringLiteral("s"))));
        f.write("{not json\n");
        f.write("{\"query\": 5}\n");
        f.close();
        HistoryStore store;
        store.setMaxEntries(5);
        const QString note = store.load(path);
        QVERIFY2(note.contains(QStringLiteral("2")), qPrintable(note));
        QCOMPARE(store.count(), 1);
        HistoryModel model(&store);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 20; ++i)
            store.add(entry(QStringLiteral("q%1").arg(i), QStringLiteral("s")));
        QCOMPARE(store.count(), 5);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, HistoryModel::Query).data().toString(), QStringLiteral("q19"));
        // the file was compacted and reloads to the same
        HistoryStore again;
        again.setMaxEntries(5);
        again.load(path);
        QCOMPARE(again.count(), 5);
        QCOMPARE(again.at(4).query, QStringLiteral("q19"));
    }

    void viewActivates()
    {
        HistoryStore store;
        store.add(entry(QStringLiteral("select from t"), QStringLiteral("srv")));
        HistoryView view(&store);
        QSignalSpy spy(&view, &HistoryView::queryActivated);
        view.searchEdit()->setText(QStringLiteral("select"));
        QCOMPARE(view.table()->model()->rowCount(), 1);
        Q_EMIT view.table()->activated(view.table()->model()->index(0, 0));
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy[0][0].toString(), QStringLiteral("select from t"));
        QCOMPARE(spy[0][1].toString(), QStringLiteral("p-srv"));
    }
};

QTEST_MAIN(TestHistory)
#include "tst_history.moc"
