// Connection's direct lane (see ConnectionGuard in connection.h): a small sync request written
// from the manager's thread on a duplicate of an idle socket's descriptor (Linux only).

#include "connection.h"

#include <QAbstractSocket>
#include <QLocalSocket>
#include <QScopeGuard>

#if defined(Q_OS_LINUX)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace qscope::detail {

bool ConnectionGuard::writeDirect(OutRequest &r)
{
#if defined(Q_OS_LINUX)
    if (r.kind != OutRequest::User || r.timeoutMs > 0) return false;     // a timeout needs a timer
    if (postsPending.load(std::memory_order_acquire) != 0) return false; // keep the call order
    if (MessageHeader::kSize + encodedPayloadSize(r.message) > kDirectMaxBytes) return false;
    if (!laneMutex.tryLock()) return false; // the network thread is writing: never wait for it
    bool postRemainder = false;
    {
        const auto unlock = qScopeGuard([this] { laneMutex.unlock(); });
        if (!laneOpen || laneFd < 0) return false;
        // Small messages are never compressed and encode the same at any capability.
        EncodeOptions o;
        o.type = MessageType::Sync;
        const QByteArray frame = encodeMessage(r.message, o);
        const ssize_t n =
            ::send(laneFd, frame.constData(), size_t(frame.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) return false; // full or failed: the network thread sees to it
        r.writtenNs = laneClock.nsecsElapsed();
        r.startNs = r.writtenNs;
        r.bytesOut = frame.size();
        laneOpen = false; // one sync request at a time: shut until this one is answered
        if (n < frame.size()) {
            // Part of the frame is on the wire: its tail goes out before anything else.
            laneRemainder = frame.mid(qsizetype(n));
            postRemainder = true;
        }
        laneSent = std::move(r);
    }
    if (postRemainder) post([](Connection &c) { c.writeLaneRemainder(); });
    return true;
#else
    Q_UNUSED(r);
    return false;
#endif
}

void Connection::takeDirect()
{
    QMutexLocker lane(&m_guard->laneMutex);
    takeDirectLocked();
}

void Connection::takeDirectLocked()
{
    std::optional<OutRequest> &sent = m_guard->laneSent;
    if (!sent) return;
    ++m_info.messagesOut;
    m_info.bytesOut += sent->bytesOut;
    sent->deadlineNs = 0;          // written directly only without a timeout
    m_awaiting = std::move(*sent); // the lane writes only while nothing awaits an answer
    sent.reset();
    m_infoDirty = true;
}

void Connection::updateLaneLocked()
{
#if defined(Q_OS_LINUX)
    ConnectionGuard &g = *m_guard;
    g.laneOpen = m_phase == Phase::Open && m_io && !m_options.address.tls && m_queued.empty() &&
                 !m_writingSync && !m_awaiting && !g.laneSent && m_io->bytesToWrite() == 0 &&
                 g.laneRemainder.isEmpty();
    if (g.laneOpen && g.laneFd < 0) {
        // Once per socket: the duplicate lives until the socket is torn down (shutLane).
        g.laneOpen = false;
        if (m_laneTried) return;
        m_laneTried = true;
        const qintptr fd = m_tcp ? m_tcp->socketDescriptor() : m_local->socketDescriptor();
        const int dup = fd < 0 ? -1 : ::fcntl(int(fd), F_DUPFD_CLOEXEC, 0);
        // The lane is a nicety: with many connections, leave half the descriptor limit free
        // for sockets (descriptors are numbered lowest first, so the number tells the use).
        rlimit rl{};
        const bool roomy = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
                           (rl.rlim_cur == RLIM_INFINITY || rlim_t(dup) < rl.rlim_cur / 2);
        if (dup >= 0 && !roomy) ::close(dup);
        g.laneFd = dup >= 0 && roomy ? dup : -1;
        g.laneOpen = g.laneFd >= 0;
    }
#endif
}

void Connection::shutLane()
{
    QMutexLocker lane(&m_guard->laneMutex);
    m_guard->laneOpen = false;
#if defined(Q_OS_LINUX)
    if (m_guard->laneFd >= 0) ::close(m_guard->laneFd);
#endif
    m_guard->laneFd = -1;
    m_guard->laneRemainder.clear();
    takeDirectLocked();
}

void Connection::writeLaneRemainder()
{
    if (!m_io) return;
    {
        QMutexLocker lane(&m_guard->laneMutex);
        takeDirectLocked();
        if (m_guard->laneRemainder.isEmpty()) return;
        m_io->write(m_guard->laneRemainder);
        m_guard->laneRemainder.clear();
    }
    pushToKernel();
    updateLane();
}

void Connection::updateLane()
{
    if (!m_io) return;
    QMutexLocker lane(&m_guard->laneMutex);
    updateLaneLocked();
}

} // namespace qscope::detail
