#pragma once
/// Decodes and filters a log's messages ahead of whoever consumes them (a publisher, a feed
/// replay), on the thread pool: the consumer's thread only takes ready messages. One job at a
/// time reads up to 1,000 matching messages (or 20,000 chunks); a new one starts when fewer than
/// 500 are left, so at most about 1,500 decoded messages are held.
///
/// Thread: created and used on one thread (the consumer's); jobs run on QThreadPool and hand
/// their results back through a QFutureWatcher owned by this object (dropped if it is gone).

#include "tplog/tplogfilter.h"
#include "tplog/tplogreader.h"

#include <QObject>

#include <atomic>
#include <deque>
#include <memory>

namespace qscope::tplog {

class MessagePrefetcher : public QObject
{
    Q_OBJECT
public:
    struct Message
    {
        Value message; ///< the filtered (f;`t;x)
        int64_t chunk = 0;
        int64_t time = INT64_MIN; ///< first time of the chunk (see ChunkInfo)
        int8_t timeType = 0;
        int64_t rows = 0;  ///< rows of the filtered x
        int64_t bytes = 0; ///< bytes of the chunk in the file
    };

    MessagePrefetcher(std::shared_ptr<const TpLogReader> reader, MessageFilter filter,
                      QObject *parent = nullptr);
    ~MessagePrefetcher() override;

    /// Ready messages, in log order; the consumer pops from the front.
    std::deque<Message> &ready() { return m_ready; }
    /// Every chunk has been read and every ready message taken.
    bool atEnd() const { return m_next >= m_reader->chunkCount() && m_ready.empty() && !m_busy; }
    /// Why reading stopped short (the log shrank while open): the consumer takes what is ready
    /// and stops with this; empty while all is well.
    const QString &error() const { return m_error; }
    /// Chunks read so far (for progress).
    int64_t chunksRead() const { return m_next; }
    /// Start a job if there is room and none is running; `more` follows.
    void fill();

Q_SIGNALS:
    /// New messages are ready, or the end was reached, or an error().
    void more();

private:
    std::shared_ptr<const TpLogReader> m_reader;
    MessageFilter m_filter;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::deque<Message> m_ready;
    int64_t m_next = 0;
    bool m_busy = false;
    QString m_error;
};

/// Rows of x in (f;`t;x): a table's count, a list of columns' first count, 1 for one row.
int64_t rowsOf(const Value &x);

} // namespace qscope::tplog
