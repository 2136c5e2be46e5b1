#pragma once
/// A tickerplant log on screen (File > Open tickerplant log, or a file dropped on the window):
/// the summary (chunks, valid prefix, the offset and reason of the first bad chunk, the header's
/// count), tables with rows and time ranges, a chart of messages per second, the messages grid
/// (TpLogMessagesModel: index columns only, formatted as painted) and, under it, the rows of the
/// selected messages in a ResultView. Filters by table, sym and time range. Actions: export the
/// valid prefix (q's repair: truncate to last -11!(-2;f)), export the selected messages as a
/// log, replay into a feed tab (a FeedPane, as a live subscription shows), and publish (all or
/// the filtered part) to a server as .u.upd or a chosen function, at
/// the original pace, N times it or as fast as possible, with progress and cancel.
///
/// The file is read by position (tplog::LogFile), never mapped: a log cut short while open says
/// so ("the file shrank from X to Y bytes while open") with a Re-open button, as does one that
/// grew (what was indexed stays valid). Opening (the index scan), filtering by sym, decoding the
/// selection and exporting run on the thread pool, each with a progress bar and Cancel; the GUI
/// thread only formats what is painted. GUI thread only.
///
/// The grid fills while the index is built: the scan publishes its count every 64k messages or
/// 50 ms, and the view takes the newest of those at most ten times a second (the summary at
/// the same pace, the tables and chart once a second; the grid is a GridView, which keeps
/// nothing per row, so a growth costs as little at 63M rows as at 10), so the first rows show
/// within tens of milliseconds of opening even a 10 GB log. Rows can be selected and their messages
/// read meanwhile; the filters and actions, which need the whole index, are enabled when it is
/// done. Deleting the view (closing its dock) cancels the scan: the job ends at its next batch.

#include "net/nettypes.h"
#include "tplog/tplogfilter.h"
#include "tplog/tplogreader.h"
#include "tplog/tplogselection.h"

#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace qscope {

class ConnectionManager;
class FeedPane;
class GridView;
class ResultView;
class TpLogFeedReplayer;
class TpLogMessagesModel;
class ZoomChartView;

namespace tplog {
class TpLogPublisher;
}

class TpLogView : public QWidget
{
    Q_OBJECT
public:
    explicit TpLogView(ConnectionManager *manager, QWidget *parent = nullptr);
    ~TpLogView() override;

    /// Opens and indexes path on the pool; `loaded` when done (or `failed`).
    void open(const QString &path);
    QString path() const { return m_path; }
    bool isBusy() const { return m_busy; }
    /// The index is still being built (rows are being added).
    bool isIndexing() const { return m_indexing; }

    /// Applies the filter bar (table, syms, from, to); returns an error shown inline, if any.
    QString applyFilter();
    /// Writes the valid prefix / the selected messages; the outcome is shown inline and
    /// signalled by `actionFinished`.
    void exportValidPrefix(const QString &path);
    void exportSelected(const QString &path);
    /// Publishes the filtered messages to address (host:port) as function, speed 0 = as fast as
    /// possible, 1 = original pace, N = N times it.
    void publish(const QString &address, const QByteArray &function, double speed);
    /// Replays the filtered messages into the view's feed tab (a FeedPane), at speed as above.
    void replayHere(double speed);
    void cancel();
    /// The messages selected in the grid, read as ranges of rows: what the rows pane decodes
    /// and "Export selected messages" writes.
    TpLogSelection selectedMessages() const;

    /// Tests: called on the indexing thread with each batch the scan publishes, before it goes
    /// on (a test holds the scan there to look at the view mid-indexing). Set before open().
    using IndexGate = std::function<void(const tplog::IndexProgress &)>;
    void setIndexGate(IndexGate gate) { m_indexGate = std::move(gate); }
    /// Tests: called on the pool with each chunk the selection's decode is about to decode (a
    /// test holds a decode there, or counts them). Set before selecting.
    using DecodeGate = std::function<void(int64_t chunk)>;
    void setDecodeGate(DecodeGate gate) { m_decodeGate = std::move(gate); }

    // parts, for tests
    const tplog::LogSummary &summary() const { return m_shown; }
    std::shared_ptr<const tplog::TpLogReader> reader() const { return m_reader; }
    TpLogMessagesModel *messagesModel() const { return m_model; }
    GridView *messagesGrid() const { return m_grid; }
    ResultView *rowsView() const { return m_rows; }
    FeedPane *feedPane() const { return m_feed; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *fileNote() const { return m_fileNote; }
    QPushButton *reopenButton() const { return m_reopen; }
    QComboBox *tableFilter() const { return m_table; }
    QLineEdit *symFilter() const { return m_syms; }
    QLineEdit *fromFilter() const { return m_from; }
    QLineEdit *toFilter() const { return m_to; }

Q_SIGNALS:
    void loaded();
    void failed(const QString &error);
    void filtered(qint64 messages);
    void rowsShown(qint64 rows);
    void actionFinished(bool ok, const QString &message);

private:
    struct IndexFeed;
    void startJob(const QString &what);
    void endJob(const QString &status);
    /// GUI tick while indexing: takes the newest published batch, if any.
    void takeIndexBatch();
    void setIndexing(bool on);
    void showSummary();
    void showTables();
    void showChart();
    void showSelection();
    void setStatus(const QString &text, bool error = false);
    /// The file changed under the view (it shrank: error; it grew): said next to the title,
    /// with a Re-open button.
    void showFileNote(const QString &text, bool error);
    void chooseExportPrefix();
    void chooseExportSelected();

    ConnectionManager *m_manager;
    QString m_path;
    std::shared_ptr<tplog::TpLogReader> m_reader;
    tplog::LogSummary m_shown;              ///< what the summary shows (so far, while indexing)
    std::shared_ptr<IndexFeed> m_indexFeed; ///< shared with the indexing job
    QTimer *m_indexTick = nullptr;
    qint64 m_tablesShownAt = 0; ///< ms since the epoch: tables and chart once a second
    IndexGate m_indexGate;
    bool m_indexing = false;
    bool m_complete = false; ///< the whole file is indexed: filters and actions may run
    tplog::MessageFilter m_filter;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;          ///< of the load/filter/export job in flight
    quint64 m_selectionGeneration = 0; ///< of the selection being decoded
    /// The selection's decode: set when a new selection supersedes it or the view goes
    std::shared_ptr<std::atomic<bool>> m_selectionCancel;
    DecodeGate m_decodeGate;
    bool m_busy = false;
    tplog::TpLogPublisher *m_publisher = nullptr;
    TpLogFeedReplayer *m_replayer = nullptr;
    ConnectionId m_publishConnection = 0;

    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_tables = nullptr;
    ZoomChartView *m_chart = nullptr;
    QComboBox *m_table = nullptr;
    QLineEdit *m_syms = nullptr;
    QLineEdit *m_from = nullptr;
    QLineEdit *m_to = nullptr;
    GridView *m_grid = nullptr;
    TpLogMessagesModel *m_model = nullptr;
    QTabWidget *m_bottomTabs = nullptr;
    ResultView *m_rows = nullptr;
    FeedPane *m_feed = nullptr;
    QPushButton *m_replayHere = nullptr;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_function = nullptr;
    QComboBox *m_speed = nullptr;
    QPushButton *m_publish = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_indexNote = nullptr;
    QLabel *m_fileNote = nullptr;
    QPushButton *m_reopen = nullptr;
    QList<QWidget *> m_needIndex; ///< filters and actions: enabled once the index is complete
};

/// Accepts drops of tickerplant logs (files starting 0xff01) on the widget it watches and
/// calls open for each.
class TpLogDropFilter : public QObject
{
    Q_OBJECT
public:
    TpLogDropFilter(QWidget *watched, std::function<void(const QString &)> open);
    static bool looksLikeLog(const QString &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::function<void(const QString &)> m_open;
};

} // namespace qscope
