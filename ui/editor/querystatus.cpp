#include "editor/querystatus.h"

#include "history/historymodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>

namespace qscope {

QueryStatus::QueryStatus(QueryRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setTextVisible(true);
    m_cancel = new QPushButton(tr("Cancel (drops the connection)"), this);
    m_cancel->setToolTip(QueryRunner::cancelExplanation());
    layout->addWidget(m_label, 1);
    layout->addWidget(m_bar, 1);
    layout->addWidget(m_cancel);
    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &QueryStatus::tick);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_ticket) m_runner->cancel(m_ticket);
    });
    connect(runner, &QueryRunner::started, this,
            [this](QueryRunner::Ticket t, const QString &, const QString &) {
                m_ticket = t;
                m_received = m_total = 0;
                m_bar->setRange(0, 0); // busy until a header tells the size
                m_bar->setFormat(tr("waiting for the server"));
                show();
                m_timer->start();
                tick();
            });
    connect(runner, &QueryRunner::progress, this,
            [this](QueryRunner::Ticket t, qint64 received, qint64 total) {
                if (t != m_ticket || total <= 0) return;
                m_received = received;
                m_total = total;
                // QProgressBar is int: scale to permille to cover messages over 2 GiB
                m_bar->setRange(0, 1000);
                m_bar->setValue(int(1000.0 * double(received) / double(total)));
                const QLocale l;
                m_bar->setFormat(
                    tr("%1 of %2").arg(l.formattedDataSize(received), l.formattedDataSize(total)));
            });
    connect(runner, &QueryRunner::finished, this,
            [this](QueryRunner::Ticket t, const QueryResult &, const QString &) {
                if (t != m_ticket) return;
                m_ticket = 0;
                m_timer->stop();
                hide();
            });
    hide();
}

void QueryStatus::tick()
{
    const qint64 ms = m_runner->elapsedMs(m_ticket);
    if (ms < 0) return;
    m_label->setText(tr("Running… %1").arg(HistoryModel::formatDuration(ms * 1000000)));
}

QString QueryStatus::text() const
{
    return m_label->text();
}

} // namespace qscope
