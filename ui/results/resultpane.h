#pragma once
/// The result area of one editor tab: a grid, a q-console text view and charts over one query
/// result, the tab's last runs (browsable: "run 3 of 5"), pinned tabs, copy, export and
/// send-to-connection. GUI thread only.

#include "net/nettypes.h"

#include <QList>
#include <QWidget>

#include <deque>
#include <functional>

class QFrame;
class QLabel;
class QPushButton;
class QTabWidget;
class QToolButton;

namespace qscope {

class ConnectionManager;
class ResultView;

/// Shows one tab's results. The shown run lives in the first tab ("Result"); the last kKeptRuns
/// runs are kept and can be stepped through; "Pin" keeps the shown result in a tab of its own so
/// the next result does not replace it (and, within PinStore's caps, across restarts). Errors are
/// shown inline with q's word, the query and the server.
class ResultPane : public QWidget
{
    Q_OBJECT
public:
    /// Runs kept per tab, and the wire bytes the older ones may hold between them (the newest is
    /// always kept): older runs are let go first.
    static constexpr int kKeptRuns = 5;
    static constexpr qint64 kKeptRunBytes = qint64(256) << 20;

    /// manager is used for "send to connection"; it may be null (the action is then disabled).
    explicit ResultPane(qscope::ConnectionManager *manager, QWidget *parent = nullptr);
    ~ResultPane() override;

    /// A new run: kept, and shown in the Result tab (replacing what it showed).
    void setResult(const qscope::QueryResult &result, const QString &serverName);
    /// Empties the current tab (pinned tabs and kept runs stay).
    void clear();

    /// Kept runs, oldest first, and which one the Result tab shows (0-based; -1 none).
    int runCount() const { return int(m_runs.size()); }
    int shownRun() const { return m_shown; }
    void showRun(int index);
    /// "run 3 of 5"
    QString runText() const;

    /// Number of pinned tabs.
    int pinnedCount() const;
    /// Pins the shown result (the view moves to a pinned tab as is).
    void pinCurrent();
    /// Adds a pinned tab for a result (a pin restored after a restart).
    void addPinned(const qscope::QueryResult &result, const QString &serverName);
    /// The pinned results with their servers, in tab order.
    QList<QPair<qscope::QueryResult, QString>> pinnedResults() const;
    /// The view of the shown run.
    ResultView *currentView() const;
    /// Statistics of the selected cells of the tab in front (Result or a pin); empty if none.
    QString selectionStats() const;

    /// Asks inline, over the result, whether to fetch an answer of `bytes` for `query` ("The
    /// answer is 3.2 GB. Fetch it / Cancel"); `answer(true)` fetches, `answer(false)` refuses.
    /// The question goes when answered, when a result arrives, or when asked again.
    void askFetch(qint64 bytes, const QString &query, std::function<void(bool fetch)> answer);
    bool isAskingFetch() const;
    QString fetchQuestion() const;
    QPushButton *fetchButton() const { return m_fetch; }
    QPushButton *refuseFetchButton() const { return m_refuse; }

Q_SIGNALS:
    void statusMessage(const QString &text);
    /// The Result tab shows another run (a new result, or stepping through the kept ones).
    void shownRunChanged();
    /// A pin was added or closed.
    void pinsChanged();
    /// Statistics of the shown view's selected cells changed (ResultView::selectionStats).
    void selectionStatsChanged();

private:
    struct Run
    {
        QueryResult result;
        QString server;
    };
    ResultView *newView();
    void pinView(ResultView *view);
    void closeTab(int index);
    void updateRunControls();
    void answerFetch(bool fetch);

    ConnectionManager *m_manager = nullptr;
    QTabWidget *m_tabs = nullptr;
    ResultView *m_current = nullptr;
    std::deque<Run> m_runs;
    int m_shown = -1;
    QToolButton *m_older = nullptr;
    QToolButton *m_newer = nullptr;
    QLabel *m_runLabel = nullptr;
    QFrame *m_ask = nullptr; ///< the fetch question bar
    QLabel *m_askText = nullptr;
    QPushButton *m_fetch = nullptr;
    QPushButton *m_refuse = nullptr;
    std::function<void(bool)> m_answer;
};

} // namespace qscope
