// NetworkThreadPool: started threads with event loops, joined on destruction.

#include "networkthreadpool.h"

#include <algorithm>

namespace qscope::detail {

void ThreadJoiner::operator()(QThread *thread) const
{
    if (!thread) return;
    thread->quit();
    thread->wait();
    delete thread;
}

NetworkThreadPool::NetworkThreadPool(int count)
{
    if (count <= 0) count = std::clamp(QThread::idealThreadCount(), 2, 4);
    for (int i = 0; i < count; ++i) {
        ThreadPtr t(new QThread);
        t->setObjectName(QStringLiteral("qscope-net-%1").arg(i));
        t->start();
        m_threads.push_back(std::move(t));
        m_load.push_back(0);
    }
}

QThread *NetworkThreadPool::acquire()
{
    if (m_threads.empty()) return nullptr;
    const auto it = std::min_element(m_load.begin(), m_load.end());
    const size_t i = size_t(it - m_load.begin());
    ++m_load[i];
    return m_threads[i].get();
}

void NetworkThreadPool::release(QThread *thread)
{
    for (size_t i = 0; i < m_threads.size(); ++i)
        if (m_threads[i].get() == thread && m_load[i] > 0) --m_load[i];
}

void NetworkThreadPool::stop()
{
    m_threads.clear(); // each deleter quits and joins
    m_load.clear();
}

} // namespace qscope::detail
