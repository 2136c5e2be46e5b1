#include "resultview.h"

#include "cellactions.h"
#include "charts/chartpanel.h"
#include "export/exportdialog.h"
#include "export/exportjob.h"
#include "frozencolumns.h"
#include "gridview.h"
#include "net/connectionmanager.h"
#include "protocol/columnops.h"
#include "protocol/format.h"
#include "resulttablemodel.h"
#include "selectionranges.h"
#include "selectiontext.h"
#include "sendtodialog.h"

#include <QApplication>
#include <QButtonGroup>
#include <QClipboard>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QStackedWidget>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <set>

namespace qscope {

namespace {

constexpr int kMaxColumnWidth = 320;
constexpr int kWidthSampleRows = 64;
/// Selections of more cells than this have their statistics summed on a worker thread.
constexpr int64_t kSyncStatsCells = 200000;
/// Copies of more cells than this are written on a worker thread.
constexpr int64_t kSyncCopyCells = 1000000;

QString humanBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 2, QLocale::DataSizeIecFormat); // as the status bar
}

QString humanDuration(qint64 ns)
{
    if (ns < 1000000) return QString::number(double(ns) / 1e3, 'f', 0) % QStringLiteral(" µs");
    if (ns < 10000000000LL)
        return QString::number(double(ns) / 1e6, 'f', ns < 10000000 ? 2 : 0) %
               QStringLiteral(" ms");
    return QString::number(double(ns) / 1e9, 'f', 1) % QStringLiteral(" s");
}

QString errorWord(const NetError &e)
{
    switch (e.kind) {
    case NetError::QError:
        return QLatin1Char('\'') % e.message;
    case NetError::AccessDenied:
        return QStringLiteral("'access");
    case NetError::ConnectFailed:
        return QObject::tr("connect failed");
    case NetError::Timeout:
        return QObject::tr("timeout");
    case NetError::Cancelled:
        return QObject::tr("cancelled");
    case NetError::Disconnected:
        return QObject::tr("disconnected");
    case NetError::Protocol:
        return QObject::tr("protocol error");
    case NetError::Tls:
        return QObject::tr("TLS error");
    case NetError::TooLarge:
        return QObject::tr("too large");
    }
    return {};
}

QToolButton *toolButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

} // namespace

ResultView::ResultView(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    m_gridButton = toolButton(tr("Grid"), tr("Table view"), this);
    m_textButton =
        toolButton(tr("Text"), tr("q console text of the value (as show prints it)"), this);
    m_chartButton = toolButton(tr("Chart"), tr("Chart the selected columns"), this);
    auto *modes = new QButtonGroup(this);
    for (QToolButton *b : {m_gridButton, m_textButton, m_chartButton}) {
        b->setCheckable(true);
        modes->addButton(b);
    }
    m_gridButton->setChecked(true);
    m_backButton = toolButton(tr("\u2190 Back"), tr("Back to the enclosing value"), this);
    m_backButton->setVisible(false);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: text, or col>100, sym=IBM, name~abc"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(260);
    m_filter->setMinimumWidth(140);
    m_busy = new QLabel(tr("sorting\u2026"), this);
    m_busy->setVisible(false);

    m_copyButton = toolButton(tr("Copy"), tr("Copy the selection with headers"), this);
    m_copyButton->setPopupMode(QToolButton::InstantPopup);
    auto *copyMenu = new QMenu(m_copyButton);
    copyMenu->addAction(tr("Copy as TSV"), this, [this] { copySelection(false); });
    copyMenu->addAction(tr("Copy as q"), this, [this] { copySelection(true); });
    m_copyButton->setMenu(copyMenu);

    m_exportButton = toolButton(tr("Export"), tr("Export every row, streamed"), this);
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto *exportMenu = new QMenu(m_exportButton);
    for (ExportFormat f :
         {ExportFormat::Csv, ExportFormat::Tsv, ExportFormat::Json, ExportFormat::Xlsx})
        exportMenu->addAction(Exporter::formatName(f) % QStringLiteral("\u2026"), this,
                              [this, f] { chooseExport(f); });
    m_exportButton->setMenu(exportMenu);

    m_sendButton = toolButton(tr("Send\u2026"), tr("Send this value to another connection"), this);
    m_sendButton->setEnabled(manager != nullptr);

    m_info = new QLabel(this);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // "Copied 3 rows": a brief note beside the Copy button, so a copy is seen to happen
    m_copied = new QLabel(this);
    m_copied->setObjectName(QStringLiteral("copiedNote"));
    m_copied->setStyleSheet(QStringLiteral("color:#2e7d32"));
    m_copied->setVisible(false);
    m_copiedTimer = new QTimer(this);
    m_copiedTimer->setSingleShot(true);
    m_copiedTimer->setInterval(2500);
    connect(m_copiedTimer, &QTimer::timeout, m_copied, &QLabel::hide);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(2);
    bar->addWidget(m_backButton);
    bar->addWidget(m_gridButton);
    bar->addWidget(m_textButton);
    bar->addWidget(m_chartButton);
    bar->addSpacing(8);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_busy);
    bar->addWidget(m_copyButton);
    bar->addWidget(m_copied);
    bar->addWidget(m_exportButton);
    bar->addWidget(m_sendButton);
    bar->addSpacing(8);
    bar->addWidget(m_info);

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_error->setVisible(false);
    m_message = new QLabel(this);
    m_message->setVisible(false);
    m_message->setWordWrap(true);

    m_model = new ResultTableModel(this);
    m_grid = new GridView(this);
    m_grid->setObjectName(QStringLiteral("resultGrid"));
    m_grid->setModel(m_model);
    m_grid->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_grid->setRowHeight(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_grid->horizontalHeader()->setSortIndicatorShown(false);
    m_frozen = new FrozenColumns(m_grid);

    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_gridBox = new QWidget(this);
    auto *gridLayout = new QHBoxLayout(m_gridBox);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    gridLayout->setSpacing(0);
    gridLayout->addWidget(m_grid, 1);

    m_stackWidget = new QStackedWidget(this);
    m_stackWidget->addWidget(m_gridBox);
    m_stackWidget->addWidget(m_text);

    m_exportProgress = new QProgressBar(this);
    m_exportProgress->setRange(0, 1000);
    m_exportLabel = new QLabel(this);
    auto *cancel = new QPushButton(tr("Cancel"), this);
    m_exportBar = new QWidget(this);
    auto *exportLayout = new QHBoxLayout(m_exportBar);
    exportLayout->setContentsMargins(0, 0, 0, 0);
    exportLayout->addWidget(m_exportLabel);
    exportLayout->addWidget(m_exportProgress, 1);
    exportLayout->addWidget(cancel);
    m_exportBar->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_error);
    layout->addWidget(m_message);
    layout->addWidget(m_stackWidget, 1);
    layout->addWidget(m_exportBar);
    // when an error hides the grid, the space left goes below it, not above the tool bar
    layout->addStretch();

    connect(m_gridButton, &QToolButton::clicked, this, [this] { setMode(Mode::Grid); });
    connect(m_textButton, &QToolButton::clicked, this, [this] { setMode(Mode::Text); });
    connect(m_chartButton, &QToolButton::clicked, this, [this] { setMode(Mode::Chart); });
    connect(m_backButton, &QToolButton::clicked, this, [this] { back(); });
    connect(m_sendButton, &QToolButton::clicked, this, &ResultView::openSendDialog);
    connect(cancel, &QPushButton::clicked, this, [this] {
        if (m_export) m_export->cancel();
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &t) { applyFilter(t); });
    connect(m_model, &ResultTableModel::busyChanged, m_busy, &QLabel::setVisible);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResultView::updateInfo);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResultView::onRowsChanged);
    connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultView::updateSelectionStats);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ResultView::updateSelectionStats);
    // the display precision changed: the Text view prints the floats again
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                if (roles != QList<int>{Qt::DisplayRole}) return;
                m_textStale = true;
                if (m_mode == Mode::Text) refreshText();
            });
    // after a sort the rows on screen are others: widen columns their values would not fit
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_model->sortSpec().column >= 0) fitVisibleColumns();
    });
    for (GridView *view : {m_grid, m_frozen->view()}) {
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this,
                [this, view](const QPoint &pos) { showCellMenu(view, pos); });
        connect(view->horizontalHeader(), &QHeaderView::sectionClicked, this,
                &ResultView::cycleSort);
        connect(view, &QAbstractItemView::doubleClicked, this,
                [this](const QModelIndex &index) { openNested(index.row(), index.column()); });
    }
    auto *copyTsv =
        new QShortcut(QKeySequence::Copy, m_grid, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(copyTsv, &QShortcut::activated, this, [this] { copySelection(false); });
    auto *copyQ = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), m_grid, nullptr,
                                nullptr, Qt::WidgetWithChildrenShortcut);
    connect(copyQ, &QShortcut::activated, this, [this] { copySelection(true); });
    clear();
}

ResultView::~ResultView()
{
    if (m_statsCancel) m_statsCancel->store(true);
    if (m_export) m_export->cancel();
}

ChartPanel *ResultView::chartPanel()
{
    if (!m_chart) {
        m_chart = new ChartPanel(this);
        m_stackWidget->addWidget(m_chart);
    }
    return m_chart;
}

void ResultView::clear()
{
    m_result = QueryResult();
    m_server.clear();
    m_hasResult = false;
    m_stack.clear();
    m_path.clear();
    m_error->setVisible(false);
    m_message->setVisible(false);
    m_stackWidget->setVisible(true);
    setToolsVisible(true);
    showValue(Value::list({})); // nothing to show: an empty grid, not a `::` row
    m_info->setText(tr("No result"));
}

void ResultView::setResult(const QueryResult &result, const QString &serverName)
{
    m_result = result;
    m_server = serverName;
    m_hasResult = true;
    m_stack.clear();
    m_path.clear();
    m_message->setVisible(false);
    QSignalBlocker block(m_filter);
    m_filter->clear();
    if (result.error) {
        const QString query = QString::fromUtf8(result.query).toHtmlEscaped();
        m_error->setText(
            QStringLiteral("<div style='font-family:monospace'><span style='color:#c62828;"
                           "font-size:large;font-weight:bold'>") %
            errorWord(*result.error).toHtmlEscaped() % QStringLiteral("</span>") %
            (result.error->kind != NetError::QError && !result.error->message.isEmpty()
                 ? QStringLiteral(" &mdash; ") % result.error->message.toHtmlEscaped()
                 : QString()) %
            QStringLiteral("<br/><b>") % tr("query:") % QStringLiteral("</b> ") % query %
            QStringLiteral("<br/><b>") % tr("server:") % QStringLiteral("</b> ") %
            serverName.toHtmlEscaped() % QStringLiteral("</div>"));
        m_error->setVisible(true);
        showValue(Value());
        m_stackWidget->setVisible(false);
        setToolsVisible(false);
        updateInfo();
        return;
    }
    m_error->setVisible(false);
    m_stackWidget->setVisible(true);
    setToolsVisible(true);
    showValue(result.value);
}

void ResultView::showValue(const Value &value)
{
    ++m_chartGeneration; // rows of the previous value on their way to the chart: dropped
    m_model->setValue(value);
    m_textStale = true;
    measureColumns();
    m_backButton->setVisible(!m_stack.empty());
    const bool any = m_hasResult && !m_result.error;
    // no result yet: an empty grid without a stray column header
    // an atom or a string is one value: no row number, the cell as wide as the pane
    const bool scalar = m_model->shape()->kind == ResultShape::Kind::Scalar;
    m_grid->horizontalHeader()->setVisible(m_hasResult);
    m_grid->setRowNumbersVisible(m_hasResult && !scalar);
    m_grid->horizontalHeader()->setStretchLastSection(scalar);
    m_frozen->setCount(
        m_model->shape()->kind == ResultShape::Kind::KeyedTable ? m_model->keyColumnCount() : 0);
    m_copyButton->setEnabled(any);
    m_exportButton->setEnabled(any);
    m_sendButton->setEnabled(any && m_manager);
    m_filter->setEnabled(any);
    if (m_chart && m_mode == Mode::Chart) {
        m_chart->setShape(m_model->rowView().shownShape());
        m_chartSource = m_model->shape();
        m_chartPicked.clear();
    }
    if (m_mode == Mode::Text) refreshText();
    updateInfo();
}

void ResultView::measureColumns()
{
    // Widths once, from a sample of the first and last rows (never the whole column), capped.
    const auto shape = m_model->shape();
    if (!shape) return;
    const QFontMetrics fm = m_grid->fontMetrics();
    QFont bold = m_grid->horizontalHeader()->font();
    bold.setBold(true);
    const QFontMetrics hfm(bold);
    const int64_t rows = shape->rows;
    for (int c = 0; c < m_model->columnCount(); ++c) {
        int w = hfm.horizontalAdvance(m_model->headerData(c, Qt::Horizontal).toString()) + 24;
        auto sample = [&](int64_t r) {
            w = std::max(w, fm.horizontalAdvance(QString::fromUtf8(shape->cellText(c, r))) + 14);
        };
        for (int64_t r = 0; r < std::min<int64_t>(rows, kWidthSampleRows); ++r)
            sample(r);
        for (int64_t r = std::max<int64_t>(kWidthSampleRows, rows - 16); r < rows; ++r)
            sample(r);
        m_grid->horizontalHeader()->resizeSection(c, std::min(w, kMaxColumnWidth));
    }
    // the row numbers (the source rows, as q numbers them): wide enough for the largest
    m_grid->setMinimumGutterWidth(
        fm.horizontalAdvance(QString::number(std::max<int64_t>(rows - 1, 0))) + 12);
}

QScrollBar *ResultView::rowScrollBar() const
{
    return m_grid->verticalScrollBar();
}

void ResultView::refreshText()
{
    if (!m_textStale) return;
    m_textStale = false;
    if (!m_hasResult || m_result.error) {
        m_text->clear();
        return;
    }
    // A wide console so columns are not cut at 80; long results end in q's ".." line. The rows
    // are the current view's (filter and sort), one more than fit so q still ends in "..".
    FormatOptions options;
    options.width = 400;
    options.height = 2000;
    options.precision = ResultTableModel::displayPrecision(); // the grid's \P
    const RowView rows = m_model->rowView();
    const Value shown = rows.isReordered() ? rows.shownValue(options.height + 1) : m_model->value();
    m_text->setPlainText(QString::fromUtf8(formatConsole(shown, options)));
}

void ResultView::onRowsChanged()
{
    // a filter or sort changed the current view: the text and chart follow it
    m_textStale = true;
    if (m_mode == Mode::Text) refreshText();
    if (m_chart && m_mode == Mode::Chart) refreshChartRows();
}

void ResultView::refreshChartRows()
{
    // The chart's copy of the rows in view (and of each sym's) is made on a worker for a large
    // result, and applied when it arrives unless the rows changed again meanwhile.
    const quint64 generation = ++m_chartGeneration;
    const RowView view = m_model->rowView();
    const int split = m_chart->splitColumn();
    if (view.rowCount() <= ResultTableModel::kSyncRowLimit) {
        m_chart->setRows(ChartPanel::prepareRows(view, split));
        return;
    }
    auto promise = std::make_shared<QPromise<ChartPanel::PreparedRows>>();
    auto *watcher = new QFutureWatcher<ChartPanel::PreparedRows>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_chartGeneration || watcher->future().resultCount() == 0) return;
        if (m_chart) m_chart->setRows(watcher->future().result());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, view, split] {
        promise->addResult(ChartPanel::prepareRows(view, split));
        promise->finish();
    });
}

void ResultView::setToolsVisible(bool visible)
{
    // an error has no grid, text or chart: its bar keeps only the summary (no floating buttons)
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_gridButton, m_textButton, m_chartButton, m_filter,
                                          m_copyButton, m_exportButton, m_sendButton})
        w->setVisible(visible);
}

void ResultView::cycleSort(int column)
{
    // a click cycles ascending, descending, then the result's own order again; the model owns
    // the order (computed off the GUI thread when large)
    const SortSpec now = m_model->sortSpec();
    if (now.column != column)
        m_model->sort(column, Qt::AscendingOrder);
    else if (!now.descending)
        m_model->sort(column, Qt::DescendingOrder);
    else
        m_model->sort(-1);
}

void ResultView::setMode(Mode mode)
{
    m_mode = mode;
    m_gridButton->setChecked(mode == Mode::Grid);
    m_textButton->setChecked(mode == Mode::Text);
    m_chartButton->setChecked(mode == Mode::Chart);
    switch (mode) {
    case Mode::Grid:
        m_stackWidget->setCurrentWidget(m_gridBox);
        break;
    case Mode::Text:
        refreshText();
        m_stackWidget->setCurrentWidget(m_text);
        break;
    case Mode::Chart: {
        QList<int> columns;
        for (int c : SelectionRanges::of(m_grid->selectionModel()->selection()).columns)
            columns.append(c);
        // Back to the chart of the same result with the same pick: keep what was chosen there
        // (x, unchecked series, split, kind); only the rows in view may have changed.
        const auto source = m_model->shape();
        if (m_chart && m_chartSource.lock() == source && columns == m_chartPicked) {
            refreshChartRows();
        } else {
            chartPanel()->setShape(m_model->rowView().shownShape(), columns);
            m_chartSource = source;
            m_chartPicked = columns;
        }
        m_stackWidget->setCurrentWidget(m_chart);
        break;
    }
    }
}

bool ResultView::openNested(int viewRow, int column)
{
    const QModelIndex index = m_model->index(viewRow, column);
    if (!m_model->isNested(index)) return false;
    const Value inner = m_model->cellValue(index);
    const auto shape = m_model->shape();
    QString step;
    if (shape->kind == ResultShape::Kind::Scalar)
        step = QStringLiteral("[]");
    else
        step = QStringLiteral("[") % QString::number(m_model->sourceRow(viewRow)) %
               QStringLiteral(";`") % QString::fromUtf8(shape->columns[size_t(column)].name) %
               QStringLiteral("]");
    m_stack.emplace_back(m_model->value(), m_path);
    m_path += step;
    QSignalBlocker block(m_filter);
    m_filter->clear();
    showValue(inner);
    return true;
}

bool ResultView::back()
{
    if (m_stack.empty()) return false;
    auto [value, path] = m_stack.back();
    m_stack.pop_back();
    m_path = path;
    QSignalBlocker block(m_filter);
    m_filter->clear();
    showValue(value);
    return true;
}

void ResultView::updateInfo()
{
    if (!m_hasResult) {
        m_info->setText(tr("No result"));
        return;
    }
    if (m_result.error) {
        m_info->setText(
            tr("error \u00b7 %1 \u00b7 %2").arg(humanDuration(m_result.elapsedNs), m_server));
        return;
    }
    const auto shape = m_model->shape();
    // q's own terms: "42 rows × 3 cols", "long atom", "string of 18 chars", "dict of 3 keys"
    const QString what = shape ? shape->describe(m_model->viewRowCount()) : QString();
    QString text = what % QStringLiteral(" \u00b7 ") % humanBytes(m_result.bytesIn) %
                   QStringLiteral(" \u00b7 ") % humanDuration(m_result.elapsedNs) %
                   QStringLiteral(" \u00b7 ") % m_server;
    if (!m_path.isEmpty())
        text = QStringLiteral("value") % m_path % QStringLiteral(" \u00b7 ") % text;
    m_info->setText(text);
}

QString ResultView::title() const
{
    QString q = QString::fromUtf8(m_result.query).simplified();
    if (q.isEmpty()) q = tr("result");
    return q.size() > 24 ? q.left(23) % QStringLiteral("\u2026") : q;
}

QByteArray ResultView::copySelection(bool asQ)
{
    const auto shape = m_model->shape();
    if (!shape || !m_hasResult || m_result.error) return {};
    // the selection as ranges of rows (a select-all over 10M rows is one range), every row of it
    const SelectionRanges selected = SelectionRanges::of(m_grid->selectionModel()->selection());
    std::vector<int> columns = selected.columns;
    std::vector<int64_t> rows;
    const RowView view = m_model->rowView();
    if (selected.isEmpty()) {
        for (int c = 0; c < m_model->columnCount(); ++c)
            columns.push_back(c);
        rows.reserve(size_t(view.rowCount()));
        for (int64_t r = 0; r < view.rowCount(); ++r)
            rows.push_back(view.sourceRow(r));
    } else {
        rows = selected.sourceRows(view);
    }
    const qint64 rowCount = qint64(rows.size()), columnCount = qint64(columns.size());
    const auto done = [this, rowCount, columnCount, asQ] {
        showCopied(rowCount == 1 ? tr("Copied 1 row") : tr("Copied %L1 rows").arg(rowCount),
                   tr("Copied %L1 rows \u00d7 %L2 columns as %3")
                       .arg(rowCount)
                       .arg(columnCount)
                       .arg(asQ ? QStringLiteral("q") : QStringLiteral("TSV")));
    };
    const quint64 generation = ++m_copyGeneration;
    if (rowCount * columnCount <= kSyncCopyCells) {
        const QByteArray text =
            asQ ? selectionAsQ(*shape, columns, rows) : selectionAsTsv(*shape, columns, rows);
        QApplication::clipboard()->setText(QString::fromUtf8(text));
        done();
        return text;
    }
    // Millions of cells take seconds to write (10M rows: 1.6 s): on a worker, the clipboard set
    // when the text is ready, unless a newer copy came since. The watcher is the view's child.
    m_copied->setText(tr("Copying %L1 rows\u2026").arg(rowCount));
    m_copied->setVisible(true);
    m_copiedTimer->stop();
    auto promise = std::make_shared<QPromise<QString>>();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, done] {
        watcher->deleteLater();
        if (generation != m_copyGeneration || watcher->future().resultCount() == 0) return;
        QApplication::clipboard()->setText(watcher->future().result());
        done();
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start(
        [promise, shape, asQ, columns = std::move(columns), rows = std::move(rows)] {
            const QByteArray text =
                asQ ? selectionAsQ(*shape, columns, rows) : selectionAsTsv(*shape, columns, rows);
            promise->addResult(QString::fromUtf8(text));
            promise->finish();
        });
    return {};
}

void ResultView::showCopied(const QString &note, const QString &detail)
{
    m_copied->setText(note);
    m_copied->setToolTip(detail);
    m_copied->setVisible(true);
    m_copiedTimer->start();
    Q_EMIT statusMessage(detail.isEmpty() ? note : detail);
}

QByteArray ResultView::copyText(const QByteArray &text, const QString &what)
{
    QApplication::clipboard()->setText(QString::fromUtf8(text));
    showCopied(tr("Copied %1").arg(what), QString::fromUtf8(text.left(200)));
    return text;
}

void ResultView::showCellMenu(GridView *view, const QPoint &pos)
{
    const QModelIndex index = view->indexAt(pos);
    const auto shape = m_model->shape();
    if (!shape || !m_hasResult || m_result.error) return;
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("cellMenu"));
    if (index.isValid()) {
        const int column = index.column();
        const int64_t row = m_model->sourceRow(index.row());
        menu.addAction(tr("Copy cell"), this, [this, shape, column, row] {
            copyText(shape->cellText(column, row), tr("cell"));
        });
        menu.addAction(tr("Copy as q literal"), this, [this, shape, column, row] {
            copyText(formatLiteral(shape->cellValue(column, row)), tr("q literal"));
        });
        const QByteArray where = whereClause(*shape, column, row);
        QAction *w = menu.addAction(tr("Copy as where-clause"), this,
                                    [this, where] { copyText(where, tr("where-clause")); });
        w->setEnabled(!where.isEmpty());
        if (!where.isEmpty()) w->setToolTip(QString::fromUtf8(where));
        const QString filter = filterForCell(*shape, column, row);
        QAction *f = menu.addAction(tr("Filter by this value"), this,
                                    [this, filter] { applyFilter(filter); });
        f->setEnabled(!filter.isEmpty());
        menu.addSeparator();
    }
    menu.addAction(tr("Copy selection as TSV"), this, [this] { copySelection(false); });
    menu.addAction(tr("Copy selection as q"), this, [this] { copySelection(true); });
    menu.addSeparator();
    QMenu *precision = menu.addMenu(tr("Display precision (\\P)"));
    for (int digits : {3, 5, 7, 10, 12, 15, 17, 0}) {
        const QString label = digits == 0   ? tr("all digits (\\P 0)")
                              : digits == 7 ? tr("7 (q's default)")
                                            : QString::number(digits);
        QAction *a = precision->addAction(label, this, [this, digits] {
            ResultTableModel::setDisplayPrecision(digits);
            fitVisibleColumns(); // more digits need wider columns
        });
        a->setCheckable(true);
        a->setChecked(ResultTableModel::displayPrecision() == digits);
    }
    m_lastMenu = &menu;
    menu.exec(view->viewport()->mapToGlobal(pos));
    m_lastMenu = nullptr;
}

void ResultView::fitVisibleColumns()
{
    // The rows on screen after a sort are not those the widths were measured on: widen any
    // column (never narrow one a user sized) whose shown values or header would be cut.
    const auto shape = m_model->shape();
    if (!shape || shape->kind == ResultShape::Kind::Scalar) return;
    const int rowHeight = std::max(1, m_grid->rowHeight());
    const int visible = std::max(m_grid->viewport()->height(), 600) / rowHeight + 1;
    const int first = std::max(0, m_grid->rowAt(0));
    const int last = std::min(m_model->rowCount(), first + visible);
    const QFontMetrics fm = m_grid->fontMetrics();
    QFont bold = m_grid->horizontalHeader()->font();
    bold.setBold(true);
    const QFontMetrics hfm(bold);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        int w = hfm.horizontalAdvance(m_model->headerData(c, Qt::Horizontal).toString()) + 24;
        for (int r = first; r < last; ++r)
            w = std::max(w, fm.horizontalAdvance(m_model->index(r, c).data().toString()) + 14);
        w = std::min(w, kMaxColumnWidth);
        if (w > m_grid->columnWidth(c)) m_grid->horizontalHeader()->resizeSection(c, w);
    }
}

void ResultView::updateSelectionStats()
{
    // count, sum, avg, min, max of every selected cell, read from the typed columns. The count is
    // known at once from the ranges; the numbers of a large selection are summed on a worker
    // (10M cells take ~100 ms), a newer selection cancelling and dropping an older walk.
    if (m_statsCancel) m_statsCancel->store(true);
    m_statsCancel.reset();
    const quint64 generation = ++m_statsGeneration;
    const auto shape = m_model->shape();
    SelectionRanges selected;
    if (shape && m_hasResult && !m_result.error && shape->kind != ResultShape::Kind::Scalar)
        selected = SelectionRanges::of(m_grid->selectionModel()->selection());
    const int64_t cells = selected.cellCount();
    if (cells <= kSyncStatsCells) {
        setSelectionStats(selected.stats(m_model->rowView()).text());
        return;
    }
    setSelectionStats(tr("count %L1 \u00b7 summing\u2026").arg(cells));
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_statsCancel = cancel;
    // the watcher is the view's child: its signal never outlives the view, and a walk that a
    // newer selection superseded is dropped by its generation
    auto promise = std::make_shared<QPromise<QString>>();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_statsGeneration && watcher->future().resultCount() > 0)
            setSelectionStats(watcher->future().result());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start(
        [promise, cancel, view = m_model->rowView(), selected = std::move(selected)] {
            const SelectionStats stats = selected.stats(view, cancel.get());
            if (!cancel->load()) promise->addResult(stats.text());
            promise->finish();
        });
}

void ResultView::setSelectionStats(const QString &text)
{
    if (text == m_selectionStats) return;
    m_selectionStats = text;
    Q_EMIT selectionStatsChanged(text);
}

QString ResultView::applyFilter(const QString &text)
{
    if (m_filter->text() != text) {
        const QSignalBlocker block(m_filter); // the box always shows the filter in effect
        m_filter->setText(text);
    }
    const QString error = m_model->setFilterText(text);
    m_message->setVisible(!error.isEmpty());
    m_message->setText(error);
    m_message->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color:#c62828"));
    return error;
}

void ResultView::chooseExport(ExportFormat format)
{
    auto *dialog =
        new ExportDialog(format, QStringLiteral("result.") % Exporter::fileSuffix(format), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { startExport(dialog->format(), dialog->path(), dialog->mode()); });
    dialog->open();
}

ExportJob *ResultView::startExport(ExportFormat format, const QString &path, TextMode mode)
{
    const auto shape = m_model->shape();
    if (!shape || !m_hasResult || m_result.error) return nullptr;
    if (m_export) {
        m_message->setText(tr("An export is already running"));
        m_message->setVisible(true);
        return nullptr;
    }
    m_export = new ExportJob(shape, m_model->rowView().order, format, path, mode, this);
    m_exportLabel->setText(tr("Exporting %1 to %2").arg(Exporter::formatName(format), path));
    m_exportProgress->setValue(0);
    m_exportBar->setVisible(true);
    m_exportButton->setEnabled(false);
    connect(m_export, &ExportJob::progress, this, [this](qint64 done, qint64 total) {
        m_exportProgress->setValue(total > 0 ? int(done * 1000 / total) : 0);
    });
    connect(m_export, &ExportJob::finished, this, [this](const ExportOutcome &o) {
        const QString path = m_export->path();
        m_export->deleteLater();
        m_export = nullptr;
        m_exportBar->setVisible(false);
        m_exportButton->setEnabled(true);
        const QString text =
            o.ok ? tr("Exported %L1 rows (%2) to %3").arg(o.rows).arg(humanBytes(o.bytes), path)
                 : o.error;
        m_message->setText(text);
        m_message->setStyleSheet(o.ok ? QString() : QStringLiteral("color:#c62828"));
        m_message->setVisible(true);
        Q_EMIT statusMessage(text);
        Q_EMIT exportFinished(o);
    });
    return m_export;
}

void ResultView::openSendDialog()
{
    if (!m_manager) return;
    SendToDialog dialog(m_manager, this);
    if (dialog.exec() != QDialog::Accepted) return;
    sendTo(dialog.connection(), dialog.useUpd(), dialog.name());
}

void ResultView::sendTo(ConnectionId id, bool asUpd, const QByteArray &name)
{
    if (!m_manager || !m_hasResult || m_result.error) return;
    const Value message =
        Value::list({Value::symbol(asUpd ? QByteArrayLiteral("upd") : QByteArrayLiteral("set")),
                     Value::symbol(name), m_model->value()});
    m_manager->send(id, message);
    const ConnectionOptions *o = m_manager->options(id);
    const QString text =
        tr("Sent %1[`%2; value] to %3 (async)")
            .arg(asUpd ? QStringLiteral("upd") : QStringLiteral("set"), QString::fromUtf8(name),
                 o ? (o->name.isEmpty() ? o->address.display() : o->name) : QString::number(id));
    m_message->setText(text);
    m_message->setStyleSheet(QString());
    m_message->setVisible(true);
    Q_EMIT statusMessage(text);
}

} // namespace qscope
