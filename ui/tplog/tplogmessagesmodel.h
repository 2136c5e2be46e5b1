#pragma once
/// The messages of an indexed tickerplant log as a grid: index, offset, function, table, rows,
/// first time. Every column comes from the reader's index (24 bytes per chunk), formatted in
/// data() for the rows the view paints; nothing is decoded here. A filter narrows the rows to a
/// list of chunk indexes computed elsewhere (a sym filter decodes, off the GUI thread); without
/// one, row i is chunk i.
///
/// While the log is still being indexed the model grows: setIndexed() with the published count
/// appends rows (one beginInsertRows per call; the view calls it at most ten times a second).
/// The function and table names come with each call, as copies: the reader's own lists belong
/// to the indexing thread until it is done. GUI thread only.

#include "tplog/tplogreader.h"
#include "tplog/tplogselection.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace qscope {

class TpLogMessagesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Index, Offset, Function, Table, Rows, FirstTime, ColumnCount };

    explicit TpLogMessagesModel(QObject *parent = nullptr);

    /// A reader whose index() has returned: every chunk.
    void setReader(std::shared_ptr<const tplog::TpLogReader> reader);
    /// A reader being indexed: its first `chunks` chunks, with the names seen so far. The same
    /// reader again appends rows; another one resets.
    void setIndexed(std::shared_ptr<const tplog::TpLogReader> reader, int64_t chunks,
                    std::vector<QByteArray> functions, std::vector<QByteArray> tables);
    /// Show only these chunks (ascending); nullptr shows all.
    void setRows(std::shared_ptr<const std::vector<int64_t>> chunks);
    const std::shared_ptr<const tplog::TpLogReader> &reader() const { return m_reader; }
    /// The chunk shown at a row.
    int64_t chunkAt(int row) const;
    /// The messages a view's selection covers, as ranges of rows (never one index per row).
    TpLogSelection messagesOf(const QItemSelection &selection) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// "0D10:31:05.250000000" for a raw time of the chunk's type, "" without one.
    static QString timeText(int64_t raw, int timeType);

private:
    std::shared_ptr<const tplog::TpLogReader> m_reader;
    std::shared_ptr<const std::vector<int64_t>> m_rows;
    int64_t m_chunks = 0; ///< chunks shown (all rows when there is no filter)
    std::vector<QByteArray> m_functions;
    std::vector<QByteArray> m_tables;
};

} // namespace qscope
