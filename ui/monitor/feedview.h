#pragma once
/// A live tickerplant feed: a subscription picker (tables from .u.t, syms, the .u.sub call and the
/// schema it returns, the log position .u.i / .u.L) over one live view per subscription.

#include "net/connectionmanager.h"

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
    FeedView(qscope::ConnectionManager *manager, qscope::ConnectionId connection,
             QWidget *parent = nullptr);
    ~FeedView() override;

    // GUI thread ------------------------------------------------------------------------------
    qscope::ConnectionId connection() const { return m_connection; }
    /// Re-query .u.t, .u.i and .u.L.
    void refreshTables();
    /// Subscribe to table (empty = all) and syms (empty = all); opens a live pane.
    FeedPane *subscribe(const QByteArray &table, const QList<QByteArray> &syms);
    /// Open a pane that replays a recorded binary log (no subscription).
    FeedPane *openReplay(const QString &path, QString *error = nullptr);
    int paneCount() const;
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

    qscope::ConnectionManager *m_manager;
    qscope::ConnectionId m_connection;
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
