// Importing a server list into a long connections list, as a user with a big estate does: 300
// Studio for kdb+ entries into a saved list of 905, through the connections dock (the store saves
// to a file, the tree shows every row). Prints the wall time of the whole import and the longest
// stretch the GUI thread could not run its event loop (what a user sees as a frozen window).
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/connectionsview.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTimer>
#include <QTreeView>
#include <QtTest>

using namespace qscope;

class BenchConnImport : public QObject
{
    Q_OBJECT

    static QByteArray studioList(int n)
    {
        QByteArray props = "version=1.3\n";
        // a few folders of servers, each with a host, a port, a user and a password
        for (int f = 0; f < 6; ++f)
            props += "serverTree." + QByteArray::number(f) + "folder=Imported" +
                     QByteArray::number(f) + "\n";
        for (int i = 0; i < n; ++i) {
            const int folder = i % 6;
            props += "serverTree." + QByteArray::number(folder) + "." + QByteArray::number(i / 6) +
                     "=srv" + QByteArray::number(i) + "\n";
        }
        // Studio numbers servers depth-first: folder 0's first, then folder 1's ...
        int number = 0;
        for (int folder = 0; folder < 6; ++folder)
            for (int i = folder; i < n; i += 6, ++number) {
                const QByteArray k = "server." + QByteArray::number(number) + ".";
                props += k + "host=host" + QByteArray::number(i) + ".example.com\n";
                props += k + "port=" + QByteArray::number(5000 + i) + "\n";
                props += k + "user=user" + QByteArray::number(i) + "\n";
                props += k + "password=pw" + QByteArray::number(i) + "\n";
                props += k + "backgroundColor=" + QByteArray(i % 3 ? "ffffff" : "ffcccc") + "\n";
            }
        return props;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("bench_connimport"));
    }

    void import300Into905()
    {
        QTemporaryDir dir;
        ConnectionStore store;
        QCOMPARE(store.load(dir.filePath(QStringLiteral("connections.json"))), QString());
        for (int i = 0; i < 905; ++i) {
            ConnectionProfile p;
            p.name = QStringLiteral("existing%1").arg(i);
            p.folder = QStringLiteral("Estate/Region%1").arg(i % 12);
            p.host = QStringLiteral("box%1.example.com").arg(i);
            p.port = 5000 + i % 60000;
            store.add(p);
        }
        ConnectionManager manager;
        PasswordStore passwords(QStringLiteral("qscope-bench"));
        passwords.setKeychainEnabled(false);
        ServerSessions sessions(&manager, &store, &passwords);
        ConnectionsView view(&sessions);
        view.resize(320, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        const QString path = dir.filePath(QStringLiteral("studio.properties"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(studioList(300));
        f.close();

        // the longest gap between ticks of a 1 ms timer: how long the window was frozen
        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer ticker;
        ticker.setInterval(1);
        connect(&ticker, &QTimer::timeout, this,
                [&] { longestGap = qMax(longestGap, sinceTick.restart()); });
        sinceTick.start();
        ticker.start();
        QTest::qWait(50);
        longestGap = 0;

        QElapsedTimer wall;
        wall.start();
        sinceTick.restart();
        QSignalSpy finished(&view, &ConnectionsView::importFinished);
        view.importFile(path);
        QVERIFY(finished.wait(60000));
        const qint64 wallMs = wall.elapsed();
        QTest::qWait(50); // let the ticker see the end of any stall
        ticker.stop();
        const QString summary = finished[0][0].toString();
        QVERIFY2(summary.contains(QStringLiteral("Imported 300")), qPrintable(summary));
        QCOMPARE(int(store.profiles().size()), 905 + 300);
        qInfo("import of 300 Studio entries into 905: %lld ms wall, GUI thread frozen for %lld ms "
              "at most",
              wallMs, longestGap);
    }
};

QTEST_MAIN(BenchConnImport)
#include "bench_connimport.moc"
