#pragma once
/// The only modal dialog the workbench shows on its own: confirming something destructive
/// (delete a connection, close a modified tab). Tests answer it through setNextAnswer (the seam
/// KeePassXC's MessageBox::setNextAnswer provides) so no test ever blocks on a modal loop.

#include <QString>

#include <optional>

class QWidget;

namespace qscope {

class Confirm
{
public:
    enum Answer { Yes, No, Cancel };

    // GUI thread ------------------------------------------------------------------------------
    /// Yes/No question; `destructive` names the action on the Yes button ("Delete", "Discard").
    static bool ask(QWidget *parent, const QString &title, const QString &text,
                    const QString &destructive);
    /// Save / Discard / Cancel for closing a modified document: Yes = save, No = discard.
    static Answer askSave(QWidget *parent, const QString &title, const QString &text);

    /// Test seam: the next question is answered with this, without showing a dialog.
    static void setNextAnswer(std::optional<Answer> answer);
    /// How many questions were asked (shown or answered by the seam).
    static int askedCount();
};

} // namespace qscope
