#include "connections/passwordprompt.h"

#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serversessions.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>

namespace qscope {

namespace {
bool g_seamSet = false;
std::optional<QString> g_next;
} // namespace

void PasswordPrompt::setNextAnswer(std::optional<QString> password)
{
    g_seamSet = true;
    g_next = std::move(password);
}

void PasswordPrompt::ask(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                         const QString &reason)
{
    if (g_seamSet) {
        g_seamSet = false;
        if (g_next)
            sessions->supplyPassword(profileId, *g_next, false);
        else
            sessions->cancelPassword(profileId);
        return;
    }
    const ConnectionProfile *p = sessions->store()->profile(profileId);
    if (!p) return;
    auto *dialog = new QDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QObject::tr("Password for %1").arg(p->name));
    auto *form = new QFormLayout(dialog);
    auto *why = new QLabel(reason, dialog);
    why->setWordWrap(true);
    form->addRow(why);
    form->addRow(QObject::tr("Server"), new QLabel(p->addressText(), dialog));
    form->addRow(QObject::tr("User"), new QLabel(p->user, dialog));
    auto *edit = new QLineEdit(dialog);
    edit->setEchoMode(QLineEdit::Password);
    form->addRow(QObject::tr("Password"), edit);
    auto *remember = new QCheckBox(QObject::tr("Save in the system keychain"), dialog);
    remember->setEnabled(sessions->passwords()->keychainAvailable());
    remember->setChecked(false);
    if (!remember->isEnabled()) remember->setToolTip(sessions->passwords()->unavailableReason());
    form->addRow(QString(), remember);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    QPointer<ServerSessions> guard(sessions);
    QObject::connect(dialog, &QDialog::finished, dialog, [=](int result) {
        if (!guard) return;
        if (result == QDialog::Accepted)
            guard->supplyPassword(profileId, edit->text(), remember->isChecked());
        else
            guard->cancelPassword(profileId);
    });
    dialog->open();
}

} // namespace qscope
