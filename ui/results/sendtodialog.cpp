#include "sendtodialog.h"

#include "net/connectionmanager.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>

namespace qscope {

SendToDialog::SendToDialog(ConnectionManager *manager, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Send result to a connection"));
    m_connections = new QComboBox(this);
    if (HandleRegistry *reg = manager ? manager->registry() : nullptr) {
        for (int r = 0; r < reg->count(); ++r) {
            const HandleInfo &h = reg->at(r);
            if (h.state != ConnectionState::Open) continue;
            m_connections->addItem(
                (h.name.isEmpty() ? h.server
                                  : h.name % QStringLiteral(" (") % h.server % QLatin1Char(')')),
                QVariant::fromValue(h.id));
        }
    }
    m_upd = new QRadioButton(tr("upd[`name; value]  (insert rows, as a feed)"), this);
    m_set = new QRadioButton(tr("set[`name; value]  (assign a global)"), this);
    m_upd->setChecked(true);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("table or variable name, e.g. trade"));
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color:#c62828"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Send (async)"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Connection:"), m_connections);
    form->addRow(tr("Call:"), m_upd);
    form->addRow(QString(), m_set);
    form->addRow(tr("Name:"), m_name);
    form->addRow(m_problem);
    form->addRow(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &SendToDialog::validate);
    validate();
}

ConnectionId SendToDialog::connection() const
{
    return m_connections->currentData().value<ConnectionId>();
}

bool SendToDialog::useUpd() const
{
    return m_upd->isChecked();
}

QByteArray SendToDialog::name() const
{
    return m_name->text().trimmed().toUtf8();
}

bool SendToDialog::isValidName(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\.?[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*$"));
    return re.match(text).hasMatch();
}

void SendToDialog::validate()
{
    QString problem;
    if (m_connections->count() == 0)
        problem = tr("No open connection to send to");
    else if (!isValidName(m_name->text().trimmed()))
        problem = tr("Give a q name (letters, digits, _; namespaces with .)");
    m_problem->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace qscope
