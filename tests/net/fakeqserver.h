#pragma once
// A small scriptable q server for the net tests and benchmark: speaks the real handshake and
// framing (through the protocol codec) on 127.0.0.1 TCP or a Unix socket. It runs on the thread
// that creates it (the test's main thread). Each test sets `onMessage` to decide what to answer.

#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <map>

namespace qscope::test {

inline QByteArray queryText(const Value &v);

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

    /// What the server saw, in order: every connection, login, message and disconnect, with the
    /// client's serial number (1, 2, ... in order of connection) and the time since the server
    /// was made. Tests assert on this rather than on what a window says.
    struct Event
    {
        enum Kind { Connected, LoggedIn, Message, Disconnected };
        Kind kind = Connected;
        int client = 0;
        qint64 atMs = 0;
        MessageType type = MessageType::Async; ///< for Message
        Value value;                           ///< for Message: the decoded message
        QByteArray login;                      ///< for LoggedIn: "user:password"
    };
    QList<Event> events;
    /// Serial number of a connected client (0 if unknown).
    int serialOf(QIODevice *io) const
    {
        auto it = m_serial.find(io);
        return it == m_serial.end() ? 0 : it->second;
    }
    int eventCount(Event::Kind kind, int client = 0) const
    {
        int n = 0;
        for (const Event &e : events)
            n += e.kind == kind && (client == 0 || e.client == client);
        return n;
    }
    /// Messages received whose decoded value is a char vector equal to text (a query string).
    int queriesSeen(const QByteArray &text) const
    {
        int n = 0;
        for (const Event &e : events)
            n += e.kind == Event::Message && queryText(e.value) == text;
        return n;
    }

    explicit FakeQServer(QObject *parent = nullptr) : QObject(parent) { m_clock.start(); }

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
    void record(Event::Kind kind, QIODevice *io) { record(kind, io, Event()); }
    void record(Event::Kind kind, QIODevice *io, Event e)
    {
        e.kind = kind;
        e.client = serialOf(io);
        e.atMs = m_clock.elapsed();
        events << e;
    }

    void adopt(QIODevice *io)
    {
        m_serial[io] = ++m_nextSerial;
        record(Event::Connected, io);
        m_clients[io].io = io;
        connect(io, &QIODevice::readyRead, this, [this, io] { onReadyRead(io); });
        auto gone = [this, io] {
            record(Event::Disconnected, io);
            m_serial.erase(io);
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
            Event e;
            e.login = login;
            record(Event::LoggedIn, io, e);
            io->write(QByteArray(1, char(qMin(capability, 3))));
        }
        c.reader.feed(bytes);
        while (auto frame = c.reader.next()) {
            rawReceived << *frame;
            const Decoded d = decodeMessage(*frame);
            Event e;
            e.type = d.header.type;
            e.value = d.value;
            record(Event::Message, io, e);
            if (onMessage) onMessage(io, d.header, d.value, *frame);
            if (m_clients.find(io) == m_clients.end()) return; // dropped by the handler
        }
    }

    QTcpServer *m_tcp = nullptr;
    QLocalServer *m_local = nullptr;
    std::map<QIODevice *, Client> m_clients;
    std::map<QIODevice *, int> m_serial;
    int m_nextSerial = 0;
    QElapsedTimer m_clock;
};

/// A string query's text, or empty if v is not a char vector.
inline QByteArray queryText(const Value &v)
{
    if (v.type() != Char) return {};
    return QByteArray(v.rawData(), qsizetype(v.count()));
}

} // namespace qscope::test
