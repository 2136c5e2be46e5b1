#include "feedfilter.h"

#include "cellformat.h"

#include "protocol/literal.h"

#include <QRegularExpression>

namespace qscope {
namespace {

bool parseRhs(const QByteArray &text, Value *out, QString *error, int offset)
{
    const LiteralResult r = parseLiteral(text.trimmed());
    if (!r.ok()) {
        const int pos = r.error->position >= 0 ? offset + r.error->position : offset;
        *error = QStringLiteral("%1 (at %2)").arg(r.error->message).arg(pos + 1);
        return false;
    }
    *out = r.value;
    return true;
}

QByteArray elementBytes(const Value &column, int64_t row)
{
    if (column.type() == Symbol) return column.symAt(row);
    if (column.type() == List && column.item(row).type() == Char)
        return QByteArray(column.item(row).rawData(), qsizetype(column.item(row).count()));
    return detail::cellText(column, row).toUtf8();
}

} // namespace

bool FeedFilter::parse(const QString &text, QString *error)
{
    m_text = text.trimmed();
    m_op = All;
    m_strings.clear();
    m_column.clear();
    m_rhs = Value();
    m_rhsNumeric = false;
    if (m_text.isEmpty()) return true;

    static const QRegularExpression cond(
        QStringLiteral(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<>|<=|>=|=|<|>|\bin\b)\s*(.*)$)"));
    const QRegularExpressionMatch m = cond.match(m_text);
    if (!m.hasMatch()) {
        // A list of syms: `A`B, or words separated by spaces/commas.
        static const QRegularExpression symList(QStringLiteral(R"(^[`A-Za-z0-9_.:/ ,]+$)"));
        if (!symList.match(m_text).hasMatch()) {
            *error = QStringLiteral("expected syms (`AAPL`MSFT) or a condition (price > 100.5)");
            return false;
        }
        QString s = m_text;
        s.replace(QLatin1Char('`'), QLatin1Char(' ')).replace(QLatin1Char(','), QLatin1Char(' '));
        for (const QString &w : s.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            m_strings.insert(w.toUtf8());
        if (m_strings.isEmpty()) {
            *error = QStringLiteral("no syms given");
            return false;
        }
        m_op = SymIn;
        m_column = "sym";
        return true;
    }
    m_column = m.captured(1).toUtf8();
    const QString op = m.captured(2);
    const QString rhsText = m.captured(3);
    if (rhsText.trimmed().isEmpty()) {
        *error = QStringLiteral("missing value after %1 (at %2)").arg(op).arg(m.capturedEnd(2) + 1);
        return false;
    }
    QString why;
    if (!parseRhs(rhsText.toUtf8(), &m_rhs, &why, int(m.capturedStart(3)))) {
        *error = why;
        return false;
    }
    m_op = op == QLatin1String("=")    ? Eq
           : op == QLatin1String("<>") ? Ne
           : op == QLatin1String("<")  ? Lt
           : op == QLatin1String(">")  ? Gt
           : op == QLatin1String("<=") ? Le
           : op == QLatin1String(">=") ? Ge
                                       : In;
    if (m_rhs.isAtom()) {
        m_rhsNumeric = detail::atomNumber(m_rhs, &m_rhsNumber);
        if (m_rhs.type() == -Symbol)
            m_strings.insert(m_rhs.symbolValue());
        else if (!m_rhsNumeric)
            m_strings.insert(detail::atomText(m_rhs).toUtf8());
    } else if (m_rhs.type() == Char) {
        m_strings.insert(QByteArray(m_rhs.rawData(), qsizetype(m_rhs.count())));
    } else if (m_rhs.isVector() || m_rhs.isList()) {
        for (int64_t i = 0; i < m_rhs.count(); ++i)
            m_strings.insert(elementBytes(m_rhs, i));
    }
    if ((m_op == Lt || m_op == Gt || m_op == Le || m_op == Ge) && !m_rhsNumeric) {
        *error = QStringLiteral("%1 needs a number on the right").arg(op);
        m_op = All;
        return false;
    }
    if (m_op == In && m_rhs.isAtom()) m_op = Eq;
    return true;
}

int FeedFilter::bind(const Value &table) const
{
    if (!isActive() || !table.isTable()) return -1;
    return table.columnIndex(m_column);
}

bool FeedFilter::matches(const Value &table, int column, int64_t row) const
{
    if (m_op == All) return true;
    if (column < 0) return false;
    const Value &col = table.columns().item(column);
    if (m_op == SymIn || m_op == In) return m_strings.contains(elementBytes(col, row));
    if (m_rhsNumeric) {
        double x = 0;
        if (!detail::cellNumber(col, row, &x)) return m_op == Ne;
        switch (m_op) {
        case Eq:
            return x == m_rhsNumber;
        case Ne:
            return x != m_rhsNumber;
        case Lt:
            return x < m_rhsNumber;
        case Gt:
            return x > m_rhsNumber;
        case Le:
            return x <= m_rhsNumber;
        case Ge:
            return x >= m_rhsNumber;
        default:
            return false;
        }
    }
    const bool eq = m_strings.contains(elementBytes(col, row));
    return m_op == Eq ? eq : !eq;
}

} // namespace qscope
