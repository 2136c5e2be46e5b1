#pragma once
/// The history dock: a search box over the persistent query history; double-click (or Enter)
/// puts the query back into the editor.

#include <QWidget>

class QLineEdit;
class QTableView;

namespace qscope {

class HistoryFilter;
class HistoryModel;
class HistoryStore;

class HistoryView : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryView(HistoryStore *store, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void setSearch(const QString &text);
    QLineEdit *searchEdit() const { return m_search; }
    QTableView *table() const { return m_table; }
    HistoryFilter *filter() const { return m_filter; }

Q_SIGNALS:
    void queryActivated(const QString &query, const QString &profileId);

private:
    HistoryModel *m_model;
    HistoryFilter *m_filter;
    QLineEdit *m_search;
    QTableView *m_table;
};

} // namespace qscope
