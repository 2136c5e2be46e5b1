#pragma once
/// The estate as a table model: one row per node of an EstateState (core/estate), which holds
/// the nodes, edges, alerts, rules and history and is shared with qscope-cli estate. This class
/// only turns the state's changes into a model's signals and formats cells. GUI thread only.

#include "estate/estatestate.h"

#include <QAbstractTableModel>

namespace qscope {

class EstateModel : public QAbstractTableModel, private EstateState::Listener
{
    Q_OBJECT
public:
    enum Column { Name, Role, Memory, Uptime, MsgsIn, MsgsOut, LogPosition, Alerts, ColumnCount };

    /// The one plain q sent per process per poll (shown in the view).
    static QByteArray pollQuery() { return EstateState::pollQuery(); }
    static QString keyOf(const QString &address) { return EstateState::keyOf(address); }

    explicit EstateModel(QObject *parent = nullptr);
    ~EstateModel() override;

    // GUI thread ------------------------------------------------------------------------------
    const EstateState &state() const { return m_state; }
    /// Adds a process to watch ("host:port"); its index, or -1 if it does not parse.
    int addProcess(const QString &address) { return m_state.addProcess(address); }
    void clear();
    int indexOf(const QString &key) const { return m_state.indexOf(key); }
    const std::vector<EstateNode> &nodes() const { return m_state.nodes(); }
    const std::vector<EstateEdge> &edges() const { return m_state.edges(); }
    /// The alert log, oldest first: active ones and those cleared.
    const std::vector<EstateAlert> &alerts() const { return m_state.alerts(); }
    int activeAlertCount() const { return m_state.activeAlertCount(); }
    EstateRules rules() const { return m_state.rules(); }
    void setRules(const EstateRules &rules) { m_state.setRules(rules); }
    void setRole(int node, const QString &role);

    /// A poll of node answered (value = pollQuery()'s), or failed (error).
    void applyPoll(int node, const Value &answer, qint64 nowMs);
    void applyFailure(int node, const QString &error, qint64 nowMs, bool answered = false);
    /// After a round of polls: edges, depths, rates on edges, alerts, history.
    void finishRound(qint64 nowMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// Nodes, edges or alerts changed (once per round).
    void estateChanged();
    /// A process was found that is not watched yet (an upstream or a gateway's server).
    void processFound(const QString &key);
    /// The last round raised these alerts (indexes into alerts()), once each.
    void alertsRaised(const std::vector<int> &indexes);

private:
    void nodesAboutToBeInserted(int first, int last) override;
    void nodesInserted() override;
    void nodeAboutToBeRemoved(int index) override;
    void nodeRemoved() override;
    void aboutToReset() override;
    void reset() override;

    EstateState m_state;
};

} // namespace qscope
