#pragma once
/// Add / edit one saved connection: name, folder, colour tag, host and port or Unix socket, TLS
/// with an optional trusted self-signed certificate fingerprint, user and password, timeouts and
/// the reconnect policy. Problems show inline under the form and keep OK disabled; nothing here
/// talks to a server or a keychain (the caller stores the password through PasswordStore).
/// Addresses are read as everywhere else (net/connectionargs.h): the socket field takes
/// unix://5030 as kdb+'s @/tmp/kx.5030, and the host field takes a whole address.

#include "connections/connectionprofile.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QPushButton;
class QSpinBox;

namespace qscope {

class ConnectionManager;
class ConnectionTester;

class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    /// keychainNote: empty if a keychain works, else why passwords are kept for the session only.
    ConnectionDialog(const ConnectionProfile &profile, const QStringList &folders,
                     const QString &keychainNote, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    ConnectionProfile profile() const;
    QString password() const;
    bool passwordEdited() const { return m_passwordEdited; }
    bool savePassword() const;
    /// Empty when the form is acceptable.
    QString problem() const;
    /// Adds the Test button: it connects with the form's settings as they are now, on a
    /// connection of its own that it closes again, and reports inline (ConnectionTester).
    void enableTest(ConnectionManager *manager);
    QPushButton *testButton() const { return m_testButton; }
    /// The last test's report ("OK: ..." or "Failed: ..."), empty before one.
    QLabel *testResult() const { return m_testResult; }

    // widgets, for tests that fill the form as a user would
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *hostEdit() const { return m_host; }
    QSpinBox *portSpin() const { return m_port; }
    QLineEdit *socketEdit() const { return m_socket; }
    QRadioButton *unixRadio() const { return m_unix; }
    QCheckBox *tlsCheck() const { return m_tls; }
    QLineEdit *fingerprintEdit() const { return m_fingerprint; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordCommandEdit() const { return m_passwordCommand; }
    QLineEdit *passwordEdit() const { return m_password; }
    QComboBox *tagCombo() const { return m_tag; }
    QSpinBox *maxResultSpin() const { return m_maxResult; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void refresh();
    /// A whole address typed or pasted into the host field (host:port, tls://host:port,
    /// unix://5030) is spread over the transport, host, port, socket and TLS fields.
    void spreadAddress();

    ConnectionProfile m_original;
    QLineEdit *m_name;
    QComboBox *m_folder;
    QComboBox *m_tag;
    QRadioButton *m_tcp;
    QRadioButton *m_unix;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_socket;
    QCheckBox *m_tls;
    QLineEdit *m_fingerprint;
    QLineEdit *m_caFile;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLineEdit *m_passwordCommand;
    QCheckBox *m_savePassword;
    QSpinBox *m_connectTimeout;
    QComboBox *m_reconnect;
    QSpinBox *m_reconnectAttempts;
    QSpinBox *m_reconnectDelay;
    QSpinBox *m_queryTimeout;
    QSpinBox *m_maxResult; ///< MB; 0 = the engine's default
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    bool m_passwordEdited = false;
    void runTest();
    ConnectionTester *m_tester = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_testResult = nullptr;
};

} // namespace qscope
