#include "exportdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace qscope {

ExportDialog::ExportDialog(ExportFormat format, const QString &suggestedPath, QWidget *parent)
    : QDialog(parent), m_format(format)
{
    setWindowTitle(tr("Export %1").arg(Exporter::formatName(format)));
    m_path = new QLineEdit(suggestedPath, this);
    m_path->setMinimumWidth(360);
    auto *browse = new QPushButton(tr("Browse\u2026"), this);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browse);

    auto *values = new QGroupBox(tr("Values"), this);
    m_exact = new QRadioButton(tr("&Exact: every value reads back the same"), values);
    m_display =
        new QRadioButton(tr("As q &displays it (\\P precision: 7 significant digits)"), values);
    m_exact->setChecked(true);
    m_help = new QLabel(values);
    m_help->setWordWrap(true);
    m_help->setTextFormat(Qt::PlainText);
    m_help->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_help->setForegroundRole(QPalette::PlaceholderText);
    auto *vl = new QVBoxLayout(values);
    vl->addWidget(m_exact);
    vl->addWidget(m_display);
    vl->addWidget(m_help);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Export"));

    auto *form = new QFormLayout;
    form->addRow(tr("File:"), fileRow);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(values);
    layout->addWidget(buttons);

    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::update);
    connect(m_exact, &QRadioButton::toggled, this, &ExportDialog::update);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    update();
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

TextMode ExportDialog::mode() const
{
    return m_exact->isChecked() ? TextMode::Exact : TextMode::Display;
}

void ExportDialog::setPath(const QString &path)
{
    m_path->setText(path);
}

void ExportDialog::setMode(TextMode mode)
{
    (mode == TextMode::Exact ? m_exact : m_display)->setChecked(true);
}

QString ExportDialog::helpText(ExportFormat format, TextMode mode)
{
    if (mode == TextMode::Display)
        return tr("The grid's text: floats and reals at q's display precision (\\P 7, so "
                  "123456789.123 is written 1.234568e+08); timestamps as Excel dates in XLSX. "
                  "Digits beyond the seventh are lost.");
    switch (format) {
    case ExportFormat::Csv:
    case ExportFormat::Tsv:
        return tr("As q's csv 0: writes it: floats at the shortest text that reads back to the "
                  "same number (up to 17 digits); dates 2026-12-04, timestamps "
                  "2026-12-04D21:59:45.597835082; a null is an empty field, an infinity 0W or "
                  "0w. Fields holding the separator, quotes or line breaks are quoted.");
    case ExportFormat::Json:
        return tr("Valid JSON for every value: a null is null; an infinity of a float or a "
                  "temporal is the string \"Infinity\" or \"-Infinity\"; timestamps are ISO "
                  "8601 with nanoseconds (\"2026-12-04T21:59:45.597835082\"), dates "
                  "\"2026-12-04\"; floats up to 17 digits.");
    case ExportFormat::Xlsx:
        return tr("Numbers, dates and booleans as Excel cells. Written as text where a cell "
                  "would lose digits: floats needing 17 digits, longs beyond 2^53, timestamps "
                  "(ISO 8601 with nanoseconds), dates before 1900-03-01 and infinities. A null "
                  "is a blank cell.");
    }
    return {};
}

void ExportDialog::browse()
{
    const QString suffix = Exporter::fileSuffix(m_format);
    auto *files = new QFileDialog(this, windowTitle(), path(),
                                  Exporter::formatName(m_format) % QStringLiteral(" (*.") % suffix %
                                      QStringLiteral(")"));
    files->setAcceptMode(QFileDialog::AcceptSave);
    files->setDefaultSuffix(suffix);
    files->setAttribute(Qt::WA_DeleteOnClose);
    connect(files, &QFileDialog::fileSelected, this, &ExportDialog::setPath);
    files->open();
}

void ExportDialog::update()
{
    m_help->setText(helpText(m_format, mode()));
    m_ok->setEnabled(!path().isEmpty());
}

} // namespace qscope
