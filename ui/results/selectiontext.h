#pragma once
/// Text of a grid selection for the clipboard: tab-separated with a header line, or q text
/// (the one-line form of the selected rows and columns, as -3! prints it). Any thread.

#include "resultshape.h"

#include <QByteArray>

#include <vector>

namespace qscope {

/// Header line of column names, then one line per row; cells as the grid shows them, with tabs
/// and newlines inside a cell replaced by spaces so the grid shape survives a paste.
QByteArray selectionAsTsv(const ResultShape &shape, const std::vector<int> &columns,
                          const std::vector<int64_t> &rows);

/// One cell: that value's q text; one column: the column's vector; otherwise a table (keyed if
/// key columns were selected along with value columns), all as q text that reads back to the
/// same values (formatLiteral: exact floats, `$"a,b" for symbols q's lexer would split).
QByteArray selectionAsQ(const ResultShape &shape, const std::vector<int> &columns,
                        const std::vector<int64_t> &rows);

} // namespace qscope
