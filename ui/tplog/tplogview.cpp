#include "tplog/tplogview.h"

#include "charts/zoomchartview.h"
#include "monitor/feedpane.h"
#include "net/connectionargs.h"
#include "net/connectionmanager.h"
#include "protocol/tableconcat.h"
#include "results/gridview.h"
#include "results/resultview.h"
#include "tplog/tplogfeedreplayer.h"
#include "tplog/tplogmessagesmodel.h"
#include "tplog/tplogpublisher.h"

#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QMimeData>
#include <QMutex>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace qscope {

namespace {

/// Runs work on the pool; done(result) runs on ctx's thread unless ctx is gone first (the
/// watcher is ctx's child) or the job was superseded (generation moved on).
template<class T>
void runOnPool(QObject *ctx,
               std::function<T(const std::atomic<bool> &cancel, std::atomic<int> &percent)> work,
               std::function<void(T)> done, std::shared_ptr<std::atomic<bool>> cancel,
               std::shared_ptr<std::atomic<int>> percent)
{
    auto promise = std::make_shared<QPromise<T>>();
    auto *watcher = new QFutureWatcher<T>(ctx);
    QObject::connect(watcher, &QFutureWatcherBase::finished, ctx, [watcher, done] {
        watcher->deleteLater();
        if (watcher->future().resultCount() == 0) return;
        done(watcher->future().result());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, work, cancel, percent] {
        promise->addResult(work(*cancel, *percent));
        promise->finish();
    });
}

} // namespace

TpLogView::TpLogView(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *head = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24);
    m_progress->hide();
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->hide();
    connect(m_cancelButton, &QPushButton::clicked, this, &TpLogView::cancel);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // the file changed under the view: it shrank (nothing more can be read) or grew
    m_fileNote = new QLabel(this);
    m_fileNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fileNote->hide();
    m_reopen = new QPushButton(tr("Re-open"), this);
    m_reopen->hide();
    connect(m_reopen, &QPushButton::clicked, this, [this] { open(m_path); });
    head->addWidget(m_title, 1);
    head->addWidget(m_fileNote);
    head->addWidget(m_reopen);
    head->addWidget(m_status, 1);
    head->addWidget(m_progress);
    head->addWidget(m_cancelButton);
    layout->addLayout(head);

    // the summary across the top, then tables and chart side by side
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *top = new QSplitter(Qt::Horizontal, this);
    m_tables = new QTableWidget(0, 5, top);
    m_tables->setHorizontalHeaderLabels(
        {tr("table"), tr("messages"), tr("rows"), tr("first"), tr("last")});
    m_tables->verticalHeader()->hide();
    m_tables->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *chart = new QChart;
    chart->legend()->hide();
    chart->setTitle(tr("messages per second"));
    chart->setMargins(QMargins(2, 2, 2, 2));
    m_chart = new ZoomChartView(chart, top);
    m_chart->setMinimumHeight(fontMetrics().height() * 9);
    top->addWidget(m_tables);
    top->addWidget(m_chart);
    top->setStretchFactor(1, 1);
    const int em = fontMetrics().height();
    top->setSizes({em * 30, em * 50});

    // filters
    auto *filters = new QHBoxLayout;
    m_table = new QComboBox(this);
    m_table->addItem(tr("all tables"));
    m_syms = new QLineEdit(this);
    m_syms->setPlaceholderText(tr("syms, e.g. AAPL,IBM"));
    m_from = new QLineEdit(this);
    m_from->setPlaceholderText(tr("from 10:31"));
    m_to = new QLineEdit(this);
    m_to->setPlaceholderText(tr("to 10:32:30.5"));
    auto *apply = new QPushButton(tr("Filter"), this);
    connect(apply, &QPushButton::clicked, this, [this] { applyFilter(); });
    for (QLineEdit *e : {m_syms, m_from, m_to})
        connect(e, &QLineEdit::returnPressed, this, [this] { applyFilter(); });
    filters->addWidget(new QLabel(tr("Filter:"), this));
    filters->addWidget(m_table);
    filters->addWidget(m_syms, 2);
    filters->addWidget(m_from, 1);
    filters->addWidget(m_to, 1);
    filters->addWidget(apply);
    m_indexNote = new QLabel(tr("<i>filters and actions: once the whole log is indexed</i>"), this);
    m_indexNote->hide();
    filters->addWidget(m_indexNote);

    // messages over rows
    auto *bottom = new QSplitter(Qt::Vertical, this);
    m_model = new TpLogMessagesModel(this);
    // a GridView keeps nothing per row (a QTableView's row header: 8 bytes a message, walked on
    // each growth); its row numbers are off, the first column is the message's index
    m_grid = new GridView(bottom);
    m_grid->setModel(m_model);
    m_grid->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_grid->setRowNumbersVisible(false);
    m_grid->setRowHeight(fontMetrics().height() + 4);
    m_grid->horizontalHeader()->setStretchLastSection(true);
    connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TpLogView::showSelection);
    m_bottomTabs = new QTabWidget(bottom);
    m_rows = new ResultView(manager, m_bottomTabs);
    m_bottomTabs->addTab(m_rows, tr("Rows of the selected messages"));
    bottom->addWidget(m_grid);
    bottom->addWidget(m_bottomTabs);

    // actions
    auto *actions = new QHBoxLayout;
    auto *exportPrefix = new QPushButton(tr("Export valid prefix…"), this);
    exportPrefix->setToolTip(tr("The repair q users do by truncating the file to "
                                "last -11!(-2;f): a log -11! replays without 'badtail"));
    connect(exportPrefix, &QPushButton::clicked, this, &TpLogView::chooseExportPrefix);
    auto *exportSel = new QPushButton(tr("Export selected messages…"), this);
    connect(exportSel, &QPushButton::clicked, this, &TpLogView::chooseExportSelected);
    m_server = new QLineEdit(this);
    m_server->setPlaceholderText(tr("host:port"));
    m_function = new QLineEdit(QStringLiteral(".u.upd"), this);
    m_speed = new QComboBox(this);
    m_speed->addItem(tr("as fast as possible"), 0.0);
    m_speed->addItem(tr("original pace"), 1.0);
    m_speed->addItem(tr("×10"), 10.0);
    m_speed->addItem(tr("×100"), 100.0);
    m_publish = new QPushButton(tr("Publish"), this);
    m_publish->setToolTip(tr("Send the filtered messages to the server as (function;`t;x), "
                             "as a feed handler would (to rebuild an RDB)"));
    connect(m_publish, &QPushButton::clicked, this, [this] {
        publish(m_server->text(), m_function->text().toUtf8(), m_speed->currentData().toDouble());
    });
    m_replayHere = new QPushButton(tr("Replay here"), this);
    m_replayHere->setToolTip(tr("Play the filtered messages into a feed tab at the chosen pace"));
    connect(m_replayHere, &QPushButton::clicked, this,
            [this] { replayHere(m_speed->currentData().toDouble()); });
    actions->addWidget(exportPrefix);
    actions->addWidget(exportSel);
    actions->addStretch(1);
    actions->addWidget(new QLabel(tr("Publish to"), this));
    actions->addWidget(m_server, 1);
    actions->addWidget(m_function);
    actions->addWidget(m_speed);
    actions->addWidget(m_replayHere);
    actions->addWidget(m_publish);
    m_needIndex = {m_table,      m_syms,    m_from,       m_to,     apply,
                   exportPrefix, exportSel, m_replayHere, m_publish};

    layout->addWidget(m_summary);
    layout->addWidget(top, 2);
    layout->addLayout(filters);
    layout->addWidget(bottom, 5);
    layout->addLayout(actions);
}

TpLogView::~TpLogView()
{
    // pool jobs stop (the index scan at its next batch, within 50 ms); their results are dropped
    // with the watchers, and the last reference to the reader (its open file) goes with the job
    if (m_cancel) *m_cancel = true;
    if (m_selectionCancel) *m_selectionCancel = true;
    if (m_publishConnection) m_manager->close(m_publishConnection);
}

/// The index job's hand-over: it puts its newest batch here (replacing one not yet taken), the
/// GUI tick takes it. Neither side waits on the other beyond the copy.
struct TpLogView::IndexFeed
{
    QMutex mutex;
    std::shared_ptr<tplog::TpLogReader> reader; ///< once the file is open
    std::optional<tplog::IndexProgress> latest;
};

void TpLogView::showFileNote(const QString &text, bool error)
{
    m_fileNote->setText(text);
    m_fileNote->setStyleSheet(error ? QStringLiteral("color: #c0392b; font-weight: bold;")
                                    : QStringLiteral("font-style: italic;"));
    m_fileNote->show();
    m_reopen->show();
    // said once, beside its Re-open button, not again in the status line
    if (m_status->text() == text) setStatus(QString(), false);
}

void TpLogView::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void TpLogView::startJob(const QString &what)
{
    if (m_cancel) *m_cancel = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    ++m_generation;
    m_busy = true;
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    setStatus(what);
}

void TpLogView::endJob(const QString &status)
{
    m_busy = false;
    m_progress->hide();
    m_cancelButton->setVisible(m_publisher || m_replayer);
    setStatus(status);
}

void TpLogView::cancel()
{
    if (m_publisher) m_publisher->cancel();
    if (m_replayer) m_replayer->cancel();
    if (m_cancel) *m_cancel = true;
}

void TpLogView::open(const QString &path)
{
    m_path = path;
    m_fileNote->hide();
    m_reopen->hide();
    m_title->setText(QStringLiteral("<b>%1</b>").arg(path.toHtmlEscaped()));
    m_model->setReader(nullptr);
    m_reader.reset();
    m_complete = false;
    m_shown = tplog::LogSummary{};
    m_rows->clear();
    startJob(tr("indexing %1…").arg(QFileInfo(path).fileName()));
    setIndexing(true);
    auto feed = std::make_shared<IndexFeed>();
    m_indexFeed = feed;
    delete m_indexTick;
    // fast until the first rows are up, then ten times a second
    m_indexTick = new QTimer(this);
    connect(m_indexTick, &QTimer::timeout, this, &TpLogView::takeIndexBatch);
    m_indexTick->start(15);
    struct Loaded
    {
        std::shared_ptr<tplog::TpLogReader> reader;
        QString error;
        bool fileError = false; ///< the file shrank while it was read
        int64_t grownBy = 0;    ///< bytes appended since it was opened
    };
    const quint64 gen = m_generation;
    runOnPool<Loaded>(
        this,
        [path, feed, gate = m_indexGate](const std::atomic<bool> &cancel, std::atomic<int> &) {
            Loaded out;
            auto r = std::make_shared<tplog::TpLogReader>();
            if (!r->open(path, &out.error)) return out;
            {
                QMutexLocker lock(&feed->mutex);
                feed->reader = r;
            }
            const tplog::LogSummary s = r->index([&](int64_t, int64_t) { return !cancel.load(); },
                                                 [&](const tplog::IndexProgress &p) {
                                                     {
                                                         QMutexLocker lock(&feed->mutex);
                                                         feed->latest = p;
                                                     }
                                                     if (gate) gate(p);
                                                     return !cancel.load();
                                                 });
            {
                QMutexLocker lock(&feed->mutex);
                feed->reader.reset(); // the job's result carries it from here
                feed->latest.reset();
            }
            if (!s.fileError.isEmpty()) {
                out.error = s.fileError;
                out.fileError = true;
                return out;
            }
            if (s.cancelled) {
                out.error = QObject::tr("indexing cancelled");
                return out;
            }
            out.grownBy = std::max<int64_t>(r->currentSize() - r->size(), 0);
            out.reader = std::move(r);
            return out;
        },
        [this, gen](Loaded l) {
            if (gen != m_generation) return;
            delete m_indexTick;
            m_indexTick = nullptr;
            m_indexFeed.reset();
            if (!l.reader) {
                // cancelled: the rows indexed so far stay, the rest needs opening again
                const QString why =
                    m_reader && !l.fileError
                        ? tr("%1 after %2 message(s) (%3 of %4): open the log again for "
                             "the rest")
                              .arg(l.error)
                              .arg(m_model->rowCount())
                              .arg(QLocale().formattedDataSize(m_shown.validLength),
                                   QLocale().formattedDataSize(m_shown.fileSize))
                        : l.error;
                m_indexing = false;
                m_shown.cancelled = bool(m_reader);
                if (m_reader) showSummary();
                m_indexNote->setText(tr("<i>the index is incomplete: filters and actions are "
                                        "off</i>"));
                m_indexNote->setVisible(bool(m_reader)); // nothing at all shown: nothing to say
                endJob(QString());
                setStatus(why, true);
                if (l.fileError) showFileNote(l.error, true);
                Q_EMIT failed(l.error);
                return;
            }
            m_reader = std::move(l.reader);
            m_complete = true;
            m_model->setReader(m_reader);
            m_shown = m_reader->summary();
            m_table->clear();
            m_table->addItem(tr("all tables"));
            for (const tplog::TableStats &t : m_shown.tables)
                m_table->addItem(QString::fromUtf8(t.name));
            setIndexing(false);
            showSummary();
            showTables();
            showChart();
            endJob(tr("%n message(s)", nullptr, int(m_reader->chunkCount())));
            if (l.grownBy > 0)
                showFileNote(tr("the file grew by %1 byte(s) since it was opened: the view shows "
                                "its first %2 bytes")
                                 .arg(l.grownBy)
                                 .arg(m_reader->size()),
                             false);
            Q_EMIT loaded();
        },
        m_cancel, std::make_shared<std::atomic<int>>(0));
}

void TpLogView::setIndexing(bool on)
{
    m_indexing = on;
    for (QWidget *w : std::as_const(m_needIndex))
        w->setEnabled(!on);
    m_indexNote->setText(tr("<i>filters and actions: once the whole log is indexed</i>"));
    m_indexNote->setVisible(on);
}

void TpLogView::takeIndexBatch()
{
    if (!m_indexFeed) return;
    std::optional<tplog::IndexProgress> p;
    std::shared_ptr<tplog::TpLogReader> reader;
    {
        QMutexLocker lock(&m_indexFeed->mutex);
        p.swap(m_indexFeed->latest);
        reader = m_indexFeed->reader;
    }
    if (!p || !reader || p->done) return; // the job's own result brings the end
    std::vector<QByteArray> tables;
    for (const tplog::TableStats &t : p->summary.tables)
        tables.push_back(t.name);
    const bool first = !m_reader;
    m_reader = reader;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // the grid grows at every tick: a GridView's growth is a scroll-bar range, whatever its rows
    m_model->setIndexed(reader, p->chunks, std::move(p->functions), std::move(tables));
    m_shown = std::move(p->summary);
    m_progress->setValue(int(p->bytesDone * 100 / std::max<int64_t>(p->bytesTotal, 1)));
    showSummary();
    if (first || now - m_tablesShownAt >= 1000) {
        m_tablesShownAt = now;
        showTables();
        showChart();
    }
    if (first) m_indexTick->setInterval(100);
}

void TpLogView::showSummary()
{
    const tplog::LogSummary &s = m_shown;
    QString html;
    if (m_indexing || s.cancelled) {
        // the figures so far: the valid prefix is what the scan has passed
        html += (m_indexing ? tr("<b>indexing…</b> %1 of %2 · <b>%3</b> chunks so far, all valid")
                            : tr("<b>indexing cancelled</b> at %1 of %2 · <b>%3</b> chunks "
                                 "indexed, all valid"))
                    .arg(QLocale().formattedDataSize(s.validLength),
                         QLocale().formattedDataSize(s.fileSize))
                    .arg(s.chunks);
        m_summary->setText(html);
        return;
    }
    html += tr("<b>%1</b> bytes · ").arg(s.fileSize);
    if (!s.headerOk) {
        html += tr("<span style='color:#c0392b'><b>not a log:</b> %1</span>")
                    .arg(s.headerProblem.toHtmlEscaped());
        m_summary->setText(html);
        return;
    }
    html +=
        tr("<b>%1</b> valid chunks, valid prefix <b>%2</b> bytes").arg(s.chunks).arg(s.validLength);
    if (s.isValid()) {
        html += tr(" (the whole file)");
    } else {
        html += tr("<br><span style='color:#c0392b'><b>first bad chunk</b> (#%1) at offset "
                   "<b>%2</b>: %3 (byte %4)</span><br>-11!x would stop with 'badtail; -11!(-2;f) "
                   "gives %1 %5")
                    .arg(s.chunks)
                    .arg(s.badOffset)
                    .arg(s.badReason.toHtmlEscaped())
                    .arg(s.badAt)
                    .arg(s.validLength);
    }
    if (s.headerCount != s.chunks)
        html += tr("<br>the header counts %1 item(s)").arg(s.headerCount);
    m_summary->setText(html);
}

void TpLogView::showTables()
{
    const tplog::LogSummary &s = m_shown;
    m_tables->setRowCount(int(s.tables.size()));
    for (int i = 0; i < int(s.tables.size()); ++i) {
        const tplog::TableStats &t = s.tables[size_t(i)];
        const QStringList cells = {QString::fromUtf8(t.name), QString::number(t.messages),
                                   QString::number(t.rows),
                                   TpLogMessagesModel::timeText(t.minTime, t.timeType),
                                   TpLogMessagesModel::timeText(t.maxTime, t.timeType)};
        for (int c = 0; c < cells.size(); ++c)
            m_tables->setItem(i, c, new QTableWidgetItem(cells[c]));
    }
    m_tables->resizeColumnsToContents();
}

void TpLogView::showChart()
{
    QChart *chart = m_chart->chart();
    chart->removeAllSeries();
    for (QAbstractAxis *a : chart->axes())
        chart->removeAxis(a);
    const std::vector<uint32_t> &ps = m_shown.perSecond;
    int first = -1, last = -1;
    uint32_t peak = 0;
    for (int i = 0; i < int(ps.size()); ++i)
        if (ps[size_t(i)]) {
            if (first < 0) first = i;
            last = i;
            peak = std::max(peak, ps[size_t(i)]);
        }
    if (first < 0) return;
    auto *series = new QLineSeries;
    QList<QPointF> points;
    points.reserve(last - first + 1);
    const QDateTime midnight(QDate::currentDate(), QTime(0, 0));
    const qint64 base = midnight.toMSecsSinceEpoch();
    for (int i = first; i <= last; ++i)
        points.append(QPointF(double(base + qint64(i) * 1000), double(ps[size_t(i)])));
    series->replace(points);
    series->setPointsVisible(points.size() < 200); // a log of a few seconds is a few dots
    chart->addSeries(series);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("HH:mm:ss"));
    x->setRange(QDateTime::fromMSecsSinceEpoch(base + qint64(first) * 1000),
                QDateTime::fromMSecsSinceEpoch(base + qint64(std::max(last, first + 1)) * 1000));
    auto *y = new QValueAxis;
    y->setRange(0, double(peak) * 1.1 + 1);
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

QString TpLogView::applyFilter()
{
    if (!m_reader) return tr("no log open");
    if (!m_complete) return tr("the log is not fully indexed");
    tplog::MessageFilter f;
    if (m_table->currentIndex() > 0) f.table = m_table->currentText().toUtf8();
    for (const QString &s : m_syms->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        f.syms << s.trimmed().toUtf8();
    for (const auto &[edit, slot] : {std::pair{m_from, &f.from}, std::pair{m_to, &f.to}}) {
        if (edit->text().trimmed().isEmpty()) continue;
        *slot = tplog::MessageFilter::parseTime(edit->text());
        if (!*slot) {
            const QString e = tr("'%1' is not a time (10:31, 10:31:05.250)").arg(edit->text());
            setStatus(e, true);
            return e;
        }
    }
    m_filter = f;
    if (f.isEmpty()) {
        m_model->setRows(nullptr);
        setStatus(tr("%n message(s)", nullptr, int(m_reader->chunkCount())));
        Q_EMIT filtered(m_reader->chunkCount());
        return QString();
    }
    startJob(tr("filtering…"));
    auto percent = std::make_shared<std::atomic<int>>(0);
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this, percent] { m_progress->setValue(*percent); });
    tick->start(100);
    const quint64 gen = m_generation;
    std::shared_ptr<const tplog::TpLogReader> reader = m_reader;
    runOnPool<std::shared_ptr<const std::vector<int64_t>>>(
        this,
        [reader, f](const std::atomic<bool> &cancel, std::atomic<int> &pc) {
            auto out = std::make_shared<std::vector<int64_t>>();
            const int64_t n = reader->chunkCount();
            for (int64_t i = 0; i < n; ++i) {
                if ((i & 1023) == 0) {
                    if (cancel) return std::shared_ptr<const std::vector<int64_t>>();
                    pc = int(i * 100 / std::max<int64_t>(n, 1));
                }
                const tplog::ChunkInfo &c = reader->chunk(i);
                if (!f.mayMatch(*reader, c)) continue;
                if (!f.filtersRows()) {
                    out->push_back(i);
                    continue;
                }
                const Decoded d = reader->decode(i);
                if (!d.ok() && !reader->fileError().isEmpty())
                    return std::shared_ptr<const std::vector<int64_t>>();
                if (d.ok() && !f.apply(d.value).isGenericNull()) out->push_back(i);
            }
            return std::shared_ptr<const std::vector<int64_t>>(std::move(out));
        },
        [this, gen, tick](std::shared_ptr<const std::vector<int64_t>> rows) {
            tick->deleteLater();
            if (gen != m_generation) return;
            if (!rows && !m_reader->fileError().isEmpty()) {
                endJob(QString());
                setStatus(m_reader->fileError(), true);
                showFileNote(m_reader->fileError(), true);
                return;
            }
            if (!rows) {
                endJob(tr("filter cancelled"));
                return;
            }
            m_model->setRows(rows);
            endJob(tr("%n message(s) match", nullptr, int(rows->size())));
            Q_EMIT filtered(qint64(rows->size()));
        },
        m_cancel, percent);
    return QString();
}

void TpLogView::showSelection()
{
    // whatever the previous selection still decodes is not wanted any more
    if (m_selectionCancel) *m_selectionCancel = true;
    m_selectionCancel.reset();
    if (!m_reader) return;
    const TpLogSelection chunks = selectedMessages();
    if (chunks.empty()) {
        m_rows->clear();
        return;
    }
    // decode on the pool: a selection may span millions of messages
    const quint64 gen = ++m_selectionGeneration;
    std::shared_ptr<const tplog::TpLogReader> reader = m_reader;
    m_selectionCancel = std::make_shared<std::atomic<bool>>(false);
    runOnPool<Value>(
        this,
        [reader, chunks, f = m_filter, gate = m_decodeGate](const std::atomic<bool> &stop,
                                                            std::atomic<int> &) {
            // per table, the rows of its selected messages, joined
            std::vector<QByteArray> order;
            std::map<QByteArray, std::vector<Value>> parts;
            for (int64_t i : chunks) {
                if (stop) return Value();
                if (gate) gate(i);
                const Decoded d = reader->decode(i);
                if (!d.ok() && !reader->fileError().isEmpty())
                    return Value::error(reader->fileError().toUtf8());
                if (!d.ok()) continue;
                const Value m = f.apply(d.value);
                if (!m.isList() || m.count() < 3) continue;
                const Value t = TpLogFeedReplayer::asTable(m.item(2));
                if (!t.isTable()) continue;
                const QByteArray name =
                    m.item(1).type() == -Symbol ? m.item(1).symbolValue() : QByteArray();
                if (!parts.count(name)) order.push_back(name);
                parts[name].push_back(t);
            }
            std::vector<Value> tables;
            for (const QByteArray &name : order) {
                std::vector<Value> joined = detail::coalesceTables(parts[name]);
                tables.push_back(joined.size() == 1 ? joined.front()
                                                    : Value::list(std::move(joined)));
            }
            if (tables.size() == 1) return tables.front();
            return Value::dict(Value::symbols(order), Value::list(std::move(tables)));
        },
        [this, gen](Value v) {
            if (gen != m_selectionGeneration) return;
            if (v.isError()) {
                const QString why = QString::fromUtf8(v.symbolValue());
                m_rows->clear();
                setStatus(why, true);
                showFileNote(why, true);
                Q_EMIT rowsShown(-1);
                return;
            }
            QueryResult r;
            r.value = v;
            r.query = tr("rows of the selected messages").toUtf8();
            m_rows->setResult(r, QFileInfo(m_path).fileName());
            Q_EMIT rowsShown(v.isTable() ? v.count() : -1);
        },
        m_selectionCancel, std::make_shared<std::atomic<int>>(0));
}

TpLogSelection TpLogView::selectedMessages() const
{
    return m_model->messagesOf(m_grid->selectionModel()->selection());
}

void TpLogView::chooseExportPrefix()
{
    const QString out = QFileDialog::getSaveFileName(this, tr("Export the valid prefix"),
                                                     m_path + QStringLiteral(".repaired"));
    if (!out.isEmpty()) exportValidPrefix(out);
}

void TpLogView::chooseExportSelected()
{
    const QString out = QFileDialog::getSaveFileName(this, tr("Export the selected messages"),
                                                     m_path + QStringLiteral(".selected"));
    if (!out.isEmpty()) exportSelected(out);
}

void TpLogView::exportValidPrefix(const QString &out)
{
    if (!m_complete) return;
    startJob(tr("writing %1…").arg(out));
    const quint64 gen = m_generation;
    std::shared_ptr<const tplog::TpLogReader> reader = m_reader;
    runOnPool<QString>(
        this,
        [reader, out](const std::atomic<bool> &, std::atomic<int> &) {
            QString error;
            return reader->exportValidPrefix(out, &error) ? QString() : error;
        },
        [this, gen, out](QString error) {
            if (gen != m_generation) return;
            const tplog::LogSummary &s = m_reader->summary();
            const QString msg =
                error.isEmpty()
                    ? tr("wrote %1: %2 chunks, %3 bytes").arg(out).arg(s.chunks).arg(s.validLength)
                    : error;
            endJob(QString());
            setStatus(msg, !error.isEmpty());
            if (!m_reader->fileError().isEmpty()) showFileNote(m_reader->fileError(), true);
            Q_EMIT actionFinished(error.isEmpty(), msg);
        },
        m_cancel, std::make_shared<std::atomic<int>>(0));
}

void TpLogView::exportSelected(const QString &out)
{
    if (!m_complete) return;
    const TpLogSelection chunks = selectedMessages();
    if (chunks.empty()) {
        setStatus(tr("select messages to export"), true);
        Q_EMIT actionFinished(false, tr("nothing selected"));
        return;
    }
    startJob(tr("writing %1…").arg(out));
    const quint64 gen = m_generation;
    std::shared_ptr<const tplog::TpLogReader> reader = m_reader;
    runOnPool<QString>(
        this,
        [reader, out, chunks](const std::atomic<bool> &, std::atomic<int> &) {
            QString error;
            return reader->exportChunks(out, chunks.toVector(), &error) ? QString() : error;
        },
        [this, gen, out, n = chunks.size()](QString error) {
            if (gen != m_generation) return;
            const QString msg =
                error.isEmpty() ? tr("wrote %1 message(s) to %2").arg(n).arg(out) : error;
            endJob(QString());
            setStatus(msg, !error.isEmpty());
            if (!m_reader->fileError().isEmpty()) showFileNote(m_reader->fileError(), true);
            Q_EMIT actionFinished(error.isEmpty(), msg);
        },
        m_cancel, std::make_shared<std::atomic<int>>(0));
}

void TpLogView::publish(const QString &address, const QByteArray &function, double speed)
{
    if (!m_complete || m_publisher) return;
    ConnectionArgs args;
    QString error;
    const auto options = args.connectionOptions(address.trimmed(), &error);
    if (!options) {
        setStatus(error, true);
        Q_EMIT actionFinished(false, error);
        return;
    }
    m_publishConnection = m_manager->open(*options);
    tplog::TpLogPublisher::Options po;
    po.function = function.isEmpty() ? QByteArray(".u.upd") : function;
    po.filter = m_filter;
    po.speed = speed;
    m_publisher = new tplog::TpLogPublisher(m_reader, m_manager, m_publishConnection, po, this);
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    m_publish->setEnabled(false);
    setStatus(tr("publishing to %1…").arg(address));
    connect(m_publisher, &tplog::TpLogPublisher::progress, this,
            [this](qint64 done, qint64 total, qint64 msgs, qint64 rows) {
                m_progress->setValue(int(done * 100 / std::max<qint64>(total, 1)));
                setStatus(tr("published %1 message(s), %2 row(s)").arg(msgs).arg(rows));
            });
    connect(
        m_publisher, &tplog::TpLogPublisher::finished, this,
        [this, address](bool ok, const QString &why, qint64 msgs, qint64 rows) {
            m_publisher->deleteLater();
            m_publisher = nullptr;
            m_manager->close(m_publishConnection);
            m_publishConnection = 0;
            m_publish->setEnabled(true);
            m_progress->setVisible(m_busy);
            m_cancelButton->setVisible(m_busy);
            const QString msg =
                ok ? tr("published %1 message(s), %2 row(s) to %3").arg(msgs).arg(rows).arg(address)
                   : tr("%1: %2 (after %3 message(s))").arg(address, why).arg(msgs);
            setStatus(msg, !ok);
            if (!m_reader->fileError().isEmpty()) showFileNote(m_reader->fileError(), true);
            Q_EMIT actionFinished(ok, msg);
        });
    m_publisher->start();
}

void TpLogView::replayHere(double speed)
{
    if (!m_complete || m_replayer) return;
    if (!m_feed) {
        m_feed = new FeedPane(m_manager, m_bottomTabs);
        m_bottomTabs->addTab(m_feed, tr("Replay"));
    }
    m_bottomTabs->setCurrentWidget(m_feed);
    m_replayer = new TpLogFeedReplayer(m_reader, m_filter, speed, m_feed, this);
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    m_replayHere->setEnabled(false);
    connect(m_replayer, &TpLogFeedReplayer::progress, this,
            [this](qint64 done, qint64 total, qint64 msgs, qint64 rows) {
                m_progress->setValue(int(done * 100 / std::max<qint64>(total, 1)));
                setStatus(tr("replayed %1 message(s), %2 row(s)").arg(msgs).arg(rows));
            });
    connect(m_replayer, &TpLogFeedReplayer::finished, this,
            [this](bool ok, const QString &why, qint64 msgs, qint64 rows) {
                m_replayer->deleteLater();
                m_replayer = nullptr;
                m_replayHere->setEnabled(true);
                m_progress->setVisible(m_busy || m_publisher);
                m_cancelButton->setVisible(m_busy || m_publisher);
                const QString msg = ok ? tr("replayed %1 message(s), %2 row(s)").arg(msgs).arg(rows)
                                       : tr("replay %1 after %2 message(s)").arg(why).arg(msgs);
                setStatus(msg, !ok);
                if (!m_reader->fileError().isEmpty()) showFileNote(m_reader->fileError(), true);
                Q_EMIT actionFinished(ok, msg);
            });
    m_replayer->start();
}

TpLogDropFilter::TpLogDropFilter(QWidget *watched, std::function<void(const QString &)> open)
    : QObject(watched), m_open(std::move(open))
{
    watched->setAcceptDrops(true);
    watched->installEventFilter(this);
}

bool TpLogDropFilter::looksLikeLog(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QByteArray b = f.read(2);
    return b.size() == 2 && uint8_t(b[0]) == 0xff && uint8_t(b[1]) == 0x01;
}

bool TpLogDropFilter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::DragEnter && event->type() != QEvent::Drop)
        return QObject::eventFilter(watched, event);
    auto *drop = static_cast<QDropEvent *>(event);
    QStringList logs;
    if (drop->mimeData()->hasUrls())
        for (const QUrl &u : drop->mimeData()->urls())
            if (u.isLocalFile() && looksLikeLog(u.toLocalFile())) logs << u.toLocalFile();
    if (logs.isEmpty()) return QObject::eventFilter(watched, event);
    drop->acceptProposedAction();
    if (event->type() == QEvent::Drop)
        for (const QString &p : logs)
            m_open(p);
    return true;
}

} // namespace qscope
