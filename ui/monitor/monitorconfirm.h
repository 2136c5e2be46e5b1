#pragma once
/// The monitor's only modal dialog: confirming something that changes a server (install the agent,
/// close a remote handle). Tests answer it through setNextAnswer so nothing blocks on a modal loop.
/// (The workbench's Confirm lives in qscope_ui, which this library may not link.)

#include <QString>

#include <optional>

class QWidget;

namespace qscope {

class MonitorConfirm
{
public:
    // GUI thread ------------------------------------------------------------------------------
    /// Yes/No with the exact details (e.g. the q code to run) shown in a monospace box.
    static bool ask(QWidget *parent, const QString &title, const QString &text,
                    const QString &details, const QString &action);
    /// Test seam: answer the next question without showing a dialog.
    static void setNextAnswer(std::optional<bool> answer);
    static int askedCount();
    /// The details of the last question (what the user was shown).
    static QString lastDetails();
};

} // namespace qscope
