#pragma once
/// Trust on first use: a server's TLS certificate was refused (self-signed, or signed by a CA
/// this machine does not know). The prompt shows what the engine refused, the certificate's
/// subject and SHA-256 (to compare with what the server's owner says it is), and offers to pin
/// exactly that certificate to this one connection (ConnectionProfile::trustedCertSha256, kept
/// in the saved connection), then connects again. A connection that already trusted another
/// certificate says so loudly: the server's certificate changed.
///
/// Window-modal but never waited on (open(), not exec()): the GUI goes on.

#include "net/tlstrust.h"

#include <QDialog>

class QLabel;
class QPushButton;

namespace qscope {

class ServerSessions;

class TrustPrompt : public QDialog
{
    Q_OBJECT
public:
    /// Opens the prompt for the profile, unless one is open for it already (then returns that).
    static TrustPrompt *ask(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                            const RefusedCertificate &certificate, const QString &reason);

    // GUI thread ------------------------------------------------------------------------------
    QString profileId() const { return m_profileId; }
    QString text() const;
    QPushButton *trustButton() const { return m_trust; }
    QPushButton *refuseButton() const { return m_refuse; }

private:
    TrustPrompt(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                const RefusedCertificate &certificate, const QString &reason);
    void trust();

    ServerSessions *m_sessions;
    QString m_profileId;
    RefusedCertificate m_certificate;
    QLabel *m_text;
    QPushButton *m_trust;
    QPushButton *m_refuse;
};

} // namespace qscope
