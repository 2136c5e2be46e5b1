#pragma once
/// The hint an empty editor shows: how to run, and a few queries to try (they all answer on the
/// demo server). A label over the editor's viewport that lets every click through and hides as
/// soon as the buffer holds anything, so it is never text of the buffer (nothing to save, undo
/// or run).

#include <QObject>

class QLabel;

namespace qscope {

class EditorTab;

class EmptyHint : public QObject
{
    Q_OBJECT
public:
    /// Owned by the editor.
    explicit EmptyHint(EditorTab *editor);
    static QString text();
    bool isShown() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void update();

    EditorTab *m_editor;
    QLabel *m_label;
};

} // namespace qscope
