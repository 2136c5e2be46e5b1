#include "app/confirm.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qscope {

namespace {
std::optional<Confirm::Answer> g_next;
int g_asked = 0;
QString g_lastDetails;

std::optional<Confirm::Answer> takeNext()
{
    ++g_asked;
    auto a = g_next;
    g_next.reset();
    return a;
}
} // namespace

bool Confirm::ask(QWidget *parent, const QString &title, const QString &text,
                  const QString &destructive)
{
    if (auto a = takeNext()) return *a == Yes;
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, parent);
    QPushButton *yes = box.addButton(destructive, QMessageBox::DestructiveRole);
    QPushButton *no = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(no);
    box.exec();
    return box.clickedButton() == yes;
}

Confirm::Answer Confirm::askSave(QWidget *parent, const QString &title, const QString &text)
{
    if (auto a = takeNext()) return *a;
    QMessageBox box(QMessageBox::Warning, title, text,
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save:
        return Yes;
    case QMessageBox::Discard:
        return No;
    default:
        return Cancel;
    }
}

bool Confirm::askWithDetails(QWidget *parent, const QString &title, const QString &text,
                             const QString &details, const QString &action)
{
    g_lastDetails = details;
    if (auto a = takeNext()) return *a == Yes;
    QDialog dlg(parent);
    dlg.setWindowTitle(title);
    auto *l = new QVBoxLayout(&dlg);
    auto *label = new QLabel(text, &dlg);
    label->setWordWrap(true);
    l->addWidget(label);
    if (!details.isEmpty()) {
        auto *code = new QPlainTextEdit(details, &dlg);
        code->setReadOnly(true);
        code->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        code->setMinimumSize(640, 260);
        l->addWidget(code);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dlg);
    QPushButton *yes = buttons->addButton(action, QDialogButtonBox::AcceptRole);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    QObject::connect(yes, &QPushButton::clicked, &dlg, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    l->addWidget(buttons);
    return dlg.exec() == QDialog::Accepted;
}

void Confirm::setNextAnswer(std::optional<Answer> answer)
{
    g_next = answer;
}

int Confirm::askedCount()
{
    return g_asked;
}

QString Confirm::lastDetails()
{
    return g_lastDetails;
}

} // namespace qscope
