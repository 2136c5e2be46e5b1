#pragma once
/// One editor tab: a QScintilla editor with the q lexer, bound to a saved connection (the server
/// its queries run on) and optionally to a .q file.

#include "editor/qsci.h"

namespace qscope {

class QLexer;

class EditorTab : public QsciScintilla
{
    Q_OBJECT
public:
    EditorTab(QLexer *lexer, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    QString profileId() const { return m_profileId; }
    void setProfileId(const QString &id);
    QString filePath() const { return m_filePath; }
    QString untitledName() const { return m_untitled; }
    void setUntitledName(const QString &name) { m_untitled = name; }
    QString displayName() const;
    /// A stable id (a UUID, kept in the session) that ties things kept per tab, such as pinned
    /// results, to this tab across restarts.
    QString tabId() const { return m_tabId; }
    void setTabId(const QString &id) { m_tabId = id; }
    /// A query of this tab is running (the title shows it).
    bool isBusy() const { return m_busy; }
    void setBusy(bool busy) { m_busy = busy; }

    /// Loads a file (UTF-8). Returns an error text, empty on success.
    QString loadFile(const QString &path);
    /// Saves to path (atomically). Returns an error text, empty on success.
    QString saveFile(const QString &path);

    /// The selection if any, else the current line (q runs a line as one expression).
    QByteArray currentStatement() const;
    QByteArray wholeText() const { return text().toUtf8(); }
    void applyTheme();

Q_SIGNALS:
    void profileChanged(const QString &profileId);

private:
    QString m_profileId;
    QString m_filePath;
    QString m_untitled;
    QString m_tabId;
    bool m_busy = false;
};

} // namespace qscope
