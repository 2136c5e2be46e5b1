#pragma once
/// What the demo server's two threads share: the pointers each uses to post work to the other
/// (cleared under the mutex when a side shuts down, so nothing is posted to a deleted object),
/// per-socket figures for .z.W / .z.H / -38!, and the log sink.
///
/// Thread: any; every member is guarded by m_mutex or immutable after start.

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <functional>

namespace qscope::detail {

class DemoEngine;
class DemoNetwork;

/// One accepted connection as the engine sees it.
struct PeerInfo
{
    int handle = 0;      ///< q's handle: the socket's file descriptor, as kdb+
    quint64 serial = 0;  ///< unique per connection: a reused descriptor never gets old replies
    quint32 ipv4 = 0;    ///< .z.a (host order); 127.0.0.1 for Unix sockets
    QByteArray user;     ///< .z.u
    QByteArray password; ///< for -u and .z.pw; dropped after login
    bool local = true;   ///< loopback or Unix socket: replies are never compressed
    char family = 't';   ///< -38!: t TCP, u Unix domain socket
    bool tls = false;
};

struct SocketFigures
{
    qint64 queuedBytes = 0; ///< .z.W: bytes written but not yet sent
    char family = 't';
};

struct DemoShared
{
    mutable QMutex mutex;
    DemoEngine *engine = nullptr;   // lives on the interpreter thread
    DemoNetwork *network = nullptr; // lives on the network thread
    QHash<int, SocketFigures> sockets;
    quint16 port = 0;
    std::function<void(const QString &)> log; // set before start, then read-only
    /// q's console: text for stdout (error false) or stderr; set before start, then read-only
    std::function<void(const QByteArray &text, bool error)> console;
    /// a console line (by its ticket) has run and its output has gone to console
    std::function<void(quint64 ticket)> executed;
};

} // namespace qscope::detail
