// The password store's rules (issue #16), with a scripted keychain behind the KeychainBackend
// seam (CI has no Secret Service; the real QtKeychain path is tst_connections'
// passwordsWithoutKeychain):
//   - a denial or error affects one secret: other secrets still go to the keychain, and the
//     keychain stays on for the session;
//   - only a missing service turns it off (also QtKeychain's "unknown error" before the keychain
//     ever answered);
//   - deleting a connection always removes its secret: a deletion the keychain could not do then
//     (off, missing, denied) is queued, persisted, and retried after the next success / at start;
//   - through ServerSessions: removing a profile forgets its secret.

#include "connections/connectionstore.h"
#include "connections/keychainbackend.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "net/connectionmanager.h"

#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QtTest>

using namespace qscope;

namespace {

/// A keychain held in memory, answering later as a real one does. Its state outlives a
/// PasswordStore (a "next session" reuses it).
struct FakeKeychain
{
    QHash<QString, QString> secrets;
    QSet<QString> denied;      ///< these keys are refused
    bool unavailable = false;  ///< no service at all
    bool unknownError = false; ///< every call fails with QtKeychain's "unknown error"
    QStringList calls;
};

class ScriptedBackend : public KeychainBackend
{
public:
    explicit ScriptedBackend(FakeKeychain *k) : m_k(k) {}
    void read(const QString &key, QObject *context, Done done) override
    {
        answer(QStringLiteral("read ") + key, key, context, std::move(done), [this, key] {
            Reply r;
            if (!m_k->secrets.contains(key))
                r.outcome = Outcome::NotFound;
            else
                r.password = m_k->secrets.value(key);
            return r;
        });
    }
    void write(const QString &key, const QString &password, QObject *context, Done done) override
    {
        answer(QStringLiteral("write ") + key, key, context, std::move(done),
               [this, key, password] {
                   m_k->secrets.insert(key, password);
                   return Reply{};
               });
    }
    void remove(const QString &key, QObject *context, Done done) override
    {
        answer(QStringLiteral("remove ") + key, key, context, std::move(done), [this, key] {
            Reply r;
            if (!m_k->secrets.remove(key)) r.outcome = Outcome::NotFound;
            return r;
        });
    }

private:
    template<typename F>
    void answer(const QString &call, const QString &key, QObject *context, Done done, F ok)
    {
        m_k->calls << call;
        // later, never inline, as QtKeychain's jobs
        QTimer::singleShot(0, context, [this, key, done = std::move(done), ok] {
            Reply r;
            if (m_k->unavailable) {
                r.outcome = Outcome::Unavailable;
                r.error = QStringLiteral("No keychain service available");
            } else if (m_k->unknownError) {
                r.outcome = Outcome::Failed;
                r.error = QStringLiteral("Unknown error");
            } else if (m_k->denied.contains(key)) {
                r.outcome = Outcome::Denied;
                r.error = QStringLiteral("Access denied by user");
            } else {
                r = ok();
            }
            done(r);
        });
    }
    FakeKeychain *m_k;
};

std::unique_ptr<PasswordStore> session(FakeKeychain *k)
{
    return std::make_unique<PasswordStore>(QStringLiteral("qscope-tst-passwords"), nullptr,
                                           std::make_unique<ScriptedBackend>(k));
}

struct Fetched
{
    bool found = false;
    QString password, whyNot;
};

Fetched fetchNow(PasswordStore &store, const QString &id)
{
    QSignalSpy spy(&store, &PasswordStore::fetched);
    store.fetch(id); // answered at once (session memory, no keychain) or later (the keychain)
    if (spy.isEmpty() && !spy.wait(5000)) return {false, {}, QStringLiteral("no answer")};
    return {spy[0][2].toBool(), spy[0][1].toString(), spy[0][3].toString()};
}

} // namespace

class TestPasswords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_passwords"));
        QSettings().clear();
    }

    void denialAffectsOneSecret()
    {
        FakeKeychain k;
        k.secrets = {{QStringLiteral("a"), QStringLiteral("pa")},
                     {QStringLiteral("b"), QStringLiteral("pb")}};
        k.denied = {QStringLiteral("a")};
        auto store = session(&k);
        QVERIFY(fetchNow(*store, QStringLiteral("b")).found); // the keychain has answered
        const Fetched a = fetchNow(*store, QStringLiteral("a"));
        QVERIFY(!a.found);
        QVERIFY2(a.whyNot.contains(QStringLiteral("denied")), qPrintable(a.whyNot));
        QVERIFY(store->problem(QStringLiteral("a")).contains(QStringLiteral("denied")));
        QVERIFY(store->keychainAvailable()); // not the session
        // other secrets still go to the keychain, reading and writing
        store->clearSession(QStringLiteral("b"));
        const Fetched b = fetchNow(*store, QStringLiteral("b"));
        QVERIFY(b.found);
        QCOMPARE(b.password, QStringLiteral("pb"));
        QSignalSpy stored(store.get(), &PasswordStore::stored);
        store->store(QStringLiteral("c"), QStringLiteral("pc"));
        QVERIFY(stored.wait(5000));
        QVERIFY(stored[0][1].toBool());
        QCOMPARE(k.secrets.value(QStringLiteral("c")), QStringLiteral("pc"));
        // an error after the keychain answered is about its secret too
        k.unknownError = true;
        QVERIFY(!fetchNow(*store, QStringLiteral("d")).found);
        QVERIFY(store->keychainAvailable());
        QCOMPARE(store->problem(QStringLiteral("d")), QStringLiteral("Unknown error"));
        // once allowed, the denied secret reads
        k.unknownError = false;
        k.denied.clear();
        QCOMPARE(fetchNow(*store, QStringLiteral("a")).password, QStringLiteral("pa"));
        QCOMPARE(store->problem(QStringLiteral("a")), QString());
    }

    void missingServiceTurnsItOff()
    {
        FakeKeychain k;
        k.unavailable = true;
        auto store = session(&k);
        QVERIFY(!fetchNow(*store, QStringLiteral("a")).found);
        QVERIFY(!store->keychainAvailable());
        QVERIFY(!store->unavailableReason().isEmpty());
        const int calls = int(k.calls.size());
        const Fetched b = fetchNow(*store, QStringLiteral("b"));
        QVERIFY(!b.found);
        QVERIFY2(b.whyNot.contains(QStringLiteral("no keychain is available")),
                 qPrintable(b.whyNot));
        QCOMPARE(k.calls.size(), calls); // not asked again this session
        // QtKeychain's "unknown error" before any answer: the same (no Secret Service on Linux)
        FakeKeychain k2;
        k2.unknownError = true;
        auto store2 = session(&k2);
        QVERIFY(!fetchNow(*store2, QStringLiteral("a")).found);
        QVERIFY(!store2->keychainAvailable());
    }

    void deletionWhileUnavailableHappensNextSession()
    {
        FakeKeychain k;
        k.secrets = {{QStringLiteral("gone"), QStringLiteral("pw")},
                     {QStringLiteral("kept"), QStringLiteral("pw2")}};
        {
            auto store = session(&k);
            store->setKeychainEnabled(false); // --no-keychain, or no service this session
            store->forget(QStringLiteral("gone"));
            QCOMPARE(store->pendingDeletions(), QStringList{QStringLiteral("gone")});
            QTest::qWait(50);
            QVERIFY(k.secrets.contains(QStringLiteral("gone"))); // could not be deleted then
        }
        // persisted: the next session (keychain working) removes it at start
        auto next = session(&k);
        QCOMPARE(next->pendingDeletions(), QStringList{QStringLiteral("gone")});
        QSignalSpy done(next.get(), &PasswordStore::deletionDone);
        next->retryPendingDeletions();
        QVERIFY(done.wait(5000));
        QCOMPARE(done[0][0].toString(), QStringLiteral("gone"));
        QVERIFY(!k.secrets.contains(QStringLiteral("gone")));
        QVERIFY(k.secrets.contains(QStringLiteral("kept")));
        QVERIFY(next->pendingDeletions().isEmpty());
        QVERIFY(!QSettings().contains(QStringLiteral("keychain/qscope-tst-passwords/"
                                                     "pendingDeletions")));
    }

    void deniedDeletionRetriedAfterNextSuccess()
    {
        FakeKeychain k;
        k.secrets = {{QStringLiteral("x"), QStringLiteral("px")},
                     {QStringLiteral("y"), QStringLiteral("py")}};
        k.denied = {QStringLiteral("x")};
        auto store = session(&k);
        QVERIFY(fetchNow(*store, QStringLiteral("y")).found);
        store->forget(QStringLiteral("x"));
        QTRY_VERIFY(k.calls.contains(QStringLiteral("remove x")));
        QTest::qWait(50);
        QVERIFY(k.secrets.contains(QStringLiteral("x")));
        QCOMPARE(store->pendingDeletions(), QStringList{QStringLiteral("x")});
        QVERIFY(store->keychainAvailable());
        // allowed again: the next successful call carries the deletion out
        k.denied.clear();
        store->clearSession(QStringLiteral("y"));
        QSignalSpy done(store.get(), &PasswordStore::deletionDone);
        QVERIFY(fetchNow(*store, QStringLiteral("y")).found);
        QTRY_COMPARE(done.size(), 1);
        QVERIFY(!k.secrets.contains(QStringLiteral("x")));
        QVERIFY(store->pendingDeletions().isEmpty());
    }

    void storingAgainCancelsAQueuedDeletion()
    {
        FakeKeychain k;
        auto store = session(&k);
        store->setKeychainEnabled(false);
        store->forget(QStringLiteral("z"));
        QCOMPARE(store->pendingDeletions().size(), 1);
        store->setKeychainEnabled(true);
        QSignalSpy stored(store.get(), &PasswordStore::stored);
        store->store(QStringLiteral("z"), QStringLiteral("new"));
        QVERIFY(stored.wait(5000));
        QVERIFY(store->pendingDeletions().isEmpty());
        QCOMPARE(k.secrets.value(QStringLiteral("z")), QStringLiteral("new"));
    }

    void removingAProfileForgetsItsSecret()
    {
        FakeKeychain k;
        QTemporaryDir dir;
        ConnectionStore connections;
        QCOMPARE(connections.load(dir.filePath(QStringLiteral("connections.json"))), QString());
        ConnectionProfile p;
        p.name = QStringLiteral("prod");
        p.user = QStringLiteral("me");
        p.passwordInKeychain = true;
        const QString id = connections.add(p);
        k.secrets.insert(id, QStringLiteral("secret"));
        ConnectionManager manager;
        auto store = session(&k);
        store->setKeychainEnabled(false); // unavailable at that moment
        ServerSessions sessions(&manager, &connections, store.get());
        connections.remove(id);
        QCOMPARE(store->pendingDeletions(), QStringList{id});
        QVERIFY(k.secrets.contains(id));
        store->setKeychainEnabled(true);
        store->retryPendingDeletions();
        QTRY_VERIFY(!k.secrets.contains(id));
        QVERIFY(store->pendingDeletions().isEmpty());
    }
};

QTEST_MAIN(TestPasswords)
#include "tst_passwords.moc"
