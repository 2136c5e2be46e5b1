#include "exportjob.h"

#include <QPromise>
#include <QThreadPool>

namespace qscope {

namespace {
std::atomic<bool> s_holdNext{false};
}

void ExportJob::holdNextUntilCancel()
{
    s_holdNext.store(true);
}

ExportJob::ExportJob(std::shared_ptr<const ResultShape> shape,
                     std::shared_ptr<const std::vector<uint32_t>> rows, ExportFormat format,
                     const QString &path, TextMode mode, QObject *parent)
    : QObject(parent), m_path(path), m_format(format),
      m_progress(std::make_shared<ExportProgress>())
{
    m_progress->rowsTotal.store(rows ? int64_t(rows->size()) : shape->rows);
    m_progress->holdUntilCancel.store(s_holdNext.exchange(false));
    auto promise = std::make_shared<QPromise<ExportOutcome>>();
    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this] {
        m_poll.stop();
        ExportOutcome o;
        if (m_watcher.future().resultCount() > 0)
            o = m_watcher.future().result();
        else
            o.error = tr("Export failed");
        Q_EMIT progress(m_progress->rowsDone.load(), m_progress->rowsTotal.load());
        Q_EMIT finished(o);
    });
    m_poll.setInterval(100);
    connect(&m_poll, &QTimer::timeout, this,
            [this] { Q_EMIT progress(m_progress->rowsDone.load(), m_progress->rowsTotal.load()); });
    m_watcher.setFuture(promise->future());
    promise->start();
    m_poll.start();
    QThreadPool::globalInstance()->start([promise, shape = std::move(shape), rows = std::move(rows),
                                          format, path, mode, progress = m_progress] {
        promise->addResult(Exporter::write(*shape, rows.get(), format, path, progress.get(), mode));
        promise->finish();
    });
}

ExportJob::~ExportJob()
{
    // The writer keeps running until it sees the flag; it owns everything it touches.
    m_progress->requestCancel();
}

void ExportJob::cancel()
{
    m_progress->requestCancel();
}

} // namespace qscope
