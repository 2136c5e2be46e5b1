#include "editor/emptyhint.h"

#include "editor/editortab.h"

#include <QEvent>
#include <QLabel>

namespace qscope {

EmptyHint::EmptyHint(EditorTab *editor) : QObject(editor), m_editor(editor)
{
    m_label = new QLabel(text(), editor->viewport());
    m_label->setTextFormat(Qt::RichText);
    m_label->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_label->setFocusPolicy(Qt::NoFocus);
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    connect(editor, &EditorTab::textChanged, this, &EmptyHint::update);
    editor->viewport()->installEventFilter(this);
    update();
}

QString EmptyHint::text()
{
    return tr("<div style=\"color:gray\">Type a q statement and press <b>Ctrl+Return</b> "
              "(or the Run button) to run it. To try on the demo server:"
              "<pre>select from trade\n.u.w\ntables[]\nselect max price by sym from trade</pre>"
              "Ctrl+Shift+Return runs the whole buffer; F6 moves to the results.</div>");
}

bool EmptyHint::isShown() const
{
    return !m_label->isHidden();
}

bool EmptyHint::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_editor->viewport() && event->type() == QEvent::Resize) update();
    return QObject::eventFilter(watched, event);
}

void EmptyHint::update()
{
    const bool empty = m_editor->length() == 0;
    m_label->setVisible(empty);
    if (!empty) return;
    // right of the margins (line numbers), level with the first line, within the viewport
    int margins = 0;
    for (int i = 0; i < m_editor->margins(); ++i)
        margins += m_editor->marginWidth(i);
    const int em = m_label->fontMetrics().height();
    const int x = margins + em;
    m_label->setGeometry(x, em / 4, qMax(0, m_editor->viewport()->width() - x - em / 2),
                         qMax(0, m_editor->viewport()->height() - em / 2));
}

} // namespace qscope
