#pragma once
/// The Activity dock: every open handle the app holds, its owner (a query tab, a feed view, a
/// poller view, the explorer), its server and state, what is on the wire and for how long, its
/// messages and their rate, and a Stop per row. Stop asks the handle's owner to stop its request,
/// poll or subscription (HandleRegistry::requestStop); a handle nobody owns is closed, as that is
/// the only way to stop it.

#include "net/connectionmanager.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace qscope {

class ActivityModel;

class ActivityView : public QWidget
{
    Q_OBJECT
public:
    explicit ActivityView(ConnectionManager *manager, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    ActivityModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// What the row's Stop button does.
    void stop(ConnectionId id);
    /// The Stop button of a row (for tests).
    QPushButton *stopButton(int row) const;

Q_SIGNALS:
    void stopped(qscope::ConnectionId id);

private:
    void placeButtons();

    ConnectionManager *m_manager;
    ActivityModel *m_model;
    QTableView *m_table;
    QLabel *m_summary;
};

} // namespace qscope
