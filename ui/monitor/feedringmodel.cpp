#include "feedringmodel.h"

#include "cellformat.h"
#include "protocol/tableconcat.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <algorithm>

namespace qscope {
namespace {

QChar typeChar(int t)
{
    static const char chars[] = " bg xhijefcspmdznuvt";
    const int a = t < 0 ? -t : t;
    if (a >= 1 && a <= 19) return QLatin1Char(chars[a]);
    return QLatin1Char(' ');
}

} // namespace

FeedRingModel::FeedRingModel(QObject *parent) : QAbstractTableModel(parent) {}

void FeedRingModel::adoptColumns(const Value &table)
{
    const Value &names = table.columnNames();
    std::vector<QByteArray> n;
    std::vector<int> t;
    for (int64_t i = 0; i < names.count(); ++i) {
        n.push_back(names.symAt(i));
        t.push_back(table.columns().item(i).type());
    }
    if (n == m_names && t == m_types) return;
    beginResetModel();
    m_names = std::move(n);
    m_types = std::move(t);
    // Existing segments map their columns by name again.
    for (Segment &s : m_segments) {
        if (s.kind != DataRow) continue;
        s.columnMap.clear();
        for (const QByteArray &name : m_names)
            s.columnMap.push_back(s.table.columnIndex(name));
    }
    endResetModel();
}

void FeedRingModel::setSchema(const Value &schemaTable)
{
    if (schemaTable.isTable()) adoptColumns(schemaTable);
}

void FeedRingModel::setCapacity(int64_t rows)
{
    rows = std::max<int64_t>(rows, 1);
    if (rows == m_capacity) return;
    m_capacity = rows;
    if (m_rawCount > m_capacity) {
        const int64_t excess = m_rawCount - m_capacity;
        const int64_t vis = trimFront(m_segments, excess, false);
        if (vis > 0) {
            const int first = m_newestOnTop ? int(m_visible - vis) : 0;
            beginRemoveRows({}, first, first + int(vis) - 1);
        }
        trimFront(m_segments, excess, true);
        if (vis > 0) endRemoveRows();
    }
}

void FeedRingModel::setNewestOnTop(bool on)
{
    if (on == m_newestOnTop) return;
    beginResetModel();
    m_newestOnTop = on;
    endResetModel();
}

void FeedRingModel::select(Segment &s) const
{
    s.sel.clear();
    if (s.kind != DataRow) {
        s.sel.push_back(0);
        return;
    }
    const int64_t n = s.table.count();
    if (!m_filter.isActive()) {
        s.sel.resize(size_t(n - s.rawBegin));
        for (int64_t i = s.rawBegin; i < n; ++i)
            s.sel[size_t(i - s.rawBegin)] = int32_t(i);
        return;
    }
    const int col = m_filter.bind(s.table);
    for (int64_t i = s.rawBegin; i < n; ++i)
        if (m_filter.matches(s.table, col, i)) s.sel.push_back(int32_t(i));
}

void FeedRingModel::setFilter(const FeedFilter &filter)
{
    beginResetModel();
    m_filter = filter;
    int64_t abs = 0;
    for (Segment &s : m_segments) {
        select(s);
        s.selBegin = 0;
        s.absStart = abs;
        abs += int64_t(s.sel.size());
    }
    m_headAbs = 0;
    m_tailAbs = abs;
    m_visible = abs;
    endResetModel();
}

FeedRingModel::Segment FeedRingModel::makeSegment(const Value &table) const
{
    Segment s;
    s.table = table;
    s.columnMap.reserve(m_names.size());
    for (const QByteArray &name : m_names)
        s.columnMap.push_back(table.columnIndex(name));
    select(s);
    return s;
}

int64_t FeedRingModel::trimFront(std::deque<Segment> &segs, int64_t raw, bool apply)
{
    int64_t visibleRemoved = 0;
    size_t i = 0;
    while (raw > 0 && i < segs.size()) {
        Segment &s = segs[i];
        const int64_t left = s.rawRows() - s.rawBegin;
        if (left <= raw) {
            visibleRemoved += int64_t(s.sel.size()) - s.selBegin;
            raw -= left;
            if (apply) {
                if (s.kind == DataRow) m_dropped += left;
                m_rawCount -= left;
            }
            ++i;
            continue;
        }
        // Partial: drop `raw` rows from the front of this segment.
        const int64_t newRawBegin = s.rawBegin + raw;
        int64_t selBegin = s.selBegin;
        while (selBegin < int64_t(s.sel.size()) && s.sel[size_t(selBegin)] < newRawBegin)
            ++selBegin;
        visibleRemoved += selBegin - s.selBegin;
        if (apply) {
            s.rawBegin = newRawBegin;
            s.selBegin = selBegin;
            m_dropped += raw;
            m_rawCount -= raw;
        }
        raw = 0;
    }
    if (apply) {
        segs.erase(segs.begin(), segs.begin() + std::ptrdiff_t(i));
        if (&segs == &m_segments) {
            m_visible -= visibleRemoved;
            m_headAbs += visibleRemoved;
        }
    }
    return visibleRemoved;
}

void FeedRingModel::push(std::vector<Segment> &&fresh)
{
    int64_t freshRaw = 0;
    for (const Segment &s : fresh)
        freshRaw += s.rawRows();
    if (freshRaw == 0) return;

    // 1. Make room among the rows already shown (one remove signal).
    const int64_t excess = std::min(m_rawCount, m_rawCount + freshRaw - m_capacity);
    if (excess > 0) {
        const int64_t vis = trimFront(m_segments, excess, false);
        if (vis > 0) {
            const int first = m_newestOnTop ? int(m_visible - vis) : 0;
            beginRemoveRows({}, first, first + int(vis) - 1);
        }
        trimFront(m_segments, excess, true);
        if (vis > 0) endRemoveRows();
    }
    // 2. A tick bigger than the ring keeps only its newest rows.
    std::deque<Segment> incoming(std::make_move_iterator(fresh.begin()),
                                 std::make_move_iterator(fresh.end()));
    m_rawCount += freshRaw;
    if (m_rawCount > m_capacity) {
        const int64_t over = m_rawCount - m_capacity;
        // trimFront on a side deque updates the counters it owns (raw, dropped) only.
        trimFront(incoming, over, true);
    }
    int64_t vis = 0;
    for (Segment &s : incoming) {
        s.sel.erase(s.sel.begin(), s.sel.begin() + std::ptrdiff_t(s.selBegin));
        s.selBegin = 0;
        vis += int64_t(s.sel.size());
    }
    // 3. One insert signal for what is new.
    if (vis > 0) {
        const int first = m_newestOnTop ? 0 : int(m_visible);
        beginInsertRows({}, first, first + int(vis) - 1);
    }
    for (Segment &s : incoming) {
        s.absStart = m_tailAbs;
        m_tailAbs += int64_t(s.sel.size());
        if (s.kind == DataRow && s.table.count() - s.rawBegin == 0) continue;
        if (!joinTail(s)) m_segments.push_back(std::move(s));
    }
    m_visible += vis;
    if (vis > 0) endInsertRows();
}

bool FeedRingModel::joinTail(Segment &s)
{
    if (s.kind != DataRow || m_segments.empty() || m_segments.back().kind != DataRow) return false;
    Segment &back = m_segments.back();
    const int64_t backRows = back.table.count() - back.rawBegin;
    const int64_t addRows = s.table.count() - s.rawBegin;
    if (!detail::shouldJoin(backRows, addRows) || !detail::sameLayout(back.table, s.table))
        return false;
    const detail::TableRows parts[] = {{back.table, back.rawBegin, -1}, {s.table, s.rawBegin, -1}};
    Value joined = detail::concatRows(parts);
    if (!joined.isTable()) return false;
    // The same rows stay visible (same rows, same filter), renumbered in the joined table; the
    // two segments are adjacent in absolute order, so back's start moves past what it trimmed.
    std::vector<int32_t> sel;
    sel.reserve(back.sel.size() - size_t(back.selBegin) + s.sel.size() - size_t(s.selBegin));
    for (size_t i = size_t(back.selBegin); i < back.sel.size(); ++i)
        sel.push_back(int32_t(back.sel[i] - back.rawBegin));
    for (size_t i = size_t(s.selBegin); i < s.sel.size(); ++i)
        sel.push_back(int32_t(s.sel[i] - s.rawBegin + backRows));
    back.absStart += back.selBegin;
    back.table = std::move(joined);
    back.sel = std::move(sel);
    back.selBegin = 0;
    back.rawBegin = 0;
    return true;
}

void FeedRingModel::appendTables(const std::vector<Value> &tables)
{
    std::vector<Value> kept;
    kept.reserve(tables.size());
    for (const Value &t : tables) {
        if (!t.isTable() || t.count() == 0) continue;
        if (m_names.empty()) adoptColumns(t);
        m_received += t.count();
        kept.push_back(t);
    }
    kept = detail::coalesceTables(std::move(kept));
    std::vector<Segment> fresh;
    fresh.reserve(kept.size());
    for (const Value &t : kept)
        fresh.push_back(makeSegment(t));
    push(std::move(fresh));
}

void FeedRingModel::appendMarker(RowKind kind, const QString &text)
{
    Segment s;
    s.kind = kind;
    s.text = text;
    s.sel.push_back(0);
    std::vector<Segment> fresh;
    fresh.push_back(std::move(s));
    push(std::move(fresh));
}

void FeedRingModel::clear()
{
    beginResetModel();
    m_segments.clear();
    m_rawCount = m_visible = m_headAbs = m_tailAbs = 0;
    endResetModel();
}

const FeedRingModel::Segment *FeedRingModel::locate(int row, int64_t *selIndex) const
{
    if (row < 0 || row >= m_visible) return nullptr;
    const int64_t ordinal = m_newestOnTop ? m_visible - 1 - row : row;
    const int64_t abs = m_headAbs + ordinal;
    auto it = std::upper_bound(m_segments.begin(), m_segments.end(), abs,
                               [](int64_t a, const Segment &s) { return a < s.absStart; });
    if (it == m_segments.begin()) return nullptr;
    --it;
    const int64_t k = abs - it->absStart;
    if (k < it->selBegin || k >= int64_t(it->sel.size())) return nullptr;
    *selIndex = k;
    return &*it;
}

bool FeedRingModel::rowSource(int row, Value *table, int64_t *tableRow) const
{
    int64_t k = 0;
    const Segment *s = locate(row, &k);
    if (!s || s->kind != DataRow) return false;
    *table = s->table;
    *tableRow = s->sel[size_t(k)];
    return true;
}

FeedRingModel::RowKind FeedRingModel::rowKind(int row) const
{
    int64_t k = 0;
    const Segment *s = locate(row, &k);
    return s ? s->kind : DataRow;
}

QStringList FeedRingModel::columnNames() const
{
    QStringList out;
    for (const QByteArray &n : m_names)
        out << QString::fromUtf8(n);
    return out;
}

int FeedRingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible);
}

int FeedRingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : std::max(1, int(m_names.size()));
}

QVariant FeedRingModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.column() >= columnCount()) return {};
    int64_t k = 0;
    const Segment *s = locate(index.row(), &k);
    if (!s) return {};
    if (role == RowKindRole) return int(s->kind);
    if (s->kind != DataRow) {
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == 0 ? QVariant(s->text) : QVariant();
        case Qt::BackgroundRole:
            return QBrush(s->kind == EndOfDayMarker ? QColor(255, 236, 179)
                          : s->kind == GapMarker    ? QColor(255, 205, 210)
                                                    : QColor(227, 242, 253));
        case Qt::FontRole: {
            QFont f;
            f.setBold(true);
            return f;
        }
        case Qt::ToolTipRole:
            return s->text;
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        const int col =
            index.column() < int(s->columnMap.size()) ? s->columnMap[size_t(index.column())] : -1;
        if (col < 0) return {};
        return detail::cellText(s->table.columns().item(col), s->sel[size_t(k)]);
    }
    if (role == Qt::TextAlignmentRole && index.column() < int(m_types.size())) {
        const int t = m_types[size_t(index.column())];
        const bool numeric = (t >= Short && t <= Float) || (t >= Timestamp && t <= Time);
        return QVariant::fromValue(numeric ? Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter)
                                           : Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    }
    return {};
}

QVariant FeedRingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (m_names.empty())
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("(waiting for rows)"))
                                       : QVariant();
    if (role == Qt::DisplayRole) return QString::fromUtf8(m_names[size_t(section)]);
    if (role == Qt::ToolTipRole)
        return QString(QString::fromUtf8(m_names[size_t(section)]) + QStringLiteral(" (") +
                       typeChar(m_types[size_t(section)]) + QLatin1Char(')'));
    return {};
}

} // namespace qscope
