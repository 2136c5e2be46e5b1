#pragma once
/// One accepted connection on the network thread: tells HTTP ("GET ") from q IPC by the first
/// bytes, reads the q handshake up to its NUL (credentials, then the capability byte if present),
/// frames messages with FrameReader and decodes them here (off the interpreter thread), and
/// writes replies. The interpreter thread never touches the socket.
///
/// Thread: the network thread; created there, owns its socket.

#include "demo/demoshared.h"
#include "protocol/codec.h"

#include <QByteArray>
#include <QObject>

#include <functional>

class QIODevice;

namespace qscope::detail {

class DemoClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Greeting, Handshake, AwaitingLogin, Open, Http, Closed };

    /// Callbacks into the network object that owns this client.
    struct Hooks
    {
        std::function<void(DemoClient *)> login; // handshake read: peer() is filled
        std::function<void(DemoClient *, MessageType, const Value &)> message;
        std::function<void(DemoClient *, const QByteArray &path, const QByteArray &auth)> http;
        std::function<void(DemoClient *)> closed;  // socket gone (once)
        std::function<void(DemoClient *)> written; // bytes left the queue
        std::function<void(const QString &)> log;
    };

    /// device is an open socket (QTcpSocket, QSslSocket or QLocalSocket); the client owns it.
    DemoClient(QIODevice *device, const PeerInfo &peer, Hooks hooks, QObject *parent);
    ~DemoClient() override;

    const PeerInfo &peer() const { return m_peer; }
    State state() const { return m_state; }
    int capability() const { return m_capability; }

    /// Accept (reply the agreed capability byte) or refuse (close, as kdb+ does).
    void answerLogin(bool ok);
    /// Encode and write a message (compressed per kdb+'s rules to non-local peers).
    void deliver(const Value &v, MessageType type);
    void writeRaw(const QByteArray &bytes, bool closeAfter);
    void close();
    /// Close at once, dropping what is not yet sent (q's hclose).
    void abort();
    /// Bytes written but not yet sent (for .z.W).
    qint64 queuedBytes() const;

private:
    void onReadyRead();
    void processGreeting();
    void processHandshake();
    void processFrames();
    void processHttp();
    void shut(bool flush);
    void finish();
    void updateFigures();

    QIODevice *m_device;
    PeerInfo m_peer;
    Hooks m_hooks;
    State m_state = State::Greeting;
    QByteArray m_pending; // bytes of the greeting, handshake or HTTP request
    FrameReader m_frames;
    int m_capability = 0;
    bool m_closeAfterWrite = false;
    bool m_finished = false;
};

} // namespace qscope::detail
