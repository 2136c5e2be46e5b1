#include "editor/querystatus.h"

#include "editor/editortab.h"

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
    layout->setContentsMargins(4, 2, 4, 2);
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setTextVisible(true);
    m_cancel = new QPushButton(this);
    m_cancel->setToolTip(QueryRunner::cancelExplanation());
    layout->addWidget(m_label, 1);
    layout->addWidget(m_bar, 1);
    layout->addWidget(m_cancel);
    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &QueryStatus::tick);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_ticket) m_runner->cancel(m_ticket); // the job shown, never another
    });
    connect(runner, &QueryRunner::jobsChanged, this, &QueryStatus::refresh);
    connect(runner, &QueryRunner::progress, this, [this](QueryRunner::Ticket t, qint64, qint64) {
        if (t == m_ticket) tick();
    });
    hide();
}

void QueryStatus::setOwner(QObject *owner)
{
    m_owner = owner;
    refresh();
}

void QueryStatus::refresh()
{
    m_ticket = m_runner->activeFor(m_owner);
    if (!m_ticket) {
        m_timer->stop();
        hide();
        return;
    }
    show();
    if (!m_timer->isActive()) m_timer->start();
    tick();
}

void QueryStatus::tick()
{
    const auto job = m_runner->job(m_ticket);
    if (!job) return;
    // tenths of a second: the strip ticks ten times a second
    const QString elapsed = tr("%1 s").arg(double(job->elapsedMs) / 1000.0, 0, 'f', 1);
    QString state;
    QString cancel;
    switch (job->phase) {
    case QueryRunner::Phase::Connecting:
        state = tr("Connecting… %1").arg(elapsed);
        cancel = tr("Cancel (not sent yet)");
        break;
    case QueryRunner::Phase::Sent:
        if (job->behind) {
            // name whose query holds the connection, when a tab asked for it
            const auto ahead = m_runner->job(job->behind);
            const auto *tab = ahead ? qobject_cast<const EditorTab *>(ahead->owner) : nullptr;
            state = tab ? tr("Queued behind %1's query on this connection… %2")
                              .arg(tab->displayName(), elapsed)
                        : tr("Queued behind the query ahead on this connection… %1").arg(elapsed);
            cancel = tr("Cancel (not sent yet)");
        } else {
            state = tr("Running… %1").arg(elapsed);
            cancel = tr("Cancel (drops the connection)");
        }
        break;
    case QueryRunner::Phase::Cancelling:
        state = tr("Cancelling… %1").arg(elapsed);
        cancel = tr("Stop waiting");
        break;
    }
    m_label->setText(state);
    m_label->setToolTip(job->what);
    m_cancel->setText(cancel);
    if (job->total > 0) {
        // QProgressBar is int: scale to permille to cover messages over 2 GiB
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(1000.0 * double(job->received) / double(job->total)));
        const QLocale l;
        m_bar->setFormat(
            tr("%1 of %2")
                .arg(l.formattedDataSize(job->received), l.formattedDataSize(job->total)));
    } else {
        m_bar->setRange(0, 0); // busy until a header tells the size
        m_bar->setFormat(job->phase == QueryRunner::Phase::Connecting
                             ? tr("waiting for the connection")
                             : tr("waiting for the server"));
    }
}

QString QueryStatus::text() const
{
    return m_label->text();
}

} // namespace qscope
