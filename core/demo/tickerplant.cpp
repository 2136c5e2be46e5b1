#include "demo/tickerplant.h"

#include "demo/columnutil.h"

#include <QSet>

#include <algorithm>

namespace qscope::detail {

namespace {

bool isAllSyms(const Value &s)
{
    return s.type() == -Symbol && s.symbolValue().isEmpty();
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
        symsIn.isList() && symsIn.count() > 0 ? collapseAtoms(symsIn.items()) : symsIn;
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
