// node-q, an independent kdb+ client (npm), against the demo server: it logs in (with a users
// file), queries, gets a q error, subscribes with a sym filter, publishes an upd and receives
// the filtered stream. Fails, naming what is missing, when node or tests/interop-node/node_modules
// is absent.

#include "demo/demoserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope;

class TestDemoInterop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nodeqSession();
};

void TestDemoInterop::nodeqSession()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString dir = QStringLiteral(QSCOPE_SOURCE_DIR "/tests/interop-node");
    // A missing peer fails the test with its name: an interop suite that skips proves nothing.
    if (node.isEmpty()) QFAIL("node is not installed (./build.sh deps installs nodejs and npm)");
    if (!QFileInfo::exists(dir + QStringLiteral("/node_modules/node-q")))
        QFAIL("node-q is not installed (./build.sh test runs `npm ci` in tests/interop-node)");

    QTemporaryDir tmp;
    const QString users = tmp.filePath(QStringLiteral("users"));
    QFile f(users);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("nodeq:secret\n");
    f.close();
    DemoServer server;
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    o.usersFile = users;
    QString err;
    QVERIFY2(server.start(o, &err), qPrintable(err));

    auto run = [&](const QStringList &creds) {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.start(node, QStringList{dir + QStringLiteral("/demo_interop.js"),
                                  QString::number(server.port())} +
                          creds);
        p.waitForFinished(60000);
        return std::make_pair(p.exitCode(),
                              QByteArray(p.readAllStandardOutput() + p.readAllStandardError()));
    };

    // wrong password: node-q sees the socket closed (kdb+'s refusal)
    const auto refused = run({QStringLiteral("nodeq"), QStringLiteral("wrong")});
    QVERIFY(refused.first != 0);
    QVERIFY2(refused.second.contains("\"connect\""), refused.second.constData());

    const auto [code, output] = run({QStringLiteral("nodeq"), QStringLiteral("secret")});
    QVERIFY2(code == 0, output.constData());
    QHash<QString, QJsonObject> events;
    for (const QByteArray &line : output.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (!o.isEmpty()) events.insert(o.value(QStringLiteral("event")).toString(), o);
    }
    QVERIFY(events.contains(QStringLiteral("connected")));
    QCOMPARE(events[QStringLiteral("tables")].value(QStringLiteral("value")).toArray(),
             (QJsonArray{QStringLiteral("trade"), QStringLiteral("quote")}));
    QCOMPARE(events[QStringLiteral("error")].value(QStringLiteral("value")).toString(),
             QStringLiteral("type"));
    const QJsonObject sub = events[QStringLiteral("sub")];
    QCOMPARE(sub.value(QStringLiteral("table")).toString(), QStringLiteral("trade"));
    const QJsonArray rows = events[QStringLiteral("upd")].value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 3); // IBM filtered out, order kept
    const char *syms[] = {"AAPL", "MSFT", "AAPL"};
    const double prices[] = {101.5, 300.75, 102};
    const int sizes[] = {100, 300, 400};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject r = rows[i].toObject();
        QCOMPARE(r.value(QStringLiteral("table")).toString(), QStringLiteral("trade"));
        QCOMPARE(r.value(QStringLiteral("sym")).toString(), QLatin1String(syms[i]));
        QCOMPARE(r.value(QStringLiteral("price")).toDouble(), prices[i]);
        QCOMPARE(r.value(QStringLiteral("size")).toInt(), sizes[i]);
    }
    QCOMPARE(events[QStringLiteral("rdb")].value(QStringLiteral("count")).toInt(), 4);
    QVERIFY(events.contains(QStringLiteral("closed")));
}

QTEST_GUILESS_MAIN(TestDemoInterop)
#include "tst_demointerop.moc"
