// Crash-safe work (issue #16): the session journal and crash-safe pins.
//   - the REAL qscope executable, killed with SIGKILL, gives back its unsaved tab on the next
//     start (killedAppRestoresItsTabs);
//   - in process: a window that never closed is restored with its tabs marked recovered and a
//     note naming them; a clean close saves normally and clears the journal; the journal's copy
//     on the GUI thread is measured and printed;
//   - pins: a save cut short keeps the previous set; stale pin files go only after the new set is
//     named; pins from before the manifest still load.

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "editor/editorarea.h"
#include "editor/editortab.h"
#include "editor/messagebar.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "recovery/sessionjournal.h"
#include "results/pinstore.h"
#include "results/resultpane.h"
#include "testshots.h"
#include "theme/theme.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

using namespace qscope;

namespace {

constexpr int kWaitMs = 30000; // the journal ticks every 2 s; a loaded machine is slower

QString qscopeExe()
{
    return QStringLiteral(QSCOPE_BINARY_DIR "/app/qscope");
}

/// The journals under a fake home (wherever XDG_DATA_HOME put the app's data).
QStringList findJournals(const QString &home)
{
    QStringList out;
    QDirIterator it(home, {QStringLiteral("session-*.json")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// The tab holding `text` in the journal written by process `pid`; empty if there is none.
QJsonObject journalTab(const QString &home, qint64 pid, const QString &text)
{
    for (const QString &path : findJournals(home)) {
        const QJsonObject j = readJson(path);
        if (qint64(j.value(QLatin1String("pid")).toDouble()) != pid) continue;
        for (const QJsonValue &v : j.value(QLatin1String("tabs")).toArray())
            if (v.toObject().value(QLatin1String("text")).toString() == text) return v.toObject();
    }
    return {};
}

/// Never the user's files: every place qscope reads or writes is under the temporary home.
QProcessEnvironment appEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}

bool hasJournalOf(const QString &home, qint64 pid)
{
    for (const QString &path : findJournals(home))
        if (qint64(readJson(path).value(QLatin1String("pid")).toDouble()) == pid) return true;
    return false;
}

QueryResult longs(const QByteArray &query, int n)
{
    std::vector<int64_t> xs(size_t(n), 7);
    QueryResult r;
    r.query = query;
    r.value = Value::fromVector(Long, std::move(xs));
    r.elapsedNs = 1000 + n;
    r.bytesIn = 8 * n + 14;
    return r;
}

} // namespace

class TestRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_recovery"));
        QSettings().clear();
        QFile::remove(ConnectionStore::defaultPath());
        QDir(SessionJournal::defaultDirectory()).removeRecursively();
        PinStore::clear();
        Q_INIT_RESOURCE(resources);
        Theme::apply(Theme::Light);
    }

    void killedAppRestoresItsTabs()
    {
        QVERIFY2(QFileInfo::exists(qscopeExe()), "build the qscope target first");
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QProcessEnvironment env = appEnvironment(home.path());
        // The unsaved text arrives the way a user can give it without a keyboard: piped into
        // `qscope --stdin` (a product option, as `kate --stdin`), which appends it to a new
        // untitled tab as an edit after the window is up. So the text exists nowhere on disk
        // but in what qscope itself writes: only the journal can bring it back.
        const QString text = QStringLiteral("/ unsaved work \u00e9\u00e8\nselect from trade "
                                            "where sym=`IBM\n");
        QProcess first;
        first.setProcessEnvironment(env);
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(qscopeExe(), {QStringLiteral("--no-keychain"), QStringLiteral("--stdin")});
        QVERIFY2(first.waitForStarted(10000), qPrintable(first.errorString()));
        first.write(text.toUtf8());
        first.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(!journalTab(home.path(), first.processId(), text).isEmpty(),
                                 kWaitMs);
        const QJsonObject before = journalTab(home.path(), first.processId(), text);
        QVERIFY(before.value(QLatin1String("file")).toString().isEmpty());
        QVERIFY(!before.value(QLatin1String("recovered")).toBool());

        first.kill(); // SIGKILL: no close event, no session save
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        // honest: the normal session (QSettings) does not have the text, so a restore can only
        // have come from the journal
        QDirIterator conf(home.filePath(QStringLiteral("config")), QDir::Files,
                          QDirIterator::Subdirectories);
        while (conf.hasNext()) {
            QFile f(conf.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("unsaved work"), qPrintable(f.fileName()));
        }

        QProcess second;
        second.setProcessEnvironment(env);
        second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        second.start(qscopeExe(), {QStringLiteral("--no-keychain")});
        QVERIFY2(second.waitForStarted(10000), qPrintable(second.errorString()));
        // the restarted app journals its own tabs: the text must be in a tab of the NEW
        // process (its pid), marked recovered. Had restore not happened, the new process's
        // journal would have one empty tab and this fails.
        QTRY_VERIFY_WITH_TIMEOUT(!journalTab(home.path(), second.processId(), text).isEmpty(),
                                 kWaitMs);
        const QJsonObject after = journalTab(home.path(), second.processId(), text);
        QVERIFY(after.value(QLatin1String("recovered")).toBool());
        QVERIFY(after.value(QLatin1String("modified")).toBool());
        QCOMPARE(after.value(QLatin1String("id")), before.value(QLatin1String("id")));
        QCOMPARE(after.value(QLatin1String("untitled")), before.value(QLatin1String("untitled")));
        // the killed run's journal was taken over and, once the new one was written, deleted
        QTRY_COMPARE_WITH_TIMEOUT(findJournals(home.path()).size(), 1, kWaitMs);
        second.kill();
        QVERIFY(second.waitForFinished(10000));
    }

    void liveInstanceKeepsItsJournal()
    {
        // two qscope processes at once: the second must not take over the first's journal
        QTemporaryDir home;
        const QProcessEnvironment env = appEnvironment(home.path());
        const QString text = QStringLiteral("/ work of the first instance\n");
        QProcess first, second;
        for (QProcess *p : {&first, &second}) {
            p->setProcessEnvironment(env);
            p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        }
        first.start(qscopeExe(), {QStringLiteral("--no-keychain"), QStringLiteral("--stdin")});
        QVERIFY2(first.waitForStarted(10000), qPrintable(first.errorString()));
        first.write(text.toUtf8());
        first.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(!journalTab(home.path(), first.processId(), text).isEmpty(),
                                 kWaitMs);
        second.start(qscopeExe(), {QStringLiteral("--no-keychain")});
        QVERIFY2(second.waitForStarted(10000), qPrintable(second.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(hasJournalOf(home.path(), second.processId()), kWaitMs);
        QVERIFY(journalTab(home.path(), second.processId(), text).isEmpty()); // not restored
        QVERIFY(!journalTab(home.path(), first.processId(), text).isEmpty()); // still there
        QCOMPARE(findJournals(home.path()).size(), 2);
        second.kill();
        first.kill();
        QVERIFY(second.waitForFinished(10000));
        QVERIFY(first.waitForFinished(10000));
    }

    void windowRestoresAndCleanCloseClears()
    {
        ConnectionStore store;
        QCOMPARE(store.load(ConnectionStore::defaultPath()), QString());
        HistoryStore history;
        QTemporaryDir dir;
        history.load(dir.filePath(QStringLiteral("history.jsonl")));
        ConnectionManager manager;
        const QString journal = SessionJournal(SessionJournal::defaultDirectory()).filePath();
        QString tabId;
        {
            MainWindow crashed(&manager, &store, &history);
            crashed.passwords()->setKeychainEnabled(false);
            crashed.restoreState(QString());
            EditorTab *t = crashed.editors()->current();
            QVERIFY(t);
            tabId = t->tabId();
            t->insert(QStringLiteral("x: til 10\ny: 2*x\n"));
            t->setCursorPosition(1, 3);
            // a big second buffer, to measure what a tick costs the GUI thread
            EditorTab *big = crashed.editors()->newTab(QString());
            QString megabyte;
            for (int i = 0; megabyte.size() < (1 << 20); ++i)
                megabyte += QStringLiteral("select from trade where price>%1\n").arg(i);
            big->insert(megabyte);
            crashed.resultsFor(t)->addPinned(longs("til 1000", 1000), QStringLiteral("srv"));
            const int before = crashed.journal()->writes();
            QTRY_VERIFY_WITH_TIMEOUT(crashed.journal()->writes() > before, kWaitMs);
            QVERIFY(QFileInfo::exists(journal));
            qInfo("journal tick: copied %lld chars of 2 tabs + 1 pin on the GUI thread in %.2f ms "
                  "(encoding and writing on the worker)",
                  crashed.journal()->lastSnapshotChars(),
                  double(crashed.journal()->lastSnapshotNs()) / 1e6);
            QVERIFY(crashed.journal()->lastSnapshotChars() > (1 << 20));
            // the window goes without closing (as after a crash): no session save
        }
        QVERIFY(QFileInfo::exists(journal));

        MainWindow restored(&manager, &store, &history);
        restored.passwords()->setKeychainEnabled(false);
        restored.restoreState(QString());
        restored.resize(1000, 600);
        restored.show();
        QVERIFY(QTest::qWaitForWindowExposed(&restored));
        QCOMPARE(restored.editors()->count(), 2);
        EditorTab *t = restored.editors()->tab(0);
        QCOMPARE(t->tabId(), tabId);
        QCOMPARE(t->text(), QStringLiteral("x: til 10\ny: 2*x\n"));
        int line = -1, column = -1;
        t->getCursorPosition(&line, &column);
        QCOMPARE(line, 1);
        QCOMPARE(column, 3);
        QVERIFY(t->isModified());
        QVERIFY(restored.editors()->isRecovered(t));
        QVERIFY(restored.editors()->tabWidget()->tabText(0).contains(QStringLiteral("recovered")));
        // the pins are read off the GUI thread; the note waits for them
        QTRY_VERIFY_WITH_TIMEOUT(!restored.pinsRestoring(), 10000);
        QCOMPARE(restored.resultsFor(t)->pinnedCount(), 1);
        const QString note = restored.messageBar()->text();
        QVERIFY2(note.contains(QStringLiteral("2 tabs with unsaved text")), qPrintable(note));
        QVERIFY2(note.contains(QStringLiteral("1 pinned result")), qPrintable(note));
        QVERIFY2(note.contains(t->displayName()), qPrintable(note));
        QVERIFY(
            qscope::test::saveShot(restored.grab().toImage(), QStringLiteral("recovered-session")));

        // a clean close saves the session normally and clears the journal
        restored.close();
        QVERIFY(!QFileInfo::exists(journal));
        QSettings s;
        QCOMPARE(s.value(QStringLiteral("session/tabs/1/text")).toString(),
                 QStringLiteral("x: til 10\ny: 2*x\n"));
    }

    void pinsSurviveAnInterruptedSave()
    {
        PinStore::clear();
        const QString tab = QStringLiteral("tab-a");
        const PinStore::Pin a{longs("a", 10), QStringLiteral("s")};
        const PinStore::Pin b{longs("b", 20), QStringLiteral("s")};
        const PinStore::Pin c{longs("c", 30), QStringLiteral("s")};
        QVERIFY(PinStore::saveAll({{tab, {a, b}}}).isEmpty());
        const QDir dir(PinStore::directory() + QStringLiteral("/tab-a"));
        const QStringList firstFiles = dir.entryList(QDir::Files);
        QCOMPARE(firstFiles.size(), 2);

        // a save that died after writing a new pin file but before the manifest: the new file
        // is there, the manifest still names the old set, which is what loads
        QVERIFY(QFile::copy(dir.filePath(firstFiles[0]), dir.filePath(QStringLiteral("new.qpin"))));
        QFile half(dir.filePath(QStringLiteral("half.qpin")));
        QVERIFY(half.open(QIODevice::WriteOnly));
        half.write("QPN1 cut short");
        half.close();
        QString error;
        QList<PinStore::Pin> loaded = PinStore::load(tab, &error);
        QCOMPARE(error, QString());
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(loaded[0].result.query, QByteArray("a"));
        QCOMPARE(loaded[1].result.query, QByteArray("b"));

        // the next save: unchanged pins are not rewritten, stale files go after the swap
        const QDateTime aWritten = QFileInfo(dir.filePath(firstFiles[0])).lastModified();
        QTest::qWait(20);
        QVERIFY(PinStore::saveAll({{tab, {c, a}}}).isEmpty());
        loaded = PinStore::load(tab, &error);
        QCOMPARE(loaded.size(), 2);
        QCOMPARE(loaded[0].result.query, QByteArray("c"));
        QCOMPARE(loaded[0].result.value.count(), int64_t(30));
        QCOMPARE(loaded[1].result.query, QByteArray("a"));
        QCOMPARE(dir.entryList(QDir::Files).size(), 2); // b, new and half are gone
        bool aKept = false;
        for (const QString &f : dir.entryList(QDir::Files))
            if (QFileInfo(dir.filePath(f)).lastModified() == aWritten) aKept = true;
        QVERIFY(aKept);

        // a save that does not list a tab (another qscope's) leaves its pins alone
        QVERIFY(PinStore::saveAll({{QStringLiteral("tab-b"), {b}}}).isEmpty());
        QCOMPARE(PinStore::load(tab).size(), 2);
        QCOMPARE(PinStore::load(QStringLiteral("tab-b")).size(), 1);
        // a tab listed with no pins (closed) loses them
        QVERIFY(PinStore::saveAll({{tab, {}}}).isEmpty());
        QVERIFY(!dir.exists());
        QVERIFY(PinStore::load(tab).isEmpty());
        QCOMPARE(PinStore::load(QStringLiteral("tab-b")).size(), 1);
    }

    void pinsNotYetInTheManifestLoad()
    {
        // a new tab's first save died after its pin files, before the manifest named them:
        // its complete files still load (a half-written one is QSaveFile's temporary, not a pin)
        PinStore::clear();
        const PinStore::Pin a{longs("first", 3), QStringLiteral("s")};
        QVERIFY(PinStore::saveAll({{QStringLiteral("n"), {a}}}).isEmpty());
        QFile m(PinStore::directory() + QStringLiteral("/manifest.json"));
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write("{}"); // the manifest as it was before that save
        m.close();
        QFile temp(PinStore::directory() + QStringLiteral("/n/0123.qpin.AbCdEf"));
        QVERIFY(temp.open(QIODevice::WriteOnly));
        temp.write("QPN");
        temp.close();
        QString error;
        const QList<PinStore::Pin> loaded = PinStore::load(QStringLiteral("n"), &error);
        QCOMPARE(error, QString());
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded[0].result.query, QByteArray("first"));
    }

    void pinsFromBeforeTheManifestLoad()
    {
        PinStore::clear();
        const PinStore::Pin a{longs("old", 5), QStringLiteral("s")};
        QVERIFY(PinStore::saveAll({{QStringLiteral("t"), {a}}}).isEmpty());
        QVERIFY(QFile::remove(PinStore::directory() + QStringLiteral("/manifest.json")));
        const QList<PinStore::Pin> loaded = PinStore::load(QStringLiteral("t"));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded[0].result.query, QByteArray("old"));
    }
};

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
