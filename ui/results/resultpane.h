#pragma once
/// The result area under the editor: a grid, a q-console text view and charts over one query
/// result, with pinned tabs, copy, export and send-to-connection. GUI thread only.

#include "net/nettypes.h"

#include <QWidget>

class QTabWidget;
class QLabel;

namespace qscope {

class ConnectionManager;
class ResultView;

/// Shows query results. The current (unpinned) result lives in the first tab; "Pin" keeps it in
/// a tab of its own so the next result does not replace it. Errors are shown inline with q's word,
/// the query and the server.
class ResultPane : public QWidget
{
    Q_OBJECT
public:
    /// manager is used for "send to connection"; it may be null (the action is then disabled).
    explicit ResultPane(qscope::ConnectionManager *manager, QWidget *parent = nullptr);
    ~ResultPane() override;

    /// Shows a value or an inline error in the current tab, replacing what it showed.
    void setResult(const qscope::QueryResult &result, const QString &serverName);
    /// Empties the current tab (pinned tabs stay).
    void clear();

    /// Number of pinned tabs (tests).
    int pinnedCount() const;
    /// The view of the current (unpinned) result.
    ResultView *currentView() const;

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void pinCurrent();
    void closeTab(int index);

    ConnectionManager *m_manager = nullptr;
    QTabWidget *m_tabs = nullptr;
    ResultView *m_current = nullptr;
};

} // namespace qscope
