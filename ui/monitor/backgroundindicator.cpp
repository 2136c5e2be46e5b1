#include "backgroundindicator.h"

#include <algorithm>

namespace qscope {

BackgroundIndicator::BackgroundIndicator(HandleRegistry *registry, QWidget *parent)
    : QToolButton(parent), m_registry(registry)
{
    setAutoRaise(true);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setCursor(Qt::PointingHandCursor);
    // a link's colour: it opens Activity
    setStyleSheet(QStringLiteral("QToolButton { color: palette(link); border: none; }"));
    connect(registry, &HandleRegistry::ownerChanged, this, &BackgroundIndicator::refresh);
    connect(registry, &HandleRegistry::rowAdded, this, &BackgroundIndicator::refresh);
    connect(registry, &HandleRegistry::rowChanged, this, &BackgroundIndicator::refresh);
    connect(registry, &HandleRegistry::rowsRemoved, this, &BackgroundIndicator::refresh);
    refresh();
}

void BackgroundIndicator::refresh()
{
    QList<ConnectionId> ids = m_registry->ownedHandles();
    std::sort(ids.begin(), ids.end());
    QStringList items;
    for (ConnectionId id : ids) {
        const HandleOwner o = m_registry->owner(id);
        // What runs on its own: a feed, a periodic poll (its owner says so with a summary); a
        // view's one-off questions do not count.
        if (o.purpose != HandlePurpose::Feed && o.purpose != HandlePurpose::Poller) continue;
        if (o.summary.isEmpty()) continue;
        const int row = m_registry->rowOf(id);
        if (row >= 0 && (m_registry->at(row).state == ConnectionState::Closed ||
                         m_registry->at(row).state == ConnectionState::Failed))
            continue;
        items << o.summary;
    }
    if (items == m_items && isHidden() == items.isEmpty()) return;
    m_items = items;
    setText(tr("%1 background: %2").arg(items.size()).arg(items.join(QStringLiteral(", "))));
    setToolTip(tr("Connections the monitor holds besides the query tabs (click for Activity):\n") +
               items.join(QLatin1Char('\n')));
    setVisible(!items.isEmpty());
}

} // namespace qscope
