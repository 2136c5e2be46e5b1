#pragma once
/// Find / replace under the editor (Ctrl+F, Ctrl+H): case, whole word and regex toggles, next,
/// previous, replace, replace all. Reports "not found" inline.

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace qscope {

class EditorTab;

class FindBar : public QWidget
{
    Q_OBJECT
public:
    explicit FindBar(QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void setEditor(EditorTab *editor);
    void showFind(bool withReplace);
    bool findNext(bool backwards = false);
    bool replaceOne();
    int replaceAll();
    QLineEdit *findEdit() const { return m_find; }
    QLineEdit *replaceEdit() const { return m_replace; }

private:
    bool find(bool backwards, bool fromStart);

    EditorTab *m_editor = nullptr;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_case;
    QCheckBox *m_word;
    QCheckBox *m_regex;
    QLabel *m_status;
    QWidget *m_replaceRow;
};

} // namespace qscope
