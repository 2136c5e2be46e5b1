#pragma once
/// The frame tap of one connection as a table: time, direction, message type, compressed, wire
/// and decoded size, round-trip. Appends only the frames newer than the last seen (by seq); keeps
/// at most a bounded number of rows. GUI thread only.

#include "net/nettypes.h"

#include <QAbstractTableModel>

#include <deque>

namespace qscope {

class FramesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Seq, Time, Direction, Type, Compressed, Wire, Decoded, RoundTrip, ColumnCount };

    explicit FramesModel(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Records from ConnectionManager::framesSince(lastSeq()) or frames(): rows with seq above the
    /// last one are added.
    void update(const QList<FrameRecord> &snapshot);
    void clear();
    /// The Clear button: drops the rows shown but remembers the last seq, so only frames newer
    /// than now come back (clear() starts over, for another connection).
    void clearShown();
    void setLimit(int rows);
    int limit() const { return m_limit; }
    /// The seq of the newest row taken so far (0 before any): ask the tap only for newer ones.
    quint64 lastSeq() const { return m_any ? m_lastSeq : 0; }
    const FrameRecord &at(int row) const { return m_frames[size_t(row)]; }
    static QString typeName(quint8 type);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::deque<FrameRecord> m_frames;
    quint64 m_lastSeq = 0;
    bool m_any = false;
    int m_limit = 20000;
};

} // namespace qscope
