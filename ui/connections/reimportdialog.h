#pragma once
/// Asked when an imported file holds connections already in the list (same folder and name):
/// merge them (update from the file), skip them, or import them again as duplicates. Tests
/// answer it through setNextAnswer, as Confirm's seam, so no test blocks on a modal loop.

#include "connections/serverlistimporter.h"

#include <QDialog>

#include <optional>

class QRadioButton;

namespace qscope {

class ReimportDialog : public QDialog
{
    Q_OBJECT
public:
    /// listed: the entries already there ("folder/name"); total: entries in the file.
    ReimportDialog(const QStringList &listed, int total, const QString &format,
                   QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    ReimportChoice choice() const;

    /// Shows the dialog; nullopt if the user cancelled the import.
    static std::optional<ReimportChoice> ask(QWidget *parent, const QStringList &listed, int total,
                                             const QString &format);
    /// Test seam: the next ask() returns this (nullopt: cancelled) without showing a dialog.
    static void setNextAnswer(std::optional<ReimportChoice> answer);
    /// How many times ask() was called (shown or answered by the seam).
    static int askedCount();

private:
    QRadioButton *m_merge;
    QRadioButton *m_skip;
    QRadioButton *m_duplicate;
};

} // namespace qscope
