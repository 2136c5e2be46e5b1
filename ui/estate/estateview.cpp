#include "estateview.h"

#include "connections/connectionstore.h"
#include "estategraph.h"
#include "estatehistorychart.h"
#include "estatemodel.h"
#include "estatenotifier.h"
#include "estatepoller.h"
#include "monitor/pollrate.h"
#include "monitor/viewhandle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace qscope {

EstateView::EstateView(ConnectionManager *manager, ConnectionStore *store, QWidget *parent)
    : QWidget(parent), m_store(store)
{
    m_model = new EstateModel(this);
    m_poller = new EstatePoller(manager, m_model, this);
    m_graph = new EstateGraph(m_model, this);

    m_address = new QLineEdit(this);
    m_address->setPlaceholderText(tr("host:port of a tickerplant, gateway or any process (several: "
                                     "separated by spaces)"));
    auto *add = new QPushButton(tr("Watch"), this);
    m_folders = new QComboBox(this);
    m_folders->setToolTip(tr("Watch every saved connection of this folder"));
    auto *addFolder = new QPushButton(tr("Watch folder"), this);
    m_rate = new PollRate(1000, this);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    top->addWidget(m_address, 3);
    top->addWidget(add);
    top->addWidget(m_folders, 1);
    top->addWidget(addFolder);
    top->addWidget(m_rate);

    m_queueMb = new QSpinBox(this);
    m_queueMb->setRange(1, 100000);
    m_queueMb->setSuffix(tr(" MB"));
    m_growSeconds = new QSpinBox(this);
    m_growSeconds->setRange(1, 3600);
    m_growSeconds->setSuffix(tr(" s"));
    m_stallSeconds = new QSpinBox(this);
    m_stallSeconds->setRange(1, 3600);
    m_stallSeconds->setSuffix(tr(" s"));
    m_memoryPercent = new QDoubleSpinBox(this);
    m_memoryPercent->setRange(0.01, 100);
    m_memoryPercent->setDecimals(2);
    m_memoryPercent->setSuffix(tr(" %"));
    m_memoryPercent->setToolTip(tr("A process's heap over this share of its -w limit (.Q.w[] "
                                   "wmax), or of the machine's memory (mphy) without one"));
    m_reconnects = new QSpinBox(this);
    m_reconnects->setRange(1, 1000);
    m_reconnectWindow = new QSpinBox(this);
    m_reconnectWindow->setRange(1, 86400);
    m_reconnectWindow->setSuffix(tr(" s"));
    m_logBehind = new QSpinBox(this);
    m_logBehind->setRange(1, 100000000);
    m_logBehind->setSuffix(tr(" msgs"));
    m_logBehind->setToolTip(tr("A chained tickerplant's .u.i this many messages further behind "
                               "its publisher's than when it was in step"));
    const EstateRules defaults;
    m_queueMb->setValue(int(defaults.queueBytes >> 20));
    m_growSeconds->setValue(defaults.queueGrowingSeconds);
    m_stallSeconds->setValue(defaults.logStallSeconds);
    m_memoryPercent->setValue(defaults.memoryPercent);
    m_reconnects->setValue(defaults.reconnects);
    m_reconnectWindow->setValue(defaults.reconnectWindowSeconds);
    m_logBehind->setValue(int(defaults.logBehindMessages));
    auto *rules = new QHBoxLayout;
    rules->addWidget(new QLabel(tr("Alert when a subscriber's queue is over"), this));
    rules->addWidget(m_queueMb);
    rules->addWidget(new QLabel(tr("or grows for"), this));
    rules->addWidget(m_growSeconds);
    rules->addWidget(new QLabel(tr("; a tickerplant's log stalls for"), this));
    rules->addWidget(m_stallSeconds);
    rules->addWidget(new QLabel(tr("; a process does not answer;"), this));
    rules->addStretch(1);
    auto *rules2 = new QHBoxLayout;
    rules2->addWidget(new QLabel(tr("its heap is over"), this));
    rules2->addWidget(m_memoryPercent);
    rules2->addWidget(new QLabel(tr("of its limit; it comes back more than"), this));
    rules2->addWidget(m_reconnects);
    rules2->addWidget(new QLabel(tr("times in"), this));
    rules2->addWidget(m_reconnectWindow);
    rules2->addWidget(new QLabel(tr("; a subscriber's log falls"), this));
    rules2->addWidget(m_logBehind);
    rules2->addWidget(new QLabel(tr("behind."), this));
    rules2->addStretch(1);
    m_notify = new QCheckBox(tr("Desktop notification when an alert is raised"), this);
    m_notify->setChecked(false);
    rules2->addWidget(m_notify);
    m_notifier = new EstateNotifier(m_model, nullptr, this);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_graph);
    scroll->setWidgetResizable(true);
    m_alerts = new QListWidget(this);
    m_alerts->setAlternatingRowColors(true);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(scroll);
    split->addWidget(m_alerts);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(rules);
    layout->addLayout(rules2);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    connect(add, &QPushButton::clicked, this, &EstateView::addFromLine);
    connect(m_address, &QLineEdit::returnPressed, this, &EstateView::addFromLine);
    connect(addFolder, &QPushButton::clicked, this, &EstateView::addFolder);
    connect(m_rate, &PollRate::intervalChanged, this, [this](int ms) {
        m_poller->setInterval(ms);
        refreshStatus();
    });
    for (QSpinBox *s :
         {m_queueMb, m_growSeconds, m_stallSeconds, m_reconnects, m_reconnectWindow, m_logBehind})
        connect(s, &QSpinBox::valueChanged, this, &EstateView::applyRules);
    connect(m_memoryPercent, &QDoubleSpinBox::valueChanged, this, &EstateView::applyRules);
    connect(m_graph, &EstateGraph::openRequested, this, &EstateView::openRequested);
    connect(m_notify, &QCheckBox::toggled, this, &EstateView::setNotificationsEnabled);
    connect(m_graph, &EstateGraph::chartRequested, this,
            [this](const QString &key, bool edge) { openChart(key, edge); });
    connect(m_poller, &EstatePoller::roundFinished, this, [this] {
        refreshStatus();
        refreshAlerts();
    });
    if (m_store) connect(m_store, &ConnectionStore::changed, this, &EstateView::refreshFolders);
    refreshFolders();

    // Polls only while it can be seen: a hidden or closed estate holds no handle, sends nothing.
    m_watch = new VisibilityWatch(this);
    connect(m_watch, &VisibilityWatch::changed, this, [this](bool visible) {
        m_poller->setRunning(visible);
        refreshStatus();
    });
    m_poller->setInterval(m_rate->intervalMs());
    m_poller->setRunning(m_watch->visible());
    refreshStatus();
}

EstateView::~EstateView() = default;

int EstateView::addProcesses(const QStringList &addresses)
{
    int added = 0;
    if (m_model->nodes().empty()) m_poller->startDiscovery();
    for (const QString &a : addresses)
        if (m_model->addProcess(a) >= 0) ++added;
    refreshStatus();
    return added;
}

EstateHistoryChart *EstateView::openChart(const QString &key, bool edge)
{
    const QString id = (edge ? QStringLiteral("edge ") : QStringLiteral("node ")) + key;
    QPointer<EstateHistoryChart> &chart = m_charts[id];
    if (!chart) {
        chart = new EstateHistoryChart(m_model, key, edge, this);
        chart->setWindowFlag(Qt::Window);
        chart->setAttribute(Qt::WA_DeleteOnClose);
    }
    chart->show();
    chart->raise();
    return chart;
}

void EstateView::setNotificationSink(NotificationSink *sink)
{
    m_sink = sink;
    m_notifier->setSink(m_sink);
}

bool EstateView::notificationsEnabled() const
{
    return m_notifier->isEnabled();
}

void EstateView::setNotificationsEnabled(bool on)
{
    if (m_notify->isChecked() != on) m_notify->setChecked(on); // toggled comes back here
    if (on && !m_sink) {
        // The session bus is joined only when asked for: most estates never notify.
        auto desktop = std::make_unique<DesktopNotificationSink>();
        connect(desktop.get(), &DesktopNotificationSink::unavailable, this,
                [this](const QString &reason) {
                    m_notifyProblem = reason;
                    refreshStatus();
                });
        m_sink = desktop.get();
        m_desktop = std::move(desktop);
        m_notifier->setSink(m_sink);
    }
    m_notifier->setEnabled(on);
}

QString EstateView::findProfile(ConnectionStore *store, const QString &key)
{
    const QString k = EstateModel::keyOf(key);
    if (!store || k.isEmpty()) return {};
    for (const ConnectionProfile &p : store->profiles())
        if (p.unixSocket.isEmpty() &&
            EstateModel::keyOf(QStringLiteral("%1:%2").arg(p.host).arg(p.port)) == k)
            return p.id;
    return {};
}

QString EstateView::profileFor(ConnectionStore *store, const QString &key)
{
    const QString k = EstateModel::keyOf(key);
    if (!store || k.isEmpty()) return {};
    if (const QString id = findProfile(store, k); !id.isEmpty()) return id;
    ConnectionProfile p;
    p.name = QStringLiteral("estate %1").arg(k);
    p.folder = QStringLiteral("Estate");
    p.host = k.section(QLatin1Char(':'), 0, 0);
    p.port = k.section(QLatin1Char(':'), 1, 1).toInt();
    return store->add(p);
}

void EstateView::addFromLine()
{
    const QStringList parts =
        m_address->text().split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
    QStringList bad;
    for (const QString &p : parts)
        if (EstateModel::keyOf(p).isEmpty()) bad << p;
    addProcesses(parts);
    m_address->setText(bad.join(QLatin1Char(' ')));
    if (!bad.isEmpty())
        m_status->setText(tr("Not an address (host:port): %1").arg(bad.join(QStringLiteral(", "))));
}

void EstateView::refreshFolders()
{
    const QString current = m_folders->currentText();
    m_folders->clear();
    if (!m_store) return;
    QStringList folders;
    for (const ConnectionProfile &p : m_store->profiles())
        if (!p.unixSocket.isEmpty() || p.port <= 0)
            continue;
        else if (!folders.contains(p.folder))
            folders << p.folder;
    folders.sort();
    for (const QString &f : folders)
        m_folders->addItem(f.isEmpty() ? tr("(top level)") : f, f);
    const int i = m_folders->findText(current);
    if (i >= 0) m_folders->setCurrentIndex(i);
}

void EstateView::addFolder()
{
    if (!m_store || m_folders->currentIndex() < 0) return;
    const QString folder = m_folders->currentData().toString();
    QStringList addresses;
    for (const ConnectionProfile &p : m_store->profiles())
        if (p.folder == folder && p.unixSocket.isEmpty() && p.port > 0)
            addresses << QStringLiteral("%1:%2").arg(p.host).arg(p.port);
    addProcesses(addresses);
}

void EstateView::applyRules()
{
    EstateRules r;
    r.queueBytes = qint64(m_queueMb->value()) << 20;
    r.queueGrowingSeconds = m_growSeconds->value();
    r.logStallSeconds = m_stallSeconds->value();
    r.memoryPercent = m_memoryPercent->value();
    r.reconnects = m_reconnects->value();
    r.reconnectWindowSeconds = m_reconnectWindow->value();
    r.logBehindMessages = m_logBehind->value();
    m_model->setRules(r);
}

void EstateView::refreshStatus()
{
    int polled = 0;
    for (const EstateNode &n : m_model->nodes())
        if (!n.key.contains(QLatin1Char('#'))) ++polled;
    QString s;
    if (!m_poller->isRunning())
        s = tr("Hidden: nothing is polled.");
    else if (m_poller->interval() <= 0)
        s = tr("Paused: nothing is polled.");
    else
        s = tr("%n process(es) asked one query %1", "", polled)
                .arg(PollRate::text(m_poller->interval()));
    if (m_poller->pollsAnswered() > 0)
        s += tr(" · cost per process per poll: %1 B out, %2 B in, %3 ms")
                 .arg(m_poller->bytesOutPerPoll(), 0, 'f', 0)
                 .arg(m_poller->bytesInPerPoll(), 0, 'f', 0)
                 .arg(m_poller->millisPerPoll(), 0, 'f', 1);
    s += tr(" · %n active alert(s)", "", m_model->activeAlertCount());
    if (!m_notifyProblem.isEmpty()) s += QStringLiteral(" · ") + m_notifyProblem;
    m_status->setText(s);
}

void EstateView::refreshAlerts()
{
    const std::vector<EstateAlert> &alerts = m_model->alerts();
    // Newest first; rewritten each round (the log is short and texts move with the figures).
    m_alerts->clear();
    for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) {
        const QString when =
            QDateTime::fromMSecsSinceEpoch(it->raisedMs).toString(QStringLiteral("HH:mm:ss"));
        const QString state = it->active() ? tr("ACTIVE")
                                           : tr("cleared %1")
                                                 .arg(QDateTime::fromMSecsSinceEpoch(it->clearedMs)
                                                          .toString(QStringLiteral("HH:mm:ss")));
        auto *item =
            new QListWidgetItem(QStringLiteral("%1  %2  %3").arg(when, state, it->text), m_alerts);
        if (it->active()) item->setForeground(QColor(214, 64, 52));
    }
    m_alertsShown = int(alerts.size());
}

} // namespace qscope
