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

QString BackgroundIndicator::groupedText(const std::vector<Item> &items)
{
    // One owner with many connections (the estate polls every process of a plant) reads as one
    // entry with a count, so the line stays short; the tooltip still lists each.
    QStringList parts;
    std::vector<bool> done(items.size(), false);
    for (size_t i = 0; i < items.size(); ++i) {
        if (done[i]) continue;
        int same = 0;
        for (size_t j = i; j < items.size(); ++j) {
            if (items[j].owner.isEmpty() || items[j].owner != items[i].owner ||
                items[j].purpose != items[i].purpose)
                continue;
            ++same;
        }
        if (same < 2) {
            parts << items[i].summary;
            done[i] = true;
            continue;
        }
        for (size_t j = i; j < items.size(); ++j)
            if (items[j].owner == items[i].owner && items[j].purpose == items[i].purpose)
                done[j] = true;
        parts << (items[i].purpose == HandlePurpose::Feed ? tr("%1: %2 feeds") : tr("%1: %2 polls"))
                     .arg(items[i].owner)
                     .arg(same);
    }
    return parts.join(QStringLiteral(", "));
}

void BackgroundIndicator::refresh()
{
    QList<ConnectionId> ids = m_registry->ownedHandles();
    std::sort(ids.begin(), ids.end());
    QStringList items;
    std::vector<Item> groups;
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
        // "Estate (127.0.0.1:5010)": the view, then which of its connections
        groups.push_back({o.owner.section(QStringLiteral(" ("), 0, 0), o.purpose, o.summary});
    }
    if (items == m_items && isHidden() == items.isEmpty()) return;
    m_items = items;
    setText(tr("%1 background: %2").arg(items.size()).arg(groupedText(groups)));
    setToolTip(tr("Connections the monitor holds besides the query tabs (click for Activity):\n") +
               items.join(QLatin1Char('\n')));
    setVisible(!items.isEmpty());
}

} // namespace qscope
