#pragma once
/// Asks where to send a result: an open connection, `upd (as a tickerplant or the seed analytic
/// pushes rows) or `set (assign a global), and the table or variable name. GUI thread only.

#include "net/nettypes.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QLabel;
class QRadioButton;
class QDialogButtonBox;

namespace qscope {

class ConnectionManager;

class SendToDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SendToDialog(ConnectionManager *manager, QWidget *parent = nullptr);

    ConnectionId connection() const;
    bool useUpd() const;
    QByteArray name() const;
    /// True if `text` is a valid q name (letters, digits, _ and . namespaces; not starting with
    /// a digit or _).
    static bool isValidName(const QString &text);

private:
    void validate();

    QComboBox *m_connections = nullptr;
    QRadioButton *m_upd = nullptr;
    QRadioButton *m_set = nullptr;
    QLineEdit *m_name = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace qscope
