#include "activityview.h"

#include "activitymodel.h"
#include "viewhandle.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace qscope {

ActivityView::ActivityView(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager),
      m_model(new ActivityModel(manager ? manager->registry() : nullptr, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    QHeaderView *h = m_table->horizontalHeader();
    h->setSectionResizeMode(QHeaderView::Interactive);
    h->setStretchLastSection(true);
    const int em = fontMetrics().averageCharWidth();
    // Owner, On the wire, For, Rate, Stop, State, Messages, Purpose, Server
    const int widths[] = {28, 34, 10, 9, 8, 11, 18, 8, 0};
    for (int c = 0; c < ActivityModel::ColumnCount; ++c)
        if (widths[c]) m_table->setColumnWidth(c, widths[c] * em);
    m_table->setToolTip(tr("Stop ends that owner's request, poll or subscription, closing the "
                           "connection where that is the only way"));
    layout->addWidget(m_table, 1);

    const auto summarize = [this] {
        const int n = m_model->rowCount();
        m_summary->setText(n == 1 ? tr("1 open handle held by this app")
                                  : tr("%1 open handles held by this app").arg(n));
    };
    connect(m_model, &QAbstractItemModel::modelReset, this, [this, summarize] {
        placeButtons();
        summarize();
    });
    summarize();
    placeButtons();
    // The clock and rates tick only while someone can see them.
    auto *watch = new VisibilityWatch(this);
    connect(watch, &VisibilityWatch::changed, m_model, &ActivityModel::setTicking);
}

void ActivityView::placeButtons()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const ConnectionId id = m_model->idAt(row);
        auto *b = new QPushButton(tr("Stop"), m_table);
        b->setToolTip(
            m_model->data(m_model->index(row, ActivityModel::Stop), Qt::ToolTipRole).toString());
        connect(b, &QPushButton::clicked, this, [this, id] { stop(id); });
        m_table->setIndexWidget(m_model->index(row, ActivityModel::Stop), b);
    }
}

QPushButton *ActivityView::stopButton(int row) const
{
    return qobject_cast<QPushButton *>(
        m_table->indexWidget(m_model->index(row, ActivityModel::Stop)));
}

void ActivityView::stop(ConnectionId id)
{
    if (!m_manager) return;
    if (!m_manager->registry()->requestStop(id)) m_manager->close(id);
    Q_EMIT stopped(id);
}

} // namespace qscope
