#pragma once
/// A server's handles, built from plain q results (works on an unmodified kdb+):
///   .z.W        handle -> bytes queued for it (4.x: a long; older: a list of sizes, summed)
///   .z.H        the active sockets (4.x), unioned with .z.W's keys
///   -38!h       per handle: p protocol ("q" IPC, "w" websocket), f family ("t" tcp, "u" unix)
///   .u.w        tickerplant subscriptions: table -> list of (handle; syms)
///   .z.w        the handle our own query came in on (marked "ours")
/// plus, when the qscope agent is installed, its trackConnections rows (ip, user, times, counts).
/// GUI thread only; set from finished Values.

#include "protocol/value.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QMap>

#include <vector>

namespace qscope {

class ServerHandlesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Handle,
        Ours,
        Queued,
        Protocol,
        Family,
        Subscriptions,
        Ip,
        User,
        Opened,
        Closed,
        SyncCount,
        AsyncCount,
        ColumnCount
    };
    static constexpr int HandleRole = Qt::UserRole + 1;
    static constexpr int SlowRole = Qt::UserRole + 2;

    struct Row
    {
        int handle = 0;
        bool ours = false;
        qint64 queued = 0;
        QString protocol, family;
        QStringList subscriptions;
        // from the agent
        bool tracked = false;
        QString ip, user;
        QString opened, closed;
        qint64 syncCount = -1, asyncCount = -1;
    };

    explicit ServerHandlesModel(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// From the poll: zW = .z.W, zH = .z.H (or null), own = .z.w.
    /// Returns false and sets error if the values do not have kdb+'s shapes.
    bool setHandles(const Value &zW, const Value &zH, const Value &own, QString *error);
    /// -38! of the handles, as kdb+ returns it for a list: a table (p;f) in handle order.
    bool setSocketInfo(const Value &handles, const Value &info, QString *error);
    /// .u.w: table -> list of (handle;syms). A non-tickerplant gives an error: pass null.
    bool setSubscriptions(const Value &uw, QString *error);
    /// One row of the agent's .qscope.track (a dict, or a keyed-table row) for handle h.
    void setAgentRow(int handle, const Value &row);
    /// The agent's whole table (keyed on handle).
    bool setAgentTable(const Value &keyedTable, QString *error);
    void clearAgent();

    void setSlowThreshold(qint64 bytes);
    qint64 slowThreshold() const { return m_slow; }
    int rowOfHandle(int handle) const;
    const Row &at(int row) const { return m_rows[size_t(row)]; }
    int ownHandle() const { return m_own; }
    /// Handles that closed (per the agent) are kept, greyed, until the next poll drops them.

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void apply(std::vector<Row> rows);
    Row *find(int handle);

    std::vector<Row> m_rows;
    QMap<int, Row> m_agent; ///< agent rows by handle, merged into m_rows
    int m_own = -1;
    qint64 m_slow = 1 << 20;
};

} // namespace qscope
