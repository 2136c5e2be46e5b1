#pragma once
/// The strip under the editor while the current tab's query runs: which server, what the query
/// is waiting for (the connection, the query ahead of it on the same connection, or the answer),
/// elapsed time since it was asked for (ticking), a real progress bar of response bytes received
/// against the size the message header announced (busy until the header arrives), and Cancel,
/// whose label and tooltip say what it will really do: drop the connection for a query on the
/// wire, withdraw one not yet written. The strip follows one owner (the current editor tab) and
/// shows that owner's job; switching tabs re-points it, never detaching a job.

#include "editor/queryrunner.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace qscope {

class QueryStatus : public QWidget
{
    Q_OBJECT
public:
    explicit QueryStatus(QueryRunner *runner, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Shows the jobs of this owner (null: none).
    void setOwner(QObject *owner);
    QObject *owner() const { return m_owner; }
    /// The ticket shown, 0 if none.
    QueryRunner::Ticket current() const { return m_ticket; }
    QProgressBar *progressBar() const { return m_bar; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString text() const;

private:
    /// Re-reads the owner's job from the runner.
    void refresh();
    void tick();

    QueryRunner *m_runner;
    QObject *m_owner = nullptr;
    QueryRunner::Ticket m_ticket = 0;
    QLabel *m_label;
    QProgressBar *m_bar;
    QPushButton *m_cancel;
    QTimer *m_timer;
};

} // namespace qscope
