#pragma once
/// A table that grows by appending rows without copying what it already holds: each column is a
/// buffer with spare capacity, and a snapshot is a Value viewing the first n rows of it. Later
/// appends write only past n, so a snapshot handed to another thread stays valid and unchanged;
/// growing past the capacity moves to a new buffer and old snapshots keep the old one alive.
///
/// Thread: owned and appended on the interpreter thread; snapshots may be read anywhere.

#include "protocol/value.h"

#include <QByteArray>
#include <QHash>

#include <memory>
#include <vector>

namespace qscope::detail {

class RdbTable
{
public:
    /// Columns of fixed-width types or Symbol. The column named `sym` is kept with `g#`.
    RdbTable(QByteArray name, const std::vector<QByteArray> &columns,
             const std::vector<int> &types);

    const QByteArray &name() const { return m_name; }
    int64_t count() const { return m_count; }
    const std::vector<QByteArray> &columnNames() const { return m_names; }
    int columnType(int i) const { return m_cols[size_t(i)].type; }

    /// The rows held now, as a q table (`g#` on sym, as tick keeps it).
    Value snapshot() const;
    /// `@[0#t;`sym;`g#]`: the empty table u.q's .u.sub returns as the schema.
    Value schema() const;

    /// Appends the rows of a table with exactly these columns, in any order, same types.
    /// Returns a q error word ("type", "mismatch") or an empty array on success.
    QByteArray append(const Value &rows);
    void clear();

    /// tick.q's upd argument to rows: a list of columns or a list of atoms (one row), with or
    /// without the leading `time` column (then filled with timeOfDay, a timespan in ns, as tick.q
    /// does with "n"$.z.P), or a table. On failure returns a null Value and sets *error to a word.
    Value rowsFromUpd(const Value &x, int64_t timeOfDay, QByteArray *error) const;

private:
    struct Column
    {
        int type = 0;
        int width = 0;
        std::shared_ptr<std::vector<char>> buffer; // capacity * width bytes, first count used
        std::shared_ptr<SymbolPool> pool;          // symbols: strings, replaced on each new one
        QHash<QByteArray, uint32_t> index;         // symbols: string -> pool position
    };
    void reserve(int64_t rows);
    uint32_t internSymbol(Column &c, const QByteArray &s);
    Value columnValue(const Column &c, int64_t n) const;

    QByteArray m_name;
    std::vector<QByteArray> m_names;
    std::vector<Column> m_cols;
    int64_t m_count = 0;
    int64_t m_capacity = 0;
};

} // namespace qscope::detail
