#pragma once
/// Connections the demo's q opens itself (hopen), as kdb+'s client side: `h msg` waits for the
/// answer (q blocks on a sync request too), `neg[h] msg` queues, and async messages the peer
/// sends (a tickerplant's updates) reach q as .z.ps would see them, with .z.w = h. The handle
/// is the socket's descriptor, as in kdb+, so .z.W and .z.H list it beside the clients.
///
/// A reader may be slowed (bytes per second): q then reads its subscription behind the
/// publisher, the kernel buffers fill and the publisher's .z.W shows the bytes queued, which is
/// what a slow kdb+ subscriber does to its tickerplant.
///
/// Thread: the interpreter thread only (the sockets live there; a sync request waits on it).

#include "protocol/codec.h"
#include "protocol/value.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

class QTcpSocket;
class QTimer;

namespace qscope::detail {

class OutgoingHandles : public QObject
{
    Q_OBJECT
public:
    /// An async message from the peer of handle h.
    using Incoming = std::function<void(int h, const Value &msg)>;
    /// The peer closed handle h (q then runs .z.pc h).
    using Closed = std::function<void(int h)>;
    /// Queued bytes of handle h changed (for .z.W); -1 when it is gone.
    using Figures = std::function<void(int h, qint64 queuedBytes)>;

    OutgoingHandles(Incoming incoming, Closed closed, Figures figures);
    ~OutgoingHandles() override;

    /// hopen x: `:host:port[:user:password], a port number, or (that;timeout ms). The handle,
    /// or q's error (a refused or absent server is 'hop, as kdb+ reports it).
    Value open(const Value &x);
    bool contains(int h) const { return m_handles.contains(h); }
    /// h msg: the answer, an error value for the peer's error, 'timeout after maxMillis.
    Value sync(int h, const Value &msg, int maxMillis);
    void async(int h, const Value &msg);
    void close(int h);
    /// 0 = read as fast as the peer writes; else at most this many bytes per second.
    void setReadRate(qint64 bytesPerSecond);
    qint64 readRate() const { return m_rate; }

private:
    struct Handle
    {
        QTcpSocket *socket = nullptr;
        FrameReader frames;
        int capability = 3;
    };
    void readAvailable(int h, qint64 budget);
    void drainFrames(int h, std::vector<Value> *async, std::optional<Value> *answer);
    void gone(int h);
    void report(int h);
    void paceTick();

    Incoming m_incoming;
    Closed m_closed;
    Figures m_figures;
    QHash<int, std::shared_ptr<Handle>> m_handles;
    QTimer *m_pace = nullptr;
    qint64 m_rate = 0;
    bool m_inSync = false;
};

} // namespace qscope::detail
