#pragma once
/// The call form for a server function: one field per parameter (from the lambda's [a;b;c], or
/// x/y/z when implicit), each checked live with the q-literal parser; the error (and where it
/// is) shows under the field and OK stays disabled until every argument parses. The result is
/// the message (`f;arg1;arg2) for ConnectionManager::call.

#include "protocol/value.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace qscope {

class CallFormDialog : public QDialog
{
    Q_OBJECT
public:
    CallFormDialog(const QString &qualifiedName, const QString &source, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// The lambda's parameter names: [a;b] or the implicit x, y, z it uses (at least x).
    static QStringList parameters(const QString &source);

    QList<QLineEdit *> argumentEdits() const { return m_edits; }
    /// Empty if every argument parses; else the first problem.
    QString problem() const;
    /// (`name;args...), valid when problem() is empty.
    Value message() const;
    /// A readable form for history and errors: name[arg1;arg2].
    QByteArray description() const;

private:
    void check();

    QString m_name;
    QList<QLineEdit *> m_edits;
    QList<QLabel *> m_errors;
    QDialogButtonBox *m_buttons;
};

} // namespace qscope
