#pragma once
// A blocking q IPC client for the demo server's tests: raw sockets plus the codec, nothing of
// the app's own connection code, so the server is checked against the wire format alone.
// Test threads only (it waits on its socket; the server runs on its own threads).

#include "protocol/codec.h"

#include <QElapsedTimer>
#include <QLocalSocket>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace qscope::test {

class QTestClient
{
public:
    /// TCP to localhost:port.
    explicit QTestClient(quint16 port)
    {
        auto *s = new QTcpSocket;
        s->connectToHost(QStringLiteral("127.0.0.1"), port);
        s->waitForConnected(5000);
        m_device.reset(s);
    }
    /// An already connected device (Unix socket, TLS socket).
    explicit QTestClient(QIODevice *device) : m_device(device) {}

    QIODevice *device() const { return m_device.get(); }

    bool isOpen() const
    {
        if (auto *t = qobject_cast<QAbstractSocket *>(m_device.get()))
            return t->state() == QAbstractSocket::ConnectedState;
        if (auto *l = qobject_cast<QLocalSocket *>(m_device.get()))
            return l->state() == QLocalSocket::ConnectedState;
        return m_device->isOpen();
    }

    bool waitForReadyRead(int ms)
    {
        if (m_device->bytesAvailable() > 0) return true;
        if (auto *t = qobject_cast<QAbstractSocket *>(m_device.get()))
            return t->waitForReadyRead(ms);
        if (auto *l = qobject_cast<QLocalSocket *>(m_device.get())) return l->waitForReadyRead(ms);
        return m_device->waitForReadyRead(ms);
    }

    bool waitForBytesWritten(int ms)
    {
        if (auto *t = qobject_cast<QAbstractSocket *>(m_device.get()))
            return t->bytesToWrite() == 0 || t->waitForBytesWritten(ms);
        if (auto *l = qobject_cast<QLocalSocket *>(m_device.get()))
            return l->bytesToWrite() == 0 || l->waitForBytesWritten(ms);
        return true;
    }

    /// Sends the handshake; returns the capability byte, or -1 if the server closed instead.
    int login(const QByteArray &credentials, std::optional<int> capability = 3, int ms = 5000)
    {
        QByteArray h = credentials;
        if (capability) h.append(char(*capability));
        h.append('\0');
        m_device->write(h);
        waitForBytesWritten(ms);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (m_device->bytesAvailable() >= 1) {
                char c = 0;
                m_device->read(&c, 1);
                m_cap = uint8_t(c);
                return m_cap;
            }
            if (!isOpen()) return -1;
            if (!waitForReadyRead(50) && !isOpen()) return -1;
        }
        return -2; // neither answer nor close: a hang
    }

    void send(const Value &v, MessageType type)
    {
        EncodeOptions o;
        o.type = type;
        o.capability = m_cap >= 6 ? 6 : 3;
        m_device->write(encodeMessage(v, o));
        waitForBytesWritten(5000);
    }
    void sendRaw(const QByteArray &bytes)
    {
        m_device->write(bytes);
        waitForBytesWritten(5000);
    }

    /// The next whole message, or nullopt after ms.
    std::optional<Decoded> next(int ms = 5000)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            if (std::optional<QByteArray> raw = m_frames.next()) return decodeMessage(*raw);
            if (m_frames.error()) return std::nullopt;
            const qint64 left = ms - t.elapsed();
            if (left <= 0) return std::nullopt;
            if (m_device->bytesAvailable() == 0 &&
                !waitForReadyRead(int(std::min<qint64>(left, 100))))
                if (!isOpen()) return std::nullopt;
            m_frames.feed(m_device->readAll());
        }
    }

    /// Sync request; the response value (an error value for q errors), or a null Value plus
    /// *ok=false on timeout.
    Value sync(const Value &v, bool *ok = nullptr, int ms = 10000)
    {
        send(v, MessageType::Sync);
        for (;;) {
            std::optional<Decoded> d = next(ms);
            if (!d || !d->ok()) {
                if (ok) *ok = false;
                return Value();
            }
            if (d->header.type == MessageType::Response) {
                if (ok) *ok = true;
                return d->value;
            }
            m_asyncSeen.push_back(d->value); // async messages arriving meanwhile
        }
    }
    Value sync(const QByteArray &q, bool *ok = nullptr) { return sync(Value::string(q), ok); }

    /// Async messages received while waiting for sync replies.
    std::vector<Value> takeAsync()
    {
        std::vector<Value> out;
        out.swap(m_asyncSeen);
        return out;
    }

    /// Waits until the peer closes; true if it did within ms.
    bool waitClosed(int ms)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (!isOpen()) return true;
            waitForReadyRead(50);
            m_device->readAll();
        }
        return !isOpen();
    }

private:
    std::unique_ptr<QIODevice> m_device;
    FrameReader m_frames;
    std::vector<Value> m_asyncSeen;
    int m_cap = 3;
};

} // namespace qscope::test
