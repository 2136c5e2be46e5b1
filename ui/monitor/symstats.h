#pragma once
/// Live per-sym state of one feed table: the last row, and the analytic of the PyKX tick example
/// (seed 000): count, last price, average size, VWAP. Plain data updated at ingest; the models
/// over it (LastValueModel, SymAggregatesModel) show it at the UI tick.

#include "protocol/value.h"

#include <QByteArray>
#include <QHash>

#include <vector>

namespace qscope {

class SymStats
{
public:
    struct Entry
    {
        QByteArray sym;
        int64_t count = 0;
        double last = 0;
        bool hasLast = false;
        double sizeSum = 0;
        int64_t sizeCount = 0;
        double notional = 0; ///< sum price*size
        double volume = 0;   ///< sum size
        Value lastTable;     ///< the table holding this sym's last row
        int64_t lastRow = -1;
        double avgSize() const { return sizeCount ? sizeSum / double(sizeCount) : 0; }
        double vwap() const { return volume > 0 ? notional / volume : 0; }
    };

    // GUI thread ------------------------------------------------------------------------------
    /// Price column: "price", else "bid"; size column: "size", else "bsize". Rows without a sym
    /// column are ignored.
    void ingest(const Value &table);
    void clear();
    int count() const { return int(m_entries.size()); }
    const Entry &at(int i) const { return m_entries[size_t(i)]; }
    int indexOf(const QByteArray &sym) const { return m_index.value(sym, -1); }
    /// Column names of the last table seen (the last-value view's columns).
    const Value &columnNames() const { return m_names; }
    /// ([] sym; cnt; last; avgSize; vwap): what "push aggregates" sends.
    Value toTable() const;
    /// Bumped by each ingest; models compare it to know whether to refresh.
    quint64 generation() const { return m_generation; }

private:
    std::vector<Entry> m_entries;
    QHash<QByteArray, int> m_index;
    Value m_names;
    quint64 m_generation = 0;
};

} // namespace qscope
