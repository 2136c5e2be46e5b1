#pragma once
// Helpers for the engine tests that drive a ConnectionManager against the real in-process demo
// server (tst_netdemo, tst_nettls). Test (GUI) thread only.

#include "demo/demoserver.h"
#include "net/connectionmanager.h"
#include "protocol/format.h"

#include <QFile>
#include <QHash>
#include <QObject>
#include <QTemporaryDir>
#include <QtTest>

namespace qscope::test {

/// Generous: the same tests run under ASan and TSan on a loaded 2-core CI machine. A pass is
/// usually immediate; the limit only bounds a hang.
constexpr int kWaitMs = 30000;

/// Collects results by id, and every state change, on the test thread.
struct EngineRecorder
{
    explicit EngineRecorder(ConnectionManager &m)
    {
        QObject::connect(&m, &ConnectionManager::resultReady, &m,
                         [this](const QueryResult &r) { results.insert(r.id, r); });
        QObject::connect(&m, &ConnectionManager::stateChanged, &m,
                         [this](ConnectionId id, ConnectionState s, const QString &detail) {
                             states[id].append({s, detail});
                         });
    }
    bool has(RequestId id) const { return results.contains(id); }
    QueryResult get(RequestId id) const { return results.value(id); }
    bool reached(ConnectionId id, ConnectionState s) const
    {
        for (const auto &[state, detail] : states.value(id))
            if (state == s) return true;
        return false;
    }
    QString lastDetail(ConnectionId id) const
    {
        const auto list = states.value(id);
        return list.isEmpty() ? QString() : list.back().second;
    }

    QHash<RequestId, QueryResult> results;
    QHash<ConnectionId, QList<std::pair<ConnectionState, QString>>> states;
};

/// "ok: <value as q prints it on one line>" or "error <kind>: <message>", for QCOMPARE.
inline QByteArray describe(const QueryResult &r)
{
    if (r.error)
        return "error " + QByteArray::number(int(r.error->kind)) + ": " + r.error->message.toUtf8();
    return "ok: " + formatOneLine(r.value);
}

inline ConnectionOptions tcpTo(quint16 port, const QString &host = QStringLiteral("127.0.0.1"))
{
    ConnectionOptions o;
    o.name = QStringLiteral("demo");
    o.address.host = host;
    o.address.port = port;
    o.connectTimeoutMs = 10000;
    return o;
}

/// A demo server on a free port with no built-in feed (tests publish their own rows).
inline DemoOptions quietDemo()
{
    DemoOptions o;
    o.port = 0;
    o.feed = false;
    o.unixSocket = false;
    return o;
}

/// quietDemo() logging users in from a users file (q -u) written in `dir`, e.g. "alice:secret\n".
inline DemoOptions quietDemoWithUsers(const QTemporaryDir &dir, const QByteArray &lines)
{
    DemoOptions o = quietDemo();
    o.usersFile = dir.filePath(QStringLiteral("users.txt"));
    QFile f(o.usersFile);
    if (!f.open(QIODevice::WriteOnly) || f.write(lines) != lines.size()) o.usersFile.clear();
    return o;
}

} // namespace qscope::test

/// Sends nothing itself: evaluates `rid` (a request id, or the call that makes one) once, waits
/// for its result on recorder `rec` and stores it in `var`.
#define QSCOPE_AWAIT(var, rec, rid)                                                                \
    const qscope::RequestId var##Id = (rid);                                                       \
    QTRY_VERIFY_WITH_TIMEOUT((rec).has(var##Id), qscope::test::kWaitMs);                           \
    const qscope::QueryResult var = (rec).get(var##Id)
