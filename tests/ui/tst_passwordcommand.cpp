// The password provider (connections/passwordcommand.h): a profile's command, run through the
// shell off the GUI thread's critical path, gives the password at connect time. Checked with small
// shell scripts: the password the fake q server saw in the login, each named failure (exit code
// with the script's complaint, nothing printed, a command too slow for its time limit), and that
// the event loop keeps running while a command is slow.
#include "connections/connectiondialog.h"
#include "connections/connectionstore.h"
#include "connections/passwordcommand.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"
#include "fakeqserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace qscope;
using qscope::test::FakeQServer;

class TestPasswordCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    /// A shell script in the temp dir with this body; returns the command that runs it.
    QString script(const QString &name, const QByteArray &body)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write("#!/bin/sh\n" + body + "\n");
        f.close();
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        return path;
    }

    struct Outcome
    {
        bool ok = false;
        QString password, error;
    };
    Outcome run(const QString &command, int timeoutMs = 10000)
    {
        PasswordCommand cmd(command, timeoutMs);
        QSignalSpy spy(&cmd, &PasswordCommand::finished);
        if (!spy.isEmpty()) return {false, {}, QStringLiteral("finished before connect")};
        if (!spy.wait(20000)) return {false, {}, QStringLiteral("no finished signal")};
        return {spy[0][0].toBool(), spy[0][1].toString(), spy[0][2].toString()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void outputIsThePassword()
    {
        const Outcome o = run(script(QStringLiteral("ok.sh"), "printf 'tok en:42\\n'"));
        QVERIFY2(o.ok, qPrintable(o.error));
        QCOMPARE(o.password, QStringLiteral("tok en:42")); // the line break dropped, spaces kept
    }

    void failuresAreNamed()
    {
        Outcome o = run(script(QStringLiteral("fail.sh"), "echo 'no Kerberos ticket' >&2; exit 3"));
        QVERIFY(!o.ok);
        QCOMPARE(o.error,
                 QStringLiteral("the password command exited with code 3: no Kerberos ticket"));
        o = run(script(QStringLiteral("empty.sh"), "exit 0"));
        QVERIFY(!o.ok);
        QCOMPARE(o.error, QStringLiteral("the password command printed nothing"));
        o = run(m_dir.filePath(QStringLiteral("missing.sh")));
        QVERIFY(!o.ok);
        QVERIFY2(o.error.startsWith(QStringLiteral("the password command exited with code 127")),
                 qPrintable(o.error));
        o = run(QStringLiteral("   "));
        QVERIFY(!o.ok);
        QCOMPARE(o.error, QStringLiteral("the password command is empty"));
    }

    void slowCommandTimesOutWithoutBlocking()
    {
        PasswordCommand cmd(script(QStringLiteral("slow.sh"), "sleep 30; echo late"), 500);
        QSignalSpy spy(&cmd, &PasswordCommand::finished);
        int ticks = 0; // the event loop keeps turning while the command runs
        QTimer tick;
        connect(&tick, &QTimer::timeout, this, [&ticks] { ++ticks; });
        tick.start(20);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(spy.wait(20000));
        QVERIFY(clock.elapsed() < 15000); // the limit, not the script's 30 s
        QVERIFY(!spy[0][0].toBool());
        QCOMPARE(spy[0][2].toString(),
                 QStringLiteral("the password command did not finish within 0.5 s"));
        QVERIFY(ticks >= 5);
    }

    void connectUsesTheCommandsPassword()
    {
        FakeQServer server;
        QVERIFY(server.listenTcp());
        ConnectionManager manager;
        ConnectionStore store;
        QCOMPARE(store.load(m_dir.filePath(QStringLiteral("connections.json"))), QString());
        PasswordStore passwords(QStringLiteral("qscope-tests"));
        passwords.setKeychainEnabled(false);
        ServerSessions sessions(&manager, &store, &passwords);

        ConnectionProfile p;
        p.name = QStringLiteral("sso");
        p.host = QStringLiteral("127.0.0.1");
        p.port = server.port();
        p.user = QStringLiteral("alice");
        p.passwordCommand = script(QStringLiteral("token.sh"), "echo sso-token-1");
        // the profile keeps the command (saved and read back)
        QString error;
        QCOMPARE(ConnectionProfile::fromJson(p.toJson(), &error).passwordCommand,
                 p.passwordCommand);
        const QString id = store.add(p);
        QSignalSpy needed(&sessions, &ServerSessions::passwordNeeded);
        sessions.connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(sessions.isOpen(id), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(server.eventCount(FakeQServer::Event::LoggedIn), 1, 10000);
        for (const FakeQServer::Event &e : server.events)
            if (e.kind == FakeQServer::Event::LoggedIn)
                QCOMPARE(e.login, QByteArray("alice:sso-token-1"));
        QCOMPARE(needed.size(), 0); // never asked: the command answered
        sessions.disconnectProfile(id);

        // a failing command: the connection fails with the command's own reason, no login
        ConnectionProfile bad = *store.profile(id);
        bad.passwordCommand = script(QStringLiteral("nokrb.sh"), "echo 'kinit first' >&2; exit 1");
        store.update(bad);
        QSignalSpy states(&sessions, &ServerSessions::stateChanged);
        sessions.connectProfile(id);
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty() && states.last()[1].value<ConnectionState>() ==
                                                          ConnectionState::Failed,
                                 10000);
        QCOMPARE(states.last()[2].toString(),
                 QStringLiteral("the password command exited with code 1: kinit first"));
        QCOMPARE(server.eventCount(FakeQServer::Event::LoggedIn), 1);

        // disconnecting while the command runs drops it: nothing opens afterwards
        bad.passwordCommand = script(QStringLiteral("slowtok.sh"), "sleep 1; echo late-token");
        store.update(bad);
        sessions.connectProfile(id);
        sessions.disconnectProfile(id);
        QTest::qWait(1500);
        QVERIFY(!sessions.isOpen(id));
        QCOMPARE(server.eventCount(FakeQServer::Event::LoggedIn), 1);
    }

    void dialogEditsTheCommand()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("d");
        p.passwordCommand = QStringLiteral("pass show kdb/prod");
        ConnectionDialog dialog(p, QStringList(), QString());
        QCOMPARE(dialog.passwordCommandEdit()->text(), p.passwordCommand);
        dialog.passwordCommandEdit()->setText(QStringLiteral("  klist-token  "));
        QCOMPARE(dialog.profile().passwordCommand, QStringLiteral("klist-token"));
        QDir().mkpath(QStringLiteral("/work/shots"));
        QVERIFY(dialog.grab().save(QStringLiteral("/work/shots/passwordcommand.png")));
    }
};

QTEST_MAIN(TestPasswordCommand)
#include "tst_passwordcommand.moc"
