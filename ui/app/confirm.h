#pragma once
/// The only modal dialog the app shows on its own: confirming something destructive (delete a
/// connection, close a modified tab; in the monitor: install the agent on a server, close a remote
/// handle). Tests answer it through setNextAnswer (the seam KeePassXC's MessageBox::setNextAnswer
/// provides) so no test ever blocks on a modal loop. Built as qscope_ui_common, which both the
/// workbench (qscope_ui) and the monitor (qscope_ui_monitor) link.

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
    /// Yes/No that shows exactly what will run (e.g. q code) in a read-only monospace box;
    /// `action` names the Yes button ("Install", "Close handle"). Cancel is the default.
    static bool askWithDetails(QWidget *parent, const QString &title, const QString &text,
                               const QString &details, const QString &action);

    /// Test seam: the next question is answered with this, without showing a dialog.
    static void setNextAnswer(std::optional<Answer> answer);
    /// How many questions were asked (shown or answered by the seam).
    static int askedCount();
    /// The details of the last askWithDetails question (what the user was shown).
    static QString lastDetails();
};

} // namespace qscope
