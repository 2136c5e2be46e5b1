#pragma once
/// The strip under the editor while a query runs: which server, elapsed time (ticking), a real
/// progress bar of response bytes received against the size the message header announced
/// (busy until the header arrives), and Cancel, whose tooltip and confirmation text say what it
/// really does (kdb+ cannot abort a query: the connection is dropped and reopened).

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
    QueryRunner::Ticket current() const { return m_ticket; }
    QProgressBar *progressBar() const { return m_bar; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString text() const;

private:
    void tick();

    QueryRunner *m_runner;
    QueryRunner::Ticket m_ticket = 0;
    QString m_server;
    QLabel *m_label;
    QProgressBar *m_bar;
    QPushButton *m_cancel;
    QTimer *m_timer;
    qint64 m_received = 0, m_total = 0;
};

} // namespace qscope
