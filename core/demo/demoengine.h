#pragma once
/// The interpreter side of the demo server: one q interpreter on one thread (q is single
/// threaded), the server's .z/.u/.Q names registered as natives and dynamics, the connection life
/// cycle (.z.pw .z.po .z.pg .z.ps .z.pc), the tickerplant with its RDB tables, the built-in feed
/// and the end-of-day timer. Every query goes through Interpreter::evalMessage (or the user's
/// .z.pg/.z.ps). Results travel to the network thread as Values; it encodes them.
/// -30! defers a sync answer as kdb+ does: a count of answers owed per handle, no queue.
///
/// Thread: created on the owner thread, moved to the interpreter thread; every method below runs
/// there (the network thread reaches it through queued calls).

#include "demo/demoserver.h"
#include "demo/demoshared.h"
#include "demo/feedgenerator.h"
#include "demo/tickerplant.h"
#include "demo/usersfile.h"
#include "protocol/codec.h"
#include "qlang/interpreter.h"

#include <QHash>
#include <QObject>

#include <memory>

class QTemporaryDir;
class QTimer;

namespace qscope::detail {

class OutgoingHandles;

class DemoEngine : public QObject
{
    Q_OBJECT
public:
    DemoEngine(const DemoOptions &options, std::shared_ptr<DemoShared> shared);
    ~DemoEngine() override;

    // interpreter thread
    /// Registers the names, creates the tables and timers. Returns false and *error on failure.
    bool init(QString *error);
    void shutdown();
    /// A client finished its handshake: -u check, .z.pw, then .z.po. Answers the network.
    void login(const PeerInfo &peer);
    void message(int handle, MessageType type, const Value &value);
    void closed(int handle);
    /// HTTP GET path (still URL-encoded): answers with an HTML page and closes.
    /// auth is the Authorization header's value (checked against the users file when set).
    void httpGet(int handle, quint64 serial, const QByteArray &path, const QByteArray &auth);
    /// Console input: run source as handle 0 and print as q's console does (the value on
    /// stdout unless quiet, an error on stderr), then report the ticket as executed.
    void execute(const QByteArray &source, quint64 ticket);
    /// A whole script as handle 0 (DemoServer::executeScript): an error is printed as q does.
    void executeScript(const QByteArray &script, const QByteArray &name, quint64 ticket);

    Interpreter &interpreter() { return m_q; }
    /// Read what hopen'd peers send at most this fast (0 = at once): a slow subscriber.
    void setReadRate(qint64 bytesPerSecond);

private:
    struct Session
    {
        PeerInfo peer;
    };
    struct Context
    {
        int handle = 0;
        quint32 ip = 0;
        QByteArray user;
        bool sync = false;     ///< evaluating a sync request from handle (-30!(::) may defer it)
        bool deferred = false; ///< -30!(::) ran: the request's result is not the answer
    };
    void registerNames();
    void registerDotZ();
    void registerDotU();
    void registerSystem();
    Value callHandler(const QByteArray &name, std::span<const Value> args, bool *defined);
    void trackOpen(int handle);
    void trackClose(int handle);
    void setTrack(std::vector<int32_t> h, std::vector<int32_t> ip, std::vector<QByteArray> user,
                  std::vector<QByteArray> status, std::vector<int64_t> opened,
                  std::vector<int64_t> closedAt);
    void send(int handle, const Value &v, MessageType type);
    void sendRaw(int handle, quint64 serial, const QByteArray &bytes, bool closeAfter);
    void answerLogin(int handle, quint64 serial, bool ok);
    /// -30!x: (::) defers the current sync request, (h;isError;x) answers one that h is owed.
    Value deferredResponse(const Value &x);
    void feedTick();
    void checkDate();
    void endOfDay();
    void setTimer(int ms);
    /// One tick of \t: a tickerplant publishes what it batched, then .z.ts runs.
    void timerTick();
    Value dotQw() const;
    Value hclose(const Value &x);
    void openOutgoing();
    void fromPeer(int h, const Value &msg);
    Value loadScript(const QByteArray &name);
    Value writeToHandle(int64_t h, const Value &msg);
    Value socketTable(const Value &x) const;
    /// -11! over a log file (x: `:file or (n;`:file)), each chunk through .z.ps or value.
    Value replayLog(const Value &x);
    void log(const QString &line) const;
    void print(const QByteArray &text, bool error) const;
    bool adoptIfChanged(const QByteArray &table);

    DemoOptions m_options;
    std::shared_ptr<DemoShared> m_shared;
    Interpreter m_q;
    std::unique_ptr<QTemporaryDir> m_tempLogDir; // outlives m_tp, whose log is inside it
    std::unique_ptr<Tickerplant> m_tp;
    std::unique_ptr<FeedGenerator> m_feed;
    std::unique_ptr<OutgoingHandles> m_out; // hopen'd connections
    QHash<int, Session> m_sessions;
    QHash<int, int>
        m_deferredOwed; // deferred answers owed per handle (none: absent); dropped on close
    QHash<QByteArray, Value> m_lastPublished; // RDB snapshot last set as the global
    Context m_ctx;
    UsersFile m_users;
    QTimer *m_feedTimer = nullptr;
    QTimer *m_tickTimer = nullptr;
    QTimer *m_eodTimer = nullptr;
    QTimer *m_dateTimer = nullptr;
    int m_tickMs = 0;
    bool m_running = false;
};

} // namespace qscope::detail
