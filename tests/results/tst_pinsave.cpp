// Pins saved off the GUI thread (PinStore::saveAllInBackground, what the window's close uses):
// they read back equal to what was pinned, a load asked for meanwhile sees the new set, and the
// real MainWindow's close leaves its pins on disk once PinStore::waitForSaves returns (as the
// process's exit does). Prints how long the GUI thread was held: the background call against a
// save done in place.

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/queryrunner.h"
#include "fakeqserver.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "protocol/codec.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "theme/theme.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

#include <cstdio>

using namespace qscope;
using qscope::test::FakeQServer;
using qscope::test::queryText;

namespace {

Value bigTable(int64_t rows)
{
    std::vector<int64_t> x(size_t(rows), 0);
    std::vector<double> y(size_t(rows), 0);
    for (int64_t i = 0; i < rows; ++i) {
        x[size_t(i)] = i * 7;
        y[size_t(i)] = double(i) / 3.0;
    }
    return Value::table(Value::symbols({QByteArray("x"), QByteArray("y")}),
                        Value::list({Value::fromVector(Long, std::move(x)),
                                     Value::fromVector(Float, std::move(y))}));
}

PinStore::Pin pin(const QByteArray &query, const Value &v, const QString &server)
{
    PinStore::Pin p;
    p.result.query = query;
    p.result.value = v;
    p.result.elapsedNs = 1234567;
    p.result.bytesIn = 4242;
    p.server = server;
    return p;
}

void compareSame(const QList<PinStore::Pin> &got, const QList<PinStore::Pin> &want)
{
    QCOMPARE(got.size(), want.size());
    for (int i = 0; i < want.size(); ++i) {
        QCOMPARE(got[i].server, want[i].server);
        QCOMPARE(got[i].result.query, want[i].result.query);
        QCOMPARE(got[i].result.elapsedNs, want[i].result.elapsedNs);
        QCOMPARE(got[i].result.bytesIn, want[i].result.bytesIn);
        QCOMPARE(bool(got[i].result.error), bool(want[i].result.error));
        if (want[i].result.error) {
            QCOMPARE(got[i].result.error->kind, want[i].result.error->kind);
            QCOMPARE(got[i].result.error->message, want[i].result.error->message);
        } else {
            QVERIFY(got[i].result.value == want[i].result.value);
            QCOMPARE(encodeMessage(got[i].result.value), encodeMessage(want[i].result.value));
        }
    }
}

} // namespace

class TestPinSave : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_pinsave"));
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        QDir(SessionJournal::defaultDirectory()).removeRecursively();
        PinStore::clear();
        Q_INIT_RESOURCE(resources);
        Theme::apply(Theme::Light);
    }

    void backgroundSaveReadsBackEqual()
    {
        // about 48 MB to encode: what a close would otherwise hold the window for
        const QList<PinStore::Pin> a = {pin("big", bigTable(3000000), QStringLiteral("s1")),
                                        pin("text", Value::string("hello"), QStringLiteral("s1"))};
        PinStore::Pin failed;
        failed.result.query = "bad";
        failed.result.error = NetError{NetError::QError, QStringLiteral("'type")};
        failed.server = QStringLiteral("s2");
        const QList<PinStore::Pin> b = {failed, pin("small", bigTable(10), QStringLiteral("s2"))};

        QElapsedTimer t;
        t.start();
        PinStore::saveAllInBackground({{QStringLiteral("tab-a"), a}, {QStringLiteral("tab-b"), b}});
        const qint64 callNs = t.nsecsElapsed();
        // a load asked for now reads the set just saved (it waits for the queued save)
        QString error;
        compareSame(PinStore::load(QStringLiteral("tab-a"), &error), a);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        compareSame(PinStore::load(QStringLiteral("tab-b"), &error), b);
        const qint64 doneNs = t.nsecsElapsed();

        // the same pins saved in place, for the figure (a new value: files are named by content)
        const QList<PinStore::Pin> c = {pin("big2", bigTable(3000000), QStringLiteral("s1"))};
        t.restart();
        QVERIFY(PinStore::saveAll({{QStringLiteral("tab-c"), c}}).isEmpty());
        const qint64 inPlaceNs = t.nsecsElapsed();
        std::printf("saveAllInBackground held the calling thread %.2f ms (written and read back "
                    "after %.0f ms); the same size saved in place held it %.0f ms\n",
                    double(callNs) / 1e6, double(doneNs) / 1e6, double(inPlaceNs) / 1e6);

        // saves queued back to back land in order: the last set is the one kept
        PinStore::saveAllInBackground({{QStringLiteral("tab-a"), {a[1]}}});
        PinStore::saveAllInBackground({{QStringLiteral("tab-a"), {a[1], b[1]}}});
        PinStore::waitForSaves();
        compareSame(PinStore::load(QStringLiteral("tab-a")), {a[1], b[1]});
        compareSame(PinStore::load(QStringLiteral("tab-b")), b); // not listed: left alone
        // the manifest names only complete files
        QFile m(PinStore::directory() + QStringLiteral("/manifest.json"));
        QVERIFY(m.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(m.readAll()).object();
        QCOMPARE(manifest.value(QStringLiteral("tab-a")).toArray().size(), 2);
    }

    void closingTheWindowSavesThePins()
    {
        FakeQServer fake;
        fake.onMessage = [](QIODevice *io, const MessageHeader &h, const Value &v,
                            const QByteArray &) {
            if (h.type != MessageType::Sync) return;
            FakeQServer::reply(io, queryText(v) == "t" ? bigTable(200000) : Value::string("x"));
        };
        QVERIFY(fake.listenTcp());
        ConnectionManager manager;
        ConnectionStore store;
        QCOMPARE(store.load(ConnectionStore::defaultPath()), QString());
        ConnectionProfile p;
        p.name = QStringLiteral("fake");
        p.host = QStringLiteral("127.0.0.1");
        p.port = fake.port();
        const QString profile = store.add(p);
        QTemporaryDir dir;
        HistoryStore history;
        history.load(dir.filePath(QStringLiteral("history.jsonl")));
        QString tabId;
        QueryResult pinned;
        {
            MainWindow w(&manager, &store, &history);
            w.passwords()->setKeychainEnabled(false);
            w.restoreState(profile);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            EditorTab *tab = w.editors()->current();
            tab->setProfileId(profile);
            tab->setText(QStringLiteral("t"));
            tab->setModified(false);
            tab->setCursorPosition(0, 0);
            w.runCurrent();
            ResultPane *pane = w.resultsFor(tab);
            QTRY_VERIFY_WITH_TIMEOUT(pane->runCount() == 1 && !w.runner()->activeFor(tab), 10000);
            QCOMPARE(fake.queriesSeen("t"), 1);
            pane->pinCurrent();
            QCOMPARE(pane->pinnedCount(), 1);
            pinned = pane->pinnedResults().at(0).first;
            QVERIFY(pinned.value.isTable());
            tabId = tab->tabId();
            QVERIFY(w.close()); // closeEvent: the pins go to PinStore's worker
            w.sessions()->disconnectAll();
        }
        // what the process's exit does once the window is gone
        PinStore::waitForSaves();
        const QList<PinStore::Pin> back = PinStore::load(tabId);
        QCOMPARE(back.size(), 1);
        QCOMPARE(back[0].result.query, pinned.query);
        QVERIFY(back[0].result.value == pinned.value);
        QCOMPARE(back[0].server, QStringLiteral("fake"));
    }
};

QTEST_MAIN(TestPinSave)
#include "tst_pinsave.moc"
