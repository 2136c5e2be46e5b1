#pragma once
/// The bar under the editor. Find / replace (Ctrl+F, Ctrl+H): case, whole word and regex
/// toggles, next, previous, replace, replace all, and where the match is among all of them
/// ("3 of 12"). Go to line (Ctrl+G). Escape closes it, from the bar or from the editor.

#include <QPointer>
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
    void showGoToLine();
    bool findNext(bool backwards = false);
    bool replaceOne();
    int replaceAll();
    /// Hides the bar and gives the editor the focus back.
    void dismiss();
    QLineEdit *findEdit() const { return m_find; }
    QLineEdit *replaceEdit() const { return m_replace; }
    QLineEdit *lineEdit() const { return m_line; }
    /// "3 of 12", "No matches", "5 replaced", "Line 1 to 40" ...
    QString statusText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool find(bool backwards, bool fromStart);
    /// Start positions of the matches in the document, at most `cap` of them.
    QList<long> matchStarts(int cap) const;
    void goToTypedLine();

    QPointer<EditorTab> m_editor;
    QWidget *m_findRow;
    QLineEdit *m_find;
    QLineEdit *m_replace;
    QCheckBox *m_case;
    QCheckBox *m_word;
    QCheckBox *m_regex;
    QLabel *m_status;
    QWidget *m_replaceRow;
    QWidget *m_lineRow;
    QLineEdit *m_line;
    QLabel *m_lineStatus;
};

} // namespace qscope
