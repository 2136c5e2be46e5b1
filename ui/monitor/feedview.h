#pragma once
/// A live tickerplant feed: a subscription picker (tables from .u.t, syms, the .u.sub call and the
/// schema it returns, the log position .u.i / .u.L) over one live view per subscription.
///
/// Connections by purpose: each subscription gets a connection of its own from the HandleSource
/// (as each kdb-tick subscriber is its own process), held by its pane and closed with it; the
/// picker's one-off queries (.u.t, the log position) go on a poller connection that is open only
/// while the view can be seen.

#include "net/connectionmanager.h"
#include "viewhandle.h"

#include <QWidget>

class QTabWidget;
class QListWidget;
class QLineEdit;
class QLabel;
class QPushButton;

namespace qscope {

class FeedPane;

/// Subscription picker plus a tab per live subscription. GUI thread only; all server traffic goes
/// through the ConnectionManager (queued results, never a blocking call).
class FeedView : public QWidget
{
    Q_OBJECT
public:
    FeedView(qscope::ConnectionManager *manager, const qscope::HandleSource &source,
             QWidget *parent = nullptr);
    ~FeedView() override;

    // GUI thread ------------------------------------------------------------------------------
    /// The picker's connection (0 while the view is hidden).
    qscope::ConnectionId pickerConnection() const { return m_picker->id(); }
    /// Re-query .u.t, .u.i and .u.L.
    void refreshTables();
    /// Subscribe to table (empty = all) and syms (empty = all) on a new connection; opens a live
    /// pane. nullptr (the reason shown inline) when no connection can be opened.
    FeedPane *subscribe(const QByteArray &table, const QList<QByteArray> &syms);
    /// Open a pane of its own that replays a recorded binary log (no subscription).
    FeedPane *openReplay(const QString &path, QString *error = nullptr);
    int paneCount() const;
    /// Close pane `index` (its tab's close button): a live pane unsubscribes and closes its
    /// connection.
    void closePane(int index);
    /// Bring pane `index` to the front.
    void showPane(int index);
    FeedPane *pane(int index) const;
    /// Tables the server listed in .u.t (empty until it answered).
    QList<QByteArray> tables() const { return m_tables; }
    /// "Log: .u.i = N, .u.L = `:path" once queried; errors inline.
    QString logPositionText() const;

Q_SIGNALS:
    void tablesChanged();

private:
    void onResult(const qscope::QueryResult &result);
    void subscribeFromPicker();
    /// The empty state (a hint) while no live view is open.
    void updateHint();
    /// The picker's connection is open while the view can be seen.
    void onVisible(bool visible);
    void showError(const QString &text);

    qscope::ConnectionManager *m_manager;
    qscope::HandleSource m_source;
    ViewHandle *m_picker = nullptr;
    QList<QByteArray> m_tables;
    qscope::RequestId m_tablesRequest = 0;
    qscope::RequestId m_logRequest = 0;
    QListWidget *m_tableList = nullptr;
    QLineEdit *m_symEdit = nullptr;
    QLabel *m_callLabel = nullptr;
    QLabel *m_logLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_hint = nullptr;
    QPushButton *m_subscribeButton = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace qscope
