#include "editor/findbar.h"

#include "editor/editortab.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>

namespace qscope {

FindBar::FindBar(QWidget *parent) : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    m_find = new QLineEdit(this);
    m_find->setPlaceholderText(tr("Find"));
    m_find->setClearButtonEnabled(true);
    auto *next = new QPushButton(tr("Next"), this);
    auto *prev = new QPushButton(tr("Previous"), this);
    m_case = new QCheckBox(tr("Match case"), this);
    m_word = new QCheckBox(tr("Whole words"), this);
    m_regex = new QCheckBox(tr("Regex"), this);
    m_status = new QLabel(this);
    auto *close = new QPushButton(tr("Close"), this);
    close->setFlat(true);
    grid->addWidget(m_find, 0, 0);
    grid->addWidget(next, 0, 1);
    grid->addWidget(prev, 0, 2);
    grid->addWidget(m_case, 0, 3);
    grid->addWidget(m_word, 0, 4);
    grid->addWidget(m_regex, 0, 5);
    grid->addWidget(m_status, 0, 6);
    grid->addWidget(close, 0, 7);
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
    grid->addWidget(m_replaceRow, 1, 0, 1, 8);
    grid->setColumnStretch(0, 1);

    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(); });
    connect(next, &QPushButton::clicked, this, [this] { findNext(); });
    connect(prev, &QPushButton::clicked, this, [this] { findNext(true); });
    connect(replace, &QPushButton::clicked, this, [this] { replaceOne(); });
    connect(all, &QPushButton::clicked, this, [this] { replaceAll(); });
    connect(close, &QPushButton::clicked, this, [this] {
        hide();
        if (m_editor) m_editor->setFocus();
    });
    auto *esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(esc, &QShortcut::activated, close, &QPushButton::click);
    hide();
}

void FindBar::setEditor(EditorTab *editor)
{
    m_editor = editor;
}

void FindBar::showFind(bool withReplace)
{
    m_replaceRow->setVisible(withReplace);
    if (m_editor && m_editor->hasSelectedText() &&
        !m_editor->selectedText().contains(QLatin1Char('\n')))
        m_find->setText(m_editor->selectedText());
    m_status->clear();
    show();
    m_find->setFocus();
    m_find->selectAll();
}

bool FindBar::find(bool backwards, bool fromStart)
{
    if (!m_editor || m_find->text().isEmpty()) return false;
    int line = -1, index = -1;
    if (backwards && m_editor->hasSelectedText()) {
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
    m_status->setText(found ? QString() : tr("Not found"));
    return found;
}

bool FindBar::findNext(bool backwards)
{
    return find(backwards, false);
}

bool FindBar::replaceOne()
{
    if (!m_editor) return false;
    if (!m_editor->hasSelectedText() && !findNext()) return false;
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
