#pragma once
/// One export running on the thread pool, watched from the GUI thread: progress is polled from
/// atomics on a timer (no signal storm from the writer), cancel is a flag the writer checks.
/// The writer holds its own references to the result, so closing the view mid-export is safe.

#include "exporter.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <memory>

namespace qscope {

class ExportJob : public QObject
{
    Q_OBJECT
public:
    /// GUI thread. Starts at once; `rows` (view order) may be null for all source rows.
    ExportJob(std::shared_ptr<const ResultShape> shape,
              std::shared_ptr<const std::vector<uint32_t>> rows, ExportFormat format,
              const QString &path, TextMode mode = TextMode::Exact, QObject *parent = nullptr);
    ~ExportJob() override;

    /// Test seam: the next job's writer waits before its first row until it is cancelled.
    static void holdNextUntilCancel();

    void cancel();
    QString path() const { return m_path; }
    ExportFormat format() const { return m_format; }

Q_SIGNALS:
    void progress(qint64 rowsDone, qint64 rowsTotal);
    void finished(const qscope::ExportOutcome &outcome);

private:
    QString m_path;
    ExportFormat m_format;
    std::shared_ptr<ExportProgress> m_progress;
    QFutureWatcher<ExportOutcome> m_watcher;
    QTimer m_poll;
};

} // namespace qscope
