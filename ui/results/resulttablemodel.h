#pragma once
/// A table model over a result's typed columns. Nothing is copied or formatted up front: data()
/// formats the one cell asked for. Sort and filter produce a row permutation; for large results
/// it is computed on a worker thread and swapped in when ready (the view stays responsive and
/// keeps showing the previous order meanwhile). GUI thread only.

#include "roworder.h"

#include <QAbstractTableModel>
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
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Applies the filter box text; returns an error message (and keeps the rows) if it is bad.
    QString setFilterText(const QString &text);
    /// The source row shown at a view row.
    int64_t sourceRow(int viewRow) const;
    /// Source rows in view order (all of them when neither sorted nor filtered).
    std::vector<uint32_t> viewRows() const;
    bool isReordered() const { return m_order != nullptr; }
    /// Rows of the result before filtering.
    int64_t sourceRowCount() const { return m_shape ? m_shape->rows : 0; }
    bool isBusy() const { return m_busy; }
    bool isNested(const QModelIndex &index) const;
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
