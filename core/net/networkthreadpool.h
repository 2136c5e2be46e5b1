#pragma once
/// A fixed set of network threads shared by all connections, so 1,000 connections do not mean
/// 1,000 threads. Each thread runs an event loop; sockets are created on it after it starts.

#include <QThread>

#include <memory>
#include <vector>

namespace qscope::detail {

/// Quits a thread's event loop and joins it before deleting it (qBittorrent's Thread::UniquePtr).
struct ThreadJoiner
{
    void operator()(QThread *thread) const;
};
using ThreadPtr = std::unique_ptr<QThread, ThreadJoiner>;

class NetworkThreadPool
{
public:
    /// count 0 = a small default (2..4, from the core count).
    explicit NetworkThreadPool(int count);

    // owner's thread -------------------------------------------------------------------------
    int size() const { return int(m_threads.size()); }
    /// The thread serving the fewest connections; the caller moves its object there.
    QThread *acquire();
    void release(QThread *thread);
    QThread *thread(int i) const { return m_threads[size_t(i)].get(); }
    /// Joins every thread (also done on destruction). Objects on them must be gone by then.
    void stop();

private:
    std::vector<ThreadPtr> m_threads;
    std::vector<int> m_load;
};

} // namespace qscope::detail
