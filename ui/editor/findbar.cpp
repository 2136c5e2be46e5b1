#include "editor/findbar.h"

#include "editor/editortab.h"

#include <QCheckBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>

#include <algorithm>

namespace qscope {

namespace {

/// Past this many matches the bar says "100000+" rather than counting on.
constexpr int kMatchCap = 100000;

} // namespace

FindBar::FindBar(QWidget *parent) : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    m_findRow = new QWidget(this);
    auto *findRow = new QHBoxLayout(m_findRow);
    findRow->setContentsMargins(0, 0, 0, 0);
    m_find = new QLineEdit(m_findRow);
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    auto *next = new QPushButton(tr("Next"), m_findRow);
    auto *prev = new QPushButton(tr("Previous"), m_findRow);
    m_case = new QCheckBox(tr("Match case"), m_findRow);
    m_word = new QCheckBox(tr("Whole words"), m_findRow);
    m_regex = new QCheckBox(tr("Regex"), m_findRow);
    m_status = new QLabel(m_findRow);
    findRow->addWidget(m_find, 1);
    findRow->addWidget(next);
    findRow->addWidget(prev);
    findRow->addWidget(m_case);
    findRow->addWidget(m_word);
    findRow->addWidget(m_regex);
    findRow->addWidget(m_status);
    m_replaceRow = new QWidget(this);
    auto *row = new QHBoxLayout(m_replaceRow);
    row->setContentsMargins(0, 0, 0, 0);
    m_replace = new QLineEdit(m_replaceRow);
    m_replace->setPlaceholderText(tr("Replace with"));
    auto *replace = new QPushButton(tr("Replace"), m_replaceRow);
    auto *all = new QPushButton(tr("Replace all"), m_replaceRow);
    row->addWidget(m_replace, 1);
    row->addWidget(replace);
    row->addWidget(all);
    m_lineRow = new QWidget(this);
    auto *lineRow = new QHBoxLayout(m_lineRow);
    lineRow->setContentsMargins(0, 0, 0, 0);
    lineRow->addWidget(new QLabel(tr("Go to line:"), m_lineRow));
    m_line = new QLineEdit(m_lineRow);
    m_line->setValidator(new QIntValidator(1, 1 << 30, m_line));
    lineRow->addWidget(m_line, 1);
    m_lineStatus = new QLabel(m_lineRow);
    lineRow->addWidget(m_lineStatus);
    auto *close = new QPushButton(tr("Close"), this);
    close->setFlat(true);
    grid->addWidget(m_findRow, 0, 0);
    grid->addWidget(m_lineRow, 0, 0);
    grid->addWidget(close, 0, 1);
    grid->addWidget(m_replaceRow, 1, 0, 1, 2);
    grid->setColumnStretch(0, 1);

    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(); });
    connect(next, &QPushButton::clicked, this, [this] { findNext(); });
    connect(prev, &QPushButton::clicked, this, [this] { findNext(true); });
    connect(replace, &QPushButton::clicked, this, [this] { replaceOne(); });
    connect(all, &QPushButton::clicked, this, [this] { replaceAll(); });
    connect(m_line, &QLineEdit::returnPressed, this, [this] { goToTypedLine(); });
    connect(close, &QPushButton::clicked, this, [this] { dismiss(); });
    auto *esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(esc, &QShortcut::activated, this, [this] { dismiss(); });
    hide();
}

void FindBar::setEditor(EditorTab *editor)
{
    if (m_editor) m_editor->removeEventFilter(this);
    m_editor = editor;
    // Escape in the editor closes the bar too (the editor, not the bar, has the focus while
    // one walks through the matches)
    if (m_editor) m_editor->installEventFilter(this);
}

bool FindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress && isVisible() &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape &&
        static_cast<QKeyEvent *>(event)->modifiers() == Qt::NoModifier &&
        // Escape first closes the editor's own popups
        !m_editor->SendScintilla(QsciScintillaBase::SCI_AUTOCACTIVE) &&
        !m_editor->SendScintilla(QsciScintillaBase::SCI_CALLTIPACTIVE)) {
        dismiss();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void FindBar::dismiss()
{
    hide();
    if (m_editor) m_editor->setFocus();
}

void FindBar::showFind(bool withReplace)
{
    m_lineRow->hide();
    m_findRow->show();
    m_replaceRow->setVisible(withReplace);
    if (m_editor && m_editor->hasLiveSelection() &&
        !m_editor->selectedText().contains(QLatin1Char('\n')))
        m_find->setText(m_editor->selectedText());
    m_status->clear();
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindBar::showGoToLine()
{
    if (!m_editor) return;
    m_findRow->hide();
    m_replaceRow->hide();
    m_lineRow->show();
    int line = 0, index = 0;
    m_editor->getCursorPosition(&line, &index);
    m_line->setText(QString::number(line + 1));
    m_lineStatus->setText(tr("1 to %1").arg(m_editor->lines()));
    show();
    m_line->setFocus();
    m_line->selectAll();
}

void FindBar::goToTypedLine()
{
    if (!m_editor) return;
    bool ok = false;
    const int line = m_line->text().toInt(&ok);
    if (!ok || line < 1 || line > m_editor->lines()) {
        m_lineStatus->setText(tr("Type a line from 1 to %1").arg(m_editor->lines()));
        return;
    }
    hide();
    m_editor->goToLine(line);
}

QString FindBar::statusText() const
{
    return m_lineRow->isVisible() ? m_lineStatus->text() : m_status->text();
}

QList<long> FindBar::matchStarts(int cap) const
{
    QList<long> starts;
    const QByteArray needle = m_find->text().toUtf8();
    if (!m_editor || needle.isEmpty()) return starts;
    // the flags QsciScintilla::findFirst searches with below
    const int flags = (m_case->isChecked() ? QsciScintillaBase::SCFIND_MATCHCASE : 0) |
                      (m_word->isChecked() ? QsciScintillaBase::SCFIND_WHOLEWORD : 0) |
                      (m_regex->isChecked()
                           ? QsciScintillaBase::SCFIND_REGEXP | QsciScintillaBase::SCFIND_CXX11REGEX
                           : 0);
    EditorTab *ed = m_editor;
    const long end = ed->SendScintilla(QsciScintillaBase::SCI_GETLENGTH);
    ed->SendScintilla(QsciScintillaBase::SCI_SETSEARCHFLAGS, flags);
    long pos = 0;
    while (pos <= end && starts.size() < cap) {
        ed->SendScintilla(QsciScintillaBase::SCI_SETTARGETRANGE, pos, end);
        const long at = ed->SendScintilla(QsciScintillaBase::SCI_SEARCHINTARGET, needle.size(),
                                          needle.constData());
        if (at < 0) break;
        starts.append(at);
        const long after = ed->SendScintilla(QsciScintillaBase::SCI_GETTARGETEND);
        // an empty match (a regex like a*) moves on by one character
        pos = after > at ? after : ed->SendScintilla(QsciScintillaBase::SCI_POSITIONAFTER, at);
        if (pos == at) break; // at the document's end
    }
    return starts;
}

bool FindBar::find(bool backwards, bool fromStart)
{
    if (!m_editor || m_find->text().isEmpty()) return false;
    // Count first: findFirst must be the last search, as replace() reuses its regex groups.
    const QList<long> starts = matchStarts(kMatchCap);
    int line = -1, index = -1;
    if (backwards && m_editor->hasLiveSelection()) {
        int l2, i2;
        m_editor->getSelection(&line, &index, &l2, &i2);
    }
    if (fromStart) {
        line = 0;
        index = 0;
    }
    const bool found =
        m_editor->findFirst(m_find->text(), m_regex->isChecked(), m_case->isChecked(),
                            m_word->isChecked(), true, !backwards, line, index, true, false, true);
    if (!found) {
        m_status->setText(tr("No matches"));
        return false;
    }
    const long at = m_editor->SendScintilla(QsciScintillaBase::SCI_GETSELECTIONSTART);
    const auto it = std::lower_bound(starts.cbegin(), starts.cend(), at);
    const bool capped = starts.size() >= kMatchCap;
    const QString total = capped ? tr("%1+").arg(kMatchCap) : QString::number(starts.size());
    if (it != starts.cend() && *it == at)
        m_status->setText(tr("%1 of %2").arg(int(it - starts.cbegin()) + 1).arg(total));
    else
        m_status->setText(tr("%1 matches").arg(total));
    return true;
}

bool FindBar::findNext(bool backwards)
{
    return find(backwards, false);
}

bool FindBar::replaceOne()
{
    if (!m_editor) return false;
    if (!m_editor->hasLiveSelection() && !findNext()) return false;
    m_editor->replace(m_replace->text());
    return findNext();
}

int FindBar::replaceAll()
{
    if (!m_editor || m_find->text().isEmpty()) return 0;
    int count = 0;
    m_editor->beginUndoAction();
    bool found = m_editor->findFirst(m_find->text(), m_regex->isChecked(), m_case->isChecked(),
                                     m_word->isChecked(), false, true, 0, 0, false, false, true);
    while (found && count < 1000000) {
        m_editor->replace(m_replace->text());
        ++count;
        found = m_editor->findNext();
    }
    m_editor->endUndoAction();
    m_status->setText(tr("%n replaced", nullptr, count));
    return count;
}

} // namespace qscope
