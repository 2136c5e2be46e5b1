#include "handlesview.h"

#include "app/confirm.h"
#include "handlesagent.h"
#include "ownhandlesmodel.h"
#include "pollrate.h"
#include "serverhandlesmodel.h"
#include "serverhandlespoller.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace qscope {
namespace {

constexpr int kMemoryPoints = 600;

QTableView *makeTable(QWidget *parent)
{
    auto *v = new QTableView(parent);
    v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 4);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->setWordWrap(false);
    return v;
}

/// Keep the columns of a small, live table wide enough for what it holds: they grow (capped) as
/// rows and values arrive, never shrink, so they do not jitter at each poll.
void fitColumnsAsDataArrives(QTableView *v, QObject *context)
{
    auto fit = [v] {
        const QAbstractItemView *view = v; // QTableView makes sizeHintForColumn protected
        for (int c = 0; c < v->model()->columnCount(); ++c) {
            const int want = std::min(
                std::max(view->sizeHintForColumn(c), v->horizontalHeader()->sectionSizeHint(c)),
                280);
            if (want > v->columnWidth(c)) v->setColumnWidth(c, want);
        }
    };
    QObject::connect(v->model(), &QAbstractItemModel::rowsInserted, context, fit);
    QObject::connect(v->model(), &QAbstractItemModel::modelReset, context, fit);
    QObject::connect(v->model(), &QAbstractItemModel::dataChanged, context, fit);
    fit();
}

} // namespace

HandlesView::HandlesView(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    m_ownModel = new OwnHandlesModel(manager ? manager->registry() : nullptr, this);
    m_serverModel = new ServerHandlesModel(this);
    m_poller = new ServerHandlesPoller(manager, m_serverModel, this);
    m_handle = new ViewHandle(manager, HandlePurpose::Poller, tr("Handles view"), this);
    buildUi();
    m_watch = new VisibilityWatch(this);
    connect(m_watch, &VisibilityWatch::changed, this, &HandlesView::updateActivity);
    connect(m_handle, &ViewHandle::stopRequested, this, [this] {
        setPollInterval(0);
        showMessage(tr("Stopped from Activity: polling is paused and its connection closed. "
                       "Choose a rate to poll again."),
                    true);
    });
    updateActivity();
    connect(m_poller, &ServerHandlesPoller::memorySample, this, &HandlesView::addMemory);
    connect(m_poller, &ServerHandlesPoller::serverInfo, m_infoLabel, &QLabel::setText);
    connect(m_poller, &ServerHandlesPoller::pollError, this,
            [this](const QString &e) { showMessage(tr("Poll: %1").arg(e), true); });
    if (m_manager) {
        connect(m_manager, &ConnectionManager::resultReady, this, &HandlesView::onResult);
        connect(m_manager, &ConnectionManager::pushed, this, &HandlesView::onPushed);
        connect(m_manager, &ConnectionManager::stateChanged, this,
                [this](ConnectionId id, ConnectionState s, const QString &) {
                    if (id != m_server || s != ConnectionState::Open) return;
                    if (m_poller->isPolling()) m_poller->pollNow();
                    // Is an agent already there? (asked once the view's connection is open)
                    if (m_action == NoAction) runStatements({HandlesAgent::probeCode()}, Probe);
                });
    }
}

HandlesView::~HandlesView()
{
    m_poller->setServer(0); // before the handle closes: its activity is cleared first
}

void HandlesView::buildUi()
{
    auto *split = new QSplitter(Qt::Vertical, this);
    auto *own = new QGroupBox(tr("This app's handles"), split);
    auto *ol = new QVBoxLayout(own);
    m_ownView = makeTable(own);
    m_ownView->setModel(m_ownModel);
    fitColumnsAsDataArrives(m_ownView, this);
    ol->addWidget(m_ownView);

    auto *srv = new QGroupBox(tr("Server handles"), split);
    auto *sl = new QVBoxLayout(srv);
    auto *bar = new QHBoxLayout;
    m_serverLabel = new QLabel(tr("No server chosen"), srv);
    bar->addWidget(m_serverLabel);
    bar->addStretch(1);
    bar->addWidget(new QLabel(tr("Poll"), srv));
    m_rate = new PollRate(m_poller->interval(), srv);
    bar->addWidget(m_rate);
    bar->addWidget(new QLabel(tr("Slow over"), srv));
    m_slowKb = new QSpinBox(srv);
    m_slowKb->setRange(1, 16 * 1024 * 1024);
    m_slowKb->setSuffix(tr(" KB"));
    m_slowKb->setToolTip(tr("A handle with more bytes than this queued on the server (.z.W) is "
                            "highlighted as a slow subscriber"));
    m_slowKb->setValue(int(m_serverModel->slowThreshold() / 1024));
    bar->addWidget(m_slowKb);
    m_pollButton = new QPushButton(tr("Poll now"), srv);
    m_pollButton->setToolTip(
        tr("Poll once now. Paused or hidden, the view holds no connection to poll on."));
    m_pollButton->setEnabled(false);
    bar->addWidget(m_pollButton);
    sl->addLayout(bar);
    // Second line: what the server is, and what can be done to it (two lines keep the dock
    // usable at half the window's width).
    auto *actions = new QHBoxLayout;
    m_infoLabel = new QLabel(srv);
    QStringList qs;
    for (const QByteArray &q : ServerHandlesPoller::queries())
        qs << QString::fromUtf8(q);
    m_infoLabel->setToolTip(tr("Polled with: ") + qs.join(QStringLiteral("   ")));
    actions->addWidget(m_infoLabel);
    actions->addStretch(1);
    m_installButton = new QPushButton(tr("Install agent…"), srv);
    m_uninstallButton = new QPushButton(tr("Uninstall agent…"), srv);
    m_closeButton = new QPushButton(tr("Close handle…"), srv);
    actions->addWidget(m_installButton);
    actions->addWidget(m_uninstallButton);
    actions->addWidget(m_closeButton);
    sl->addLayout(actions);
    m_message = new QLabel(srv);
    m_message->setWordWrap(true);
    m_message->hide();
    sl->addWidget(m_message);
    m_serverView = makeTable(srv);
    m_serverView->setModel(m_serverModel);
    m_serverView->horizontalHeader()->setStretchLastSection(false); // its last column is a count
    fitColumnsAsDataArrives(m_serverView, this);
    sl->addWidget(m_serverView, 1);

    auto *chart = new QChart;
    chart->setTitle(tr("Server memory (.Q.w[])"));
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(2, 2, 2, 2));
    m_used = new QLineSeries;
    m_used->setName(tr("used"));
    m_heap = new QLineSeries;
    m_heap->setName(tr("heap"));
    chart->addSeries(m_used);
    chart->addSeries(m_heap);
    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTickCount(5);
    m_memAxis = new QValueAxis;
    m_memAxis->setTitleText(tr("MB"));
    m_memAxis->setLabelFormat(QStringLiteral("%.1f"));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_memAxis, Qt::AlignLeft);
    for (QLineSeries *s : {m_used, m_heap}) {
        s->attachAxis(m_timeAxis);
        s->attachAxis(m_memAxis);
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(now - 60000),
                         QDateTime::fromMSecsSinceEpoch(now));
    m_memAxis->setRange(0, 1);
    m_chartView = new QChartView(chart, split);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(160);

    split->addWidget(own);
    split->addWidget(srv);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 1);
    auto *l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(split);

    connect(m_rate, &PollRate::intervalChanged, this, &HandlesView::setPollInterval);
    connect(m_slowKb, &QSpinBox::valueChanged, this,
            [this](int kb) { m_serverModel->setSlowThreshold(qint64(kb) * 1024); });
    connect(m_pollButton, &QPushButton::clicked, m_poller, &ServerHandlesPoller::pollNow);
    connect(m_installButton, &QPushButton::clicked, this, &HandlesView::installAgent);
    connect(m_uninstallButton, &QPushButton::clicked, this, &HandlesView::uninstallAgent);
    connect(m_closeButton, &QPushButton::clicked, this, [this] {
        const QModelIndex i = m_serverView->currentIndex();
        if (!i.isValid()) {
            showMessage(tr("Select a handle to close."), true);
            return;
        }
        closeRemoteHandle(m_serverModel->data(i, ServerHandlesModel::HandleRole).toInt());
    });
    m_uninstallButton->setEnabled(false);
}

void HandlesView::setServer(ConnectionId id)
{
    m_handle->setBorrowed(id);
    useServer(id);
}

void HandlesView::setSource(const HandleSource &source)
{
    if (source.valid() && source.key == m_handle->source().key) {
        updateActivity(); // the same server: only retry a handle that could not be opened
        return;
    }
    m_handle->setSource(source);
    useServer(0);
    m_serverLabel->setText(source.valid() ? tr("<b>%1</b>").arg(source.label.toHtmlEscaped())
                                          : tr("No server chosen"));
    updateActivity();
}

void HandlesView::setPollInterval(int ms)
{
    m_poller->setInterval(ms);
    if (m_rate->intervalMs() != m_poller->interval()) m_rate->setIntervalMs(m_poller->interval());
    if (ms > 0) showMessage(QString(), false);
    updateActivity();
}

int HandlesView::pollInterval() const
{
    return m_poller->interval();
}

void HandlesView::updateActivity()
{
    const bool on = m_watch && m_watch->visible() && m_poller->interval() > 0;
    m_handle->setSummary(tr("handles poll %1").arg(PollRate::text(m_poller->interval())));
    if (m_handle->source().valid()) {
        // Our own connection: open exactly while polling, so nothing is held for a hidden view.
        if (on && !m_handle->id()) {
            QString why;
            if (const ConnectionId id = m_handle->acquire(&why))
                useServer(id);
            else
                showMessage(tr("Cannot poll: %1").arg(why), true);
        } else if (!on && m_handle->id()) {
            m_poller->setRunning(false);
            useServer(0);
            m_handle->release();
        }
    }
    m_poller->setRunning(on);
}

void HandlesView::useServer(ConnectionId id)
{
    m_server = id;
    m_pollButton->setEnabled(id != 0);
    m_agentInstalled = false;
    m_action = NoAction;
    m_request = 0;
    m_serverModel->clearAgent();
    m_used->clear();
    m_heap->clear();
    m_memMax = 1;
    const ConnectionOptions *o = m_manager ? m_manager->options(id) : nullptr;
    if (o)
        m_serverLabel->setText(
            tr("<b>%1</b> %2").arg(o->name.toHtmlEscaped(), o->address.display().toHtmlEscaped()));
    else if (!m_handle->source().valid())
        m_serverLabel->setText(tr("No server chosen"));
    m_poller->setServer(id);
    // Is an agent already there (installed by an earlier session)?
    if (m_manager && id && m_manager->state(id) == ConnectionState::Open)
        runStatements({HandlesAgent::probeCode()}, Probe);
}

void HandlesView::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b71c1c;")
                                   : QStringLiteral("color: #1b5e20;"));
    m_message->setVisible(!text.isEmpty());
}

QString HandlesView::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

int HandlesView::memoryPoints() const
{
    return int(m_used->count());
}

bool HandlesView::installAgent()
{
    if (!m_manager || !m_server || m_action != NoAction) return false;
    const QString code = QString::fromUtf8(HandlesAgent::installCode());
    if (!Confirm::askWithDetails(
            this, tr("Install the qscope agent"),
            tr("This defines the following on %1. It chains the existing "
               ".z.po/.z.pc/.z.pg/.z.ps handlers (they keep running) and can be "
               "removed with Uninstall, which restores them.")
                .arg(m_serverLabel->text()),
            code, tr("Install")))
        return false;
    runStatements(HandlesAgent::statements(HandlesAgent::installCode()), Install);
    return true;
}

bool HandlesView::uninstallAgent()
{
    if (!m_manager || !m_server || m_action != NoAction) return false;
    const QString code = QString::fromUtf8(HandlesAgent::uninstallCode());
    if (!Confirm::askWithDetails(
            this, tr("Uninstall the qscope agent"),
            tr("This restores the previous handlers on %1 and deletes .qscope.")
                .arg(m_serverLabel->text()),
            code, tr("Uninstall")))
        return false;
    runStatements(HandlesAgent::statements(HandlesAgent::uninstallCode()), Uninstall);
    return true;
}

bool HandlesView::closeRemoteHandle(int handle)
{
    if (!m_manager || !m_server || m_action != NoAction) return false;
    if (handle == m_serverModel->ownHandle()) {
        showMessage(tr("Handle %1 is this app's own connection; close it from the connections "
                       "list instead.")
                        .arg(handle),
                    true);
        return false;
    }
    const QByteArray code = HandlesAgent::closeHandleCode(handle);
    if (!Confirm::askWithDetails(this, tr("Close a handle on the server"),
                                 tr("Close handle %1 on %2? The client on the other end is "
                                    "disconnected.")
                                     .arg(handle)
                                     .arg(m_serverLabel->text()),
                                 QString::fromUtf8(code), tr("Close handle")))
        return false;
    runStatements({code}, CloseHandle);
    return true;
}

void HandlesView::runStatements(const QList<QByteArray> &statements, int kind)
{
    m_action = kind;
    m_statements = statements;
    m_next = 0;
    m_request = m_manager->query(m_server, m_statements.value(m_next++));
}

void HandlesView::onResult(const QueryResult &r)
{
    if (r.id != m_request || r.id == 0) return;
    m_request = 0;
    const int action = m_action;
    if (!r.ok()) {
        m_action = NoAction;
        if (action == Probe) return; // an old server without `key` of the root: assume no agent
        showMessage(tr("'%1 at statement %2 of %3: %4")
                        .arg(r.error->message)
                        .arg(m_next)
                        .arg(m_statements.size())
                        .arg(QString::fromUtf8(r.query)),
                    true);
        Q_EMIT actionFinished(false);
        return;
    }
    if (m_next < m_statements.size()) {
        m_request = m_manager->query(m_server, m_statements.value(m_next++));
        return;
    }
    m_action = NoAction;
    switch (action) {
    case Probe:
        m_agentInstalled = r.value.type() == -Boolean && r.value.boolean();
        m_installButton->setEnabled(!m_agentInstalled);
        m_uninstallButton->setEnabled(m_agentInstalled);
        if (m_agentInstalled)
            runStatements(
                {".qscope.watchers:distinct .qscope.watchers,.z.w", HandlesAgent::trackQuery()},
                FetchTrack);
        Q_EMIT agentChanged(m_agentInstalled);
        return;
    case Install:
        m_agentInstalled = true;
        m_installButton->setEnabled(false);
        m_uninstallButton->setEnabled(true);
        showMessage(tr("Agent installed: .qscope.track is kept and pushed to this app."), false);
        runStatements({HandlesAgent::trackQuery()}, FetchTrack);
        Q_EMIT agentChanged(true);
        return;
    case FetchTrack: {
        // The last statement is always the track table itself.
        QString err;
        if (r.value.isKeyedTable() && !m_serverModel->setAgentTable(r.value, &err))
            showMessage(err, true);
        Q_EMIT actionFinished(true);
        return;
    }
    case Uninstall:
        m_agentInstalled = false;
        m_serverModel->clearAgent();
        m_installButton->setEnabled(true);
        m_uninstallButton->setEnabled(false);
        showMessage(tr("Agent removed; the previous handlers are back."), false);
        Q_EMIT agentChanged(false);
        Q_EMIT actionFinished(true);
        return;
    case CloseHandle:
        showMessage(tr("Closed on the server: %1").arg(QString::fromUtf8(r.query)), false);
        m_poller->pollNow();
        Q_EMIT actionFinished(true);
        return;
    default:
        return;
    }
}

void HandlesView::onPushed(ConnectionId id, const Value &message)
{
    if (id != m_server || !message.isList() || message.count() != 3 ||
        message.item(0).type() != -Symbol ||
        message.item(0).symbolValue() != HandlesAgent::pushFunction())
        return;
    const Value &h = message.item(1);
    if (h.type() != -Int && h.type() != -Long) return;
    m_serverModel->setAgentRow(int(h.rawInt()), message.item(2));
    m_poller->pollNow();
}

void HandlesView::addMemory(qint64 ms, double used, double heap)
{
    const double mb = 1024.0 * 1024.0;
    m_used->append(double(ms), used / mb);
    m_heap->append(double(ms), heap / mb);
    while (m_used->count() > kMemoryPoints) {
        m_used->remove(0);
        m_heap->remove(0);
    }
    m_memMax = std::max({m_memMax, used / mb * 1.1, heap / mb * 1.1});
    m_memAxis->setRange(0, m_memMax);
    m_memAxis->applyNiceNumbers(); // round ticks (0, 20, 40 ...), not 0, 18.7, 37.3 ...
    const qint64 first = qint64(m_used->at(0).x());
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(std::min(first, ms - 60000)),
                         QDateTime::fromMSecsSinceEpoch(ms));
}

} // namespace qscope
