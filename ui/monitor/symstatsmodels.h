#pragma once
/// Two views of SymStats, one row per sym in order of first appearance: the last row of each
/// sym (LastValueModel) and the live aggregates (SymAggregatesModel). refresh() is called at the
/// UI tick: new syms are one insert, changed rows one range-wide dataChanged. GUI thread only.

#include "symstats.h"

#include <QAbstractTableModel>

namespace qscope {

class SymStatsModelBase : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit SymStatsModelBase(const SymStats *stats, QObject *parent = nullptr);
    void refresh();
    int rowCount(const QModelIndex &parent = {}) const override;

protected:
    const SymStats *m_stats;
    int m_rows = 0;
    int m_columns = 0;
    virtual int wantedColumns() const = 0;
};

class LastValueModel : public SymStatsModelBase
{
    Q_OBJECT
public:
    using SymStatsModelBase::SymStatsModelBase;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

protected:
    int wantedColumns() const override;
};

class SymAggregatesModel : public SymStatsModelBase
{
    Q_OBJECT
public:
    using SymStatsModelBase::SymStatsModelBase;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

protected:
    int wantedColumns() const override { return 5; }
};

} // namespace qscope
