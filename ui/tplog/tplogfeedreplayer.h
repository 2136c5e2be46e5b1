#pragma once
/// Replays a log's messages into a FeedPane, as if a tickerplant were publishing them: on each
/// of the pane's ticks (50 ms) the messages that are due (at the original pace, N times it, or
/// all that are ready when "as fast as possible") go over as one FeedBatch. They are decoded and
/// filtered ahead on the thread pool (MessagePrefetcher); the GUI thread only hands them over.

#include "tplog/tplogfilter.h"
#include "tplog/tplogprefetcher.h"
#include "tplog/tplogreader.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace qscope {

class FeedPane;

class TpLogFeedReplayer : public QObject
{
    Q_OBJECT
public:
    TpLogFeedReplayer(std::shared_ptr<const tplog::TpLogReader> reader, tplog::MessageFilter filter,
                      double speed, FeedPane *pane, QObject *parent = nullptr);
    void start();
    void cancel();

    /// x of (f;`t;x) as a table: a table as is; a list of columns (or of one row's atoms) named
    /// as tick.q's tables lead (time, sym) and then c2, c3 ... (a log keeps no column names).
    static Value asTable(const Value &x);

Q_SIGNALS:
    void progress(qint64 chunksDone, qint64 chunksTotal, qint64 messages, qint64 rows);
    void finished(bool ok, const QString &message, qint64 messages, qint64 rows);

private:
    void tick();

    std::shared_ptr<const tplog::TpLogReader> m_reader;
    tplog::MessagePrefetcher m_prefetch;
    double m_speed;
    FeedPane *m_pane;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int64_t m_firstTime = INT64_MIN;
    qint64 m_messages = 0, m_rows = 0;
    bool m_running = false;
};

} // namespace qscope
