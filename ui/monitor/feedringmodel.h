#pragma once
/// The live rows of one table of a feed: a ring buffer over the typed tables that came off the
/// wire.
///
/// Rows are kept as (table Value, row index) segments, never as strings: a cell is formatted in
/// data() only. The tables of one append, and small appends in a row, are joined into one table
/// of typed columns (tableconcat.h), so the ring costs about rows x row width whatever the rows
/// per message: a segment per single-row message would keep each decoded message alive.
/// Capacity counts retained rows (markers included); when full, the oldest rows go
/// and droppedRows() says how many. A filter selects rows of what is retained; changing it
/// re-filters the retained rows (one model reset). appendTables() is meant to be called once per
/// UI tick: it emits at most one rowsRemoved and one rowsInserted. GUI thread only.

#include "feedfilter.h"
#include "protocol/value.h"

#include <QAbstractTableModel>

#include <deque>
#include <vector>

namespace qscope {

class FeedRingModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum RowKind { DataRow = 0, EndOfDayMarker = 1, GapMarker = 2, InfoMarker = 3 };
    static constexpr int RowKindRole = Qt::UserRole + 1;

    explicit FeedRingModel(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Column names (and types, for the header tooltip) from .u.sub's schema, an empty table.
    void setSchema(const Value &schemaTable);
    bool hasSchema() const { return !m_names.empty(); }
    void setCapacity(int64_t rows);
    int64_t capacity() const { return m_capacity; }
    void setNewestOnTop(bool on);
    bool newestOnTop() const { return m_newestOnTop; }
    void setFilter(const FeedFilter &filter);
    const FeedFilter &filter() const { return m_filter; }

    /// Append the rows of several tables (one UI tick's worth) in arrival order.
    void appendTables(const std::vector<Value> &tables);
    /// A marker row (end of day, gap) in arrival order.
    void appendMarker(RowKind kind, const QString &text);
    void clear();

    int64_t retainedRows() const { return m_rawCount; }
    /// Segments held (tables and markers): what joining keeps small.
    int segmentCount() const { return int(m_segments.size()); }
    int64_t droppedRows() const { return m_dropped; }
    int64_t receivedRows() const { return m_received; }
    /// For a visible row: the table and the row in it; false for a marker row.
    bool rowSource(int row, Value *table, int64_t *tableRow) const;
    RowKind rowKind(int row) const;
    QStringList columnNames() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Segment
    {
        Value table;                ///< a table; null for a marker
        std::vector<int> columnMap; ///< model column -> table column (-1 absent)
        std::vector<int32_t> sel;   ///< selected table rows (a marker: {0})
        int64_t selBegin = 0;       ///< first sel entry still retained
        int64_t rawBegin = 0;       ///< first table row still retained
        int64_t absStart = 0;       ///< absolute visible index of sel[0]
        RowKind kind = DataRow;
        QString text;
        int64_t rawRows() const { return kind == DataRow ? table.count() : 1; }
    };

    Segment makeSegment(const Value &table) const;
    void select(Segment &s) const;
    /// Drop `raw` retained rows from the front; returns visible rows removed. Dry run if !apply.
    int64_t trimFront(std::deque<Segment> &segs, int64_t raw, bool apply);
    void push(std::vector<Segment> &&fresh);
    /// Join `s` onto the last segment when both are small data segments of one layout.
    bool joinTail(Segment &s);
    const Segment *locate(int row, int64_t *selIndex) const;
    void adoptColumns(const Value &table);

    std::deque<Segment> m_segments;
    std::vector<QByteArray> m_names;
    std::vector<int> m_types;
    int64_t m_capacity = 100000;
    int64_t m_rawCount = 0;
    int64_t m_visible = 0;
    int64_t m_headAbs = 0;
    int64_t m_tailAbs = 0;
    int64_t m_dropped = 0;
    int64_t m_received = 0;
    bool m_newestOnTop = false;
    FeedFilter m_filter;
};

} // namespace qscope
