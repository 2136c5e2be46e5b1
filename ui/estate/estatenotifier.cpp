#include "estatenotifier.h"

#include "estatemodel.h"

#include <QApplication>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QFutureWatcher>
#include <QPromise>
#include <QSystemTrayIcon>
#include <QThreadPool>

namespace qscope {

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");

} // namespace

DesktopNotificationSink::DesktopNotificationSink(QObject *parent)
    : DesktopNotificationSink(Connect([] { return QDBusConnection::sessionBus(); }), parent)
{}

DesktopNotificationSink::DesktopNotificationSink(const QDBusConnection &bus, QObject *parent)
    : QObject(parent), m_bus(bus)
{}

DesktopNotificationSink::DesktopNotificationSink(Connect connect, QObject *parent)
    : QObject(parent), m_connect(std::move(connect)),
      m_bus(QStringLiteral("qscope-not-connected")) // a handle to no bus until joined
{}

DesktopNotificationSink::~DesktopNotificationSink() = default;

void DesktopNotificationSink::notify(const QString &summary, const QString &body)
{
    if (m_bus.isConnected()) {
        send(summary, body);
        return;
    }
    if (!m_connect) {
        fallBack(summary, body, tr("no session bus"));
        return;
    }
    // not joined yet, or the last try failed: (try again to) join it, off this thread
    m_waiting.push_back({summary, body});
    if (!m_connecting) startConnecting();
}

void DesktopNotificationSink::startConnecting()
{
    m_connecting = true;
    auto promise = std::make_shared<QPromise<QDBusConnection>>();
    auto *watcher = new QFutureWatcher<QDBusConnection>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_connecting = false;
        if (watcher->future().resultCount() > 0) m_bus = watcher->future().result();
        const std::vector<Pending> due = std::exchange(m_waiting, {});
        for (const Pending &p : due)
            if (m_bus.isConnected())
                send(p.summary, p.body);
            else
                fallBack(p.summary, p.body, tr("no session bus"));
    });
    watcher->setFuture(promise->future());
    promise->start();
    // the job holds no pointer to this: a sink gone meanwhile drops the watcher, not the job
    QThreadPool::globalInstance()->start([promise, connect = m_connect] {
        promise->addResult(connect());
        promise->finish();
    });
}

void DesktopNotificationSink::send(const QString &summary, const QString &body)
{
    // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)
    // -> id (the Desktop Notifications Specification).
    QDBusMessage call =
        QDBusMessage::createMethodCall(kService, kPath, kService, QStringLiteral("Notify"));
    call << QStringLiteral("qscope") << 0U << QStringLiteral("qscope") << summary << body
         << QStringList() << QVariantMap() << -1;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, watcher, summary, body](QDBusPendingCallWatcher *) {
                watcher->deleteLater();
                const QDBusPendingReply<uint> reply = *watcher;
                if (!reply.isError()) {
                    ++m_delivered;
                    return;
                }
                // This one to the tray; the next one tries the service again (it may have
                // been restarting, or failed once).
                const QDBusError e = reply.error();
                fallBack(summary, body,
                         e.type() == QDBusError::ServiceUnknown
                             ? tr("no notification service on the session bus")
                             : tr("the notification service failed: %1").arg(e.message()));
            });
}

void DesktopNotificationSink::fallBack(const QString &summary, const QString &body,
                                       const QString &why)
{
    const bool tray = QSystemTrayIcon::isSystemTrayAvailable();
    if (tray) {
        if (!m_tray) {
            m_tray = std::make_unique<QSystemTrayIcon>(QApplication::windowIcon());
            m_tray->show();
        }
        m_tray->showMessage(summary, body, QSystemTrayIcon::Warning);
    }
    if (m_told) return;
    m_told = true;
    const QString reason = why.isEmpty() ? tr("no notification service") : why;
    Q_EMIT unavailable(tray
                           ? tr("Desktop notifications: %1; shown by the tray instead.").arg(reason)
                           : tr("Desktop notifications: %1 and no tray: not shown.").arg(reason));
}

EstateNotifier::EstateNotifier(EstateModel *model, NotificationSink *sink, QObject *parent)
    : QObject(parent), m_model(model), m_sink(sink)
{
    connect(m_model, &EstateModel::alertsRaised, this, &EstateNotifier::onRaised);
}

void EstateNotifier::onRaised(const std::vector<int> &indexes)
{
    if (!m_enabled || !m_sink) return;
    std::vector<const EstateAlert *> raised;
    for (int i : indexes)
        if (i >= 0 && i < int(m_model->alerts().size()))
            raised.push_back(&m_model->alerts()[size_t(i)]);
    if (int(raised.size()) <= kOneEachUpTo) {
        for (const EstateAlert *a : raised)
            m_sink->notify(
                tr("qscope estate: %1 (%2)").arg(EstateAlert::kindName(a->kind), a->node), a->text);
        return;
    }
    // Many at once: one notification, the first few named (the view has them all).
    constexpr int kNamed = 5;
    QStringList lines;
    for (size_t i = 0; i < raised.size() && i < size_t(kNamed); ++i)
        lines << raised[i]->text;
    if (int(raised.size()) > kNamed)
        lines << tr("\u2026 and %n more", nullptr, int(raised.size()) - kNamed);
    m_sink->notify(tr("qscope estate: %n alerts raised", nullptr, int(raised.size())),
                   lines.join(QLatin1Char('\n')));
}

} // namespace qscope
