#include "history/historyview.h"

#include "history/historymodel.h"
#include "history/historystore.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace qscope {

HistoryView::HistoryView(HistoryStore *store, QWidget *parent) : QWidget(parent)
{
    m_model = new HistoryModel(store, this);
    m_filter = new HistoryFilter(this);
    m_filter->setSourceModel(m_model);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search history (words in query, server or error)"));
    m_search->setClearButtonEnabled(true);
    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() +
                                                     fontMetrics().height() / 2);
    m_table->horizontalHeader()->setSectionResizeMode(HistoryModel::Query, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_table);
    connect(m_search, &QLineEdit::textChanged, this, &HistoryView::setSearch);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &i) {
        Q_EMIT queryActivated(i.data(HistoryModel::QueryRole).toString(),
                              i.data(HistoryModel::ProfileRole).toString());
    });
}

void HistoryView::setSearch(const QString &text)
{
    if (m_search->text() != text) m_search->setText(text);
    m_filter->setSearch(text);
}

} // namespace qscope
