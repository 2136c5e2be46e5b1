#pragma once
/// Where and how to export a result: the file, and whether values are written exactly (the
/// default: every value reads back the same) or as q displays them (\P 7 floats, the grid's
/// text). The help text says, per format, how nulls, infinities and temporals are spelled.
/// Opened with open() (window-modal, the GUI thread never waits); read it on accepted().

#include "exporter.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace qscope {

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    ExportDialog(ExportFormat format, const QString &suggestedPath, QWidget *parent = nullptr);

    ExportFormat format() const { return m_format; }
    QString path() const;
    TextMode mode() const;

    void setPath(const QString &path);
    void setMode(TextMode mode);
    /// The help text shown for a format and mode (also what the dialog's label holds).
    static QString helpText(ExportFormat format, TextMode mode);

private:
    void browse();
    void update();

    ExportFormat m_format;
    QLineEdit *m_path = nullptr;
    QRadioButton *m_exact = nullptr;
    QRadioButton *m_display = nullptr;
    QLabel *m_help = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace qscope
