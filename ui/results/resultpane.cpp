#include "resultpane.h"

#include "resultview.h"

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
    m_current = new ResultView(manager, m_tabs);
    m_tabs->addTab(m_current, tr("Result"));
    // The live tab cannot be closed; pinned tabs can.
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);

    auto *pin = new QToolButton(m_tabs);
    pin->setText(tr("Pin"));
    pin->setToolTip(tr("Keep this result in its own tab; the next result opens in \"Result\""));
    pin->setAutoRaise(true);
    m_tabs->setCornerWidget(pin, Qt::TopRightCorner);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(pin, &QToolButton::clicked, this, &ResultPane::pinCurrent);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &ResultPane::closeTab);
    connect(m_current, &ResultView::statusMessage, this, &ResultPane::statusMessage);
}

ResultPane::~ResultPane() = default;

void ResultPane::setResult(const QueryResult &result, const QString &serverName)
{
    m_current->setResult(result, serverName);
    m_tabs->setCurrentWidget(m_current);
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

void ResultPane::pinCurrent()
{
    if (!m_current->hasResult()) return;
    // The shown view moves into a pinned tab as is (grid state, filter, chart); a fresh view
    // takes the live tab.
    ResultView *pinned = m_current;
    m_tabs->removeTab(0);
    m_current = new ResultView(m_manager, m_tabs);
    connect(m_current, &ResultView::statusMessage, this, &ResultPane::statusMessage);
    m_tabs->insertTab(0, m_current, tr("Result"));
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    const int index = m_tabs->addTab(pinned, QStringLiteral("\U0001F4CC ") % pinned->title());
    m_tabs->setTabToolTip(index, pinned->title());
    m_tabs->setCurrentIndex(index);
}

void ResultPane::closeTab(int index)
{
    if (index <= 0) return;
    QWidget *w = m_tabs->widget(index);
    m_tabs->removeTab(index);
    w->deleteLater();
}

} // namespace qscope
