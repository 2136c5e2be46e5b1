#pragma once
/// Connections a monitor view holds for itself, and when it may use them.
///
/// A feed view's subscription and a poller view get connections of their own (a tickerplant
/// subscriber is its own process in kdb-tick), opened through a HandleSource (the app's
/// ServerSessions for one saved profile, or the engine directly in a test) and registered in the
/// HandleRegistry with their owner, so Activity can list and stop them. A poller uses its handle
/// only while its view can be seen (VisibilityWatch) and closes it otherwise.

#include "net/connectionmanager.h"

#include <QObject>
#include <QPointer>

#include <functional>

class QDockWidget;
class QWidget;

namespace qscope {

/// Where a view's own connections come from, for one server.
struct HandleSource
{
    QString key;   ///< which server (a profile id): the same key is the same source
    QString label; ///< the server, as shown
    /// Opens a new connection registered with its owner; 0 and *why when it cannot.
    std::function<ConnectionId(HandlePurpose, const QString &owner, QString *why)> open;
    std::function<void(ConnectionId)> close;

    bool valid() const { return bool(open); }
    /// Straight on the engine with these options (tests, and any place without saved profiles).
    static HandleSource direct(ConnectionManager *manager, const ConnectionOptions &options);
};

/// One connection a view holds for one purpose: opened by acquire(), closed by release() (and
/// on destruction). A borrowed connection (setBorrowed) is used as it is and never closed.
/// GUI thread only.
class ViewHandle : public QObject
{
    Q_OBJECT
public:
    ViewHandle(ConnectionManager *manager, HandlePurpose purpose, const QString &owner,
               QObject *parent = nullptr);
    ~ViewHandle() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Closes the current connection (if owned); acquire() opens on the new source.
    void setSource(const HandleSource &source);
    const HandleSource &source() const { return m_source; }
    void setBorrowed(ConnectionId id);
    /// The connection, opened now if there is none; 0 (and *why) when it cannot be.
    ConnectionId acquire(QString *why = nullptr);
    /// Closes an owned connection (the server sees the disconnect); a borrowed one is only let go.
    void release();
    ConnectionId id() const { return m_id; }
    bool isOpen() const;
    void setOwnerName(const QString &owner);
    /// The status bar's line for this handle, and what is on the wire now (see HandleRegistry).
    void setSummary(const QString &summary);
    void setActivity(const QString &activity);

Q_SIGNALS:
    /// Activity's Stop was pressed for this handle: the holder stops what it does there.
    void stopRequested();

private:
    ConnectionManager *m_manager;
    HandlePurpose m_purpose;
    QString m_owner;
    QString m_summary;
    HandleSource m_source;
    ConnectionId m_id = 0;
    bool m_owned = false;
};

/// Whether a view can be seen: its own show/hide events and, inside a QDockWidget, the dock's
/// visibilityChanged (a dock tabbed away behind another is moved off screen, not hidden, and
/// only that signal says so). GUI thread only.
class VisibilityWatch : public QObject
{
    Q_OBJECT
public:
    explicit VisibilityWatch(QWidget *view);
    bool visible() const { return m_visible; }

Q_SIGNALS:
    void changed(bool visible);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void update();

    QWidget *m_view;
    QPointer<QDockWidget> m_dock;
    bool m_dockVisible = true;
    bool m_visible = false;
};

} // namespace qscope
