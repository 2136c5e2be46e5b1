#pragma once
/// The status bar's word on what runs in the background: "2 background: handles poll every 2 s,
/// feed trade" (the open feed and poller handles whose owners say what runs on them). Hidden when
/// nothing runs; clicking it opens Activity. Several handles of one owner read as one entry
/// ("Estate: 7 polls"). GUI thread only.

#include "net/handleregistry.h"

#include <QToolButton>

#include <vector>

namespace qscope {

class BackgroundIndicator : public QToolButton
{
    Q_OBJECT
public:
    explicit BackgroundIndicator(HandleRegistry *registry, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// The summaries shown, one per background handle, in handle order.
    QStringList items() const { return m_items; }

private:
    struct Item
    {
        QString owner;
        HandlePurpose purpose;
        QString summary;
    };
    static QString groupedText(const std::vector<Item> &items);
    void refresh();

    HandleRegistry *m_registry;
    QStringList m_items;
};

} // namespace qscope
