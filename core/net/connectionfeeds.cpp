// Connection's subscriptions: .u.sub and its renewal after a reconnect, what the server pushes
// (upd, end of day, other async messages, sync requests from the server), and the feed batches
// joined per tick.

#include "connection.h"

#include "protocol/tableconcat.h"

#include <QTimer>

namespace qscope::detail {

namespace {

constexpr int kFeedIntervalMs = 50; // one FeedBatch per subscription per tick
// Updates up to this many rows are joined per tick; a bigger one already spreads its message's
// cost over its rows and passes as it came (no copy on the network thread).
constexpr int64_t kJoinMaxRows = 1024;

/// Rows in an upd payload: a table, a keyed table, or a list of columns.
qint64 rowsOf(const Value &data)
{
    if (data.isTable() || data.isDict()) return data.count();
    if (data.isList() && data.count() > 0) {
        const Value &first = data.item(0);
        return first.isAtom() ? 1 : first.count();
    }
    return data.isVector() ? 1 : 0;
}

} // namespace

Value Connection::subscribeMessage(const Subscription &s) const
{
    // .u.sub[`table;`sym1`sym2] ; ` for all tables, ` (an empty symbol) for all syms.
    std::vector<Value> items;
    items.push_back(Value::symbol(QByteArrayLiteral(".u.sub")));
    items.push_back(Value::symbol(s.table));
    if (s.syms.isEmpty()) {
        items.push_back(Value::symbol(QByteArray()));
    } else {
        std::vector<QByteArray> syms(s.syms.begin(), s.syms.end());
        items.push_back(Value::symbols(syms));
    }
    return Value::list(std::move(items));
}

void Connection::subscribe(SubscriptionId sub, const QByteArray &table,
                           const QList<QByteArray> &syms)
{
    m_subs.insert(sub, Subscription{table, syms, false, {}});
    OutRequest r;
    r.kind = OutRequest::Subscribe;
    r.sub = sub;
    r.description =
        ".u.sub[`" + table + ";" + (syms.isEmpty() ? QByteArray("`") : "`" + syms.join('`')) + "]";
    r.timeoutMs = 0;
    submit(std::move(r));
}

void Connection::unsubscribe(SubscriptionId sub)
{
    // kdb-tick has no unsubscribe call over IPC (.u.del runs on close): stop routing here.
    const auto b = m_batches.find(sub);
    if (b != m_batches.end()) {
        closeRun(*b);
        if (b->batch.messages > 0 && m_sink) m_sink->connectionFeed({std::move(b->batch)});
        m_batches.erase(b);
    }
    m_subs.remove(sub);
}

void Connection::resubscribe()
{
    std::vector<OutRequest> resubs;
    for (auto it = m_subs.begin(); it != m_subs.end(); ++it) {
        // Its .u.sub may still be queued: the first one, or one from an earlier reconnect that
        // was lost with the socket before its turn came (they go out one at a time).
        const SubscriptionId id = it.key();
        const bool queued =
            std::any_of(m_queued.begin(), m_queued.end(), [id](const OutRequest &r) {
                return r.kind == OutRequest::Subscribe && r.sub == id;
            });
        if (queued) continue;
        OutRequest r;
        r.kind = OutRequest::Subscribe;
        r.sub = it.key();
        resubs.push_back(std::move(r));
    }
    // Ahead of the requests that waited for the connection, in subscription order.
    m_queued.insert(m_queued.begin(), std::make_move_iterator(resubs.begin()),
                    std::make_move_iterator(resubs.end()));
}

void Connection::flushFeeds()
{
    if (m_feedTimer) m_feedTimer->stop();
    if (m_batches.isEmpty()) return;
    QList<FeedBatch> out;
    out.reserve(m_batches.size());
    for (auto it = m_batches.begin(); it != m_batches.end(); ++it) {
        closeRun(*it);
        if (it->batch.messages == 0) continue;
        if (const auto s = m_subs.find(it.key()); s != m_subs.end())
            s->lastBatchMessages = qsizetype(it->batch.messages);
        out.append(std::move(it->batch));
    }
    // The decoded messages die here, on the thread that made them; the batches move on.
    m_batches.clear();
    if (!out.isEmpty() && m_sink) m_sink->connectionFeed(std::move(out));
}

void Connection::closeRun(PendingFeed &pending)
{
    if (pending.run.empty()) return;
    FeedBatch &b = pending.batch;
    Value joined = pending.run.size() == 1 ? pending.run.front()
                                           : concatTables(std::span<const Value>(pending.run));
    if (joined.isGenericNull()) {
        // Not expected (a run holds one layout), but never lose an update: keep them as they came.
        for (Value &u : pending.run) {
            b.updates.append(std::move(u));
            b.tables.append(pending.runTable);
            b.updateMessages.append(1);
        }
    } else {
        b.updates.append(std::move(joined));
        b.tables.append(pending.runTable);
        b.updateMessages.append(qint64(pending.run.size()));
    }
    pending.run.clear();
}

void Connection::addUpdate(PendingFeed &pending, const QByteArray &table, const Value &data)
{
    std::vector<Value> &run = pending.run;
    const bool joinable = data.isTable() && data.count() <= kJoinMaxRows;
    if (!run.empty() && (pending.runTable != table || !joinable || !sameLayout(run.front(), data)))
        closeRun(pending);
    if (joinable) {
        if (run.empty()) pending.runTable = table;
        run.push_back(data);
        return;
    }
    // A column list (a feed handler's upd) or a big table is passed on as it came.
    pending.batch.updates.append(data);
    pending.batch.tables.append(table);
    pending.batch.updateMessages.append(1);
}

void Connection::routeAsync(const Value &v, qint64 wireBytes)
{
    if (v.isList() && v.count() >= 2 && v.item(0).type() == -Symbol) {
        const QByteArray &name = v.item(0).symbolValue();
        if (name == "upd" && v.count() >= 3 && v.item(1).type() == -Symbol) {
            const QByteArray &table = v.item(1).symbolValue();
            const Value &data = v.item(2);
            bool routed = false;
            for (auto it = m_subs.constBegin(); it != m_subs.constEnd(); ++it) {
                if (!it->table.isEmpty() && it->table != table) continue;
                PendingFeed &pending = m_batches[it.key()];
                FeedBatch &b = pending.batch;
                if (b.messages == 0) {
                    // A new batch: its run as big as the last batch, so it grows once.
                    b.subscription = it.key();
                    b.table = table;
                    pending.run.reserve(size_t(it->lastBatchMessages));
                } else if (!b.table.isEmpty() && b.table != table) {
                    b.table = QByteArray(); // several tables in one batch: see `tables`
                }
                addUpdate(pending, table, data);
                ++b.messages;
                b.rows += rowsOf(data);
                b.bytes += wireBytes;
                routed = true;
            }
            if (routed) {
                if (!m_feedTimer->isActive()) m_feedTimer->start(kFeedIntervalMs);
                return;
            }
        } else if (name == ".u.end" && !m_subs.isEmpty()) {
            flushFeeds(); // rows of the old day go out before its end
            for (auto it = m_subs.constBegin(); it != m_subs.constEnd(); ++it)
                if (m_sink) m_sink->connectionEndOfDay(it.key(), v.item(1));
            return;
        }
    }
    if (m_sink) m_sink->connectionPushed(m_id, v);
}

void Connection::handleServerSync(const Value &v)
{
    if (m_sink) m_sink->connectionServerRequest(m_id, v);
    if (m_options.acceptServerSyncRequests && !v.isError()) {
        ++m_serverRepliesOwed; // the app answers through replyToServer, in order
        return;
    }
    const QByteArray frame = encodeMessage(
        Value::error(QByteArrayLiteral("qscope: sync requests from the server are not accepted")),
        EncodeOptions{MessageType::Response, false, qMax(0, m_capability)});
    writeFrame(frame, MessageType::Response, frame.size());
}

} // namespace qscope::detail
