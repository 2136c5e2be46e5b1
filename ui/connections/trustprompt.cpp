#include "connections/trustprompt.h"

#include "connections/connectionstore.h"
#include "connections/serversessions.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace qscope {

TrustPrompt *TrustPrompt::ask(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                              const RefusedCertificate &certificate, const QString &reason)
{
    for (TrustPrompt *open : parent->findChildren<TrustPrompt *>(Qt::FindDirectChildrenOnly))
        if (open->profileId() == profileId && open->isVisible()) return open;
    auto *prompt = new TrustPrompt(parent, sessions, profileId, certificate, reason);
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    prompt->open();
    return prompt;
}

TrustPrompt::TrustPrompt(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                         const RefusedCertificate &certificate, const QString &reason)
    : QDialog(parent), m_sessions(sessions), m_profileId(profileId), m_certificate(certificate)
{
    const ConnectionProfile *p = sessions->store()->profile(profileId);
    const QString name = p ? p->name : profileId;
    const QString address = p ? p->addressText() : QString();
    setWindowTitle(tr("Untrusted certificate: %1").arg(name));

    // the engine's words, without the certificate part it appended (shown below, laid out)
    QString why = reason;
    why.truncate(why.indexOf(QStringLiteral(" [certificate SHA-256")));
    QString html = tr("<p><b>%1</b> (%2) presented a certificate that was refused:</p><p>%3</p>")
                       .arg(name.toHtmlEscaped(), address.toHtmlEscaped(), why.toHtmlEscaped());
    html += tr("<table cellspacing=\"4\"><tr><td>Subject</td><td>%1</td></tr>"
               "<tr><td>SHA-256</td><td><tt>%2</tt></td></tr></table>")
                .arg(certificate.subject.toHtmlEscaped(), colonHex(certificate.sha256.left(16)) +
                                                              QStringLiteral(":<br>") +
                                                              colonHex(certificate.sha256.mid(16)));
    if (p && !p->trustedCertSha256.isEmpty() && p->trustedCertSha256 != certificate.sha256)
        html += tr("<p style=\"color:#d93a32\"><b>This connection trusted another certificate "
                   "(SHA-256 %1). The server's certificate changed: that is what an attack "
                   "looks like, or a renewal. Ask the server's owner before trusting the new "
                   "one.</b></p>")
                    .arg(colonHex(p->trustedCertSha256).left(23) + QStringLiteral("\u2026"));
    html += tr("<p>Compare the SHA-256 with the one the server's owner gives you. Trusting pins "
               "exactly this certificate to <b>%1</b> only (kept with the connection; the "
               "connection dialog shows and clears it).</p>")
                .arg(name.toHtmlEscaped());
    m_text = new QLabel(html, this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32));
    auto *buttons = new QDialogButtonBox(this);
    m_trust = buttons->addButton(tr("Trust this certificate for %1").arg(name),
                                 QDialogButtonBox::AcceptRole);
    m_refuse = buttons->addButton(tr("Do not trust"), QDialogButtonBox::RejectRole);
    m_refuse->setDefault(true); // Return does not trust by accident
    connect(m_trust, &QPushButton::clicked, this, &TrustPrompt::trust);
    connect(m_refuse, &QPushButton::clicked, this, &QDialog::reject);
    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(m_text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
    const int em = fontMetrics().height();
    resize(em * 34, sizeHint().height());
}

QString TrustPrompt::text() const
{
    return m_text->text();
}

void TrustPrompt::trust()
{
    const ConnectionProfile *p = m_sessions->store()->profile(m_profileId);
    if (p) { // deleted meanwhile: nothing to pin it to
        ConnectionProfile pinned = *p;
        pinned.trustedCertSha256 = m_certificate.sha256;
        m_sessions->store()->update(pinned);
        m_sessions->connectProfile(m_profileId);
    }
    accept();
}

} // namespace qscope
