#pragma once
/// The network side of the demo server: a TCP listener (plain and TLS on one port: a first byte
/// of 0x16 is a TLS ClientHello), the Unix abstract socket @/tmp/kx.PORT as kdb+ opens, and the
/// clients. Hands logins, messages, HTTP requests and closes to the interpreter thread through
/// queued calls, and writes what it answers.
///
/// Thread: created on the owner thread and moved to the network thread; init() and everything
/// after run there, so every socket is created on the network thread.

#include "demo/demoserver.h"
#include "demo/demoshared.h"
#include "protocol/codec.h"

#include <QHash>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>

#include <memory>

class QSocketNotifier;
class QTcpServer;

namespace qscope::detail {

class DemoClient;

class DemoNetwork : public QObject
{
    Q_OBJECT
public:
    DemoNetwork(const DemoOptions &options, std::shared_ptr<DemoShared> shared);
    ~DemoNetwork() override;

    // network thread
    bool init(QString *error);
    void shutdown();
    quint16 port() const { return m_port; }

    // network thread, queued from the interpreter thread
    void deliver(int handle, quint64 serial, const Value &v, MessageType type);
    void sendRaw(int handle, quint64 serial, const QByteArray &bytes, bool closeAfter);
    void loginAnswered(int handle, quint64 serial, bool ok);
    /// hclose from q: drop the client's socket without flushing (its close reaches the engine,
    /// which has already forgotten the session, so .z.pc does not run).
    void closeClient(int handle, quint64 serial);

private:
    void acceptTcp(qintptr fd);
    void classify(int fd, QSocketNotifier *notifier);
    void acceptUnix();
    void adopt(QIODevice *device, PeerInfo peer);
    DemoClient *client(int handle, quint64 serial) const;
    void log(const QString &line) const;
    template<class F>
    void toEngine(F &&f);

    DemoOptions m_options;
    std::shared_ptr<DemoShared> m_shared;
    QTcpServer *m_tcp = nullptr;
    int m_unixFd = -1;
    QSocketNotifier *m_unixNotifier = nullptr;
    QHash<int, DemoClient *> m_clients;
    QHash<int, QSocketNotifier *> m_unclassified; // TLS mode: waiting for the first byte
    QSslCertificate m_cert;
    QSslKey m_key;
    bool m_tls = false;
    quint16 m_port = 0;
    quint64 m_nextSerial = 1;
};

} // namespace qscope::detail
