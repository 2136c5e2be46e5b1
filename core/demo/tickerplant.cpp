#include "demo/tickerplant.h"

#include "demo/columnutil.h"

#include <QDate>
#include <QDir>
#include <QSet>

#include <algorithm>

namespace qscope::detail {

namespace {

bool isAllSyms(const Value &s)
{
    return s.type() == -Symbol && s.symbolValue().isEmpty();
}

/// x as tick.q's upd logs it: `if[not -16=type first first x; a:"n"$.z.P;
/// x:$[0>type first x;a,x;(enlist(count first x)#a),x]]`. A table is logged as given.
Value tickLogged(const Value &x, int64_t timeOfDay)
{
    if (x.isTable() || !(x.isList() || x.isVector())) return x;
    std::vector<Value> items = columnItems(x);
    if (items.empty()) return x;
    const Value &first = items.front();
    const int ff = first.isAtom()                        ? first.type()
                   : first.isVector()                    ? -first.type()
                   : first.isList() && first.count() > 0 ? first.item(0).type()
                                                         : 0;
    if (ff == -Timespan) return x;
    if (first.isAtom())
        items.insert(items.begin(), Value::atom(-Timespan, timeOfDay));
    else
        items.insert(
            items.begin(),
            Value::fromVector(Timespan, std::vector<int64_t>(size_t(first.count()), timeOfDay)));
    return Value::list(std::move(items));
}

} // namespace

Tickerplant::Tickerplant(Send send, Changed changed)
    : m_send(std::move(send)), m_changed(std::move(changed))
{}

void Tickerplant::addTable(std::unique_ptr<RdbTable> table)
{
    const QByteArray name = table->name();
    std::vector<int> types;
    for (size_t i = 0; i < table->columnNames().size(); ++i)
        types.push_back(table->columnType(int(i)));
    Entry e;
    e.pending = std::make_unique<RdbTable>(name, table->columnNames(), types);
    e.rdb = std::move(table);
    m_order.push_back(name);
    m_tables.emplace(name, std::move(e));
}

Tickerplant::Entry *Tickerplant::entry(const QByteArray &name)
{
    const auto it = m_tables.find(name);
    return it == m_tables.end() ? nullptr : &it->second;
}

RdbTable *Tickerplant::table(const QByteArray &name) const
{
    const auto it = m_tables.find(name);
    return it == m_tables.end() ? nullptr : it->second.rdb.get();
}

std::vector<QByteArray> Tickerplant::tableNames() const
{
    return m_order;
}

int Tickerplant::subscriptionCount() const
{
    int n = 0;
    for (const auto &kv : m_tables)
        n += int(kv.second.subs.size());
    return n;
}

Value Tickerplant::sub(int handle, const Value &table, const Value &symsIn)
{
    // A general list of symbol atoms (what JSON-ish clients send) is a symbol list.
    const Value syms =
        symsIn.isList() && symsIn.count() > 0 ? vectorFromAtoms(symsIn.items()) : symsIn;
    if (table.type() == Symbol) {
        // A list of tables (not in u.q, which wants an atom): what `sub[;y] each` would give.
        std::vector<Value> out;
        for (int64_t k = 0; k < table.count(); ++k) {
            Value r = sub(handle, Value::symbol(table.symAt(k)), syms);
            if (r.isError()) return r;
            out.push_back(std::move(r));
        }
        return Value::list(std::move(out));
    }
    if (table.type() != -Symbol) return Value::error("type");
    const bool symsOk =
        syms.type() == -Symbol || syms.type() == Symbol || (syms.isList() && syms.count() == 0);
    if (!symsOk) return Value::error("type");
    if (isAllSyms(table)) { // if[x~`;:sub[;y]each t]
        std::vector<Value> out;
        for (const QByteArray &t : m_order)
            out.push_back(sub(handle, Value::symbol(t), syms));
        return Value::list(std::move(out));
    }
    Entry *e = entry(table.symbolValue());
    if (!e) // if[not x in t;'x]
        return Value::error(table.symbolValue());
    del(table.symbolValue(), handle);
    Value filter = syms;
    if (syms.type() == -Symbol && !isAllSyms(syms))
        filter = Value::symbols({syms.symbolValue()});
    else if (syms.isList())
        filter = Value::symbols(std::vector<QByteArray>{});
    e->subs.push_back(Subscription{handle, filter});
    return Value::list({table, e->rdb->schema()});
}

Value Tickerplant::del(const QByteArray &table, int handle)
{
    Entry *e = entry(table);
    if (!e) return Value::error(table);
    auto &s = e->subs;
    s.erase(std::remove_if(s.begin(), s.end(),
                           [handle](const Subscription &x) { return x.handle == handle; }),
            s.end());
    return Value();
}

void Tickerplant::removeHandle(int handle)
{
    for (const QByteArray &t : m_order)
        del(t, handle);
}

Value Tickerplant::select(const Value &rows, const Value &syms) const
{
    if (isAllSyms(syms)) return rows;
    const int symCol = rows.columnIndex("sym");
    if (symCol < 0) return rows;
    QSet<QByteArray> wanted;
    for (int64_t k = 0; k < syms.count(); ++k)
        wanted.insert(syms.symAt(k));
    const Value &col = rows.columns().item(symCol);
    std::vector<int64_t> keep;
    for (int64_t r = 0; r < col.count(); ++r)
        if (wanted.contains(col.symAt(r))) keep.push_back(r);
    // select from x where sym in y: the result's columns carry no attributes.
    std::vector<Value> cols;
    for (int64_t c = 0; c < rows.columns().count(); ++c)
        cols.push_back(gatherRows(rows.columns().item(c), keep).withAttr(Attr::None));
    return Value::table(rows.columnNames(), Value::list(std::move(cols)));
}

Value Tickerplant::pub(const QByteArray &table, const Value &rows)
{
    Entry *e = entry(table);
    if (!e) return Value::error(table);
    if (!rows.isTable()) return Value::error("type");
    const Value name = Value::symbol(table);
    const Value upd = Value::symbol("upd");
    for (const Subscription &s : e->subs) {
        const Value x = select(rows, s.syms);
        if (x.count() > 0) m_send(s.handle, Value::list({upd, name, x}));
    }
    return Value();
}

void Tickerplant::storeRdb(Entry &e, const Value &rows)
{
    if (!e.rdb->append(rows).isEmpty()) return; // rows were built against the same schema
    m_changed(e.rdb->name(), e.rdb->snapshot());
}

Value Tickerplant::upd(const Value &table, const Value &x, int64_t timeOfDay)
{
    if (table.type() != -Symbol) return Value::error("type");
    Entry *e = entry(table.symbolValue());
    if (!e) return Value::error(table.symbolValue());
    QByteArray err;
    const Value rows = e->rdb->rowsFromUpd(x, timeOfDay, &err);
    if (!err.isEmpty()) return Value::error(err);
    writeLog(table, x, timeOfDay);
    if (m_batching) {
        e->pending->append(rows);
        ++m_j;
        return Value();
    }
    pub(table.symbolValue(), rows);
    storeRdb(*e, rows);
    ++m_i;
    m_j = m_i;
    return Value();
}

void Tickerplant::flush()
{
    for (const QByteArray &t : m_order) {
        Entry &e = m_tables.at(t);
        if (e.pending->count() == 0) continue;
        // tick.q -t: pub'[t;value each t] with the buffered tables, whose sym keeps g#.
        const Value rows = e.pending->snapshot();
        pub(t, rows);
        storeRdb(e, rows);
        e.pending->clear();
    }
    m_i = m_j;
}

void Tickerplant::endOfDay()
{
    if (m_batching) flush();
    // end:{(neg union/[w[;;0]])@\:(`.u.end;x)}: each distinct handle once, in order.
    std::vector<int> handles;
    for (const QByteArray &t : m_order)
        for (const Subscription &s : m_tables.at(t).subs)
            if (std::find(handles.begin(), handles.end(), s.handle) == handles.end())
                handles.push_back(s.handle);
    const Value msg = Value::list({Value::symbol(".u.end"), Value::atom(-Date, m_date)});
    for (int h : handles)
        m_send(h, msg);
    // The RDB's .u.end saves to the HDB and empties its tables; the demo keeps no HDB.
    for (const QByteArray &t : m_order) {
        Entry &e = m_tables.at(t);
        e.rdb->clear();
        m_changed(t, e.rdb->snapshot());
    }
    ++m_date;
    // endofday: if[l;hclose l;l::0(`.u.ld;d)]
    if (m_log) {
        m_log.reset();
        QString error;
        if (!ld(&error)) m_logError = error;
    }
}

bool Tickerplant::openLog(const QString &dir, QString *error)
{
    m_logDir = dir;
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create the log directory %1").arg(dir);
        return false;
    }
    return ld(error);
}

bool Tickerplant::ld(QString *error)
{
    // L::`$":",y,"/",x,10#"." then the date: dir/sym2024.10.23
    const QString name = QStringLiteral("sym") +
                         QDate(2000, 1, 1).addDays(m_date).toString(QStringLiteral("yyyy.MM.dd"));
    m_log = tplog::TpLogWriter::open(QDir(m_logDir).filePath(name), error);
    if (!m_log) return false;
    m_i = m_j = m_log->count(); // i::j::-11!(-2;L)
    return true;
}

void Tickerplant::writeLog(const Value &table, const Value &x, int64_t timeOfDay)
{
    if (!m_log) return;
    // if[l;l enlist (`upd;t;x); ...]
    QString error;
    if (!m_log->append(Value::list({Value::symbol("upd"), table, tickLogged(x, timeOfDay)}),
                       &error)) {
        m_logError = error; // tick.q would stop here; the demo stops logging and says why
        m_log.reset();
    }
}

Value Tickerplant::w() const
{
    std::vector<Value> perTable;
    for (const QByteArray &t : m_order) {
        std::vector<Value> pairs;
        for (const Subscription &s : m_tables.at(t).subs)
            pairs.push_back(Value::list({Value::intAtom(s.handle), s.syms}));
        perTable.push_back(Value::list(std::move(pairs)));
    }
    return Value::dict(this->t(), Value::list(std::move(perTable)));
}

Value Tickerplant::t() const
{
    return Value::symbols(m_order);
}

} // namespace qscope::detail
