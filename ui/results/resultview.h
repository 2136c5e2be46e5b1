#pragma once
/// One result on screen: the grid, the q-console text and a chart of the same value, the
/// filter box, copy, streamed export and send-to-connection, and an inline error when the query
/// failed. Nested cells open in place (double-click) with a Back button. GUI thread only.

#include "export/exporter.h"
#include "net/nettypes.h"
#include "results/resultshape.h"

#include <QList>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QMenu;
class QPoint;
class QTimer;
class QPlainTextEdit;
class QProgressBar;
class QScrollBar;
class QPushButton;
class QStackedWidget;
class QToolButton;

namespace qscope {

class ChartPanel;
class ConnectionManager;
class ExportJob;
class FrozenColumns;
class GridView;
class ResultTableModel;

class ResultView : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Grid, Text, Chart };

    explicit ResultView(ConnectionManager *manager, QWidget *parent = nullptr);
    ~ResultView() override;

    void setResult(const QueryResult &result, const QString &serverName);
    void clear();
    bool hasResult() const { return m_hasResult; }
    const QueryResult &result() const { return m_result; }
    const QString &serverName() const { return m_server; }
    /// Short title for a pinned tab: the query, elided.
    QString title() const;

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    /// Opens a nested cell in place (drill-down); false if the cell is not nested.
    bool openNested(int viewRow, int column);
    /// Back out of a drill-down; false at the top.
    bool back();
    int depth() const { return int(m_stack.size()); }

    /// Text of the grid's selection (whole grid if nothing is selected), also put on the
    /// clipboard: TSV with a header line, or q's one-line text. Every selected row. Over a
    /// million cells the text is written on a worker and reaches the clipboard when ready (the
    /// note says "Copying…", then "Copied N rows"); the return value is empty then.
    QByteArray copySelection(bool asQ);
    /// Starts a streamed export of the shown value (all rows in view order, never capped).
    ExportJob *startExport(ExportFormat format, const QString &path,
                           TextMode mode = TextMode::Exact);
    ExportJob *currentExport() const { return m_export; }
    /// Applies the filter box text (as typed); returns the error shown, if any.
    QString applyFilter(const QString &text);
    /// Async-sends (`upd|`set; `name; value) to a connection.
    void sendTo(ConnectionId id, bool asUpd, const QByteArray &name);

    // parts, for the pane and tests
    /// The grid: every row of the result in view order, nothing kept per row.
    GridView *grid() const { return m_grid; }
    /// The overlay that keeps a keyed table's key columns in sight.
    FrozenColumns *frozenColumns() const { return m_frozen; }
    /// The scroll bar over all rows (the grid's own: one model row per row in view).
    QScrollBar *rowScrollBar() const;
    ResultTableModel *model() const { return m_model; }
    QPlainTextEdit *textView() const { return m_text; }
    ChartPanel *chartPanel();
    QLabel *infoLabel() const { return m_info; }
    QLabel *errorLabel() const { return m_error; }

    /// Statistics of the selected cells ("count 3 · sum 6 · avg 2 · min 1 · max 3"), empty
    /// for fewer than two cells: what the status bar shows. Every selected cell counts; for a
    /// large selection it reads "count N · summing…" until a worker has the numbers.
    QString selectionStats() const { return m_selectionStats; }
    /// The "Copied 3 rows" note beside the Copy button (shown briefly after each copy).
    QLabel *copiedNote() const { return m_copied; }
    /// The cell menu while it is open (tests).
    QMenu *openCellMenu() const { return m_lastMenu; }
    /// Opens the cell menu at a point of a grid's viewport (the grid or the frozen keys).
    void showCellMenu(GridView *view, const QPoint &pos);

Q_SIGNALS:
    void statusMessage(const QString &text);
    void selectionStatsChanged(const QString &text);
    void exportFinished(const qscope::ExportOutcome &outcome);

private:
    void showValue(const Value &value);
    void measureColumns();
    void refreshText();
    /// The model's rows changed (filter, sort): Text and Chart follow.
    void onRowsChanged();
    /// Hands the chart the rows in view (copied on a worker when many).
    void refreshChartRows();
    void updateInfo();
    void setToolsVisible(bool visible);
    void showCopied(const QString &note, const QString &detail);
    QByteArray copyText(const QByteArray &text, const QString &what);
    void fitVisibleColumns();
    void updateSelectionStats();
    void setSelectionStats(const QString &text);
    /// Header click: ascending, descending, original order.
    void cycleSort(int column);
    void chooseExport(ExportFormat format);
    void openSendDialog();

    ConnectionManager *m_manager = nullptr;
    QueryResult m_result;
    QString m_server;
    bool m_hasResult = false;
    Mode m_mode = Mode::Grid;
    /// Drill-down: the values above the one shown, with the label of the step into each.
    std::vector<std::pair<Value, QString>> m_stack;
    QString m_path;
    bool m_textStale = true;

    QLabel *m_info = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_busy = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_copied = nullptr;
    QTimer *m_copiedTimer = nullptr;
    QMenu *m_lastMenu = nullptr;
    QString m_selectionStats;
    quint64 m_statsGeneration = 0;
    quint64 m_copyGeneration = 0;
    quint64 m_chartGeneration = 0;
    std::shared_ptr<std::atomic<bool>> m_statsCancel;
    QLineEdit *m_filter = nullptr;
    QToolButton *m_gridButton = nullptr;
    QToolButton *m_textButton = nullptr;
    QToolButton *m_chartButton = nullptr;
    QToolButton *m_copyButton = nullptr;
    QToolButton *m_exportButton = nullptr;
    QToolButton *m_sendButton = nullptr;
    QToolButton *m_backButton = nullptr;
    QStackedWidget *m_stackWidget = nullptr;
    GridView *m_grid = nullptr;
    FrozenColumns *m_frozen = nullptr;
    QWidget *m_gridBox = nullptr;
    ResultTableModel *m_model = nullptr;
    QPlainTextEdit *m_text = nullptr;
    ChartPanel *m_chart = nullptr;
    /// The result and column pick the chart was set up for (to keep its choices on return).
    std::weak_ptr<const ResultShape> m_chartSource;
    QList<int> m_chartPicked;
    QWidget *m_exportBar = nullptr;
    QProgressBar *m_exportProgress = nullptr;
    QLabel *m_exportLabel = nullptr;
    ExportJob *m_export = nullptr;
};

} // namespace qscope
