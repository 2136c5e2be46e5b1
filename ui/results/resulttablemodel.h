#pragma once
/// A table model over a result's typed columns. Nothing is copied or formatted up front: data()
/// formats the one cell asked for. Sort and filter produce a row permutation (only then: in
/// source order the model maps rows by arithmetic); for large results it is computed on a worker
/// thread and swapped in when ready (the view stays responsive and keeps showing the previous
/// order meanwhile).
///
/// Every row of the view is a model row (model row = position in view order), so a selection
/// covers what it says: select-all, a shift-range to row 9,000,000, copy and statistics read all
/// of it. The grid is a GridView, which keeps nothing per row (a QTableView's vertical header
/// keeps 8 bytes a row, 77 MB and ~40 ms per reset at 10M rows: bench_grid prints both).
/// GUI thread only.

#include "roworder.h"
#include "rowview.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QFutureWatcher>

#include <atomic>
#include <memory>
#include <vector>

namespace qscope {

class ResultTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    /// Results with more rows than this are sorted/filtered off the GUI thread.
    static constexpr int64_t kSyncRowLimit = 100000;
    explicit ResultTableModel(QObject *parent = nullptr);
    ~ResultTableModel() override;

    void setValue(const Value &value);
    const Value &value() const { return m_value; }
    /// Shared so worker threads can keep it alive while the model moves on.
    std::shared_ptr<const ResultShape> shape() const { return m_shape; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    /// Sorts by a column; column -1 restores the result's own order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    SortSpec sortSpec() const { return m_sort; }

    /// The current view of the result (filter + sort): what the grid, text, chart, copy and
    /// export all read. Changes with a modelReset.
    RowView rowView() const { return RowView{m_shape, m_order}; }
    /// Applies the filter box text; returns an error message (and keeps the rows) if it is bad.
    QString setFilterText(const QString &text);
    /// The source row shown at a model row.
    int64_t sourceRow(int viewRow) const { return sourceRowAt(viewRow); }
    /// The source row at a position in view order (0 .. viewRowCount()-1).
    int64_t sourceRowAt(int64_t position) const;
    /// Rows in view order (after filtering); rowCount() is this (a view order is 32-bit: at
    /// most 2^31-1 rows, which the GridView shows every one of).
    int64_t viewRowCount() const;
    /// Source rows in view order, all of them (for export).
    std::vector<uint32_t> viewRows() const;
    bool isReordered() const { return m_order != nullptr; }
    /// Rows of the result before filtering.
    int64_t sourceRowCount() const { return m_shape ? m_shape->rows : 0; }
    bool isBusy() const { return m_busy; }
    bool isNested(const QModelIndex &index) const;
    /// A key column of a keyed table (or a dict's keys): shaded, and kept in sight by the view.
    bool isKeyColumn(int column) const;
    /// Key columns come first: how many there are.
    int keyColumnCount() const;
    /// The background of key cells.
    static QColor keyShade();
    /// q's display precision (`\P`) for float and real cells: significant digits, 1..17, or 0
    /// for every digit (the shortest text that reads back). Default 7, as q's. Kept in
    /// QSettings; setting it repaints every grid.
    static int displayPrecision();
    static void setDisplayPrecision(int digits);
    Value cellValue(const QModelIndex &index) const;

Q_SIGNALS:
    /// A background sort/filter started (true) or its rows were swapped in (false).
    void busyChanged(bool busy);

private:
    struct Job;
    void recompute();
    void applyOrder(std::shared_ptr<const std::vector<uint32_t>> order);

    Value m_value;
    std::shared_ptr<const ResultShape> m_shape;
    std::shared_ptr<const std::vector<uint32_t>> m_order; ///< null = source order, unfiltered
    SortSpec m_sort;
    RowFilter m_filter;
    bool m_busy = false;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace qscope
