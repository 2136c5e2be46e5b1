#pragma once
/// Desktop notifications of the estate's alerts: when a round raises an alert and notifications
/// are on for this estate (off by default), one notification per alert raised (a round raising
/// more than kOneEachUpTo: one for all of them), never one per round while it stays active.
///
/// Where a notification goes is a NotificationSink (the seam tests replace): by default the
/// freedesktop notification service (org.freedesktop.Notifications' Notify, called
/// asynchronously on the session bus: the GUI thread never waits for it), falling back to the
/// tray's balloon (QSystemTrayIcon::showMessage) when there is no such service and a tray is
/// available. That no service answers is said once (unavailable()), for the view's status line.
/// Joining the session bus is itself a blocking round trip (connect, Hello), and a hung bus
/// would hang it: it runs on the thread pool the first time a notification is due, which waits
/// meanwhile. A failure (no bus, no service, a Notify error) sends that one notification to the
/// tray; the next one tries the bus again. GUI thread only.

#include <QDBusConnection>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

class QSystemTrayIcon;

namespace qscope {

class EstateModel;

class NotificationSink
{
public:
    virtual ~NotificationSink() = default;
    virtual void notify(const QString &summary, const QString &body) = 0;
};

/// org.freedesktop.Notifications on a bus (the session bus by default), else the tray.
class DesktopNotificationSink : public QObject, public NotificationSink
{
    Q_OBJECT
public:
    /// Joins a bus on the thread pool; returns it (not connected if it could not be joined).
    using Connect = std::function<QDBusConnection()>;

    /// On the session bus, joined when the first notification is due.
    explicit DesktopNotificationSink(QObject *parent = nullptr);
    /// On this bus instead of the session bus (tests run a private one).
    DesktopNotificationSink(const QDBusConnection &bus, QObject *parent = nullptr);
    /// On the bus `connect` joins (run on the thread pool; tests hold it to play a hung bus).
    explicit DesktopNotificationSink(Connect connect, QObject *parent = nullptr);
    ~DesktopNotificationSink() override;

    void notify(const QString &summary, const QString &body) override;
    /// Notifications the service accepted (answered Notify with an id).
    int delivered() const { return m_delivered; }

Q_SIGNALS:
    /// Once: why notifications cannot reach the desktop (and where they go instead, if anywhere).
    void unavailable(const QString &reason);

private:
    struct Pending
    {
        QString summary, body;
    };
    void send(const QString &summary, const QString &body);
    void fallBack(const QString &summary, const QString &body, const QString &why);
    /// Joins the bus on the pool; the notifications due meanwhile wait in m_waiting.
    void startConnecting();

    Connect m_connect; ///< null: m_bus was given
    QDBusConnection m_bus;
    bool m_connecting = false;
    std::vector<Pending> m_waiting; ///< due while the bus is being joined
    bool m_told = false;
    int m_delivered = 0;
    std::unique_ptr<QSystemTrayIcon> m_tray;
};

class EstateNotifier : public QObject
{
    Q_OBJECT
public:
    /// A round raising more alerts than this (a network blip: every process unreachable at
    /// once) makes one notification with their count and the first few, not one each.
    static constexpr int kOneEachUpTo = 3;

    /// sink is not owned and must outlive this.
    EstateNotifier(EstateModel *model, NotificationSink *sink, QObject *parent = nullptr);

    void setEnabled(bool on) { m_enabled = on; }
    /// Not owned; null sends nothing.
    void setSink(NotificationSink *sink) { m_sink = sink; }
    bool isEnabled() const { return m_enabled; }

private:
    void onRaised(const std::vector<int> &indexes);

    EstateModel *m_model;
    NotificationSink *m_sink;
    bool m_enabled = false;
};

} // namespace qscope
