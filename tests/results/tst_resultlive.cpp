// The result pane against the in-process demo server: a live query into the grid, the result
// sent back with `set (async) and read again, and a q error shown inline with its word.

#include "demo/demoserver.h"
#include "net/connectionmanager.h"
#include "protocol/literal.h"
#include "results/resultpane.h"
#include "results/resulttablemodel.h"
#include "results/resultview.h"

#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace qscope;

class TestResultLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<qscope::QueryResult>(); }

    void liveQueryAndSend()
    {
        DemoServer server;
        DemoOptions options;
        options.port = 0;
        options.feed = false;
        options.unixSocket = false;
        QString error;
        // A demo that cannot start is a failure of this test, not a reason to skip it.
        QVERIFY2(server.start(options, &error),
                 qPrintable(QStringLiteral("demo server did not start: ") % error));
        ConnectionManager manager;
        ConnectionOptions co;
        co.name = QStringLiteral("demo");
        co.address.host = QStringLiteral("127.0.0.1");
        co.address.port = server.port();
        const ConnectionId id = manager.open(co);
        QTRY_COMPARE_WITH_TIMEOUT(manager.state(id), ConnectionState::Open, 10000);
        ResultPane pane(&manager);
        QSignalSpy results(&manager, &ConnectionManager::resultReady);
        connect(&manager, &ConnectionManager::resultReady, &pane,
                [&pane](const QueryResult &r) { pane.setResult(r, QStringLiteral("demo")); });
        manager.query(id, "([] a:1 2 3; b:`x`y`z)");
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 1, 10000);
        const Value original = results.first().first().value<QueryResult>().value;
        QVERIFY(original.isTable());
        ResultView *view = pane.currentView();
        QCOMPARE(view->model()->rowCount(), 3);
        QCOMPARE(view->model()->data(view->model()->index(2, 1)).toString(), QStringLiteral("z"));
        // send it back under a new name, then read it
        view->sendTo(id, false, "copied");
        manager.query(id, "copied");
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 2, 10000);
        const auto r = results.last().first().value<QueryResult>();
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->message : QString()));
        // Compared with the table the first query returned (not with a view, which may show
        // the second result by now), and with the table written out by hand.
        QCOMPARE(r.value, original);
        QCOMPARE(r.value, parseLiteral("([] a:1 2 3; b:`x`y`z)").value);
        // and a q error comes back inline
        manager.query(id, "1+`a");
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 3, 10000);
        QVERIFY(pane.currentView()->errorLabel()->text().contains(QStringLiteral("'type")));
        manager.close(id);
    }
};

QTEST_MAIN(TestResultLive)
#include "tst_resultlive.moc"
