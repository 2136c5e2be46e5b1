#include "explorer/callformdialog.h"

#include "protocol/literal.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace qscope {

QStringList CallFormDialog::parameters(const QString &source)
{
    static const QRegularExpression explicitParams(QStringLiteral("^\\s*\\{\\s*\\[([^\\]]*)\\]"));
    const QRegularExpressionMatch m = explicitParams.match(source);
    if (m.hasMatch()) {
        QStringList out;
        for (const QString &p : m.captured(1).split(QLatin1Char(';')))
            if (!p.trimmed().isEmpty()) out << p.trimmed();
        return out.isEmpty() ? QStringList{QStringLiteral("x")} : out;
    }
    // implicit: x, y, z as whole words, outside strings and symbols (rough but safe: asks more)
    QString body = source;
    body.remove(QRegularExpression(QStringLiteral("\"(\\\\.|[^\"\\\\])*\"")));
    body.remove(QRegularExpression(QStringLiteral("`[A-Za-z0-9_.:]*")));
    const auto uses = [&](const char *name) {
        return QRegularExpression(
                   QStringLiteral("(?<![A-Za-z0-9_.])%1(?![A-Za-z0-9_])").arg(QLatin1String(name)))
            .match(body)
            .hasMatch();
    };
    if (uses("z")) return {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")};
    if (uses("y")) return {QStringLiteral("x"), QStringLiteral("y")};
    return {QStringLiteral("x")};
}

CallFormDialog::CallFormDialog(const QString &qualifiedName, const QString &source, QWidget *parent)
    : QDialog(parent), m_name(qualifiedName)
{
    const QStringList params = parameters(source);
    // the title names the call as q writes it: f[a;b]
    setWindowTitle(tr("Call %1[%2]").arg(qualifiedName, params.join(QLatin1Char(';'))));
    auto *layout = new QVBoxLayout(this);
    if (!source.isEmpty()) {
        auto *src = new QPlainTextEdit(source, this);
        src->setReadOnly(true);
        src->setMaximumHeight(fontMetrics().height() * 8);
        layout->addWidget(src);
    }
    auto *form = new QFormLayout;
    for (const QString &p : params) {
        auto *edit = new QLineEdit(this);
        edit->setPlaceholderText(tr("q literal, e.g. 42  `IBM  2024.01.31  1 2 3  \"text\""));
        auto *err = new QLabel(this);
        err->setWordWrap(true);
        QPalette pal = err->palette();
        pal.setColor(QPalette::WindowText, QColor(0xd9, 0x3a, 0x32));
        err->setPalette(pal);
        form->addRow(p, edit);
        form->addRow(QString(), err);
        m_edits << edit;
        m_errors << err;
        connect(edit, &QLineEdit::textChanged, this, &CallFormDialog::check);
    }
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Call"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    check();
}

void CallFormDialog::check()
{
    bool allOk = true;
    for (int i = 0; i < m_edits.size(); ++i) {
        const QByteArray text = m_edits[i]->text().toUtf8();
        QString msg;
        if (text.trimmed().isEmpty()) {
            msg = tr("required");
            allOk = false;
        } else {
            const LiteralResult r = parseLiteral(text);
            if (!r.ok()) {
                msg = r.error->position >= 0 ? tr("%1 (at character %2)")
                                                   .arg(r.error->message)
                                                   .arg(r.error->position + 1)
                                             : r.error->message;
                allOk = false;
            }
        }
        m_errors[i]->setText(msg);
        m_errors[i]->setVisible(!msg.isEmpty() && msg != tr("required"));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(allOk);
}

QString CallFormDialog::problem() const
{
    for (int i = 0; i < m_edits.size(); ++i) {
        const QByteArray text = m_edits[i]->text().toUtf8();
        if (text.trimmed().isEmpty()) return tr("argument %1 is empty").arg(i + 1);
        const LiteralResult r = parseLiteral(text);
        if (!r.ok()) return tr("argument %1: %2").arg(i + 1).arg(r.error->message);
    }
    return {};
}

Value CallFormDialog::message() const
{
    std::vector<Value> items;
    items.push_back(Value::symbol(m_name.toUtf8()));
    for (QLineEdit *e : m_edits)
        items.push_back(parseLiteral(e->text().toUtf8()).value);
    return Value::list(std::move(items));
}

QByteArray CallFormDialog::description() const
{
    QStringList args;
    for (QLineEdit *e : m_edits)
        args << e->text().trimmed();
    return (m_name + QLatin1Char('[') + args.join(QLatin1Char(';')) + QLatin1Char(']')).toUtf8();
}

} // namespace qscope
