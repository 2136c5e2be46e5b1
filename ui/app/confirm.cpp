#include "app/confirm.h"

#include <QMessageBox>
#include <QPushButton>

namespace qscope {

namespace {
std::optional<Confirm::Answer> g_next;
int g_asked = 0;

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

void Confirm::setNextAnswer(std::optional<Answer> answer)
{
    g_next = answer;
}

int Confirm::askedCount()
{
    return g_asked;
}

} // namespace qscope
