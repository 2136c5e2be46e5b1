#include "feedpane.h"

#include "cellformat.h"
#include "feedringmodel.h"
#include "protocol/tableconcat.h"
#include "sparkline.h"
#include "symstats.h"
#include "symstatsmodels.h"
#include "viewhandle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFuture>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPromise>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace qscope {

/// Everything the pane keeps for one table of the feed.
struct FeedPane::TableFeed
{
    FeedRingModel *model = nullptr;
    SymStats stats;
    LastValueModel *lastModel = nullptr;
    SymAggregatesModel *aggModel = nullptr;
    Value schemaNames;           ///< column names from .u.sub (for column-list updates)
    std::deque<Pending> pending; ///< arrived, not yet applied (a tick's worth, or held)
    int64_t pendingRows = 0;
    int64_t holdDropped = 0;                  ///< dropped from the hold queue while paused
    int64_t malformed = 0;                    ///< updates that were neither a table nor its columns
    int64_t ingested = 0;                     ///< rows taken in
    qint64 messages = 0, rows = 0, bytes = 0; ///< cumulative
    qint64 lastMessages = 0, lastRows = 0, lastBytes = 0;
    Rates rates;
    std::deque<double> history; ///< rows/s, one per second
    quint64 shownGeneration = 0;
};

namespace {

QString humanBytes(double b)
{
    if (b < 1024) return QString::number(b, 'f', 0) + QStringLiteral(" B");
    if (b < 1024 * 1024) return QString::number(b / 1024, 'f', 1) + QStringLiteral(" KB");
    return QString::number(b / (1024 * 1024), 'f', 1) + QStringLiteral(" MB");
}

QTableView *makeTable(QWidget *parent)
{
    auto *v = new QTableView(parent);
    v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 4);
    v->verticalHeader()->hide();
    // No stretched last column: a right-aligned number would sit a screen away from its row.
    v->horizontalHeader()->setStretchLastSection(false);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setWordWrap(false);
    return v;
}

/// Column widths from a sample of rows, capped (never a pass over every row).
void sizeColumns(QTableView *v)
{
    if (!v->model() || v->model()->rowCount() == 0) return;
    v->horizontalHeader()->setResizeContentsPrecision(50);
    v->resizeColumnsToContents();
    // A little slack for the values the sample did not see (GOOG is wider than IBM).
    const int slack = 2 * v->fontMetrics().averageCharWidth();
    for (int c = 0; c < v->model()->columnCount(); ++c)
        v->setColumnWidth(c, std::min(v->columnWidth(c) + slack, 320));
}

} // namespace

FeedPane::FeedPane(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);

    m_callLabel = new QLabel(this);
    m_callLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_callLabel->setWordWrap(true);
    outer->addWidget(m_callLabel);

    auto *bar = new QHBoxLayout;
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_pauseButton->setCheckable(true);
    bar->addWidget(m_pauseButton);
    m_topCheck = new QCheckBox(tr("Newest on top"), this);
    bar->addWidget(m_topCheck);
    bar->addWidget(new QLabel(tr("Table"), this));
    m_tableCombo = new QComboBox(this);
    m_tableCombo->setMinimumContentsLength(8);
    bar->addWidget(m_tableCombo);
    bar->addWidget(new QLabel(tr("Keep rows"), this));
    m_capacitySpin = new QSpinBox(this);
    m_capacitySpin->setRange(100, 10000000);
    m_capacitySpin->setSingleStep(10000);
    m_capacitySpin->setValue(int(m_capacity));
    bar->addWidget(m_capacitySpin);
    bar->addStretch(1);
    m_recordButton = new QPushButton(tr("Record…"), this);
    bar->addWidget(m_recordButton);
    auto *replayButton = new QPushButton(tr("Replay log…"), this);
    bar->addWidget(replayButton);
    outer->addLayout(bar);
    // The filter gets a line of its own, so a pane in a narrow dock keeps room to type in it.
    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setPlaceholderText(
        tr("Filter (Enter applies): `AAPL`MSFT  or  price > 100.5  or  sym in `IBM`KX"));
    m_filterEdit->setClearButtonEnabled(true);
    outer->addWidget(m_filterEdit);

    m_filterError = new QLabel(this);
    m_filterError->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_filterError->hide();
    outer->addWidget(m_filterError);

    auto *rates = new QHBoxLayout;
    m_sparkline = new Sparkline(this);
    m_sparkline->setToolTip(tr("rows/s over the last minute"));
    rates->addWidget(m_sparkline);
    m_rateLabel = new QLabel(this);
    // Takes what width there is and never asks for more (one part per table can get long).
    m_rateLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    rates->addWidget(m_rateLabel, 1);
    outer->addLayout(rates);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setWordWrap(true); // drops, markers and recording make it long
    outer->addWidget(m_statusLabel);

    m_tabs = new QTabWidget(this);
    m_rowsView = makeTable(m_tabs);
    m_lastView = makeTable(m_tabs);
    // The aggregates tab holds its own push controls: what is pushed is what it shows.
    auto *aggPage = new QWidget(m_tabs);
    auto *aggLayout = new QVBoxLayout(aggPage);
    aggLayout->setContentsMargins(0, 2, 0, 0);
    auto *push = new QHBoxLayout;
    push->addWidget(new QLabel(tr("Push these aggregates every second to"), aggPage));
    m_pushCombo = new QComboBox(aggPage);
    m_pushCombo->setMinimumContentsLength(10);
    push->addWidget(m_pushCombo);
    push->addWidget(new QLabel(tr("as table"), aggPage));
    m_pushTableEdit = new QLineEdit(QString::fromUtf8(m_pushTable), aggPage);
    m_pushTableEdit->setToolTip(tr("Table name on the target: sent as async (`upd;`name;rows)"));
    m_pushTableEdit->setMaximumWidth(120);
    push->addWidget(m_pushTableEdit);
    push->addStretch(1);
    aggLayout->addLayout(push);
    m_aggView = makeTable(aggPage);
    aggLayout->addWidget(m_aggView, 1);
    m_tabs->addTab(m_rowsView, tr("Rows"));
    m_tabs->addTab(m_lastView, tr("Last value per sym"));
    m_tabs->addTab(aggPage, tr("Aggregates"));
    outer->addWidget(m_tabs, 1);

    m_tick = new QTimer(this);
    m_tick->setInterval(kTickMs);
    connect(m_tick, &QTimer::timeout, this, &FeedPane::tick);
    m_tick->start();
    m_second = new QTimer(this);
    m_second->setInterval(1000);
    connect(m_second, &QTimer::timeout, this, &FeedPane::secondTick);
    m_second->start();
    m_pushTimer = new QTimer(this);
    connect(m_pushTimer, &QTimer::timeout, this, &FeedPane::pushAggregates);

    connect(m_pauseButton, &QPushButton::toggled, this, &FeedPane::setPaused);
    connect(m_topCheck, &QCheckBox::toggled, this, &FeedPane::setNewestOnTop);
    connect(m_capacitySpin, &QSpinBox::editingFinished, this,
            [this] { setCapacity(m_capacitySpin->value()); });
    connect(m_filterEdit, &QLineEdit::returnPressed, this,
            [this] { setFilterText(m_filterEdit->text()); });
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty()) setFilterText(QString());
    });
    connect(m_tableCombo, &QComboBox::currentTextChanged, this,
            [this](const QString &t) { showTable(t.toUtf8()); });
    connect(m_recordButton, &QPushButton::clicked, this, &FeedPane::chooseRecording);
    connect(replayButton, &QPushButton::clicked, this, &FeedPane::chooseReplayLog);
    connect(m_rowsView->verticalScrollBar(), &QScrollBar::valueChanged, this, &FeedPane::onScroll);
    connect(m_pushCombo, &QComboBox::activated, this, [this](int i) {
        const auto id = m_pushCombo->itemData(i).toULongLong();
        setPushTarget(id, "upd", m_pushTableEdit->text().toUtf8());
    });

    if (m_manager) {
        connect(m_manager, &ConnectionManager::feedBatch, this, [this](const FeedBatch &b) {
            if (m_subscription && b.subscription == m_subscription) ingest(b);
        });
        connect(m_manager, &ConnectionManager::subscribed, this,
                [this](SubscriptionId s, const Value &schema) {
                    if (m_subscription && s == m_subscription) ingestSchema(schema);
                });
        connect(m_manager, &ConnectionManager::endOfDay, this,
                [this](SubscriptionId s, const Value &date) {
                    if (m_subscription && s == m_subscription) ingestEndOfDay(date);
                });
        connect(m_manager, &ConnectionManager::feedGap, this,
                [this](SubscriptionId s, const QString &reason) {
                    if (m_subscription && s == m_subscription) ingestGap(reason);
                });
        connect(m_manager->registry(), &HandleRegistry::rowAdded, this,
                &FeedPane::refreshPushTargets);
        connect(m_manager->registry(), &HandleRegistry::rowChanged, this,
                &FeedPane::refreshPushTargets);
    }
    refreshPushTargets();
    updateStatus();
}

FeedPane::~FeedPane()
{
    if (m_manager && m_subscription) m_manager->unsubscribe(m_subscription);
    if (m_handle) m_handle->release(); // the server sees the subscriber go (.z.pc, .u.del)
    stopRecording();
}

void FeedPane::holdHandle(ViewHandle *handle)
{
    m_handle = handle;
    handle->setParent(this);
    connect(handle, &ViewHandle::stopRequested, this, [this] {
        stopFeed(tr("stopped from Activity: unsubscribed and its connection closed"));
    });
}

void FeedPane::stopFeed(const QString &why)
{
    if (m_manager && m_subscription) m_manager->unsubscribe(m_subscription);
    m_subscription = 0;
    if (m_handle) m_handle->release();
    const QString call = m_callLabel->property("call").toString();
    m_callLabel->setText(call.isEmpty() ? why : call + QStringLiteral("  (") + why + u')');
}

void FeedPane::attachSubscription(SubscriptionId sub, const QString &call)
{
    m_subscription = sub;
    m_callLabel->setText(call + tr("  (waiting for the schema)"));
    m_callLabel->setProperty("call", call);
}

FeedPane::TableFeed &FeedPane::feed(const QByteArray &table)
{
    auto it = m_feeds.find(table);
    if (it != m_feeds.end()) return *it->second;
    auto f = std::make_unique<TableFeed>();
    f->model = new FeedRingModel(this);
    f->model->setCapacity(m_capacity);
    f->model->setNewestOnTop(m_newestOnTop);
    if (!m_filterText.isEmpty()) {
        FeedFilter filter;
        QString ignored;
        if (filter.parse(m_filterText, &ignored)) f->model->setFilter(filter);
    }
    f->lastModel = new LastValueModel(&f->stats, this);
    f->aggModel = new SymAggregatesModel(&f->stats, this);
    TableFeed &ref = *f;
    m_feeds.emplace(table, std::move(f));
    m_tableCombo->addItem(QString::fromUtf8(table));
    if (m_current.isEmpty()) showTable(table);
    return ref;
}

void FeedPane::showTable(const QByteArray &table)
{
    auto it = m_feeds.find(table);
    if (it == m_feeds.end() || table == m_current) return;
    m_current = table;
    if (m_tableCombo->currentText().toUtf8() != table)
        m_tableCombo->setCurrentText(QString::fromUtf8(table));
    TableFeed &f = *it->second;
    if (m_rowsView->model())
        disconnect(m_rowsView->model(), &QAbstractItemModel::rowsInserted, this, nullptr);
    m_rowsView->setModel(f.model);
    m_lastView->setModel(f.lastModel);
    m_aggView->setModel(f.aggModel);
    connect(f.model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { followAfterInsert(first, last); });
    m_sparkline->setSamples(f.history);
    m_sized = false;
    m_symRowsSized = -1;
    m_follow = true;
    updateStatus();
}

void FeedPane::setCurrentTable(const QByteArray &table)
{
    showTable(table);
}

void FeedPane::ingestSchema(const Value &schema)
{
    // .u.sub returns (t;schema), or a list of such pairs for `.
    QStringList parts;
    auto one = [&](const Value &pair) {
        if (!pair.isList() || pair.count() != 2 || pair.item(0).type() != -Symbol) return false;
        const QByteArray name = pair.item(0).symbolValue();
        const Value &t = pair.item(1);
        TableFeed &f = feed(name);
        if (t.isTable()) {
            f.model->setSchema(t);
            f.schemaNames = t.columnNames();
            QStringList cols;
            for (int64_t i = 0; i < t.columnNames().count(); ++i) {
                static const char chars[] = " bg xhijefcspmdznuvt";
                const int ty = t.columns().item(i).type();
                const QChar tc = ty > 0 && ty < 20 ? QLatin1Char(chars[ty]) : QLatin1Char('*');
                cols << QString::fromUtf8(t.columnNames().symAt(i)) + QLatin1Char(':') + tc;
            }
            parts << QString::fromUtf8(name) + QStringLiteral("(") + cols.join(QLatin1Char(' ')) +
                         QLatin1Char(')');
        }
        return true;
    };
    if (!one(schema) && schema.isList())
        for (const Value &pair : schema.items())
            one(pair);
    const QString call = m_callLabel->property("call").toString();
    m_callLabel->setText(
        call + QStringLiteral("  →  ") +
        (parts.isEmpty() ? tr("(no schema returned)") : parts.join(QStringLiteral("; "))));
}

void FeedPane::addPending(TableFeed &f, Pending &&p)
{
    f.pendingRows += p.kind == FeedRingModel::DataRow ? p.table.count() : 0;
    // Small updates join the one before them, so a long pause of single-row messages holds rows,
    // not messages.
    if (p.kind == FeedRingModel::DataRow && !f.pending.empty() &&
        f.pending.back().kind == FeedRingModel::DataRow &&
        detail::shouldJoin(f.pending.back().table.count(), p.table.count()) &&
        detail::sameLayout(f.pending.back().table, p.table)) {
        const Value both[] = {f.pending.back().table, p.table};
        Value joined = detail::concatTables(both);
        if (joined.isTable()) {
            f.pending.back().table = std::move(joined);
            p.table = Value();
        }
    }
    if (p.kind != FeedRingModel::DataRow || p.table.isTable()) f.pending.push_back(std::move(p));
    // Never queue more than one ring's worth: older rows would be pushed out of the ring at once
    // anyway (paused, or arriving faster than the view applies them). Markers are kept.
    while (f.pendingRows > m_capacity && !f.pending.empty()) {
        Pending &front = f.pending.front();
        if (front.kind != FeedRingModel::DataRow) {
            if (f.pending.size() == 1) break;
            std::swap(f.pending[0], f.pending[1]); // keep the marker, drop the rows behind it
            continue;
        }
        f.pendingRows -= front.table.count();
        f.holdDropped += front.table.count();
        f.pending.pop_front();
    }
}

Value FeedPane::asTable(TableFeed &f, const Value &data)
{
    Value t = data;
    if (data.isList() && !f.schemaNames.isGenericNull() && f.schemaNames.count() == data.count()) {
        // A column list (as a feed sends to tick.q): name it with the schema.
        bool ok = data.count() > 0;
        for (const Value &c : data.items())
            ok = ok && (c.isVector() || c.isList()) && c.count() == data.item(0).count();
        if (ok) t = Value::table(f.schemaNames, data);
    }
    if (!t.isTable()) {
        ++f.malformed;
        return {};
    }
    if (f.schemaNames.isGenericNull()) f.schemaNames = t.columnNames();
    return t;
}

void FeedPane::ingestTables(const QByteArray &table, TableFeed &f, std::vector<Value> &&tables)
{
    // One table per run of one layout (joined: typed columns, no message kept alive) for the
    // stats, the CSV and the queue; the binary log was written at ingest, one upd per engine entry.
    for (const Value &t : detail::coalesceTables(std::move(tables))) {
        f.stats.ingest(t);
        f.ingested += t.count();
        QString err;
        if (m_csv.isOpen() && !m_csv.writeRows(table, t, &err)) recordError(err);
        addPending(f, Pending{t, FeedRingModel::DataRow, {}});
    }
}

void FeedPane::ingest(const FeedBatch &batch)
{
    // A whole batch (a UI tick's worth from the engine) is taken in at once: per table, its
    // updates become one joined table, one stats pass and one queue entry. The engine names each
    // update's table (FeedBatch::tables).
    const QList<QByteArray> &names = batch.tables; // the engine names each entry's table
    std::map<QByteArray, std::vector<Value>> perTable;
    for (qsizetype i = 0; i < batch.updates.size(); ++i) {
        const Value &u = batch.updates.at(i);
        // A replayed log's batch names one table for all (FeedBatch::table).
        const QByteArray name = i < names.size() ? names.at(i) : batch.table;
        TableFeed &f = feed(name);
        if (batch.table.isEmpty()) {
            // Mixed tables: count each update for its own table; bytes shared out by rows.
            const int64_t rows =
                u.isTable() ? u.count() : (u.isList() && u.count() ? u.item(0).count() : 0);
            f.messages += batch.messagesAt(i);
            f.rows += rows;
            if (batch.rows > 0)
                f.bytes += qint64(double(batch.bytes) * double(rows) / double(batch.rows));
        }
        Value t = asTable(f, u);
        if (!t.isTable()) continue;
        if (m_log.isOpen()) {
            QString err;
            if (!m_log.write(Value::list({Value::symbol("upd"), Value::symbol(name), t}), &err))
                recordError(err);
        }
        perTable[name].push_back(std::move(t));
    }
    if (!batch.table.isEmpty()) {
        TableFeed &f = feed(batch.table);
        f.messages += batch.messages;
        f.rows += batch.rows;
        f.bytes += batch.bytes;
    }
    for (auto &[name, tables] : perTable)
        ingestTables(name, feed(name), std::move(tables));
}

void FeedPane::ingestEndOfDay(const Value &date)
{
    ++m_endOfDays;
    const QString text = tr("── end of day %1 (.u.end) ──").arg(detail::atomText(date));
    QString err;
    if (m_csv.isOpen() && !m_csv.writeMarker(text, &err)) recordError(err);
    if (m_log.isOpen() && !m_log.write(Value::list({Value::symbol(".u.end"), date}), &err))
        recordError(err);
    for (auto &[name, f] : m_feeds)
        addPending(*f, Pending{Value(), FeedRingModel::EndOfDayMarker, text});
}

void FeedPane::ingestGap(const QString &reason)
{
    ++m_gaps;
    const QString text =
        tr("── gap: %1; reconnected and resubscribed at %2 ──")
            .arg(reason, QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz")));
    QString err;
    if (m_csv.isOpen() && !m_csv.writeMarker(text, &err)) recordError(err);
    for (auto &[name, f] : m_feeds)
        addPending(*f, Pending{Value(), FeedRingModel::GapMarker, text});
}

void FeedPane::tick()
{
    if (m_paused) {
        updateStatus();
        return;
    }
    bool changed = false;
    // A time budget per tick keeps the event loop responsive when a burst arrives at once;
    // what is left is applied on the next tick (and counted as held meanwhile).
    QElapsedTimer budget;
    budget.start();
    for (auto &[name, f] : m_feeds) {
        std::vector<Value> run;
        auto flushRun = [&] {
            if (!run.empty()) f->model->appendTables(run);
            run.clear();
        };
        int taken = 0;
        while (!f->pending.empty()) {
            if ((++taken & 255) == 0 && budget.elapsed() >= kTickBudgetMs) break;
            Pending p = std::move(f->pending.front());
            f->pending.pop_front();
            if (p.kind == FeedRingModel::DataRow) {
                f->pendingRows -= p.table.count();
                run.push_back(std::move(p.table));
            } else {
                flushRun();
                f->model->appendMarker(FeedRingModel::RowKind(p.kind), p.text);
            }
            changed = true;
        }
        flushRun();
        if (f->stats.generation() != f->shownGeneration) {
            f->shownGeneration = f->stats.generation();
            f->lastModel->refresh();
            f->aggModel->refresh();
            changed = true;
        }
    }
    if (changed && !m_sized && m_rowsView->model() && m_rowsView->model()->rowCount() > 0) {
        // Measure column widths once, on a sample, with a cap.
        m_sized = true;
        sizeColumns(m_rowsView);
    }
    // The per-sym views: again when a sym is new (a few rows, so cheap).
    if (changed && m_lastView->model() && m_lastView->model()->rowCount() != m_symRowsSized) {
        m_symRowsSized = m_lastView->model()->rowCount();
        sizeColumns(m_lastView);
        sizeColumns(m_aggView);
    }
    updateStatus();
    if (changed) Q_EMIT ticked();
}

void FeedPane::secondTick()
{
    for (auto &[name, f] : m_feeds) {
        f->rates.messages = double(f->messages - f->lastMessages);
        f->rates.rows = double(f->rows - f->lastRows);
        f->rates.bytes = double(f->bytes - f->lastBytes);
        f->lastMessages = f->messages;
        f->lastRows = f->rows;
        f->lastBytes = f->bytes;
        f->history.push_back(f->rates.rows);
        while (f->history.size() > 60)
            f->history.pop_front();
        if (name == m_current) m_sparkline->addSample(f->rates.rows);
    }
    QStringList parts;
    for (const auto &[name, f] : m_feeds)
        parts << QStringLiteral("<b>%1</b> %2 msg/s · %3 rows/s · %4/s")
                     .arg(QString::fromUtf8(name))
                     .arg(f->rates.messages, 0, 'f', 0)
                     .arg(f->rates.rows, 0, 'f', 0)
                     .arg(humanBytes(f->rates.bytes));
    m_rateLabel->setText(parts.isEmpty() ? tr("no updates yet")
                                         : parts.join(QStringLiteral("   ")));
}

void FeedPane::updateStatus()
{
    m_statusLabel->setText(statusText());
}

QString FeedPane::statusText() const
{
    auto it = m_feeds.find(m_current);
    if (it == m_feeds.end()) return m_replay ? tr("replaying…") : tr("waiting for updates");
    const TableFeed &f = *it->second;
    const QLocale loc;
    QString s = tr("%1: %2 rows received, %3 shown (ring keeps %4)")
                    .arg(QString::fromUtf8(m_current),
                         loc.toString(f.model->receivedRows() + f.pendingRows),
                         loc.toString(f.model->rowCount()), loc.toString(m_capacity));
    if (m_paused) s += tr(" · PAUSED: %1 rows held").arg(loc.toString(f.pendingRows));
    const int64_t dropped = f.model->droppedRows() + f.holdDropped;
    if (dropped > 0) s += tr(" · %1 oldest rows dropped (ring full)").arg(loc.toString(dropped));
    if (f.malformed > 0) s += tr(" · %1 updates not a table, ignored").arg(f.malformed);
    if (m_endOfDays) s += tr(" · %n end(s) of day", nullptr, m_endOfDays);
    if (m_gaps) s += tr(" · %n gap(s)", nullptr, m_gaps);
    if (recording()) s += tr(" · recording");
    if (!m_recordError.isEmpty()) s += tr(" · recording stopped: %1").arg(m_recordError);
    if (!m_replayError.isEmpty()) s += tr(" · replay: %1").arg(m_replayError);
    if (m_pushTarget) s += tr(" · aggregates pushed %1×").arg(m_pushes);
    return s;
}

void FeedPane::setPaused(bool paused)
{
    if (paused == m_paused) return;
    m_paused = paused;
    {
        const QSignalBlocker b(m_pauseButton);
        m_pauseButton->setChecked(paused);
    }
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (!paused) tick();
    updateStatus();
}

int64_t FeedPane::heldRows() const
{
    int64_t n = 0;
    for (const auto &[name, f] : m_feeds)
        n += f->pendingRows;
    return m_paused ? n : 0;
}

bool FeedPane::setFilterText(const QString &text, QString *error)
{
    FeedFilter filter;
    QString why;
    if (!filter.parse(text, &why)) {
        m_filterError->setText(tr("Filter not applied: %1").arg(why));
        m_filterError->show();
        if (error) *error = why;
        return false;
    }
    m_filterError->hide();
    m_filterText = text.trimmed();
    if (m_filterEdit->text() != text) {
        const QSignalBlocker b(m_filterEdit);
        m_filterEdit->setText(text);
    }
    for (auto &[name, f] : m_feeds)
        f->model->setFilter(filter);
    m_sized = false;
    updateStatus();
    return true;
}

void FeedPane::setCapacity(int64_t rows)
{
    m_capacity = std::max<int64_t>(rows, 1);
    if (m_capacitySpin->value() != int(std::min<int64_t>(m_capacity, 10000000))) {
        const QSignalBlocker b(m_capacitySpin);
        m_capacitySpin->setValue(int(std::min<int64_t>(m_capacity, 10000000)));
    }
    for (auto &[name, f] : m_feeds)
        f->model->setCapacity(m_capacity);
    updateStatus();
}

void FeedPane::setNewestOnTop(bool on)
{
    m_newestOnTop = on;
    {
        const QSignalBlocker b(m_topCheck);
        m_topCheck->setChecked(on);
    }
    for (auto &[name, f] : m_feeds)
        f->model->setNewestOnTop(on);
    m_follow = true;
}

void FeedPane::onScroll(int value)
{
    if (m_adjusting) return;
    // Following while the user sits at the live edge; scrolling away stops it (Wireshark).
    QScrollBar *sb = m_rowsView->verticalScrollBar();
    m_follow = m_newestOnTop ? value <= sb->minimum() : value >= sb->maximum();
}

void FeedPane::followAfterInsert(int first, int last)
{
    QScrollBar *sb = m_rowsView->verticalScrollBar();
    m_adjusting = true;
    if (m_follow) {
        if (m_newestOnTop)
            m_rowsView->scrollToTop();
        else
            m_rowsView->scrollToBottom();
    } else if (m_newestOnTop && first == 0) {
        // Keep what the user is reading in place while rows arrive above it.
        sb->setValue(sb->value() +
                     (last - first + 1) *
                         (m_rowsView->verticalScrollMode() == QAbstractItemView::ScrollPerItem
                              ? 1
                              : m_rowsView->verticalHeader()->defaultSectionSize()));
    }
    m_adjusting = false;
}

QList<QByteArray> FeedPane::tables() const
{
    QList<QByteArray> out;
    for (const auto &[name, f] : m_feeds)
        out << name;
    return out;
}

FeedRingModel *FeedPane::rowsModel(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? nullptr : it->second->model;
}

const SymStats *FeedPane::stats(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? nullptr : &it->second->stats;
}

LastValueModel *FeedPane::lastValueModel(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? nullptr : it->second->lastModel;
}

SymAggregatesModel *FeedPane::aggregatesModel(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? nullptr : it->second->aggModel;
}

int64_t FeedPane::ingestedRows(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? 0 : it->second->ingested;
}

int64_t FeedPane::droppedRows(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? 0 : it->second->model->droppedRows() + it->second->holdDropped;
}

FeedPane::Rates FeedPane::rates(const QByteArray &table) const
{
    auto it = m_feeds.find(table);
    return it == m_feeds.end() ? Rates{} : it->second->rates;
}

bool FeedPane::startRecording(const QString &path, RecordFormat format, QString *error)
{
    stopRecording();
    m_recordError.clear();
    const bool ok = format == Csv ? m_csv.open(path, error) : m_log.open(path, error);
    m_recordButton->setText(ok ? tr("Stop recording") : tr("Record…"));
    updateStatus();
    return ok;
}

bool FeedPane::stopRecording(QString *error)
{
    QString err;
    bool ok = m_csv.close(&err);
    ok = m_log.close(ok ? &err : nullptr) && ok;
    if (!ok) {
        m_recordError = err;
        if (error) *error = err;
    }
    if (m_recordButton) m_recordButton->setText(tr("Record…"));
    return ok;
}

void FeedPane::recordError(const QString &text)
{
    m_recordError = text;
    stopRecording();
}

void FeedPane::chooseRecording()
{
    if (recording()) {
        stopRecording();
        updateStatus();
        return;
    }
    QString selected;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Record feed"), QString(),
                                     tr("Replayable feed log (*.qsfeed);;CSV (*.csv)"), &selected);
    if (path.isEmpty()) return;
    QString err;
    const RecordFormat f = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ||
                                   selected.startsWith(QLatin1String("CSV"))
                               ? Csv
                               : BinaryLog;
    if (!startRecording(path, f, &err)) m_recordError = err;
    updateStatus();
}

void FeedPane::chooseReplayLog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Replay feed log"), QString(),
                                                      tr("Feed log (*.qsfeed);;All files (*)"));
    if (path.isEmpty()) return;
    Q_EMIT replayRequested(path);
}

bool FeedPane::startReplay(const QString &path, QString *error)
{
    if (m_subscription || m_replay || !m_feeds.empty()) {
        *error = tr("a replay opens a view of its own: this one already shows rows");
        return false;
    }
    auto reader = std::make_shared<FeedLogReader>();
    if (!reader->open(path, error)) return false;
    m_replay = std::move(reader);
    m_replayError.clear();
    m_callLabel->setText(tr("Replay of %1").arg(path));
    if (!m_replayTimer) {
        m_replayTimer = new QTimer(this);
        m_replayTimer->setInterval(kTickMs);
        connect(m_replayTimer, &QTimer::timeout, this, &FeedPane::replayTick);
    }
    m_replayTimer->start();
    return true;
}

void FeedPane::replayTick()
{
    // One chunk at a time is read and decoded on a worker (records may be up to 1 GiB); the GUI
    // thread only takes the decoded values in. The worker shares the reader, so a pane closed
    // meanwhile leaves it nothing dangling, and the continuation is dropped with the pane.
    if (!m_replay || m_replayBusy) return;
    m_replayBusy = true;
    auto promise = std::make_shared<QPromise<detail::ReplayChunk>>();
    QFuture<detail::ReplayChunk> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, reader = m_replay] {
        promise->addResult(detail::readReplayChunk(*reader));
        promise->finish();
    });
    future.then(this, [this](const detail::ReplayChunk &chunk) {
        m_replayBusy = false;
        applyReplayChunk(chunk);
    });
}

namespace detail {

ReplayChunk readReplayChunk(FeedLogReader &reader)
{
    // Bounded per chunk so the GUI takes in a chunk per tick without stalling on a big log.
    const qint64 budgetBytes = 4 << 20;
    const qint64 start = reader.position();
    ReplayChunk c;
    while (c.messages.size() < 20000 && reader.position() - start < budgetBytes) {
        const qint64 before = reader.position();
        std::optional<Value> m = reader.next();
        if (!m) break;
        c.messages.push_back(std::move(*m));
        c.bytes.push_back(reader.position() - before - 4);
    }
    c.done = reader.atEnd() || !reader.error().isEmpty();
    c.error = reader.error();
    c.records = reader.records();
    return c;
}

} // namespace detail

void FeedPane::applyReplayChunk(const detail::ReplayChunk &chunk)
{
    if (!m_replay) return;
    // Consecutive updates of one table go in as one batch, as the engine hands a live feed.
    FeedBatch run;
    auto flush = [&] {
        if (!run.updates.isEmpty()) ingest(run);
        run = FeedBatch();
    };
    for (size_t i = 0; i < chunk.messages.size(); ++i) {
        const Value &v = chunk.messages[i];
        if (v.isList() && v.count() >= 2 && v.item(0).type() == -Symbol) {
            const QByteArray f = v.item(0).symbolValue();
            if (f == "upd" && v.count() == 3 && v.item(1).type() == -Symbol) {
                const Value &u = v.item(2);
                if (!run.updates.isEmpty() && run.table != v.item(1).symbolValue()) flush();
                run.table = v.item(1).symbolValue();
                run.updates << u;
                run.messages += 1;
                run.rows +=
                    u.isTable() ? u.count() : (u.isList() && u.count() ? u.item(0).count() : 0);
                run.bytes += chunk.bytes[i];
                continue;
            }
            if (f == ".u.end") {
                flush();
                ingestEndOfDay(v.item(1));
                continue;
            }
        }
        flush();
        for (auto &[name, feedPtr] : m_feeds)
            ++feedPtr->malformed;
    }
    flush();
    if (chunk.done) {
        const bool ok = chunk.error.isEmpty();
        m_replayError = chunk.error;
        const QString text = ok ? tr("── replay finished: %1 messages ──").arg(chunk.records)
                                : tr("── replay stopped: %1 ──").arg(chunk.error);
        for (auto &[name, f] : m_feeds)
            addPending(*f, Pending{Value(), FeedRingModel::InfoMarker, text});
        m_replay.reset();
        m_replayTimer->stop();
        tick();
        Q_EMIT replayFinished(ok);
    }
}

void FeedPane::refreshPushTargets()
{
    if (!m_manager) return;
    const auto current = m_pushCombo->currentData().toULongLong();
    const QSignalBlocker b(m_pushCombo);
    m_pushCombo->clear();
    m_pushCombo->addItem(tr("(nowhere)"), QVariant::fromValue<qulonglong>(0));
    HandleRegistry *reg = m_manager->registry();
    for (int i = 0; i < reg->count(); ++i) {
        const HandleInfo &h = reg->at(i);
        if (h.state != ConnectionState::Open) continue;
        const QString label =
            h.name.isEmpty() ? h.server
                             : QString(h.name + QStringLiteral(" (") + h.server + QLatin1Char(')'));
        m_pushCombo->addItem(label, QVariant::fromValue<qulonglong>(h.id));
    }
    const int idx = m_pushCombo->findData(QVariant::fromValue<qulonglong>(current));
    m_pushCombo->setCurrentIndex(idx >= 0 ? idx : 0);
}

void FeedPane::setPushTarget(ConnectionId target, const QByteArray &function,
                             const QByteArray &table, int intervalMs)
{
    m_pushTarget = target;
    m_pushFunction = function.isEmpty() ? QByteArray("upd") : function;
    m_pushTable = table.isEmpty() ? QByteArray("aggregates") : table;
    if (target)
        m_pushTimer->start(std::max(100, intervalMs));
    else
        m_pushTimer->stop();
    updateStatus();
}

void FeedPane::pushAggregates()
{
    if (!m_manager || !m_pushTarget) return;
    auto it = m_feeds.find(m_current);
    if (it == m_feeds.end() || it->second->stats.count() == 0) return;
    m_manager->send(m_pushTarget,
                    Value::list({Value::symbol(m_pushFunction), Value::symbol(m_pushTable),
                                 it->second->stats.toTable()}));
    ++m_pushes;
}

} // namespace qscope
