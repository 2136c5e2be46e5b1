// Desktop notifications of the estate's alerts (ui/estate/estatenotifier.h): through the seam, a
// raised alert makes exactly one notification and none while they are off; through a real
// private D-Bus session bus (dbus-daemon) with a fake org.freedesktop.Notifications service,
// the Notify call as the service sees it, and the one message when no service answers.

#include "estate/estatemodel.h"
#include "estate/estatenotifier.h"
#include "estate/estateview.h"
#include "estateanswers.h"
#include "net/connectionmanager.h"

#include <QCheckBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusContext>
#include <QLabel>
#include <QProcess>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>
#include <QtTest>

#include <csignal>
#include <sys/prctl.h>

using namespace qscope;
using qscope::test::Answer;
using qscope::test::answer;

namespace {

struct FakeSink : NotificationSink
{
    QStringList summaries, bodies;
    void notify(const QString &summary, const QString &body) override
    {
        summaries << summary;
        bodies << body;
    }
};

/// org.freedesktop.Notifications as a desktop's notification daemon offers it: records each
/// Notify and answers with an id.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QStringList summaries, bodies, apps;

public Q_SLOTS:
    uint Notify(const QString &app, uint replaces, const QString &icon, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints,
                int timeout)
    {
        Q_UNUSED(replaces);
        Q_UNUSED(icon);
        Q_UNUSED(actions);
        Q_UNUSED(hints);
        Q_UNUSED(timeout);
        apps << app;
        summaries << summary;
        bodies << body;
        return uint(summaries.size());
    }
};

/// FakeNotifications that answers the first Notify with an error (a daemon restarting).
class FailingOnceNotifications : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    QStringList summaries;

public Q_SLOTS:
    uint Notify(const QString &, uint, const QString &, const QString &summary, const QString &,
                const QStringList &, const QVariantMap &, int)
    {
        summaries << summary;
        if (summaries.size() == 1) sendErrorReply(QDBusError::Failed, QStringLiteral("restarting"));
        return uint(summaries.size());
    }
};

/// One round: the process answers, or fails.
void round(EstateModel &m, int i, bool up, qint64 t)
{
    if (up)
        m.applyPoll(i, answer(Answer{}), t);
    else
        m.applyFailure(i, QStringLiteral("connection refused"), t);
    m.finishRound(t);
}

} // namespace

class TstEstateNotify : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void oneNotificationPerRaisedAlertOnlyWhenOn();
    void notifyReachesTheServiceOnTheBus();
    void noServiceIsSaidOnce();
    void viewSaysOnceOnItsStatusLine();
    void theBusIsJoinedOffTheGuiThread();
    void aFailedNotifyIsRetriedOnTheNext();
    void cleanupTestCase();

private:
    QProcess m_bus;
    QString m_address;
};

void TstEstateNotify::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // A private session bus of our own: nothing on the machine's desktop is touched.
    const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    QVERIFY2(!daemon.isEmpty(), "dbus-daemon is not installed (./build.sh installs the "
                                "dbus-daemon package the notification cases need)");
    // It ends with this test even if the test crashes (no daemon left behind).
    m_bus.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_bus.start(daemon, {QStringLiteral("--session"), QStringLiteral("--nofork"),
                         QStringLiteral("--print-address=1")});
    QVERIFY(m_bus.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(m_bus.canReadLine(), 10000);
    m_address = QString::fromUtf8(m_bus.readLine().trimmed());
    QVERIFY(!m_address.isEmpty());
    // The view's own sink joins "the session bus": this one, for this process.
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
}

void TstEstateNotify::cleanupTestCase()
{
    if (m_bus.state() != QProcess::NotRunning) {
        m_bus.terminate();
        m_bus.waitForFinished(5000);
    }
}

void TstEstateNotify::oneNotificationPerRaisedAlertOnlyWhenOn()
{
    ConnectionManager manager(1);
    EstateView view(&manager, nullptr); // hidden: nothing polled, the model driven here
    FakeSink sink;
    view.setNotificationSink(&sink);
    QVERIFY(!view.notificationsEnabled()); // off by default
    QCheckBox *box = nullptr;
    for (QCheckBox *c : view.findChildren<QCheckBox *>())
        if (c->text().contains(QStringLiteral("notification"))) box = c;
    QVERIFY(box && !box->isChecked());
    EstateModel &m = *view.model();
    const int i = m.addProcess(QStringLiteral("127.0.0.1:5000"));
    round(m, i, true, 1000);
    round(m, i, false, 2000); // raised while off: nothing sent
    QCOMPARE(m.activeAlertCount(), 1);
    QVERIFY(sink.summaries.isEmpty());
    round(m, i, true, 3000);
    box->setChecked(true); // as the person does
    QVERIFY(view.notificationsEnabled());
    round(m, i, false, 4000);
    QCOMPARE(sink.summaries.size(), 1);
    QVERIFY(sink.summaries[0].contains(QStringLiteral("unreachable")));
    QVERIFY(sink.bodies[0].contains(QStringLiteral("127.0.0.1:5000 unreachable")));
    round(m, i, false, 5000); // still the same alert: not again
    round(m, i, false, 6000);
    QCOMPARE(sink.summaries.size(), 1);
    round(m, i, true, 7000);
    box->setChecked(false);
    round(m, i, false, 8000);
    QCOMPARE(sink.summaries.size(), 1);
}

void TstEstateNotify::notifyReachesTheServiceOnTheBus()
{
    QDBusConnection service =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-service"));
    QVERIFY2(service.isConnected(), qPrintable(service.lastError().message()));
    FakeNotifications daemon;
    QVERIFY(service.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &daemon,
                                   QDBusConnection::ExportAllSlots));
    QVERIFY(service.registerService(QStringLiteral("org.freedesktop.Notifications")));
    QDBusConnection client =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-client"));
    QVERIFY(client.isConnected());
    {
        DesktopNotificationSink sink(client);
        QSignalSpy unavailable(&sink, &DesktopNotificationSink::unavailable);
        sink.notify(QStringLiteral("qscope estate: queue (127.0.0.1:5001)"),
                    QStringLiteral("127.0.0.1:5001 falls behind"));
        // notify returned at once; the call is answered on the event loop.
        QTRY_COMPARE_WITH_TIMEOUT(sink.delivered(), 1, 10000);
        QCOMPARE(daemon.summaries,
                 QStringList{QStringLiteral("qscope estate: queue (127.0.0.1:5001)")});
        QCOMPARE(daemon.bodies, QStringList{QStringLiteral("127.0.0.1:5001 falls behind")});
        QCOMPARE(daemon.apps, QStringList{QStringLiteral("qscope")});
        QCOMPARE(unavailable.count(), 0);
    }
    service.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-service"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-client"));
}

void TstEstateNotify::noServiceIsSaidOnce()
{
    QDBusConnection client =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-lonely"));
    QVERIFY(client.isConnected());
    DesktopNotificationSink sink(client);
    QSignalSpy unavailable(&sink, &DesktopNotificationSink::unavailable);
    sink.notify(QStringLiteral("a"), QStringLiteral("first"));
    sink.notify(QStringLiteral("b"), QStringLiteral("second"));
    QTRY_COMPARE_WITH_TIMEOUT(unavailable.count(), 1, 10000);
    sink.notify(QStringLiteral("c"), QStringLiteral("third"));
    QTest::qWait(300);
    QCOMPARE(unavailable.count(), 1); // said once, however many alerts follow
    QCOMPARE(sink.delivered(), 0);
    qInfo("%s", qPrintable(unavailable[0][0].toString()));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-lonely"));
}

void TstEstateNotify::viewSaysOnceOnItsStatusLine()
{
    ConnectionManager manager(1);
    EstateView view(&manager, nullptr);
    view.setNotificationsEnabled(true); // the desktop's sink: the bus has no service now
    EstateModel &m = *view.model();
    const int a = m.addProcess(QStringLiteral("127.0.0.1:5000"));
    const int b = m.addProcess(QStringLiteral("127.0.0.1:5001"));
    round(m, a, true, 1000);
    round(m, b, true, 1000);
    round(m, a, false, 2000);
    const QString said = QStringLiteral("no notification service on the session bus");
    QTRY_VERIFY_WITH_TIMEOUT(view.statusLabel()->text().contains(said), 10000);
    round(m, b, false, 3000); // a second alert: still said once
    QTest::qWait(300);
    QCOMPARE(view.statusLabel()->text().count(said), 1);
}

void TstEstateNotify::theBusIsJoinedOffTheGuiThread()
{
    QDBusConnection service =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-service2"));
    QVERIFY(service.isConnected());
    FakeNotifications daemon;
    QVERIFY(service.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &daemon,
                                   QDBusConnection::ExportAllSlots));
    QVERIFY(service.registerService(QStringLiteral("org.freedesktop.Notifications")));
    // a hung bus: joining it waits until the test lets it go
    QSemaphore letGo;
    std::atomic<QThread *> joinedOn{nullptr};
    const QString address = m_address;
    {
        DesktopNotificationSink sink(DesktopNotificationSink::Connect([&letGo, &joinedOn, address] {
            joinedOn = QThread::currentThread();
            letGo.acquire();
            return QDBusConnection::connectToBus(address, QStringLiteral("estate-test-joined"));
        }));
        sink.notify(QStringLiteral("first"), QStringLiteral("due while the bus is joined"));
        sink.notify(QStringLiteral("second"), QStringLiteral("so is this one"));
        // notify returned while the bus hangs: the GUI thread is not the one waiting
        QTRY_VERIFY_WITH_TIMEOUT(joinedOn.load() != nullptr, 10000);
        QVERIFY(joinedOn.load() != QThread::currentThread());
        QCOMPARE(sink.delivered(), 0);
        letGo.release();
        QTRY_COMPARE_WITH_TIMEOUT(sink.delivered(), 2, 10000);
        QCOMPARE(daemon.summaries,
                 (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
    }
    QThreadPool::globalInstance()->waitForDone();
    service.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-service2"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-joined"));
}

void TstEstateNotify::aFailedNotifyIsRetriedOnTheNext()
{
    QDBusConnection service =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-service3"));
    QVERIFY(service.isConnected());
    FailingOnceNotifications daemon;
    QVERIFY(service.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &daemon,
                                   QDBusConnection::ExportAllSlots));
    QVERIFY(service.registerService(QStringLiteral("org.freedesktop.Notifications")));
    QDBusConnection client =
        QDBusConnection::connectToBus(m_address, QStringLiteral("estate-test-client3"));
    QVERIFY(client.isConnected());
    {
        DesktopNotificationSink sink(client);
        QSignalSpy unavailable(&sink, &DesktopNotificationSink::unavailable);
        sink.notify(QStringLiteral("one"), QStringLiteral("the service fails this one"));
        QTRY_COMPARE_WITH_TIMEOUT(unavailable.count(), 1, 10000);
        QVERIFY2(unavailable[0][0].toString().contains(QStringLiteral("restarting")),
                 qPrintable(unavailable[0][0].toString()));
        // the next alert goes to the service again, not to the tray for good
        sink.notify(QStringLiteral("two"), QStringLiteral("the service takes this one"));
        QTRY_COMPARE_WITH_TIMEOUT(sink.delivered(), 1, 10000);
        QCOMPARE(daemon.summaries, (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
    }
    service.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-service3"));
    QDBusConnection::disconnectFromBus(QStringLiteral("estate-test-client3"));
}

QTEST_MAIN(TstEstateNotify)
#include "tst_estatenotify.moc"
