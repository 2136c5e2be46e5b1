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
/// GUI thread only.

#include <QDBusConnection>
#include <QObject>

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
    explicit DesktopNotificationSink(QObject *parent = nullptr);
    /// On this bus instead of the session bus (tests run a private one).
    DesktopNotificationSink(const QDBusConnection &bus, QObject *parent = nullptr);
    ~DesktopNotificationSink() override;

    void notify(const QString &summary, const QString &body) override;
    /// Notifications the service accepted (answered Notify with an id).
    int delivered() const { return m_delivered; }

Q_SIGNALS:
    /// Once: why notifications cannot reach the desktop (and where they go instead, if anywhere).
    void unavailable(const QString &reason);

private:
    void fallBack(const QString &summary, const QString &body, const QString &why);

    QDBusConnection m_bus;
    bool m_serviceMissing = false;
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
