#include "connections/reimportdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include <utility>

namespace qscope {

namespace {
// the seam: an answer waiting (itself nullopt for "cancelled")
std::optional<std::optional<ReimportChoice>> g_next;
int g_asked = 0;
} // namespace

ReimportDialog::ReimportDialog(const QStringList &listed, int total, const QString &format,
                               QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Import connections"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 70);
    auto *layout = new QVBoxLayout(this);
    const int fresh = total - int(listed.size());
    auto *intro = new QLabel(tr("%1 of the %2 connections in this %3 file are already in your "
                                "list (same folder and name):")
                                 .arg(listed.size())
                                 .arg(total)
                                 .arg(format),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *names = new QPlainTextEdit(listed.join(QLatin1Char('\n')), this);
    names->setReadOnly(true);
    names->setMaximumHeight(fontMetrics().lineSpacing() * 8);
    layout->addWidget(names);

    // short choices, each with its consequence on a wrapped line under it (a radio button's
    // text does not wrap)
    const auto choice = [this, layout](const QString &text, const QString &detail) {
        auto *radio = new QRadioButton(text, this);
        layout->addWidget(radio);
        auto *note = new QLabel(detail, this);
        note->setWordWrap(true);
        note->setIndent(fontMetrics().averageCharWidth() * 4);
        note->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(note);
        return radio;
    };
    m_merge = choice(tr("&Merge them"),
                     tr("Their address, TLS, user, colour tag and password come from the file; "
                        "your timeouts and reconnect settings stay."));
    m_skip = choice(tr("&Skip them"), tr("Import only the %n new connection(s); the listed ones "
                                         "stay as they are.",
                                         nullptr, fresh));
    m_duplicate = choice(tr("Import them again as &duplicates"),
                         tr("Each gets a second entry, named \"name (2)\"."));
    m_merge->setChecked(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *import = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    import->setDefault(true);
    connect(import, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

ReimportChoice ReimportDialog::choice() const
{
    if (m_skip->isChecked()) return ReimportChoice::Skip;
    if (m_duplicate->isChecked()) return ReimportChoice::Duplicate;
    return ReimportChoice::Merge;
}

std::optional<ReimportChoice> ReimportDialog::ask(QWidget *parent, const QStringList &listed,
                                                  int total, const QString &format)
{
    ++g_asked;
    if (g_next) return *std::exchange(g_next, std::nullopt);
    ReimportDialog dialog(listed, total, format, parent);
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;
    return dialog.choice();
}

void ReimportDialog::setNextAnswer(std::optional<ReimportChoice> answer)
{
    g_next.emplace(answer); // engaged even when answer is nullopt (cancel)
}

int ReimportDialog::askedCount()
{
    return g_asked;
}

} // namespace qscope
