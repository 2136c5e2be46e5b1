// ConnectionManager: the facade on the GUI thread. It owns the network threads and the decode
// pool, hands work to Connections through their guards, and turns their reports (posted here)
// into signals, dropping results nobody waits for any more.

#include "connectionmanager.h"

#include "connection.h"
#include "networkthreadpool.h"

#include <QFile>
#include <QPointer>
#include <QSet>
#include <QThreadPool>

#include <unordered_map>

namespace qscope {

namespace detail {

class ConnectionManagerPrivate : public ConnectionSink
{
public:
    ConnectionManagerPrivate(ConnectionManager *q, int threads)
        : q(q), threads(threads), registry(new HandleRegistry(q))
    {
        decodePool.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
        decodePool.setObjectName(QStringLiteral("qscope-decode"));
    }

    struct Entry
    {
        ConnectionOptions options;
        ConnectionState state = ConnectionState::Connecting;
        std::shared_ptr<ConnectionGuard> guard;
        bool closed = false;
        std::shared_ptr<FrameTap> tap;
        QThread *thread = nullptr;
    };

    // manager's thread ------------------------------------------------------------------------
    Entry *entry(ConnectionId id)
    {
        const auto it = entries.find(id);
        return it == entries.end() ? nullptr : &it->second;
    }
    RequestId submit(ConnectionId id, OutRequest r);
    void failLater(RequestId id, ConnectionId cid, const QByteArray &what, const NetError &e);
    void teardown();

    // network threads (ConnectionSink): only post to the manager's thread ----------------------
    template<class Fn>
    void toManager(Fn &&fn)
    {
        postQueued(q, std::forward<Fn>(fn));
    }
    void connectionState(ConnectionId id, ConnectionState state, const QString &detail) override
    {
        toManager([this, id, state, detail] {
            if (Entry *e = entry(id)) e->state = state;
            Q_EMIT q->stateChanged(id, state, detail);
        });
    }
    // Results and batches are moved out of the posted functor when it runs, so they are freed
    // here: Qt may destroy the functor itself on the posting (network) thread, after the event
    // was delivered, and it would free a whole batch of values there.
    void connectionResult(QueryResult result) override
    {
        toManager([this, result = std::move(result)]() mutable {
            QueryResult mine = std::move(result);
            if (live.remove(mine.id) == 0) return; // closed: nobody waits
            if (cancelling.remove(mine.id) && (mine.ok() || mine.error->kind == NetError::QError)) {
                // The answer crossed the cancel: it is dropped, and the connection was not
                // (there was nothing left on the wire to stop).
                mine.value = Value();
                mine.error = NetError{NetError::Cancelled,
                                      QStringLiteral("cancelled; its answer arrived as it was "
                                                     "cancelled and was discarded")};
            }
            Q_EMIT q->resultReady(mine);
        });
    }
    void connectionSizeAnnounced(RequestId request, qint64 bytes) override
    {
        toManager([this, request, bytes] {
            if (live.contains(request) && !cancelling.contains(request))
                Q_EMIT q->sizeAnnounced(request, bytes);
        });
    }
    void connectionLimitExceeded(ConnectionId id, const NetError &error) override
    {
        toManager([this, id, error] {
            if (entry(id) && !entry(id)->closed) Q_EMIT q->limitExceeded(id, error);
        });
    }
    void connectionProgress(RequestId request, qint64 received, qint64 total) override
    {
        toManager([this, request, received, total] {
            if (live.contains(request)) Q_EMIT q->progress(request, received, total);
        });
    }
    void connectionPushed(ConnectionId id, const Value &message) override
    {
        toManager([this, id, message] {
            if (entry(id) && !entry(id)->closed) Q_EMIT q->pushed(id, message);
        });
    }
    void connectionServerRequest(ConnectionId id, const Value &message) override
    {
        toManager([this, id, message] {
            if (entry(id) && !entry(id)->closed) Q_EMIT q->serverRequest(id, message);
        });
    }
    void connectionSubscribed(SubscriptionId sub, const Value &schema) override
    {
        toManager([this, sub, schema] {
            if (subs.contains(sub)) Q_EMIT q->subscribed(sub, schema);
        });
    }
    void connectionFeed(QList<FeedBatch> batches) override
    {
        toManager([this, batches = std::move(batches)]() mutable {
            const QList<FeedBatch> mine = std::move(batches);
            for (const FeedBatch &b : mine)
                if (subs.contains(b.subscription)) Q_EMIT q->feedBatch(b);
        });
    }
    void connectionEndOfDay(SubscriptionId sub, const Value &date) override
    {
        toManager([this, sub, date] {
            if (subs.contains(sub)) Q_EMIT q->endOfDay(sub, date);
        });
    }
    void connectionFeedGap(SubscriptionId sub, const QString &reason) override
    {
        toManager([this, sub, reason] {
            if (subs.contains(sub)) Q_EMIT q->feedGap(sub, reason);
        });
    }
    void connectionInfo(const HandleInfo &info) override
    {
        toManager([this, info] { registry->upsert(info); });
    }

    ConnectionManager *q;
    NetworkThreadPool threads;
    QThreadPool decodePool;
    HandleRegistry *registry;
    std::unordered_map<ConnectionId, Entry> entries;
    QHash<RequestId, ConnectionId> live; ///< requests whose result is still wanted
    QSet<RequestId> cancelling;          ///< cancelled, their Cancelled result not yet here
    QHash<SubscriptionId, ConnectionId> subs;
    ConnectionId nextConnection = 0;
    RequestId nextRequest = 0;
    SubscriptionId nextSubscription = 0;
};

RequestId ConnectionManagerPrivate::submit(ConnectionId id, OutRequest r)
{
    r.id = ++nextRequest;
    Entry *e = entry(id);
    if (!e || e->closed) {
        failLater(r.id, id, r.description,
                  NetError{NetError::Disconnected,
                           e ? QStringLiteral("connection %1 is closed").arg(id)
                             : QStringLiteral("no connection with id %1").arg(id)});
        return r.id;
    }
    if (r.timeoutMs < 0) r.timeoutMs = e->options.queryTimeoutMs;
    live.insert(r.id, id);
    const RequestId rid = r.id;
    // An idle socket takes a small request from this thread at once (see ConnectionGuard);
    // the frame tap records on the network thread, so it needs the posted path.
    if (!e->tap->enabled() && e->guard->writeDirect(r)) return rid;
    e->guard->post([r = std::move(r)](Connection &c) mutable { c.submit(std::move(r)); });
    return rid;
}

void ConnectionManagerPrivate::failLater(RequestId id, ConnectionId cid, const QByteArray &what,
                                         const NetError &e)
{
    live.insert(id, cid);
    QueryResult res;
    res.id = id;
    res.connection = cid;
    res.query = what;
    res.error = e;
    // Never re-entrantly from the call that made the request: the caller stores the id first.
    toManager([this, res] {
        cancelling.remove(res.id);
        if (live.remove(res.id)) Q_EMIT q->resultReady(res);
    });
}

void ConnectionManagerPrivate::teardown()
{
    // Connections live on the network threads: delete each on its own thread, and wait (this
    // is the destructor; the threads are joined right after anyway). Running there means no
    // race with a close()'s deleteLater: whichever runs first, the guard tells the other.
    for (int i = 0; i < threads.size(); ++i) {
        QThread *t = threads.thread(i);
        std::vector<std::shared_ptr<ConnectionGuard>> guards;
        for (auto &[id, e] : entries)
            if (e.thread == t) guards.push_back(e.guard);
        QObject anchor;
        QThread *home = QThread::currentThread();
        anchor.moveToThread(t);
        tsanRelease(&anchor);
        QMetaObject::invokeMethod(
            &anchor,
            [&guards, &anchor, home] {
                tsanAcquire(&anchor);
                anchor.moveToThread(home); // back from its own thread, to be destroyed here
                for (const auto &g : guards) {
                    Connection *c = nullptr;
                    {
                        QMutexLocker lock(&g->mutex);
                        c = g->target;
                    }
                    if (c) {
                        c->shutdown(false);
                        delete c;
                    }
                }
                tsanRelease(&anchor);
            },
            Qt::BlockingQueuedConnection);
        tsanAcquire(&anchor);
    }
    decodePool.waitForDone();
    threads.stop();
}

} // namespace detail

using detail::Connection;
using detail::OutRequest;

ConnectionManager::ConnectionManager(int networkThreads, QObject *parent)
    : QObject(parent), d(std::make_unique<detail::ConnectionManagerPrivate>(this, networkThreads))
{
    qRegisterMetaType<QueryResult>();
    qRegisterMetaType<FeedBatch>();
    qRegisterMetaType<NetError>();
}

ConnectionManager::~ConnectionManager()
{
    d->teardown();
}

ConnectionId ConnectionManager::open(const ConnectionOptions &options)
{
    const ConnectionId id = ++d->nextConnection;
    detail::ConnectionManagerPrivate::Entry e;
    e.options = options;
    e.tap = std::make_shared<detail::FrameTap>();
    e.tap->setBudget(options.frameTapBudgetBytes);
    e.tap->setEnabled(options.tapFrames);
    e.thread = d->threads.acquire();
    auto *c = new Connection(id, options, d.get(), &d->decodePool, e.tap);
    e.guard = c->guard();
    c->moveToThread(e.thread);
    auto guard = e.guard;
    d->entries.emplace(id, std::move(e));
    guard->post([](Connection &conn) { conn.start(); });
    return id;
}

void ConnectionManager::close(ConnectionId id)
{
    auto *e = d->entry(id);
    if (!e || e->closed) return;
    // Results still owed on this handle are dropped, not delivered late.
    for (auto it = d->live.begin(); it != d->live.end();) {
        if (it.value() != id) {
            ++it;
            continue;
        }
        d->cancelling.remove(it.key());
        it = d->live.erase(it);
    }
    for (auto it = d->subs.begin(); it != d->subs.end();)
        it = it.value() == id ? d->subs.erase(it) : std::next(it);
    e->guard->post([](Connection &c) {
        c.shutdown(true);
        c.deleteLater();
    });
    e->closed = true;
    d->threads.release(e->thread);
    e->state = ConnectionState::Closed;
}

ConnectionState ConnectionManager::state(ConnectionId id) const
{
    const auto *e = d->entry(id);
    return e ? e->state : ConnectionState::Closed;
}

const ConnectionOptions *ConnectionManager::options(ConnectionId id) const
{
    const auto *e = d->entry(id);
    return e ? &e->options : nullptr;
}

RequestId ConnectionManager::query(ConnectionId id, const QByteArray &text, int timeoutMs)
{
    OutRequest r;
    r.kind = OutRequest::User;
    r.description = text;
    r.message = Value::string(text);
    r.timeoutMs = timeoutMs;
    return d->submit(id, std::move(r));
}

namespace {

/// A short text for a call, for history and error display: (`f;1;2) shows as `f[..2 args].
QByteArray describeCall(const Value &message)
{
    if (message.type() == Char || message.type() == -Char)
        return message.type() == Char ? QByteArray(message.rawData(), qsizetype(message.count()))
                                      : QByteArray(1, message.charValue());
    if (!message.isList() || message.count() == 0) return QByteArrayLiteral("call");
    const Value &f = message.item(0);
    QByteArray head;
    if (f.type() == -Symbol)
        head = '`' + f.symbolValue();
    else if (f.type() == Char)
        head = QByteArray(f.rawData(), qsizetype(f.count()));
    else if (f.type() == Lambda)
        head = f.lambdaSource();
    else
        head = QByteArrayLiteral("function");
    return head + '[' + QByteArray::number(message.count() - 1) + " arg" +
           (message.count() == 2 ? "" : "s") + ']';
}

} // namespace

RequestId ConnectionManager::call(ConnectionId id, const Value &message, int timeoutMs)
{
    OutRequest r;
    r.kind = OutRequest::User;
    r.description = describeCall(message);
    r.message = message;
    r.timeoutMs = timeoutMs;
    return d->submit(id, std::move(r));
}

void ConnectionManager::send(ConnectionId id, const Value &message)
{
    // Encoded on the network thread, in order with the connection's other requests.
    auto *e = d->entry(id);
    if (!e || e->closed) return;
    e->guard->post([message](Connection &c) {
        OutRequest r;
        r.kind = OutRequest::Async;
        r.message = message;
        c.submit(std::move(r));
    });
}

RequestId ConnectionManager::flush(ConnectionId id)
{
    OutRequest r;
    r.kind = OutRequest::Flush;
    r.description = QByteArrayLiteral("\"\" (flush)");
    r.timeoutMs = -1;
    return d->submit(id, std::move(r));
}

void ConnectionManager::broadcast(const QList<ConnectionId> &ids, const Value &message)
{
    // Encoded once (as -25! does), here, so each connection queues it in call order with its
    // other requests; compressed once if any target is remote, and each connection picks the
    // form for its peer.
    std::vector<detail::ConnectionManagerPrivate::Entry *> targets;
    bool anyRemote = false;
    for (ConnectionId id : ids) {
        auto *e = d->entry(id);
        if (!e || e->closed) continue;
        targets.push_back(e);
        anyRemote = anyRemote || !e->options.address.isLocal();
    }
    if (targets.empty()) return;
    EncodeOptions o;
    o.type = MessageType::Async;
    const QByteArray plain = encodeMessage(message, o);
    QByteArray packed;
    if (anyRemote) {
        packed = compressMessage(plain);
        if (packed.size() >= plain.size()) packed.clear();
    }
    for (auto *e : targets) {
        e->guard->post([plain, packed](Connection &c) {
            OutRequest r;
            r.kind = OutRequest::Async;
            r.asyncPlain = plain;
            r.asyncPacked = packed;
            c.submit(std::move(r));
        });
    }
}

RequestId ConnectionManager::executeFile(ConnectionId id, const QString &path)
{
    OutRequest r;
    r.kind = OutRequest::File;
    r.path = path;
    r.description = "\\l " + path.toUtf8();
    r.timeoutMs = -1;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        const RequestId rid = ++d->nextRequest;
        d->failLater(
            rid, id, r.description,
            NetError{NetError::QError, QStringLiteral("%1: %2").arg(path, file.errorString())});
        return rid;
    }
    r.statements = detail::splitScript(file.readAll());
    if (r.statements.isEmpty()) {
        // Nothing to run: answer with the generic null, as loading an empty script does.
        const RequestId rid = ++d->nextRequest;
        d->live.insert(rid, id);
        QueryResult res;
        res.id = rid;
        res.connection = id;
        res.query = r.description;
        QMetaObject::invokeMethod(
            this,
            [this, res] {
                if (d->live.remove(res.id)) Q_EMIT resultReady(res);
            },
            Qt::QueuedConnection);
        return rid;
    }
    return d->submit(id, std::move(r));
}

void ConnectionManager::cancel(RequestId request)
{
    const auto it = d->live.constFind(request);
    if (it == d->live.constEnd()) return;
    auto *e = d->entry(it.value());
    if (!e || e->closed) return;
    d->cancelling.insert(request);
    e->guard->post([request](Connection &c) { c.cancel(request); });
}

void ConnectionManager::acceptLarge(RequestId request)
{
    const auto it = d->live.constFind(request);
    if (it == d->live.constEnd() || d->cancelling.contains(request)) return;
    auto *e = d->entry(it.value());
    if (!e || e->closed) return;
    e->guard->post([request](Connection &c) { c.acceptLarge(request); });
}

SubscriptionId ConnectionManager::subscribe(ConnectionId id, const QByteArray &table,
                                            const QList<QByteArray> &syms)
{
    const SubscriptionId sub = ++d->nextSubscription;
    auto *e = d->entry(id);
    if (!e || e->closed) {
        const QString reason = QStringLiteral("connection %1 is closed").arg(id);
        QMetaObject::invokeMethod(
            this, [this, sub, reason] { Q_EMIT feedGap(sub, reason); }, Qt::QueuedConnection);
        return sub;
    }
    d->subs.insert(sub, id);
    e->guard->post([sub, table, syms](Connection &c) { c.subscribe(sub, table, syms); });
    return sub;
}

void ConnectionManager::unsubscribe(SubscriptionId sub)
{
    const auto it = d->subs.constFind(sub);
    if (it == d->subs.constEnd()) return;
    auto *e = d->entry(it.value());
    d->subs.erase(it);
    if (e && !e->closed) e->guard->post([sub](Connection &c) { c.unsubscribe(sub); });
}

void ConnectionManager::replyToServer(ConnectionId id, const Value &reply)
{
    auto *e = d->entry(id);
    if (e && !e->closed) e->guard->post([reply](Connection &c) { c.replyToServer(reply); });
}

HandleRegistry *ConnectionManager::registry() const
{
    return d->registry;
}

int ConnectionManager::networkThreadCount() const
{
    return d->threads.size();
}

QList<FrameRecord> ConnectionManager::frames(ConnectionId id) const
{
    const auto *e = d->entry(id);
    return e ? e->tap->snapshot() : QList<FrameRecord>();
}

QList<FrameRecord> ConnectionManager::framesSince(ConnectionId id, quint64 seq,
                                                  int maxRecords) const
{
    const auto *e = d->entry(id);
    return e ? e->tap->snapshotSince(seq, maxRecords) : QList<FrameRecord>();
}

void ConnectionManager::setFrameTap(ConnectionId id, bool on)
{
    if (auto *e = d->entry(id)) e->tap->setEnabled(on);
}

} // namespace qscope
