#pragma once
/// How a q value is laid out as a grid: named columns over the value's own typed vectors (no
/// copies), with the key columns of a keyed table set apart. Pure data; any thread.

#include "protocol/value.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace qscope {

/// One grid column: a view of a vector, general list or key/value column of the result.
struct ResultColumn
{
    QByteArray name;
    Value data;       ///< a vector or a general list, count() == the shape's rows
    bool key = false; ///< a key column of a keyed table (or the keys of a dict)
};

/// The grid form of a value.
///  - table: its columns; keyed table: key columns, then value columns;
///  - dict with list-like keys and values: a `key` and a `value` column;
///  - vector or general list: one column; a string (char vector), an atom or anything else:
///    one cell (`scalar`), as q shows it.
struct ResultShape
{
    enum class Kind { Empty, Table, KeyedTable, Dict, List, Scalar };
    Kind kind = Kind::Empty;
    std::vector<ResultColumn> columns;
    int64_t rows = 0;
    Value scalar; ///< Kind::Scalar: the value shown in the single cell

    static ResultShape of(const Value &v);
    /// A table of all columns (keys unkeyed), for export and send; the value itself if no grid.
    static Value flatTable(const ResultShape &shape);

    /// What the value is, in q's terms: "42 rows × 3 cols (1 key)", "long atom", "string of 18
    /// chars", "long list of 3 items", "dict of 3 keys". shownRows: rows in view (-1: all).
    QString describe(int64_t shownRows = -1) const;
    int columnCount() const { return kind == Kind::Scalar ? 1 : int(columns.size()); }
    /// Text of one cell (q's cell form: no type suffix), for any row of the source.
    QByteArray cellText(int column, int64_t row) const;
    /// The cell as a value (a nested list item, an atom), for drill-down and q-text copy.
    Value cellValue(int column, int64_t row) const;
    /// True when the cell holds a nested value worth opening (a list, dict, table, vector).
    bool cellIsNested(int column, int64_t row) const;
    /// The q type of a column: a vector's type, 0 for general lists, the atom type for a scalar.
    int columnType(int column) const;
};

/// q's type letter and name for a type code, e.g. "j (long)", "s (symbol)", "(general list)".
QString qTypeDescription(int type);
/// q's type letter (b g x h i j e f c s p m d z n u v t), or ' ' for non-vector types.
char qTypeLetter(int type);
/// True for numeric (non-temporal) vector or atom types: b x h i j e f.
bool isNumericType(int type);

} // namespace qscope
