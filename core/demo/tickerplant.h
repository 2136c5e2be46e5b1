#pragma once
/// The kdb-tick tickerplant (tick.q + u.q) with an RDB in the same process. Message shapes are
/// u.q's: .u.sub[t;s] returns (t;schema) or, for t = `, a list of them; updates go out as async
/// (`upd;`t;table) sym-filtered per subscriber; end of day as async (`.u.end;date) once to every
/// subscribed handle. .u.w maps each table to a list of (handle;syms) pairs, as u.q keeps it.
///
/// Thread: the interpreter thread only. Sending is a callback (the server queues the message to
/// its network thread); the RDB side keeps today's rows in RdbTables.

#include "demo/rdbtable.h"
#include "protocol/value.h"
#include "tplog/tplogwriter.h"

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace qscope::detail {

class Tickerplant
{
public:
    /// handle, message: send async (a negative handle in q terms).
    using Send = std::function<void(int handle, const Value &message)>;
    /// A table's RDB rows changed (append or end of day): name, new rows.
    using Changed = std::function<void(const QByteArray &table, const Value &rows)>;

    Tickerplant(Send send, Changed changed);

    void addTable(std::unique_ptr<RdbTable> table);
    /// -t: false publishes each upd at once; true buffers updates until flush().
    void setTimerMode(bool batching) { m_batching = batching; }
    bool timerMode() const { return m_batching; }
    void setDate(int32_t qdate) { m_date = qdate; }
    /// tick.q's log: .u.L is dir/sym<date>, opened (created or checked) as .u.ld does, which
    /// sets .u.i and .u.j from the chunks already there; every upd is appended as
    /// (`upd;t;x) with x as tick.q logs it; a new file per day. False and *error as tick.q
    /// refuses a corrupt log.
    bool openLog(const QString &dir, QString *error);
    /// `:path of today's log, empty when not logging.
    QString logPath() const { return m_log ? m_log->path() : QString(); }
    /// The last error writing the log (logging stops, as tick.q would exit).
    QString logError() const { return m_logError; }

    // u.q's functions. Errors come back as Value::error(word).
    Value sub(int handle, const Value &table, const Value &syms);
    Value upd(const Value &table, const Value &x, int64_t timeOfDay);
    Value pub(const QByteArray &table, const Value &rows);
    /// .u.end: sends (`.u.end;d) to every subscriber, clears the RDB, moves to the next day.
    void endOfDay();
    /// The timer (.z.ts in tick.q's -t mode): publish what was buffered.
    void flush();
    /// .z.pc's `del[;x] each t`.
    void removeHandle(int handle);
    Value del(const QByteArray &table, int handle);

    // read-only views for q (.u.w .u.t .u.i .u.j .u.d)
    Value w() const;
    Value t() const;
    int64_t i() const { return m_i; }
    int64_t j() const { return m_j; }
    int32_t date() const { return m_date; }
    RdbTable *table(const QByteArray &name) const;
    std::vector<QByteArray> tableNames() const;
    /// Number of (handle, table) subscriptions.
    int subscriptionCount() const;

private:
    struct Subscription
    {
        int handle = 0;
        Value syms; // ` (null symbol atom) = all, else a symbol vector
    };
    struct Entry
    {
        std::unique_ptr<RdbTable> rdb;
        std::unique_ptr<RdbTable> pending; // -t mode buffer
        std::vector<Subscription> subs;
    };
    Entry *entry(const QByteArray &name);
    Value select(const Value &rows, const Value &syms) const;
    void storeRdb(Entry &e, const Value &rows);

    bool ld(QString *error);
    void writeLog(const Value &table, const Value &x, int64_t timeOfDay);

    Send m_send;
    Changed m_changed;
    std::vector<QByteArray> m_order;
    std::map<QByteArray, Entry> m_tables;
    bool m_batching = false;
    int64_t m_i = 0;
    int64_t m_j = 0;
    int32_t m_date = 0;
    QString m_logDir;
    QString m_logError;
    std::unique_ptr<tplog::TpLogWriter> m_log;
};

} // namespace qscope::detail
