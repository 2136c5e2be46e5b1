#include "tplog/tplogfilter.h"

#include "protocol/columnops.h"

#include <QRegularExpression>

namespace qscope::tplog {

namespace {

int64_t timeOfDay(int64_t raw, int type)
{
    if (type == Timestamp || type == -Timestamp) {
        int64_t ns = raw % kNanosPerDay;
        return ns < 0 ? ns + kNanosPerDay : ns;
    }
    return raw;
}

} // namespace

std::optional<int64_t> MessageFilter::parseTime(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(?:0D)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch()) return std::nullopt;
    const int64_t h = m.captured(1).toLongLong(), mi = m.captured(2).toLongLong(),
                  s = m.captured(3).toLongLong();
    if (h > 23 || mi > 59 || s > 59) return std::nullopt;
    QString frac = m.captured(4);
    frac = frac.leftJustified(9, QLatin1Char('0'));
    return ((h * 60 + mi) * 60 + s) * 1000000000LL + frac.toLongLong();
}

bool MessageFilter::mayMatch(const TpLogReader &reader, const ChunkInfo &c) const
{
    if (!table.isEmpty() && reader.tableName(c) != table) return false;
    if (to && c.timeType && timeOfDay(c.time, c.timeType) > *to) return false;
    return true;
}

Value MessageFilter::apply(const Value &message) const
{
    const bool shaped =
        message.isList() && message.count() >= 3 && message.item(1).type() == -Symbol;
    if (!shaped) return filtersRows() || !table.isEmpty() ? Value() : message;
    if (!table.isEmpty() && message.item(1).symbolValue() != table) return Value();
    if (!filtersRows()) return message;
    const Value &x = message.item(2);
    // the columns of x, and which is time, which is sym
    std::vector<Value> cols;
    int timeCol = -1, symCol = -1;
    bool oneRow = false;
    if (x.isTable()) {
        for (int64_t i = 0; i < x.columns().count(); ++i)
            cols.push_back(x.columns().item(i));
        timeCol = x.columnIndex("time");
        symCol = x.columnIndex("sym");
    } else if (x.isList()) {
        cols = x.items();
        if (!cols.empty() && cols.front().isAtom()) oneRow = true;
        for (size_t i = 0; i < cols.size(); ++i) {
            const int t = oneRow ? -cols[i].type() : cols[i].type();
            if (i == 0 && (t == Timespan || t == Timestamp)) timeCol = 0;
            if (symCol < 0 && t == Symbol) symCol = int(i);
        }
    } else {
        return Value(); // a row filter cannot read x
    }
    if ((!syms.isEmpty() && symCol < 0) || ((from || to) && timeCol < 0)) return Value();
    const int64_t rows = cols.empty() ? 0 : (oneRow ? 1 : cols.front().count());
    std::vector<int64_t> keep;
    for (int64_t r = 0; r < rows; ++r) {
        if (symCol >= 0 && !syms.isEmpty()) {
            const Value &c = cols[size_t(symCol)];
            const QByteArray &s = oneRow ? c.symbolValue() : c.symAt(r);
            if (!syms.contains(s)) continue;
        }
        if (timeCol >= 0 && (from || to)) {
            const Value &c = cols[size_t(timeCol)];
            const int64_t t =
                timeOfDay(oneRow ? c.rawInt() : c.at<int64_t>(r), oneRow ? -c.type() : c.type());
            if ((from && t < *from) || (to && t > *to)) continue;
        }
        keep.push_back(r);
    }
    if (keep.empty()) return Value();
    if (oneRow || int64_t(keep.size()) == rows) return message;
    std::vector<Value> out;
    for (const Value &c : cols)
        out.push_back(gatherRows(c, keep));
    const Value nx = x.isTable() ? Value::table(x.columnNames(), Value::list(std::move(out)))
                                 : Value::list(std::move(out));
    std::vector<Value> parts = message.items();
    parts[2] = nx;
    return Value::list(std::move(parts));
}

} // namespace qscope::tplog
