#include "viewhandle.h"

#include <QDockWidget>
#include <QEvent>
#include <QWidget>

namespace qscope {

HandleSource HandleSource::direct(ConnectionManager *manager, const ConnectionOptions &options)
{
    HandleSource s;
    s.key = options.address.display();
    s.label = options.name.isEmpty() ? s.key : options.name;
    s.open = [manager, options](HandlePurpose purpose, const QString &owner, QString *) {
        const ConnectionId id = manager->open(options);
        manager->registry()->setOwner(id, purpose, owner);
        return id;
    };
    s.close = [manager](ConnectionId id) { manager->close(id); };
    return s;
}

ViewHandle::ViewHandle(ConnectionManager *manager, HandlePurpose purpose, const QString &owner,
                       QObject *parent)
    : QObject(parent), m_manager(manager), m_purpose(purpose), m_owner(owner)
{
    if (m_manager)
        connect(m_manager->registry(), &HandleRegistry::stopRequested, this,
                [this](ConnectionId id) {
                    if (id && id == m_id) Q_EMIT stopRequested();
                });
}

ViewHandle::~ViewHandle()
{
    release();
}

void ViewHandle::setSource(const HandleSource &source)
{
    release();
    m_source = source;
}

void ViewHandle::setBorrowed(ConnectionId id)
{
    release();
    m_source = HandleSource();
    m_id = id;
    m_owned = false;
}

ConnectionId ViewHandle::acquire(QString *why)
{
    if (m_id || !m_source.valid() || !m_manager) return m_id;
    QString reason;
    m_id = m_source.open(m_purpose, m_owner, &reason);
    m_owned = m_id != 0;
    if (!m_id && why) *why = reason;
    if (m_id && !m_summary.isEmpty()) m_manager->registry()->setSummary(m_id, m_summary);
    return m_id;
}

void ViewHandle::release()
{
    const ConnectionId id = m_id;
    m_id = 0;
    if (!id || !m_owned) return;
    m_owned = false;
    if (m_source.close) m_source.close(id);
}

bool ViewHandle::isOpen() const
{
    return m_id && m_manager && m_manager->state(m_id) == ConnectionState::Open;
}

void ViewHandle::setOwnerName(const QString &owner)
{
    m_owner = owner;
    if (m_id && m_owned && m_manager)
        m_manager->registry()->setOwner(m_id, m_purpose, m_owner, m_summary);
}

void ViewHandle::setSummary(const QString &summary)
{
    m_summary = summary;
    if (m_id && m_owned && m_manager) m_manager->registry()->setSummary(m_id, summary);
}

void ViewHandle::setActivity(const QString &activity)
{
    if (m_id && m_owned && m_manager) m_manager->registry()->setActivity(m_id, activity);
}

VisibilityWatch::VisibilityWatch(QWidget *view) : QObject(view), m_view(view)
{
    view->installEventFilter(this);
    update();
}

bool VisibilityWatch::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && (event->type() == QEvent::Show || event->type() == QEvent::Hide ||
                              event->type() == QEvent::ParentChange))
        update();
    return false;
}

void VisibilityWatch::update()
{
    // The nearest dock around the view (it may be put in one after it was made).
    QDockWidget *dock = nullptr;
    for (QWidget *w = m_view->parentWidget(); w && !dock; w = w->parentWidget())
        dock = qobject_cast<QDockWidget *>(w);
    if (dock != m_dock) {
        if (m_dock) disconnect(m_dock, nullptr, this, nullptr);
        m_dock = dock;
        m_dockVisible = true;
        if (dock)
            connect(dock, &QDockWidget::visibilityChanged, this, [this](bool v) {
                m_dockVisible = v;
                update();
            });
    }
    const bool visible = m_view->isVisible() && m_dockVisible;
    if (visible == m_visible) return;
    m_visible = visible;
    Q_EMIT changed(visible);
}

} // namespace qscope
