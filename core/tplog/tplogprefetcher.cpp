#include "tplog/tplogprefetcher.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>

#include <vector>

namespace qscope::tplog {

namespace {

struct Batch
{
    std::vector<MessagePrefetcher::Message> messages;
    int64_t next = 0;
    QString error; ///< the log could not be read (it shrank while open)
};

constexpr size_t kBatch = 1000;
constexpr int64_t kMaxChunksPerJob = 20000;
constexpr size_t kLowWater = 500;

} // namespace

int64_t rowsOf(const Value &x)
{
    if (x.isTable()) return x.count();
    if (x.isList() && x.count() > 0 && !x.item(0).isAtom()) return x.item(0).count();
    return 1;
}

MessagePrefetcher::MessagePrefetcher(std::shared_ptr<const TpLogReader> reader,
                                     MessageFilter filter, QObject *parent)
    : QObject(parent), m_reader(std::move(reader)), m_filter(std::move(filter)),
      m_cancel(std::make_shared<std::atomic<bool>>(false))
{}

MessagePrefetcher::~MessagePrefetcher()
{
    *m_cancel = true; // a running job stops early; its result goes nowhere
}

void MessagePrefetcher::fill()
{
    if (m_busy || m_ready.size() >= kLowWater || !m_error.isEmpty()) return;
    if (m_next >= m_reader->chunkCount()) {
        Q_EMIT more(); // the end: let the consumer see it
        return;
    }
    m_busy = true;
    auto promise = std::make_shared<QPromise<Batch>>();
    auto *watcher = new QFutureWatcher<Batch>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_busy = false;
        if (watcher->future().resultCount() == 0) return;
        Batch b = watcher->future().result();
        m_next = b.next;
        m_error = b.error;
        for (Message &m : b.messages)
            m_ready.push_back(std::move(m));
        Q_EMIT more();
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, reader = m_reader, filter = m_filter,
                                          cancel = m_cancel, start = m_next] {
        Batch b;
        const int64_t total = reader->chunkCount();
        int64_t i = start;
        for (; i < total && b.messages.size() < kBatch && i - start < kMaxChunksPerJob && !*cancel;
             ++i) {
            const ChunkInfo &c = reader->chunk(i);
            if (!filter.mayMatch(*reader, c)) continue;
            const Decoded d = reader->decode(i);
            if (!d.ok() && !reader->fileError().isEmpty()) {
                b.error = reader->fileError(); // nothing after this can be read either
                break;
            }
            if (!d.ok()) continue;
            Value m = filter.apply(d.value);
            if (!m.isList() || m.count() < 3) continue;
            Message out;
            out.rows = rowsOf(m.item(2));
            out.message = std::move(m);
            out.chunk = i;
            out.time = c.time;
            out.timeType = c.timeType;
            out.bytes = reader->chunkEnd(i) - c.offset;
            b.messages.push_back(std::move(out));
        }
        b.next = i;
        promise->addResult(std::move(b));
        promise->finish();
    });
}

} // namespace qscope::tplog
