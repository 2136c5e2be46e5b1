#pragma once
/// The live view's row filter: a sym list (`AAPL`MSFT`, "AAPL MSFT") or a column condition
/// `column op literal` with op one of = <> < > <= >= in, the right-hand side in q literal syntax
/// (core's parseLiteral), e.g. `price > 100.5`, `sym in `AAPL`IBM`, `size>=500`.

#include "protocol/value.h"

#include <QByteArray>
#include <QSet>
#include <QString>

namespace qscope {

class FeedFilter
{
public:
    enum Op { All, SymIn, Eq, Ne, Lt, Gt, Le, Ge, In };

    /// Parse filter text; on failure returns false and sets error (with the character position).
    bool parse(const QString &text, QString *error);
    bool isActive() const { return m_op != All; }
    QString text() const { return m_text; }

    /// Column of `table` this filter reads, -1 if the table lacks it (then nothing matches).
    int bind(const Value &table) const;
    /// Does row `row` of `table` pass? `column` is bind(table).
    bool matches(const Value &table, int column, int64_t row) const;

private:
    QString m_text;
    Op m_op = All;
    QByteArray m_column;
    Value m_rhs;
    bool m_rhsNumeric = false;
    double m_rhsNumber = 0;
    QSet<QByteArray> m_strings; ///< SymIn / In / Eq on syms and strings
};

} // namespace qscope
