#include "monitorconfirm.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qscope {
namespace {
std::optional<bool> g_next;
int g_asked = 0;
QString g_lastDetails;
} // namespace

bool MonitorConfirm::ask(QWidget *parent, const QString &title, const QString &text,
                         const QString &details, const QString &action)
{
    ++g_asked;
    g_lastDetails = details;
    if (g_next) {
        const bool a = *g_next;
        g_next.reset();
        return a;
    }
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

void MonitorConfirm::setNextAnswer(std::optional<bool> answer)
{
    g_next = answer;
}
int MonitorConfirm::askedCount()
{
    return g_asked;
}
QString MonitorConfirm::lastDetails()
{
    return g_lastDetails;
}

} // namespace qscope
