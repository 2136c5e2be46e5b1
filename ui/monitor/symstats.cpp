#include "symstats.h"

#include "cellformat.h"

#include <limits>

namespace qscope {
namespace {

int firstColumn(const Value &table, std::initializer_list<const char *> names)
{
    for (const char *n : names) {
        const int c = table.columnIndex(QByteArray(n));
        if (c >= 0) return c;
    }
    return -1;
}

} // namespace

void SymStats::ingest(const Value &table)
{
    if (!table.isTable()) return;
    const int symCol = table.columnIndex("sym");
    if (symCol < 0) return;
    const Value &syms = table.columns().item(symCol);
    const int pxCol = firstColumn(table, {"price", "bid"});
    const int szCol = firstColumn(table, {"size", "bsize"});
    const Value px = pxCol >= 0 ? table.columns().item(pxCol) : Value();
    const Value sz = szCol >= 0 ? table.columns().item(szCol) : Value();
    m_names = table.columnNames();
    const int64_t n = table.count();
    for (int64_t r = 0; r < n; ++r) {
        const QByteArray sym =
            syms.type() == Symbol ? syms.symAt(r) : detail::cellText(syms, r).toUtf8();
        auto it = m_index.constFind(sym);
        int i;
        if (it == m_index.cend()) {
            i = int(m_entries.size());
            m_index.insert(sym, i);
            m_entries.push_back(Entry{});
            m_entries.back().sym = sym;
        } else {
            i = *it;
        }
        Entry &e = m_entries[size_t(i)];
        ++e.count;
        e.lastTable = table;
        e.lastRow = r;
        double p = 0, s = 0;
        const bool hasP = pxCol >= 0 && detail::cellNumber(px, r, &p);
        const bool hasS = szCol >= 0 && detail::cellNumber(sz, r, &s);
        if (hasP) {
            e.last = p;
            e.hasLast = true;
        }
        if (hasS) {
            e.sizeSum += s;
            ++e.sizeCount;
        }
        if (hasP && hasS) {
            e.notional += p * s;
            e.volume += s;
        }
    }
    ++m_generation;
}

void SymStats::clear()
{
    m_entries.clear();
    m_index.clear();
    ++m_generation;
}

Value SymStats::toTable() const
{
    std::vector<QByteArray> syms;
    std::vector<int64_t> cnt;
    std::vector<double> last, avg, vwap;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const Entry &e : m_entries) {
        syms.push_back(e.sym);
        cnt.push_back(e.count);
        last.push_back(e.hasLast ? e.last : nan);
        avg.push_back(e.sizeCount ? e.avgSize() : nan);
        vwap.push_back(e.volume > 0 ? e.vwap() : nan);
    }
    std::vector<Value> cols;
    cols.push_back(Value::symbols(syms));
    cols.push_back(Value::fromVector(Long, std::move(cnt)));
    cols.push_back(Value::fromVector(Float, std::move(last)));
    cols.push_back(Value::fromVector(Float, std::move(avg)));
    cols.push_back(Value::fromVector(Float, std::move(vwap)));
    return Value::table(Value::symbols({"sym", "cnt", "last", "avgSize", "vwap"}),
                        Value::list(std::move(cols)));
}

} // namespace qscope
