#include "demo/demoengine.h"

#include "demo/democlock.h"
#include "demo/demonetwork.h"
#include "demo/htmlpage.h"
#include "demo/outgoinghandles.h"
#include "net/tsanannotate.h"
#include "protocol/format.h"
#include "tplog/tplogreplay.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <malloc.h>
#include <unistd.h>

namespace qscope::detail {

Q_LOGGING_CATEGORY(lcQuery, "qscope.demo.query", QtWarningMsg)

namespace {

const QByteArray kTrack = QByteArrayLiteral("trackConnections");
/// What kdb+ signals for a handle that is not open (code.kx.com/q/ref/hopen/#hclose: using a
/// handle after hclose gives `': Bad file descriptor`, the OS's word after an empty q part).
const QByteArray kNotOpen = QByteArrayLiteral(": Bad file descriptor");

Value ints(std::vector<int32_t> v)
{
    return Value::fromVector(Int, std::move(v));
}

int64_t procStatusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

} // namespace

DemoEngine::DemoEngine(const DemoOptions &options, std::shared_ptr<DemoShared> shared)
    : m_options(options), m_shared(std::move(shared)), m_tickMs(options.tickMs)
{}

DemoEngine::~DemoEngine() = default;

void DemoEngine::log(const QString &line) const
{
    if (m_shared->log) m_shared->log(line);
}

void DemoEngine::print(const QByteArray &text, bool error) const
{
    if (m_shared->console) m_shared->console(text, error);
}

bool DemoEngine::init(QString *error)
{
    if (!m_options.usersFile.isEmpty() && !m_users.load(m_options.usersFile, error)) return false;
    Interpreter::Limits limits;
    limits.maxMillis = 30000;
    m_q.setLimits(limits);
    // show, 0N!, 1 and -1 write to the process's stdout, 2 and -2 to its stderr, as in q
    m_q.setOutput([this](const QByteArray &text) { print(text, false); });
    m_q.setErrorOutput([this](const QByteArray &text) { print(text, true); });

    m_tp = std::make_unique<Tickerplant>(
        [this](int h, const Value &msg) { send(h, msg, MessageType::Async); },
        [this](const QByteArray &table, const Value &rows) {
            m_q.setGlobal(table, rows);
            m_lastPublished.insert(table, rows);
        });
    m_tp->addTable(
        std::make_unique<RdbTable>("trade", std::vector<QByteArray>{"time", "sym", "price", "size"},
                                   std::vector<int>{Timespan, Symbol, Float, Long}));
    m_tp->addTable(std::make_unique<RdbTable>(
        "quote", std::vector<QByteArray>{"time", "sym", "bid", "ask", "bsize", "asize"},
        std::vector<int>{Timespan, Symbol, Float, Float, Long, Long}));
    m_tp->setDate(dateOf(localNanos()));
    openOutgoing();
    if (!m_options.tickerplant) {
        // An RDB, engine or gateway: its tables come from its own q (r.q's .u.rep).
        setTrack({}, {}, {}, {}, {}, {});
        registerNames();
        m_feedTimer = new QTimer(this);
        m_tickTimer = new QTimer(this);
        connect(m_tickTimer, &QTimer::timeout, this, &DemoEngine::timerTick);
        m_eodTimer = new QTimer(this);
        m_dateTimer = new QTimer(this);
        m_running = true;
        return true;
    }
    QString logDir = m_options.tplogDir;
    if (logDir.isEmpty()) {
        m_tempLogDir = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                       QStringLiteral("/qscope-demo-tplog-XXXXXX"));
        if (!m_tempLogDir->isValid()) {
            *error = QStringLiteral("cannot create a temporary log directory: %1")
                         .arg(m_tempLogDir->errorString());
            return false;
        }
        logDir = m_tempLogDir->path();
    }
    if (!m_tp->openLog(logDir, error)) return false;
    log(QStringLiteral("tickerplant log %1 (.u.i = %2)").arg(m_tp->logPath()).arg(m_tp->i()));
    for (const QByteArray &t : m_tp->tableNames()) {
        const Value rows = m_tp->table(t)->snapshot();
        m_q.setGlobal(t, rows);
        m_lastPublished.insert(t, rows);
    }
    setTrack({}, {}, {}, {}, {}, {});
    registerNames();

    m_feed = std::make_unique<FeedGenerator>(m_options.syms);
    m_feedTimer = new QTimer(this);
    connect(m_feedTimer, &QTimer::timeout, this, &DemoEngine::feedTick);
    if (m_options.feed) {
        const int batch = std::max(1, m_options.feedBatch);
        const int rate = std::max(1, m_options.feedRowsPerSecond);
        m_feedTimer->start(std::max(1, int(int64_t(1000) * batch / rate)));
    }
    m_tickTimer = new QTimer(this);
    connect(m_tickTimer, &QTimer::timeout, this, &DemoEngine::timerTick);
    setTimer(m_options.tickMs);
    m_eodTimer = new QTimer(this);
    connect(m_eodTimer, &QTimer::timeout, this, &DemoEngine::endOfDay);
    if (m_options.endOfDaySeconds > 0) m_eodTimer->start(m_options.endOfDaySeconds * 1000);
    // tick.q's .z.ts checks the date; the midnight roll happens within a second.
    m_dateTimer = new QTimer(this);
    connect(m_dateTimer, &QTimer::timeout, this, &DemoEngine::checkDate);
    m_dateTimer->start(1000);
    m_running = true;
    return true;
}

void DemoEngine::shutdown()
{
    m_running = false;
    for (QTimer *t : {m_feedTimer, m_tickTimer, m_eodTimer, m_dateTimer})
        if (t) t->stop();
    m_out.reset(); // its sockets live on this thread
}

void DemoEngine::openOutgoing()
{
    m_out =
        std::make_unique<OutgoingHandles>([this](int h, const Value &msg) { fromPeer(h, msg); },
                                          [this](int h) {
                                              // kdb+ runs .z.pc for a handle it opened when the
                                              // peer goes (r.q exits there).
                                              m_ctx = Context{};
                                              const Value arg[] = {Value::intAtom(h)};
                                              bool defined = false;
                                              callHandler(".z.pc", arg, &defined);
                                          },
                                          [this](int h, qint64 queued) {
                                              QMutexLocker lock(&m_shared->mutex);
                                              if (queued < 0)
                                                  m_shared->sockets.remove(h);
                                              else
                                                  m_shared->sockets[h] = SocketFigures{queued, 't'};
                                          });
}

void DemoEngine::fromPeer(int h, const Value &msg)
{
    // An async message on a handle q opened (a tickerplant's upd): .z.ps or value, .z.w = h.
    m_ctx = Context{h, 0x7f000001, QByteArray(), false, false};
    const Value arg[] = {msg};
    bool defined = false;
    Value r = callHandler(".z.ps", arg, &defined);
    if (!defined) r = m_q.evalMessage(msg);
    m_ctx = Context{};
    if (r.isError())
        log(QStringLiteral("handle %1: async error '%2")
                .arg(h)
                .arg(QString::fromUtf8(r.symbolValue())));
}

void DemoEngine::setReadRate(qint64 bytesPerSecond)
{
    if (m_out) m_out->setReadRate(bytesPerSecond);
}

void DemoEngine::setTimer(int ms)
{
    // \t N: q's timer, on this thread's event loop. A tickerplant batches its updates until
    // the tick, as tick.q -t does; \t 0 stops the timer (and publishes what is pending).
    m_tickMs = std::max(0, ms);
    if (m_tickMs > 0) {
        if (m_options.tickerplant) m_tp->setTimerMode(true);
        m_tickTimer->start(m_tickMs);
    } else {
        m_tickTimer->stop();
        if (m_options.tickerplant) {
            m_tp->flush();
            m_tp->setTimerMode(false);
        }
    }
}

void DemoEngine::timerTick()
{
    if (m_options.tickerplant) m_tp->flush();
    // then the user's .z.ts, given the local timestamp (code.kx.com/q/ref/dotz/#zts-timer);
    // it runs as handle 0, like the console
    m_ctx = Context{};
    const Value arg[] = {Value::atom(-Timestamp, localNanos())};
    bool defined = false;
    const Value r = callHandler(".z.ts", arg, &defined);
    if (defined && r.isError())
        log(QStringLiteral(".z.ts error '%1").arg(QString::fromUtf8(r.symbolValue())));
}

// ---- sending (posts to the network thread) ------------------------------------------------

void DemoEngine::send(int handle, const Value &v, MessageType type)
{
    const auto it = m_sessions.constFind(handle);
    if (it == m_sessions.cend())
        return; // closed: q would signal on a dead handle; nothing to write to
    const quint64 serial = it->peer.serial;
    QMutexLocker lock(&m_shared->mutex);
    DemoNetwork *net = m_shared->network;
    if (!net) return;
    postQueued(net, [net, handle, serial, v, type] { net->deliver(handle, serial, v, type); });
}

void DemoEngine::sendRaw(int handle, quint64 serial, const QByteArray &bytes, bool closeAfter)
{
    QMutexLocker lock(&m_shared->mutex);
    DemoNetwork *net = m_shared->network;
    if (!net) return;
    postQueued(net, [net, handle, serial, bytes, closeAfter] {
        net->sendRaw(handle, serial, bytes, closeAfter);
    });
}

void DemoEngine::answerLogin(int handle, quint64 serial, bool ok)
{
    QMutexLocker lock(&m_shared->mutex);
    DemoNetwork *net = m_shared->network;
    if (!net) return;
    postQueued(net, [net, handle, serial, ok] { net->loginAnswered(handle, serial, ok); });
}

// ---- -30! (deferred response) -----------------------------------------------------------

Value DemoEngine::deferredResponse(const Value &x)
{
    // code.kx.com/q/basics/internal/#-30x-deferred-response and kb/deferred-response.
    if (x.isGenericNull()) {
        // Only a sync request can be answered later; elsewhere (async, console, timers,
        // HTTP, .z.po) there is nothing to defer.
        if (!m_ctx.sync || !m_sessions.contains(m_ctx.handle)) return Value::error("domain");
        if (!m_ctx.deferred) {
            m_ctx.deferred = true;
            // Owed from now on: -30!(.z.w;0b;x) may follow at once, in the same request.
            ++m_deferredOwed[m_ctx.handle];
        }
        return Value();
    }
    if (x.type() != 0) return Value::error("type");
    if (x.count() != 3) return Value::error("length");
    const Value h = x.item(0);
    const Value isError = x.item(1);
    const Value msg = x.item(2);
    if ((h.type() != -Int && h.type() != -Long && h.type() != -Short) || isError.type() != -Boolean)
        return Value::error("type");
    const bool err = isError.boolean();
    if (err && msg.type() != Char) return Value::error("type"); // the error text: a string
    const int64_t target = h.rawInt();
    // Not one of .z.W: 'domain; open but owed nothing: kdb+'s own words.
    if (target <= 0 || target > INT32_MAX || !m_sessions.contains(int(target)))
        return Value::error("domain");
    // kdb+ keeps a count per handle, not a queue: the answer goes out now, and answers of
    // other requests were never held behind a deferred one. A client that pipelines sync
    // requests to a deferring server cannot match answers by order (qscope writes one at a time).
    const auto it = m_deferredOwed.find(int(target));
    if (it == m_deferredOwed.end())
        return Value::error("Handle " + QByteArray::number(target) +
                            " was not expecting a response msg");
    if (--*it == 0) m_deferredOwed.erase(it);
    send(int(target), err ? Value::error(QByteArray(msg.rawData(), qsizetype(msg.count()))) : msg,
         MessageType::Response);
    return Value();
}

// ---- life cycle ---------------------------------------------------------------------------

Value DemoEngine::callHandler(const QByteArray &name, std::span<const Value> args, bool *defined)
{
    const std::optional<Value> f = m_q.global(name);
    *defined = f.has_value() && (f->isFunction() || f->type() == Symbol || f->type() == -Symbol);
    if (!*defined) return Value();
    return m_q.apply(*f, args);
}

void DemoEngine::login(const PeerInfo &peer)
{
    // -u file first, then .z.pw (its default is {[user;pswd]1b}); refuse by closing, as kdb+.
    bool ok = true;
    if (!m_users.isEmpty() && !m_users.verify(peer.user, peer.password)) ok = false;
    m_ctx = Context{peer.handle, peer.ipv4, peer.user};
    if (ok) {
        const Value args[] = {Value::symbol(peer.user), Value::string(peer.password)};
        bool defined = false;
        const Value r = callHandler(".z.pw", args, &defined);
        if (defined && !(r.type() == -Boolean && r.boolean())) {
            ok = false;
            if (r.isError())
                log(QStringLiteral(".z.pw error '%1").arg(QString::fromUtf8(r.symbolValue())));
        }
    }
    if (!ok) {
        m_ctx = Context{};
        log(QStringLiteral("handle %1: login refused for user '%2'")
                .arg(peer.handle)
                .arg(QString::fromUtf8(peer.user)));
        answerLogin(peer.handle, peer.serial, false);
        return;
    }
    PeerInfo kept = peer;
    kept.password.clear();
    m_sessions.insert(peer.handle, Session{kept});
    answerLogin(peer.handle, peer.serial, true);
    const Value h[] = {Value::intAtom(peer.handle)};
    bool defined = false;
    const Value r = callHandler(".z.po", h, &defined);
    if (!defined) trackOpen(peer.handle);
    if (r.isError())
        log(QStringLiteral("handle %1: .z.po error '%2")
                .arg(peer.handle)
                .arg(QString::fromUtf8(r.symbolValue())));
    m_ctx = Context{};
}

void DemoEngine::message(int handle, MessageType type, const Value &value)
{
    const auto it = m_sessions.constFind(handle);
    if (it == m_sessions.cend()) return; // closed meanwhile
    const bool sync = type == MessageType::Sync;
    m_ctx = Context{handle, it->peer.ipv4, it->peer.user, sync, false};
    if (lcQuery().isDebugEnabled())
        qCDebug(lcQuery).noquote()
            << QStringLiteral("handle %1 %2: %3")
                   .arg(handle)
                   .arg(sync ? QStringLiteral("sync") : QStringLiteral("async"))
                   .arg(QString::fromUtf8(formatOneLine(value).left(200)));
    const Value arg[] = {value};
    bool defined = false;
    Value r = callHandler(sync ? ".z.pg" : ".z.ps", arg, &defined);
    if (!defined) r = m_q.evalMessage(value); // q's default: value x
    const bool deferred = m_ctx.deferred;
    m_ctx = Context{};
    if (deferred) {
        // -30!(::) ran: the value of .z.pg is not the answer; -30!(h;isError;x) gives it.
        if (r.isError())
            log(QStringLiteral("handle %1: error after deferring the response '%2")
                    .arg(handle)
                    .arg(QString::fromUtf8(r.symbolValue())));
    } else if (sync) {
        send(handle, r, MessageType::Response);
    } else if (r.isError())
        log(QStringLiteral("handle %1: async error '%2")
                .arg(handle)
                .arg(QString::fromUtf8(r.symbolValue())));
}

void DemoEngine::closed(int handle)
{
    if (!m_sessions.contains(handle)) return;
    m_sessions.remove(handle);
    m_deferredOwed.remove(handle); // its deferred answers are lost: a later -30! is 'domain
    // .z.pc runs after the socket is gone: .z.w .z.a .z.u are the local values.
    m_ctx = Context{};
    const Value h[] = {Value::intAtom(handle)};
    bool defined = false;
    const Value r = callHandler(".z.pc", h, &defined);
    if (!defined) trackClose(handle);
    if (r.isError())
        log(QStringLiteral("handle %1: .z.pc error '%2")
                .arg(handle)
                .arg(QString::fromUtf8(r.symbolValue())));
    // Whatever .z.pc does, never publish to a dead handle.
    m_tp->removeHandle(handle);
}

void DemoEngine::execute(const QByteArray &source, quint64 ticket)
{
    m_ctx = Context{};
    const Interpreter::ConsoleResult r = m_q.evalConsole(source);
    if (r.value.isError()) {
        print("'" + r.value.symbolValue() + '\n', true); // q prints 'word on stderr
    } else if (r.shown) {
        QByteArray text = formatConsole(r.value);
        if (!text.endsWith('\n')) text += '\n';
        print(text, false);
    }
    if (m_shared->executed) m_shared->executed(ticket);
}

void DemoEngine::executeScript(const QByteArray &script, const QByteArray &name, quint64 ticket)
{
    m_ctx = Context{};
    const Value r = m_q.runScript(script, name);
    if (r.isError()) print("'" + r.symbolValue() + '\n', true);
    if (m_shared->executed) m_shared->executed(ticket);
}

void DemoEngine::httpGet(int handle, quint64 serial, const QByteArray &path, const QByteArray &auth)
{
    if (!m_users.isEmpty()) {
        // kdb+ with -u asks a browser for Basic credentials.
        const QByteArray basic =
            auth.startsWith("Basic ") ? QByteArray::fromBase64(auth.mid(6)) : QByteArray();
        const qsizetype colon = basic.indexOf(':');
        if (colon < 0 || !m_users.verify(basic.left(colon), basic.mid(colon + 1))) {
            const QByteArray body = "401 Unauthorized\n";
            sendRaw(handle, serial,
                    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"qscope-demo\"\r\n"
                    "Content-Length: " +
                        QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body,
                    true);
            return;
        }
    }
    // "/?select from trade" (or "/" for the tables list), as kdb+'s default .z.ph.
    QByteArray query;
    const qsizetype q = path.indexOf('?');
    if (q >= 0) {
        QByteArray enc = path.mid(q + 1);
        enc.replace('+', ' ');
        query = QByteArray::fromPercentEncoding(enc);
    }
    Value result;
    if (query.trimmed().isEmpty()) {
        query.clear();
        result = m_q.eval("tables`.");
        if (result.type() != Symbol) result = m_tp->t();
    } else {
        m_ctx = Context{handle, 0, QByteArray()};
        result = m_q.evalMessage(Value::string(query));
        m_ctx = Context{};
    }
    sendRaw(handle, serial, htmlResponse(query, result), true);
}

// ---- trackConnections ---------------------------------------------------------------------

void DemoEngine::setTrack(std::vector<int32_t> h, std::vector<int32_t> ip,
                          std::vector<QByteArray> user, std::vector<QByteArray> status,
                          std::vector<int64_t> opened, std::vector<int64_t> closedAt)
{
    const Value key = Value::table(Value::symbols({"handle"}), Value::list({ints(std::move(h))}));
    const Value val =
        Value::table(Value::symbols({"ip", "user", "status", "opened", "closed"}),
                     Value::list({ints(std::move(ip)), Value::symbols(user), Value::symbols(status),
                                  Value::fromVector(Timestamp, std::move(opened)),
                                  Value::fromVector(Timestamp, std::move(closedAt))}));
    m_q.setGlobal(kTrack, Value::keyedTable(key, val));
}

void DemoEngine::trackOpen(int handle)
{
    // The seeds' .z.po: `trackConnections upsert (.z.w;.z.a;.z.u;`OPEN), plus open/close times.
    const std::optional<Value> cur = m_q.global(kTrack);
    std::vector<int32_t> h, ip;
    std::vector<QByteArray> user, status;
    std::vector<int64_t> opened, closedAt;
    if (cur && cur->isKeyedTable() && cur->keys().isTable() && cur->values().isTable()) {
        const Value &k = cur->keys().columns();
        const Value &v = cur->values().columns();
        const bool shaped = k.count() == 1 && v.count() == 5 && k.item(0).type() == Int &&
                            v.item(0).type() == Int && v.item(1).type() == Symbol &&
                            v.item(2).type() == Symbol && v.item(3).type() == Timestamp &&
                            v.item(4).type() == Timestamp;
        if (!shaped) {
            log(QStringLiteral("trackConnections has another shape; not updated"));
            return;
        }
        for (int64_t r = 0; r < k.item(0).count(); ++r) {
            h.push_back(k.item(0).at<int32_t>(r));
            ip.push_back(v.item(0).at<int32_t>(r));
            user.push_back(v.item(1).symAt(r));
            status.push_back(v.item(2).symAt(r));
            opened.push_back(v.item(3).at<int64_t>(r));
            closedAt.push_back(v.item(4).at<int64_t>(r));
        }
    }
    const auto s = m_sessions.constFind(handle);
    const int32_t addr = s == m_sessions.cend() ? 0 : int32_t(s->peer.ipv4);
    const QByteArray u = s == m_sessions.cend() ? QByteArray() : s->peer.user;
    const auto at = std::find(h.begin(), h.end(), handle);
    if (at == h.end()) {
        h.push_back(handle);
        ip.push_back(addr);
        user.push_back(u);
        status.push_back("OPEN");
        opened.push_back(localNanos());
        closedAt.push_back(qnull::j);
    } else {
        const size_t r = size_t(at - h.begin());
        ip[r] = addr;
        user[r] = u;
        status[r] = "OPEN";
        opened[r] = localNanos();
        closedAt[r] = qnull::j;
    }
    setTrack(std::move(h), std::move(ip), std::move(user), std::move(status), std::move(opened),
             std::move(closedAt));
}

void DemoEngine::trackClose(int handle)
{
    // The seeds' .z.pc: update status:`CLOSED from trackConnections where handle=x.
    const std::optional<Value> cur = m_q.global(kTrack);
    if (!cur || !cur->isKeyedTable()) return;
    const Value &k = cur->keys().columns();
    const Value &v = cur->values().columns();
    if (k.count() != 1 || v.count() != 5 || k.item(0).type() != Int || v.item(2).type() != Symbol ||
        v.item(4).type() != Timestamp)
        return;
    std::vector<int32_t> h, ip;
    std::vector<QByteArray> user, status;
    std::vector<int64_t> opened, closedAt;
    for (int64_t r = 0; r < k.item(0).count(); ++r) {
        h.push_back(k.item(0).at<int32_t>(r));
        ip.push_back(v.item(0).at<int32_t>(r));
        user.push_back(v.item(1).symAt(r));
        const bool hit = h.back() == handle;
        status.push_back(hit ? QByteArray("CLOSED") : v.item(2).symAt(r));
        opened.push_back(v.item(3).at<int64_t>(r));
        closedAt.push_back(hit ? localNanos() : v.item(4).at<int64_t>(r));
    }
    setTrack(std::move(h), std::move(ip), std::move(user), std::move(status), std::move(opened),
             std::move(closedAt));
}

// ---- feed and timers ----------------------------------------------------------------------

bool DemoEngine::adoptIfChanged(const QByteArray &table)
{
    // If q code replaced the RDB table (delete from trade, trade:0#trade ...), continue from
    // what q holds now, as an RDB's upd:insert would.
    RdbTable *rdb = m_tp->table(table);
    const std::optional<Value> cur = m_q.global(table);
    const Value last = m_lastPublished.value(table);
    if (!rdb || !cur) return false;
    const bool same = cur->isTable() && last.isTable() && cur->count() == last.count() &&
                      cur->columns().count() > 0 && last.columns().count() > 0 &&
                      cur->columns().item(0).rawData() == last.columns().item(0).rawData();
    if (same) return false;
    rdb->clear();
    if (cur->isTable() && !rdb->append(*cur).isEmpty())
        log(QStringLiteral("%1 was replaced by a table of another shape; RDB restarted empty")
                .arg(QString::fromUtf8(table)));
    const Value rows = rdb->snapshot();
    m_q.setGlobal(table, rows);
    m_lastPublished.insert(table, rows);
    return true;
}

void DemoEngine::feedTick()
{
    if (!m_running) return;
    const int n = std::max(1, m_options.feedBatch);
    const int64_t tod = timeOfDayNanos(localNanos());
    for (const QByteArray &t : m_tp->tableNames())
        adoptIfChanged(t);
    Value r = m_tp->upd(Value::symbol("trade"), m_feed->tradeBatch(n), tod);
    if (!r.isError()) r = m_tp->upd(Value::symbol("quote"), m_feed->quoteBatch(n), tod);
    if (r.isError()) log(QStringLiteral("feed error '%1").arg(QString::fromUtf8(r.symbolValue())));
}

void DemoEngine::endOfDay()
{
    const Value d = Value::atom(-Date, m_tp->date());
    log(QStringLiteral("end of day %1: .u.end sent to %2 subscription(s)")
            .arg(QString::fromUtf8(formatOneLine(d)))
            .arg(m_tp->subscriptionCount()));
    m_tp->endOfDay();
}

void DemoEngine::checkDate()
{
    if (m_options.endOfDaySeconds > 0) return;
    if (m_tp->date() < dateOf(localNanos())) endOfDay();
}

// ---- names --------------------------------------------------------------------------------

void DemoEngine::registerNames()
{
    registerDotZ();
    if (m_options.tickerplant) registerDotU();
    registerSystem();
}

Value DemoEngine::dotQw() const
{
    // .Q.w[]: `used`heap`peak`wmax`mmap`mphy`syms`symw!longs, from the allocator and /proc.
    const struct mallinfo2 mi = mallinfo2();
    int64_t syms = 0, symw = 0;
    for (const QByteArray &t : m_tp->tableNames()) {
        const Value rows = m_tp->table(t)->snapshot();
        const int c = rows.columnIndex("sym");
        if (c < 0) continue;
        for (const QByteArray &s : rows.columns().item(c).symbolPool()->strings) {
            ++syms;
            symw += s.size() + 1;
        }
    }
    const std::vector<int64_t> vals = {int64_t(mi.uordblks),
                                       procStatusKb("VmRSS") * 1024,
                                       procStatusKb("VmHWM") * 1024,
                                       0,
                                       int64_t(mi.hblkhd),
                                       int64_t(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE),
                                       syms,
                                       symw};
    return Value::dict(
        Value::symbols({"used", "heap", "peak", "wmax", "mmap", "mphy", "syms", "symw"}),
        Value::fromVector(Long, vals));
}

Value DemoEngine::socketTable(const Value &x) const
{
    // -38!: for a handle a dict `p`f!(`q;`t), for a list of handles a table of them.
    QHash<int, SocketFigures> sockets;
    {
        QMutexLocker lock(&m_shared->mutex);
        sockets = m_shared->sockets;
    }
    auto famOf = [&](int h, bool *ok) {
        const auto it = sockets.constFind(h);
        *ok = it != sockets.cend();
        return QByteArray(1, *ok ? it->family : 't');
    };
    if (x.type() == -Int || x.type() == -Long) {
        bool ok = false;
        const QByteArray f = famOf(int(x.rawInt()), &ok);
        if (!ok) return Value::error("nosocket");
        return Value::dict(Value::symbols({"p", "f"}),
                           Value::list({Value::symbol("q"), Value::symbol(f)}));
    }
    if (x.type() != Int && x.type() != Long) return Value::error("type");
    std::vector<QByteArray> p, f;
    for (int64_t i = 0; i < x.count(); ++i) {
        const int h = x.type() == Int ? x.at<int32_t>(i) : int(x.at<int64_t>(i));
        bool ok = false;
        f.push_back(famOf(h, &ok));
        if (!ok) return Value::error("nosocket");
        p.push_back("q");
    }
    return Value::table(Value::symbols({"p", "f"}),
                        Value::list({Value::symbols(p), Value::symbols(f)}));
}

Value DemoEngine::hclose(const Value &x)
{
    // hclose h on a client's handle: the socket goes at once, what is queued for it is dropped
    // (kdb+ since 3.6 does not flush on hclose) and .z.pc does NOT run, as in kdb+ when the
    // server itself closes a handle. The tickerplant forgets the handle's subscriptions, so a
    // later client given the same descriptor never receives them.
    if (x.type() != -Int && x.type() != -Long && x.type() != -Short) return Value::error("type");
    const int64_t h = x.rawInt();
    if (h > 0 && h <= INT32_MAX && m_out && m_out->contains(int(h))) {
        m_out->close(int(h));
        return Value();
    }
    const auto it = h > 0 && h <= INT32_MAX ? m_sessions.constFind(int(h)) : m_sessions.cend();
    if (it == m_sessions.cend()) return Value::error(kNotOpen);
    const int handle = int(h);
    const quint64 serial = it->peer.serial;
    m_sessions.erase(it);
    m_deferredOwed.remove(handle);
    m_tp->removeHandle(handle);
    log(QStringLiteral("handle %1: closed by hclose").arg(handle));
    QMutexLocker lock(&m_shared->mutex);
    m_shared->sockets.remove(handle); // .z.W / .z.H stop listing it from the next query on
    DemoNetwork *net = m_shared->network;
    if (net) postQueued(net, [net, handle, serial] { net->closeClient(handle, serial); });
    return Value();
}

Value DemoEngine::writeToHandle(int64_t h, const Value &msg)
{
    // neg[h] msg: an async message to client h (the agent's pushes use it). neg[h][] flushes,
    // which is nothing to do here: messages are handed to the network at once.
    const int64_t target = h < 0 ? -h : h;
    if (target <= INT32_MAX && m_out && m_out->contains(int(target))) {
        if (h > 0) return m_out->sync(int(target), msg, m_q.limits().maxMillis);
        if (!msg.isGenericNull()) m_out->async(int(target), msg);
        return Value();
    }
    if (target > INT32_MAX || !m_sessions.contains(int(target))) return Value::error(kNotOpen);
    if (h > 0) return Value::error("nyi"); // a sync request would block q on one of its clients
    if (!msg.isGenericNull()) send(int(target), msg, MessageType::Async);
    return Value();
}

void DemoEngine::registerDotZ()
{
    Interpreter &q = m_q;
    q.defineDynamic(".z.w", [this](Interpreter &) { return Value::intAtom(m_ctx.handle); });
    q.defineDynamic(".z.a", [this](Interpreter &) {
        return Value::intAtom(m_ctx.handle ? int32_t(m_ctx.ip) : int32_t(0x7f000001));
    });
    q.defineDynamic(".z.u", [this](Interpreter &) {
        if (m_ctx.handle) return Value::symbol(m_ctx.user);
        return Value::symbol(qgetenv("USER"));
    });
    q.defineDynamic(".z.W", [this](Interpreter &) {
        std::vector<int32_t> h;
        std::vector<int64_t> b;
        QMutexLocker lock(&m_shared->mutex);
        QList<int> keys = m_shared->sockets.keys();
        std::sort(keys.begin(), keys.end());
        for (int k : keys) {
            h.push_back(k);
            b.push_back(m_shared->sockets.value(k).queuedBytes);
        }
        return Value::dict(ints(std::move(h)), Value::fromVector(Long, std::move(b)));
    });
    q.defineDynamic(".z.H", [this](Interpreter &) {
        QMutexLocker lock(&m_shared->mutex);
        QList<int> keys = m_shared->sockets.keys();
        std::sort(keys.begin(), keys.end());
        return ints(std::vector<int32_t>(keys.begin(), keys.end()));
    });
    q.defineDynamic(".z.K", [](Interpreter &) { return Value::floatAtom(4.1); });
    q.defineDynamic(".z.k", [](Interpreter &) { return Value::atom(-Date, 9062); }); // 2024.10.23
    q.defineDynamic(".z.o", [](Interpreter &) {
        return Value::symbol(QSysInfo::kernelType() == QStringLiteral("darwin") ? "m64" : "l64");
    });
    q.defineDynamic(".z.i", [](Interpreter &) { return Value::intAtom(int32_t(getpid())); });
    q.defineDynamic(
        ".z.h", [](Interpreter &) { return Value::symbol(QHostInfo::localHostName().toUtf8()); });
    q.defineDynamic(".z.x", [](Interpreter &) {
        std::vector<Value> args;
        const QStringList a =
            QCoreApplication::instance() ? QCoreApplication::arguments() : QStringList();
        for (int i = 1; i < a.size(); ++i)
            args.push_back(Value::string(a[i].toUtf8()));
        return Value::list(std::move(args));
    });
    q.defineDynamic(".z.f", [](Interpreter &) { return Value::symbol(QByteArray()); });
    q.defineDynamic(".z.p", [](Interpreter &) { return Value::atom(-Timestamp, utcNanos()); });
    q.defineDynamic(".z.P", [](Interpreter &) { return Value::atom(-Timestamp, localNanos()); });
    q.defineDynamic(
        ".z.n", [](Interpreter &) { return Value::atom(-Timespan, timeOfDayNanos(utcNanos())); });
    q.defineDynamic(
        ".z.N", [](Interpreter &) { return Value::atom(-Timespan, timeOfDayNanos(localNanos())); });
    q.defineDynamic(".z.d", [](Interpreter &) { return Value::atom(-Date, dateOf(utcNanos())); });
    q.defineDynamic(".z.D", [](Interpreter &) { return Value::atom(-Date, dateOf(localNanos())); });
    q.defineDynamic(".z.t", [](Interpreter &) {
        return Value::atom(-Time, timeOfDayNanos(utcNanos()) / 1000000);
    });
    q.defineDynamic(".z.T", [](Interpreter &) {
        return Value::atom(-Time, timeOfDayNanos(localNanos()) / 1000000);
    });
    q.defineDynamic(".z.z", [](Interpreter &) {
        return Value::temporalFloat(-Datetime, double(utcNanos()) / double(kNanosPerDay));
    });
    q.defineDynamic(".z.Z", [](Interpreter &) {
        return Value::temporalFloat(-Datetime, double(localNanos()) / double(kNanosPerDay));
    });
    q.defineNative(
        ".Q.w", 1, [this](Interpreter &, std::span<const Value>) { return dotQw(); },
        QByteArrayLiteral(
            "{`used`heap`peak`wmax`mmap`mphy`syms`symw!(system\"w\"),system\"w 0\"}"));
    q.defineInternal(-38, [this](Interpreter &, const Value &x) { return socketTable(x); });
    q.defineInternal(-30, [this](Interpreter &, const Value &x) { return deferredResponse(x); });
    q.defineInternal(-11, [this](Interpreter &, const Value &x) { return replayLog(x); });
    q.defineNative("hopen", 1, [this](Interpreter &, std::span<const Value> a) {
        if (a.size() != 1) return Value::error("rank");
        return m_out ? m_out->open(a[0]) : Value::error("hop");
    });
    q.defineNative("hclose", 1, [this](Interpreter &, std::span<const Value> a) {
        if (a.size() != 1) return Value::error("rank");
        return hclose(a[0]);
    });
    q.setHandleWriter(
        [this](Interpreter &, int64_t h, const Value &msg) { return writeToHandle(h, msg); });

    // Default handlers. .z.pw is q's {[user;pswd]1b}; .z.po/.z.pc keep trackConnections as the
    // seeds do and .z.pc also drops the handle's subscriptions as u.q's .z.pc:{del[;x]each t}.
    // Users may redefine any of them in q.
    q.defineNative(
        ".z.pw", 2, [](Interpreter &, std::span<const Value>) { return Value::boolean(true); },
        QByteArrayLiteral("{[user;pswd]1b}"));
    q.defineNative(
        ".z.po", 1,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.empty() || (a[0].type() != -Int && a[0].type() != -Long))
                return Value::error("type");
            trackOpen(int(a[0].rawInt()));
            return Value::symbol(kTrack);
        },
        QByteArrayLiteral("{`trackConnections upsert(x;.z.a;.z.u;`OPEN;.z.P;0Np)}"));
    q.defineNative(
        ".z.pc", 1,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.empty() || (a[0].type() != -Int && a[0].type() != -Long))
                return Value::error("type");
            const int h = int(a[0].rawInt());
            trackClose(h);
            m_tp->removeHandle(h);
            return Value::symbol(kTrack);
        },
        QByteArrayLiteral("{.u.del[;x]each .u.t;`trackConnections set update status:`CLOSED,"
                          "closed:.z.P from trackConnections where handle=x}"));
}

// The q that u.q and tick.q define for these (code.kx.com/q/kb/publish-subscribe), written
// against the names the demo keeps under .u (t, w, i, d): what `.u.sub` and `string .u.sub`
// show, as a kdb+ tickerplant would. The natives below do the work; \t batching is theirs.
namespace {
namespace dotu {
const QByteArray sub =
    QByteArrayLiteral("{[x;y]if[x~`;:sub[;y]each t];if[not x in t;'x];del[x;.z.w];"
                      "w[x],:enlist(.z.w;$[`~y;y;(),y]);(x;@[0#value x;`sym;`g#])}");
const QByteArray upd = QByteArrayLiteral(
    "{[t;x]if[not -16=type first first x;a:\"n\"$.z.P;"
    "x:$[0>type first x;a,x;(enlist(count first x)#a),x]];"
    "c:cols t;x:$[0>type first x;enlist c!x;flip c!x];pub[t;x];t insert x;i+:1;}");
const QByteArray pub =
    QByteArrayLiteral("{[t;x]{[t;x;h]if[count x:$[`~h 1;x;select from x where sym in h 1];"
                      "(neg first h)(`upd;t;x)]}[t;x]each w t}");
const QByteArray del = QByteArrayLiteral("{[x;y]w[x]:w[x] where not y=w[x;;0]}");
const QByteArray end =
    QByteArrayLiteral("{[x](neg distinct raze w[;;0])@\\:(`.u.end;x);@[`.;t;0#];d::x+1}");
} // namespace dotu
} // namespace

void DemoEngine::registerDotU()
{
    Interpreter &q = m_q;
    q.defineNative(
        ".u.sub", 2,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.size() != 2) return Value::error("rank");
            return m_tp->sub(m_ctx.handle, a[0], a[1]);
        },
        dotu::sub);
    q.defineNative(
        ".u.upd", 2,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.size() != 2) return Value::error("rank");
            if (a[0].type() == -Symbol) adoptIfChanged(a[0].symbolValue());
            return m_tp->upd(a[0], a[1], timeOfDayNanos(localNanos()));
        },
        dotu::upd);
    q.defineNative(
        ".u.pub", 2,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.size() != 2) return Value::error("rank");
            if (a[0].type() != -Symbol) return Value::error("type");
            return m_tp->pub(a[0].symbolValue(), a[1]);
        },
        dotu::pub);
    q.defineNative(
        ".u.del", 2,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.size() != 2) return Value::error("rank");
            if (a[0].type() != -Symbol || (a[1].type() != -Int && a[1].type() != -Long))
                return Value::error("type");
            return m_tp->del(a[0].symbolValue(), int(a[1].rawInt()));
        },
        dotu::del);
    q.defineNative(
        ".u.end", 1,
        [this](Interpreter &, std::span<const Value> a) {
            if (a.size() == 1 && a[0].type() == -Date) m_tp->setDate(int32_t(a[0].rawInt()));
            endOfDay();
            return Value();
        },
        dotu::end);
    q.defineDynamic(".u.w", [this](Interpreter &) { return m_tp->w(); });
    q.defineDynamic(".u.t", [this](Interpreter &) { return m_tp->t(); });
    q.defineDynamic(".u.i", [this](Interpreter &) { return Value::longAtom(m_tp->i()); });
    q.defineDynamic(".u.j", [this](Interpreter &) { return Value::longAtom(m_tp->j()); });
    q.defineDynamic(".u.d", [this](Interpreter &) { return Value::atom(-Date, m_tp->date()); });
    // `:dir/sym2024.10.23, what r.q replays with -11! before taking updates.
    q.defineDynamic(".u.L", [this](Interpreter &) {
        const QString p = m_tp->logPath();
        return Value::symbol(p.isEmpty() ? QByteArray() : ':' + p.toUtf8());
    });
}

Value DemoEngine::replayLog(const Value &x)
{
    int64_t mode = -1;
    Value file = x;
    if (x.isList() && x.count() == 2) {
        const Value &n = x.item(0);
        if (n.type() != -Long && n.type() != -Int && n.type() != -Short)
            return Value::error("type");
        mode = n.rawInt();
        file = x.item(1);
    }
    if (file.type() != -Symbol || !file.symbolValue().startsWith(':')) return Value::error("type");
    const QString path = QDir::cleanPath(
        QDir::current().absoluteFilePath(QString::fromUtf8(file.symbolValue().mid(1))));
    // With a users file (as q -u) files are reachable only below the current directory, as \l;
    // the tickerplant's own log directory is allowed too.
    if (!m_users.isEmpty()) {
        const QString logDir = QFileInfo(m_tp->logPath()).absolutePath();
        const bool inside =
            path.startsWith(QDir::currentPath() + QLatin1Char('/')) ||
            (!m_tp->logPath().isEmpty() && path.startsWith(logDir + QLatin1Char('/')));
        if (!inside) return Value::error("access");
    }
    // Each chunk as an async message would be: .z.ps if the user defined it, else value.
    return tplog::streamingExecute(path, mode, [this](const Value &chunk) {
        const Value arg[] = {chunk};
        bool defined = false;
        Value r = callHandler(".z.ps", arg, &defined);
        if (!defined) r = m_q.evalMessage(chunk);
        return r;
    });
}

Value DemoEngine::loadScript(const QByteArray &name)
{
    // \l file: as kdb+ under -u, only files at or below the current directory ('access
    // otherwise); a file that is missing is q's 'name error.
    if (name.isEmpty()) return Value::error("nyi"); // \l alone: no database directory here
    const QString rel = QString::fromUtf8(name);
    if (QDir::isAbsolutePath(rel) || rel.startsWith(QLatin1Char('~')))
        return Value::error("access");
    const QDir base(QDir::currentPath());
    const QString path = QDir::cleanPath(base.absoluteFilePath(rel));
    const QString root = QDir::cleanPath(base.absolutePath());
    if (!path.startsWith(root + QLatin1Char('/'))) return Value::error("access");
    const QFileInfo info(path);
    if (info.exists() && info.canonicalFilePath() != path &&
        !info.canonicalFilePath().startsWith(QDir(root).canonicalPath() + QLatin1Char('/')))
        return Value::error("access"); // a symbolic link out of the directory
    if (!info.isFile()) return Value::error(name);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return Value::error(name);
    // q's script rules (continuation lines, comment blocks, \d), as Interpreter::runScript
    const Value r = m_q.runScript(f.readAll(), name);
    return r.isError() ? r : Value();
}

void DemoEngine::registerSystem()
{
    m_q.setSystemHandler([this](Interpreter &q, const QByteArray &cmdIn) -> std::optional<Value> {
        const QByteArray cmd = cmdIn.trimmed();
        const qsizetype sp = cmd.indexOf(' ');
        const QByteArray word = sp < 0 ? cmd : cmd.left(sp);
        const QByteArray arg = sp < 0 ? QByteArray() : cmd.mid(sp + 1).trimmed();
        if (word == "p") {
            if (!arg.isEmpty()) return Value::error("nyi"); // the demo listens where it was started
            QMutexLocker lock(&m_shared->mutex);
            return Value::intAtom(m_shared->port);
        }
        if (word == "t") {
            if (arg.isEmpty()) return Value::intAtom(m_tickMs);
            bool ok = false;
            const int ms = arg.toInt(&ok);
            if (!ok) return std::nullopt; // \t expr: the interpreter times it
            if (ms < 0) return Value::error("domain");
            setTimer(ms);
            return Value();
        }
        if (word == "a" && arg.isEmpty()) {
            const Value r = q.eval("tables`.");
            return r.type() == Symbol ? r : m_tp->t();
        }
        if (word == "l") return loadScript(arg);
        if (word == "w") {
            // \w: the first six of .Q.w[] (used heap peak wmax mmap mphy); \w 0|1: syms, symw.
            const Value w = dotQw().values();
            std::vector<int64_t> v(size_t(w.count()));
            for (int64_t i = 0; i < w.count(); ++i)
                v[size_t(i)] = w.at<int64_t>(i);
            if (arg.isEmpty())
                return Value::fromVector(Long, std::vector<int64_t>(v.begin(), v.begin() + 6));
            if (arg == "0" || arg == "1")
                return Value::fromVector(Long, std::vector<int64_t>(v.begin() + 6, v.end()));
            return Value::error("-w init via cmd line"); // no -w limit to raise
        }
        // kdb+ with a -u password file refuses \x (code.kx.com/q/basics/errors/#restricted)
        if (word == "x" && !m_users.isEmpty()) return Value::error("restricted");
        return std::nullopt;
    });
}

} // namespace qscope::detail
