#include "connections/connectiondialog.h"

#include "connections/connectiontester.h"
#include "net/connectionargs.h"
#include "theme/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qscope {

namespace {
QByteArray parseFingerprint(const QString &text, bool *ok)
{
    QString hex = text;
    hex.remove(QRegularExpression(QStringLiteral("[\\s:]")));
    if (hex.startsWith(QLatin1String("sha256/"), Qt::CaseInsensitive)) hex = hex.mid(7);
    *ok = hex.isEmpty() ||
          (hex.size() == 64 &&
           QRegularExpression(QStringLiteral("^[0-9A-Fa-f]+$")).match(hex).hasMatch());
    return *ok ? QByteArray::fromHex(hex.toLatin1()) : QByteArray();
}
} // namespace

ConnectionDialog::ConnectionDialog(const ConnectionProfile &profile, const QStringList &folders,
                                   const QString &keychainNote, QWidget *parent)
    : QDialog(parent), m_original(profile)
{
    setWindowTitle(profile.name.isEmpty() ? tr("Add connection") : tr("Edit connection"));
    auto *layout = new QVBoxLayout(this);
    setMinimumWidth(fontMetrics().averageCharWidth() * 64); // room for the fields and notes

    auto *general = new QFormLayout;
    m_name = new QLineEdit(profile.name, this);
    m_name->setPlaceholderText(tr("e.g. London RDB"));
    general->addRow(tr("&Name"), m_name);
    m_folder = new QComboBox(this);
    m_folder->setEditable(true);
    m_folder->addItem(QString());
    m_folder->addItems(folders);
    m_folder->setCurrentText(profile.folder);
    m_folder->setToolTip(tr("Folder in the connections tree; nest with /, e.g. Prod/London"));
    general->addRow(tr("&Folder"), m_folder);
    m_tag = new QComboBox(this);
    m_tag->addItem(tr("none"), QString());
    for (const QString &t : ConnectionProfile::tags())
        m_tag->addItem(Theme::tagIcon(t), t, t);
    m_tag->setCurrentIndex(qMax(0, m_tag->findData(profile.tag)));
    m_tag->setToolTip(tr("Shown on editor tabs and the status bar, so prod is never a surprise"));
    general->addRow(tr("Colour &tag"), m_tag);
    layout->addLayout(general);

    auto *where = new QGroupBox(tr("Server"), this);
    auto *whereForm = new QFormLayout(where);
    m_tcp = new QRadioButton(tr("TCP"), where);
    m_unix = new QRadioButton(tr("Unix socket"), where);
    auto *transport = new QHBoxLayout;
    transport->addWidget(m_tcp);
    transport->addWidget(m_unix);
    transport->addStretch();
    whereForm->addRow(tr("Transport"), transport);
    m_host = new QLineEdit(profile.host, where);
    whereForm->addRow(tr("&Host"), m_host);
    m_port = new QSpinBox(where);
    m_port->setRange(1, 65535);
    m_port->setValue(qBound(1, profile.port, 65535));
    whereForm->addRow(tr("&Port"), m_port);
    m_socket = new QLineEdit(profile.unixSocket, where);
    m_socket->setPlaceholderText(tr("unix://5000 (kdb+'s @/tmp/kx.5000), @name or a path"));
    whereForm->addRow(tr("Soc&ket"), m_socket);
    m_tls = new QCheckBox(tr("Use TLS"), where);
    m_tls->setChecked(profile.tls);
    whereForm->addRow(QString(), m_tls);
    m_fingerprint = new QLineEdit(QString::fromLatin1(profile.trustedCertSha256.toHex(':')), where);
    m_fingerprint->setPlaceholderText(tr("SHA-256 of a self-signed certificate to trust"));
    m_fingerprint->setToolTip(
        tr("Leave empty to require a certificate your system trusts. To trust one self-signed "
           "certificate for this connection only, paste its SHA-256 fingerprint (64 hex digits)."));
    whereForm->addRow(tr("Trust certificate"), m_fingerprint);
    m_caFile = new QLineEdit(profile.caFile, where);
    m_caFile->setPlaceholderText(tr("PEM file of CA certificates to trust (optional)"));
    m_caFile->setToolTip(tr("Certificates of a CA (a company's own) that this connection trusts "
                            "besides the system's"));
    whereForm->addRow(tr("CA file"), m_caFile);
    (profile.unixSocket.isEmpty() ? m_tcp : m_unix)->setChecked(true);
    layout->addWidget(where);

    auto *login = new QGroupBox(tr("Login"), this);
    auto *loginForm = new QFormLayout(login);
    m_user = new QLineEdit(profile.user, login);
    loginForm->addRow(tr("&User"), m_user);
    m_password = new QLineEdit(login);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(profile.passwordInKeychain ? tr("(saved in the keychain)")
                                                              : QString());
    loginForm->addRow(tr("Pass&word"), m_password);
    m_passwordCommand = new QLineEdit(profile.passwordCommand, login);
    m_passwordCommand->setPlaceholderText(tr("command that prints the password (optional)"));
    m_passwordCommand->setToolTip(
        tr("Run through the shell at each connect; its output is the password or token "
           "(Kerberos, SSO or a vault). It replaces the saved password."));
    loginForm->addRow(tr("Password co&mmand"), m_passwordCommand);
    m_savePassword = new QCheckBox(tr("Save the password in the system keychain"), login);
    m_savePassword->setChecked(keychainNote.isEmpty());
    if (!keychainNote.isEmpty()) {
        m_savePassword->setEnabled(false);
        m_savePassword->setChecked(false);
        m_savePassword->setToolTip(keychainNote);
        // short, on a row of its own (a long word-wrapped label in a form row is cut off: a
        // dialog's height does not follow its labels' height-for-width); the reason in full is
        // in the tooltip
        auto *note = new QLabel(tr("No keychain: the password is kept in memory for this "
                                   "session only, never written in plain text."),
                                login);
        note->setWordWrap(true);
        note->setToolTip(tr("No keychain service is available (%1): the password is asked again "
                            "next time qscope starts.")
                             .arg(keychainNote));
        loginForm->addRow(note);
    }
    loginForm->addRow(QString(), m_savePassword);
    layout->addWidget(login);

    auto *behaviour = new QGroupBox(tr("Behaviour"), this);
    auto *bForm = new QFormLayout(behaviour);
    m_connectTimeout = new QSpinBox(behaviour);
    m_connectTimeout->setRange(1, 600);
    m_connectTimeout->setSuffix(tr(" s"));
    m_connectTimeout->setValue(qMax(1, profile.connectTimeoutMs / 1000));
    bForm->addRow(tr("Connect timeout"), m_connectTimeout);
    m_reconnect = new QComboBox(behaviour);
    m_reconnect->addItem(tr("Never reconnect"), 0);
    m_reconnect->addItem(tr("Reconnect, limited attempts"), 1);
    m_reconnect->addItem(tr("Reconnect forever"), -1);
    m_reconnect->setCurrentIndex(profile.reconnectAttempts == 0  ? 0
                                 : profile.reconnectAttempts < 0 ? 2
                                                                 : 1);
    bForm->addRow(tr("Reconnect"), m_reconnect);
    m_reconnectAttempts = new QSpinBox(behaviour);
    m_reconnectAttempts->setRange(1, 1000);
    m_reconnectAttempts->setValue(qMax(1, profile.reconnectAttempts));
    bForm->addRow(tr("Attempts"), m_reconnectAttempts);
    m_reconnectDelay = new QSpinBox(behaviour);
    m_reconnectDelay->setRange(100, 600000);
    m_reconnectDelay->setSingleStep(500);
    m_reconnectDelay->setSuffix(tr(" ms"));
    m_reconnectDelay->setValue(profile.reconnectDelayMs);
    m_reconnectDelay->setToolTip(tr("First delay; it doubles after each failed attempt"));
    bForm->addRow(tr("First delay"), m_reconnectDelay);
    m_queryTimeout = new QSpinBox(behaviour);
    m_queryTimeout->setRange(0, 86400);
    m_queryTimeout->setSuffix(tr(" s"));
    m_queryTimeout->setSpecialValueText(tr("none"));
    m_queryTimeout->setValue(profile.queryTimeoutMs / 1000);
    bForm->addRow(tr("Default query timeout"), m_queryTimeout);
    m_maxResult = new QSpinBox(behaviour);
    m_maxResult->setRange(0, 1 << 20); // MB: up to the protocol's 1 TB
    m_maxResult->setSuffix(tr(" MB"));
    m_maxResult->setSpecialValueText(tr("default (%1)").arg(formatByteSize(defaultMessageLimit())));
    m_maxResult->setValue(int(profile.maxResultBytes >> 20));
    m_maxResult->setToolTip(
        tr("A larger result is not read: the query fails with the size it announced and the "
           "connection is reset. The default is a quarter of this machine's memory."));
    bForm->addRow(tr("Largest result"), m_maxResult);
    layout->addWidget(behaviour);

    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    QPalette pal = m_problem->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd9, 0x3a, 0x32));
    m_problem->setPalette(pal);
    layout->addWidget(m_problem);

    m_testResult = new QLabel(this);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->hide();
    layout->addWidget(m_testResult);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_host->setToolTip(tr("A host name or address; a whole address (host:port, tls://host:port, "
                          "unix://port) is spread over the fields below"));
    connect(m_host, &QLineEdit::editingFinished, this, &ConnectionDialog::spreadAddress);
    for (QLineEdit *e : {m_name, m_host, m_socket, m_fingerprint, m_caFile, m_user})
        connect(e, &QLineEdit::textChanged, this, &ConnectionDialog::refresh);
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordEdited = true; });
    connect(m_folder, &QComboBox::currentTextChanged, this, &ConnectionDialog::refresh);
    for (QRadioButton *r : {m_tcp, m_unix})
        connect(r, &QRadioButton::toggled, this, &ConnectionDialog::refresh);
    connect(m_tls, &QCheckBox::toggled, this, &ConnectionDialog::refresh);
    connect(m_reconnect, &QComboBox::currentIndexChanged, this, &ConnectionDialog::refresh);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionDialog::refresh);
    refresh();
}

void ConnectionDialog::enableTest(ConnectionManager *manager)
{
    if (m_tester) return;
    m_tester = new ConnectionTester(manager, this); // closes its connection with the dialog
    m_testButton = m_buttons->addButton(tr("Test"), QDialogButtonBox::ActionRole);
    m_testButton->setToolTip(tr("Connect with these settings now (on a connection of its own, "
                                "closed again) and report what the server granted"));
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::runTest);
    connect(m_tester, &ConnectionTester::finished, this, [this](bool ok, const QString &report) {
        QPalette pal = m_testResult->palette();
        pal.setColor(QPalette::WindowText,
                     ok ? QColor(0x2e, 0xa0, 0x4f) : QColor(0xd9, 0x3a, 0x32));
        m_testResult->setPalette(pal);
        m_testResult->setText(report);
        m_testButton->setEnabled(true);
    });
}

void ConnectionDialog::runTest()
{
    spreadAddress(); // a whole address still in the host field counts as the user sees it
    m_testResult->show();
    m_testResult->setPalette(palette());
    if (const QString why = problem(); !why.isEmpty()) {
        m_testResult->setText(tr("Not tested: %1").arg(why));
        return;
    }
    m_testResult->setText(tr("Testing %1\u2026").arg(profile().addressText()));
    m_testButton->setEnabled(false);
    m_tester->start(profile().toOptions(password()));
}

void ConnectionDialog::spreadAddress()
{
    const QString text = m_host->text().trimmed();
    if (!text.contains(QLatin1Char(':'))) return; // a plain host name (or a typo) stays as typed
    const auto a = parseAddress(text);
    if (!a) return; // a bare IPv6 address, or not an address: leave it for the user to see
    if (!a->unixSocket.isEmpty()) {
        m_unix->setChecked(true);
        m_socket->setText(text);
        return;
    }
    m_tcp->setChecked(true);
    m_host->setText(a->host);
    m_port->setValue(a->port);
    if (a->tls) m_tls->setChecked(true);
}

void ConnectionDialog::refresh()
{
    const bool overSocket = m_unix->isChecked();
    m_host->setEnabled(!overSocket);
    m_port->setEnabled(!overSocket);
    m_socket->setEnabled(overSocket);
    m_tls->setEnabled(!overSocket);
    m_fingerprint->setEnabled(!overSocket && m_tls->isChecked());
    m_caFile->setEnabled(!overSocket && m_tls->isChecked());
    const int mode = m_reconnect->currentData().toInt();
    m_reconnectAttempts->setEnabled(mode == 1);
    m_reconnectDelay->setEnabled(mode != 0);
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

QString ConnectionDialog::problem() const
{
    bool ok = true;
    parseFingerprint(m_fingerprint->text(), &ok);
    if (!ok && m_tls->isChecked() && !m_unix->isChecked())
        return tr("The certificate fingerprint must be a SHA-256: 64 hex digits (colons allowed).");
    if (const QString ca = m_caFile->text().trimmed();
        !ca.isEmpty() && m_tls->isChecked() && !m_unix->isChecked() && !QFileInfo(ca).isReadable())
        return tr("The CA file %1 cannot be read.").arg(ca);
    if (m_unix->isChecked() && m_socket->text().trimmed().isEmpty())
        return tr("Give the Unix socket, e.g. unix://5000 (kdb+'s @/tmp/kx.5000).");
    return profile().validate();
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p = m_original;
    p.name = m_name->text().trimmed();
    p.folder = m_folder->currentText().trimmed();
    p.tag = m_tag->currentData().toString();
    p.host = m_host->text().trimmed();
    p.port = m_port->value();
    // kept as the name kdb+ listens on (unix://5030 -> @/tmp/kx.5030); if it does not read as
    // a socket, as typed, so validate() says why
    const QString socket = m_socket->text().trimmed();
    p.unixSocket = m_unix->isChecked() ? unixSocketName(socket).value_or(socket) : QString();
    p.tls = !m_unix->isChecked() && m_tls->isChecked();
    bool ok = true;
    p.trustedCertSha256 = p.tls ? parseFingerprint(m_fingerprint->text(), &ok) : QByteArray();
    p.caFile = p.tls ? m_caFile->text().trimmed() : QString();
    p.user = m_user->text();
    p.passwordCommand = m_passwordCommand->text().trimmed();
    p.connectTimeoutMs = m_connectTimeout->value() * 1000;
    const int mode = m_reconnect->currentData().toInt();
    p.reconnectAttempts = mode == 1 ? m_reconnectAttempts->value() : mode;
    p.reconnectDelayMs = m_reconnectDelay->value();
    p.queryTimeoutMs = m_queryTimeout->value() * 1000;
    // an unchanged odd byte count from the file stays as it was; else whole MB
    if (m_maxResult->value() != int(m_original.maxResultBytes >> 20))
        p.maxResultBytes = qint64(m_maxResult->value()) << 20;
    return p;
}

QString ConnectionDialog::password() const
{
    return m_password->text();
}

bool ConnectionDialog::savePassword() const
{
    return m_savePassword->isEnabled() && m_savePassword->isChecked();
}

} // namespace qscope
