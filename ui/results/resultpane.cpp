#include "resultpane.h"

#include "pinstore.h"
#include "resultview.h"

#include <QApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
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

    // the fetch question: inline over the result, never a dialog (the app goes on meanwhile)
    m_ask = new QFrame(this);
    m_ask->setFrameShape(QFrame::StyledPanel);
    m_ask->setAutoFillBackground(true);
    auto *askLayout = new QHBoxLayout(m_ask);
    askLayout->setContentsMargins(8, 4, 8, 4);
    m_askText = new QLabel(m_ask);
    m_askText->setWordWrap(true);
    m_askText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fetch = new QPushButton(tr("Fetch it"), m_ask);
    m_refuse = new QPushButton(tr("Cancel"), m_ask);
    m_refuse->setToolTip(tr("Drop the answer: the connection is reset without reading it"));
    askLayout->addWidget(m_askText, 1);
    askLayout->addWidget(m_fetch);
    askLayout->addWidget(m_refuse);
    m_ask->hide();
    connect(m_fetch, &QPushButton::clicked, this, [this] { answerFetch(true); });
    connect(m_refuse, &QPushButton::clicked, this, [this] { answerFetch(false); });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_ask);
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

void ResultPane::askFetch(qint64 bytes, const QString &query,
                          std::function<void(bool fetch)> answer)
{
    QString q = query.simplified();
    if (q.size() > 80) q = q.left(79) + QStringLiteral("\u2026");
    m_askText->setText(
        tr("The answer is %1. Fetch it? (%2)").arg(formatByteSize(bytes), q.toHtmlEscaped()));
    m_askText->setToolTip(query);
    m_answer = std::move(answer);
    // a warning's amber over the current theme's window colour (as the message bar)
    QPalette pal = QApplication::palette();
    const QColor base = pal.color(QPalette::Window), tint(0xe0, 0x9b, 0x1a);
    QColor mixed;
    mixed.setRgbF(base.redF() * 0.8f + tint.redF() * 0.2f,
                  base.greenF() * 0.8f + tint.greenF() * 0.2f,
                  base.blueF() * 0.8f + tint.blueF() * 0.2f);
    pal.setColor(QPalette::Window, mixed);
    m_ask->setPalette(pal);
    m_ask->show();
    m_fetch->setFocus();
}

bool ResultPane::isAskingFetch() const
{
    return !m_ask->isHidden();
}

QString ResultPane::fetchQuestion() const
{
    return isAskingFetch() ? m_askText->text() : QString();
}

void ResultPane::answerFetch(bool fetch)
{
    m_ask->hide();
    // taken first: the answer may ask again (a new question replaces this one)
    if (const auto answer = std::exchange(m_answer, nullptr)) answer(fetch);
}

void ResultPane::setResult(const QueryResult &result, const QString &serverName)
{
    // the question was about this result's request, which has now ended one way or another
    m_ask->hide();
    m_answer = nullptr;
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
    Q_EMIT pinsChanged();
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
    Q_EMIT pinsChanged();
}

} // namespace qscope
