#include "resultpane.h"

#include "pinstore.h"
#include "resultview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace qscope {

ResultPane::ResultPane(ConnectionManager *manager, QWidget *parent)
    : QWidget(parent), m_manager(manager)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(false);
    m_current = newView();
    m_tabs->addTab(m_current, tr("Result"));
    // The live tab cannot be closed; pinned tabs can.
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);

    // corner: step through this tab's last runs, and pin
    auto *corner = new QWidget(m_tabs);
    auto *cl = new QHBoxLayout(corner);
    cl->setContentsMargins(0, 0, 4, 0);
    cl->setSpacing(2);
    m_older = new QToolButton(corner);
    m_older->setText(QStringLiteral("\u25C0"));
    m_older->setToolTip(tr("The run before"));
    m_older->setAutoRaise(true);
    m_runLabel = new QLabel(corner);
    m_runLabel->setToolTip(
        tr("This tab keeps its last %1 runs (older ones go first when they hold over %2)")
            .arg(kKeptRuns)
            .arg(QLocale().formattedDataSize(kKeptRunBytes)));
    m_newer = new QToolButton(corner);
    m_newer->setText(QStringLiteral("\u25B6"));
    m_newer->setToolTip(tr("The run after"));
    m_newer->setAutoRaise(true);
    auto *pin = new QToolButton(corner);
    pin->setText(tr("Pin"));
    pin->setToolTip(tr("Keep this result in its own tab; the next result opens in \"Result\". "
                       "Pins are kept across restarts (up to %1 each, %2 in all).")
                        .arg(QLocale().formattedDataSize(PinStore::kMaxPinBytes),
                             QLocale().formattedDataSize(PinStore::kMaxTotalBytes)));
    pin->setAutoRaise(true);
    cl->addWidget(m_older);
    cl->addWidget(m_runLabel);
    cl->addWidget(m_newer);
    cl->addSpacing(6);
    cl->addWidget(pin);
    m_tabs->setCornerWidget(corner, Qt::TopRightCorner);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(pin, &QToolButton::clicked, this, &ResultPane::pinCurrent);
    connect(m_older, &QToolButton::clicked, this, [this] { showRun(m_shown - 1); });
    connect(m_newer, &QToolButton::clicked, this, [this] { showRun(m_shown + 1); });
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &ResultPane::closeTab);
    connect(m_tabs, &QTabWidget::currentChanged, this, &ResultPane::selectionStatsChanged);
    updateRunControls();
}

ResultPane::~ResultPane() = default;

ResultView *ResultPane::newView()
{
    auto *view = new ResultView(m_manager, m_tabs);
    connect(view, &ResultView::statusMessage, this, &ResultPane::statusMessage);
    connect(view, &ResultView::selectionStatsChanged, this, [this, view] {
        if (view == m_tabs->currentWidget()) Q_EMIT selectionStatsChanged();
    });
    return view;
}

void ResultPane::setResult(const QueryResult &result, const QString &serverName)
{
    m_runs.push_back({result, serverName});
    // let the oldest runs go: past the count, or holding too many bytes besides the newest
    qint64 older = 0;
    for (size_t i = 0; i + 1 < m_runs.size(); ++i)
        older += m_runs[i].result.bytesIn;
    while (m_runs.size() > 1 && (int(m_runs.size()) > kKeptRuns || older > kKeptRunBytes)) {
        older -= m_runs.front().result.bytesIn;
        m_runs.pop_front();
    }
    showRun(int(m_runs.size()) - 1);
}

void ResultPane::showRun(int index)
{
    if (index < 0 || index >= int(m_runs.size())) return;
    m_shown = index;
    m_current->setResult(m_runs[size_t(index)].result, m_runs[size_t(index)].server);
    m_tabs->setCurrentWidget(m_current);
    updateRunControls();
    Q_EMIT shownRunChanged();
}

QString ResultPane::runText() const
{
    if (m_runs.empty()) return QString();
    return tr("run %1 of %2").arg(m_shown + 1).arg(m_runs.size());
}

void ResultPane::updateRunControls()
{
    const bool any = !m_runs.empty();
    m_runLabel->setText(runText());
    m_runLabel->setVisible(any);
    m_older->setVisible(any);
    m_newer->setVisible(any);
    m_older->setEnabled(m_shown > 0);
    m_newer->setEnabled(any && m_shown < int(m_runs.size()) - 1);
}

void ResultPane::clear()
{
    m_current->clear();
}

int ResultPane::pinnedCount() const
{
    return m_tabs->count() - 1;
}

ResultView *ResultPane::currentView() const
{
    return m_current;
}

QString ResultPane::selectionStats() const
{
    const auto *view = qobject_cast<const ResultView *>(m_tabs->currentWidget());
    return view ? view->selectionStats() : QString();
}

void ResultPane::pinCurrent()
{
    if (!m_current->hasResult()) return;
    // The shown view moves into a pinned tab as is (grid state, filter, chart); a fresh view
    // takes the live tab.
    ResultView *pinned = m_current;
    m_tabs->removeTab(0);
    m_current = newView();
    m_tabs->insertTab(0, m_current, tr("Result"));
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    pinView(pinned);
}

void ResultPane::addPinned(const QueryResult &result, const QString &serverName)
{
    ResultView *view = newView();
    view->setResult(result, serverName);
    pinView(view);
}

void ResultPane::pinView(ResultView *view)
{
    const int index = m_tabs->addTab(view, QStringLiteral("\U0001F4CC ") % view->title());
    const qint64 size = PinStore::sizeOf(view->result());
    const QLocale l;
    m_tabs->setTabToolTip(
        index,
        view->title() % QStringLiteral("\n") %
            (size > PinStore::kMaxPinBytes
                 ? tr("Kept for this session only: %1 is over the %2 cap for a pin.")
                       .arg(l.formattedDataSize(size), l.formattedDataSize(PinStore::kMaxPinBytes))
                 : tr("Kept across restarts (in %1).").arg(PinStore::directory())));
    m_tabs->setCurrentIndex(index);
}

QList<QPair<QueryResult, QString>> ResultPane::pinnedResults() const
{
    QList<QPair<QueryResult, QString>> out;
    for (int i = 1; i < m_tabs->count(); ++i)
        if (auto *v = qobject_cast<ResultView *>(m_tabs->widget(i)))
            out.append({v->result(), v->serverName()});
    return out;
}

void ResultPane::closeTab(int index)
{
    if (index <= 0) return;
    QWidget *w = m_tabs->widget(index);
    m_tabs->removeTab(index);
    w->deleteLater();
}

} // namespace qscope
