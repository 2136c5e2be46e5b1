#pragma once
/// Activity: the app's own trackConnections made actionable. One row per open handle the app
/// holds (the engine's HandleRegistry) with its owner and purpose (set by whoever opened it),
/// what is on the wire and for how long (ticking), messages both ways and their rate, and a Stop
/// column the view turns into buttons. GUI thread only.

#include "net/handleregistry.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>

class QTimer;

namespace qscope {

class ActivityModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    /// What a narrow dock shows first: who, what, how long, how busy, and the Stop button.
    enum Column { Owner, OnWire, For, Rate, Stop, State, Messages, Purpose, Server, ColumnCount };
    static constexpr int ConnectionIdRole = Qt::UserRole + 1;

    explicit ActivityModel(HandleRegistry *registry, QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    ConnectionId idAt(int row) const { return m_rows.value(row).id; }
    int rowOf(ConnectionId id) const;
    /// The clock and rate columns move once a second while ticking (the view is visible).
    void setTicking(bool on);
    bool isTicking() const;

    static QString purposeName(HandlePurpose p);
    /// "0.4 s", "12 s", "3 min 04 s", "2 h 05 min".
    static QString formatAge(qint64 ms);

private:
    struct Row
    {
        ConnectionId id = 0;
        qint64 lastMessages = -1; ///< in + out at the previous tick
        double rate = 0;          ///< messages per second over the last tick
        QDateTime pendingSince;   ///< when the engine first reported requests in flight
    };
    /// Rows follow the registry's open handles: a full pass (a reset if the row set changed) after
    /// removals; a handle added, changed, opened or closed updates its own row.
    void sync();
    /// A handle's counters or state changed: its row only, unless it opened or closed.
    void onRowChanged(int registryRow);
    void onOwnerChanged(ConnectionId id);
    /// m_rowOf for the rows from this one on (after an insert or removal there).
    void reindexFrom(int row);
    void notePending(Row &r, const HandleInfo &h) const;
    void tick();
    QString onWire(const Row &r, const HandleInfo &h, const HandleOwner &o) const;
    QDateTime since(const Row &r, const HandleOwner &o) const;

    HandleRegistry *m_registry;
    QVector<Row> m_rows;
    QHash<ConnectionId, int> m_rowOf; ///< id -> row in m_rows
    QTimer *m_tick;
    QElapsedTimer m_sinceTick;
};

} // namespace qscope
