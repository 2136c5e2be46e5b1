#pragma once
// A small scriptable q server for the net tests and benchmark: speaks the real handshake and
// framing (through the protocol codec) on 127.0.0.1 TCP or a Unix socket. It runs on the thread
// that creates it (the test's main thread). Each test sets `onMessage` to decide what to answer.

#include "protocol/codec.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <map>

namespace qscope::test {

class FakeQServer : public QObject
{
public:
    struct Client
    {
        QIODevice *io = nullptr;
        bool loggedIn = false;
        QByteArray login; ///< "user:password" as sent
        FrameReader reader;
        QByteArray pendingLogin;
    };
    /// Called for each whole message from a client. Answer with reply()/send(); or not at all.
    std::function<void(QIODevice *client, const MessageHeader &h, const Value &v,
                       const QByteArray &raw)>
        onMessage;
    /// Accepts a login? Default: all.
    std::function<bool(const QByteArray &login)> acceptLogin;
    int logins = 0;
    QList<QByteArray> rawReceived; ///< every message received, as on the wire

    explicit FakeQServer(QObject *parent = nullptr) : QObject(parent) {}

    bool listenTcp(quint16 port = 0)
    {
        m_tcp = new QTcpServer(this);
        connect(m_tcp, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_tcp->nextPendingConnection()) {
                s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                adopt(s);
            }
        });
        return m_tcp->listen(QHostAddress::LocalHost, port);
    }
    bool listenTcpAny(quint16 port = 0)
    {
        m_tcp = new QTcpServer(this);
        connect(m_tcp, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_tcp->nextPendingConnection())
                adopt(s);
        });
        return m_tcp->listen(QHostAddress::Any, port);
    }
    /// Listen on an already-listening AF_UNIX descriptor (abstract names need a raw socket).
    bool listenUnixFd(int fd)
    {
        m_local = new QLocalServer(this);
        connect(m_local, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *s = m_local->nextPendingConnection())
                adopt(s);
        });
        return m_local->listen(qintptr(fd));
    }
    quint16 port() const { return m_tcp ? m_tcp->serverPort() : 0; }
    void stopListening()
    {
        if (m_tcp) m_tcp->close();
    }
    bool relisten(quint16 port) { return m_tcp && m_tcp->listen(QHostAddress::LocalHost, port); }

    /// Close every client connection (a server dying).
    void dropClients()
    {
        const auto clients = m_clients;
        for (auto &[io, c] : clients) {
            if (auto *t = qobject_cast<QTcpSocket *>(io))
                t->abort();
            else if (auto *l = qobject_cast<QLocalSocket *>(io))
                l->abort();
        }
    }
    int clientCount() const { return int(m_clients.size()); }
    QList<QIODevice *> clients() const
    {
        QList<QIODevice *> out;
        for (const auto &[io, c] : m_clients)
            out << io;
        return out;
    }

    static void reply(QIODevice *io, const Value &v)
    {
        EncodeOptions o;
        o.type = MessageType::Response;
        io->write(encodeMessage(v, o));
    }
    static void send(QIODevice *io, const Value &v, MessageType type = MessageType::Async)
    {
        EncodeOptions o;
        o.type = type;
        io->write(encodeMessage(v, o));
    }

private:
    void adopt(QIODevice *io)
    {
        m_clients[io].io = io;
        connect(io, &QIODevice::readyRead, this, [this, io] { onReadyRead(io); });
        auto gone = [this, io] {
            m_clients.erase(io);
            io->deleteLater();
        };
        if (auto *t = qobject_cast<QTcpSocket *>(io))
            connect(t, &QTcpSocket::disconnected, this, gone);
        else if (auto *l = qobject_cast<QLocalSocket *>(io))
            connect(l, &QLocalSocket::disconnected, this, gone);
    }

    void onReadyRead(QIODevice *io)
    {
        auto it = m_clients.find(io);
        if (it == m_clients.end()) return;
        Client &c = it->second;
        QByteArray bytes = io->readAll();
        if (!c.loggedIn) {
            c.pendingLogin += bytes;
            const qsizetype nul = c.pendingLogin.indexOf('\0');
            if (nul < 0) return;
            QByteArray login = c.pendingLogin.left(nul);
            int capability = 0;
            if (!login.isEmpty()) {
                capability = quint8(login.back());
                login.chop(1);
            }
            bytes = c.pendingLogin.mid(nul + 1);
            c.pendingLogin.clear();
            ++logins;
            if (acceptLogin && !acceptLogin(login)) {
                // kdb+ refuses by closing the socket.
                if (auto *t = qobject_cast<QTcpSocket *>(io))
                    t->disconnectFromHost();
                else if (auto *l = qobject_cast<QLocalSocket *>(io))
                    l->disconnectFromServer();
                return;
            }
            c.login = login;
            c.loggedIn = true;
            io->write(QByteArray(1, char(qMin(capability, 3))));
        }
        c.reader.feed(bytes);
        while (auto frame = c.reader.next()) {
            rawReceived << *frame;
            const Decoded d = decodeMessage(*frame);
            if (onMessage) onMessage(io, d.header, d.value, *frame);
            if (m_clients.find(io) == m_clients.end()) return; // dropped by the handler
        }
    }

    QTcpServer *m_tcp = nullptr;
    QLocalServer *m_local = nullptr;
    std::map<QIODevice *, Client> m_clients;
};

/// A string query's text, or empty if v is not a char vector.
inline QByteArray queryText(const Value &v)
{
    if (v.type() != Char) return {};
    return QByteArray(v.rawData(), qsizetype(v.count()));
}

} // namespace qscope::test
