#pragma once
/// One live view of a feed: a subscription's rows (or a replayed log) per table in a ring-buffer
/// model, rates with a sparkline, pause/resume, a filter, last value per sym, live aggregates that
/// can be pushed to another connection, end-of-day and gap markers, and recording to CSV or a
/// replayable binary log.
///
/// Threads: GUI thread only. The engine hands FeedBatch values (already batched on its network
/// thread); the pane queues them and applies them to its models on its own tick (20 per second):
/// one insert per model per tick, whatever the message rate.

#include "feedcsvwriter.h"
#include "feedlog.h"
#include "net/connectionmanager.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

#include <deque>
#include <map>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;

namespace qscope {

class FeedRingModel;
class ViewHandle;

namespace detail {
/// Records of a feed log read and decoded off the GUI thread, one bounded chunk at a time.
struct ReplayChunk
{
    std::vector<qscope::Value> messages;
    std::vector<qint64> bytes; ///< each record's IPC bytes
    bool done = false;         ///< at the end, or stopped on an error
    QString error;
    qint64 records = 0;
};
/// Worker thread: the next chunk (at most 20,000 records or about 4 MiB).
ReplayChunk readReplayChunk(FeedLogReader &reader);
} // namespace detail
class LastValueModel;
class SymAggregatesModel;
class SymStats;
class Sparkline;

class FeedPane : public QWidget
{
    Q_OBJECT
public:
    enum RecordFormat { Csv, BinaryLog };
    static constexpr int kTickMs = 50;
    /// Work per tick before the rest waits for the next one.
    static constexpr int kTickBudgetMs = 12;

    explicit FeedPane(qscope::ConnectionManager *manager, QWidget *parent = nullptr);
    ~FeedPane() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Follow a subscription made with ConnectionManager::subscribe; `call` is the .u.sub text.
    void attachSubscription(qscope::SubscriptionId sub, const QString &call);
    qscope::SubscriptionId subscription() const { return m_subscription; }
    /// The pane holds its subscription's connection (it takes ownership): closing the pane, or
    /// Activity's Stop, unsubscribes and closes it, which is how kdb-tick forgets a subscriber.
    void holdHandle(ViewHandle *handle);
    ViewHandle *handle() const { return m_handle; }
    /// Unsubscribe and close the handle; the rows stay on screen.
    void stopFeed(const QString &why);
    /// Replay a binary feed log into this pane (rows paced over UI ticks). Only into a fresh
    /// pane: live and replayed rows never share a ring or aggregates.
    bool startReplay(const QString &path, QString *error);
    bool replaying() const { return m_replay != nullptr; }
    QString replayError() const { return m_replayError; }

    /// Feed input: what the engine's feedBatch carries (also used by replay and tests).
    void ingest(const qscope::FeedBatch &batch);
    void ingestSchema(const qscope::Value &schema);
    void ingestEndOfDay(const qscope::Value &date);
    void ingestGap(const QString &reason);

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    /// Rows received while paused and not yet shown.
    int64_t heldRows() const;
    bool setFilterText(const QString &text, QString *error = nullptr);
    void setCapacity(int64_t rows);
    int64_t capacity() const { return m_capacity; }
    void setNewestOnTop(bool on);

    QList<QByteArray> tables() const;
    QByteArray currentTable() const { return m_current; }
    void setCurrentTable(const QByteArray &table);
    FeedRingModel *rowsModel(const QByteArray &table) const;
    const SymStats *stats(const QByteArray &table) const;
    LastValueModel *lastValueModel(const QByteArray &table) const;
    SymAggregatesModel *aggregatesModel(const QByteArray &table) const;
    QTableView *rowsView() const { return m_rowsView; }
    /// Rows taken in from the feed for `table` (before any ring or queue drop).
    int64_t ingestedRows(const QByteArray &table) const;
    /// Rows dropped because a ring was full or the hold queue overflowed while paused.
    int64_t droppedRows(const QByteArray &table) const;
    int endOfDayCount() const { return m_endOfDays; }
    int gapCount() const { return m_gaps; }
    /// Per-table rates over the last second.
    struct Rates
    {
        double messages = 0, rows = 0, bytes = 0;
    };
    Rates rates(const QByteArray &table) const;
    QString statusText() const;

    /// Record every row taken in from now on (as it arrives, paused or not: the file gets rows
    /// the view has yet to show, never rows that arrived before the call).
    bool startRecording(const QString &path, RecordFormat format, QString *error);
    /// Flush and close the file before returning: whoever opens it next reads all of it. False
    /// (and error) if the last bytes could not be written.
    bool stopRecording(QString *error = nullptr);
    bool recording() const { return m_csv.isOpen() || m_log.isOpen(); }

    /// Push the current table's aggregates to `target` as async (function;`table;aggregates)
    /// every intervalMs (as the PyKX example pushes its analytic). target 0 stops.
    void setPushTarget(qscope::ConnectionId target, const QByteArray &function,
                       const QByteArray &table, int intervalMs = 1000);
    qint64 pushesSent() const { return m_pushes; }
    /// Push once now (what the timer does).
    void pushAggregates();

Q_SIGNALS:
    /// After each UI tick that changed a model (tests wait on it).
    void ticked();
    void replayFinished(bool ok);
    /// "Replay log…" was chosen: a replay opens a view of its own (FeedView::openReplay).
    void replayRequested(const QString &path);

private:
    struct Pending
    {
        Value table; ///< null for a marker
        int kind = 0;
        QString text;
    };
    struct TableFeed;

    TableFeed &feed(const QByteArray &table);
    void addPending(TableFeed &f, Pending &&p);
    /// An update as a table (a column list named by the schema); null (counted as malformed) if
    /// it is neither.
    Value asTable(TableFeed &f, const Value &data);
    void ingestTables(const QByteArray &table, TableFeed &f, std::vector<Value> &&tables);
    void tick();
    void secondTick();
    void replayTick();
    void applyReplayChunk(const detail::ReplayChunk &chunk);
    void showTable(const QByteArray &table);
    void updateStatus();
    void refreshPushTargets();
    void recordError(const QString &text);
    void chooseRecording();
    void chooseReplayLog();
    void onScroll(int value);
    void followAfterInsert(int first, int last);

    QPointer<qscope::ConnectionManager> m_manager; ///< may go before a pane kept elsewhere
    qscope::SubscriptionId m_subscription = 0;
    ViewHandle *m_handle = nullptr;
    std::map<QByteArray, std::unique_ptr<TableFeed>> m_feeds;
    QByteArray m_current;
    int64_t m_capacity = 100000;
    bool m_paused = false;
    bool m_newestOnTop = false;
    bool m_follow = true;
    bool m_adjusting = false;
    bool m_sized = false;
    int m_symRowsSized = -1; ///< sym rows when the per-sym views were last sized
    int m_endOfDays = 0;
    int m_gaps = 0;
    QString m_filterText;

    FeedCsvWriter m_csv;
    FeedLogWriter m_log;
    QString m_recordError;
    std::shared_ptr<FeedLogReader> m_replay; ///< shared with the worker reading a chunk
    bool m_replayBusy = false;               ///< a chunk is being read
    QString m_replayError;

    qscope::ConnectionId m_pushTarget = 0;
    QByteArray m_pushFunction = "upd";
    QByteArray m_pushTable = "aggregates";
    qint64 m_pushes = 0;

    QTimer *m_tick = nullptr;
    QTimer *m_second = nullptr;
    QTimer *m_pushTimer = nullptr;
    QTimer *m_replayTimer = nullptr;

    QLabel *m_callLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_filterError = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QPushButton *m_recordButton = nullptr;
    QCheckBox *m_topCheck = nullptr;
    QComboBox *m_tableCombo = nullptr;
    QComboBox *m_pushCombo = nullptr;
    QLineEdit *m_pushTableEdit = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QSpinBox *m_capacitySpin = nullptr;
    Sparkline *m_sparkline = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_rowsView = nullptr;
    QTableView *m_lastView = nullptr;
    QTableView *m_aggView = nullptr;
};

} // namespace qscope
