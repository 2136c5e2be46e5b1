#pragma once
/// One editor tab: a QScintilla editor with the q lexer, bound to a saved connection (the server
/// its queries run on) and optionally to a .q file.
///
/// It reads the buffer by q's statement rules (protocol/qstatements.h): Ctrl+Return runs the
/// statement under the cursor (all the lines q would read as one), and Return indents a new
/// line only while a bracket is open, since in q a line that starts with whitespace continues
/// the statement above it: inheriting the indent would silently join the next statement.

#include "editor/qsci.h"
#include "protocol/qstatements.h"

#include <QPointer>

#include <optional>

class QAction;

namespace qscope {

class QLexer;
class ServerNames;

class EditorTab : public QsciScintilla
{
    Q_OBJECT
public:
    /// `areaLexer` is not used: a lexer styles only one editor, so each tab makes its own (see
    /// QLexer). The parameter stays until EditorArea stops passing its lexer.
    EditorTab(QLexer *areaLexer, QWidget *parent = nullptr);

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

    /// What Ctrl+Return runs: the selection if any, else the statement under the cursor by q's
    /// rules (comments removed, continuation lines joined). Empty if the cursor is on a blank
    /// or comment line outside any statement.
    QByteArray currentStatement() const;
    /// The statement under the cursor (lines and text), ignoring any selection.
    std::optional<QStatement> statementAtCursor() const;
    QByteArray wholeText() const { return text().toUtf8(); }
    /// Whether text is selected now. QsciScintilla::hasSelectedText() answers from a flag that
    /// typing over a selection does not clear (Ctrl+A, type, Ctrl+Return ran nothing: #20).
    bool hasLiveSelection() const;

    /// Comments the selected lines (or the cursor's line) with q's line comment "/ ", or
    /// uncomments them when all of them are line comments already. One undo step.
    void toggleComment();
    /// Moves the cursor to a 1-based line (clamped) and shows it.
    void goToLine(int line);
    /// Puts a query in as a statement of its own: on the cursor's line if that is blank, else
    /// on a new line at column 0 after the statement under the cursor (never inside a line or
    /// a statement). The cursor ends on it, so Ctrl+Return runs it.
    void insertStatement(const QString &query);

    void applyTheme();

    /// Completion: names from this tab's server (ServerNames), offered while a name is typed
    /// (from its second character, not in strings or comments), columns of the table after
    /// `from` on the line and after `table.`, and a function's parameters as a call tip when
    /// `[` follows its name. Until set, the keywords and .z names only.
    void setNames(ServerNames *names);
    /// Shows the completion list for the name before the cursor, however short (Ctrl+Space).
    void autoCompleteFromAll() override;
    /// Closes the completion list and the call tip (the statement is being run).
    void closePopups();
    /// What the completion list showed last, and the call tip (tests, the benchmark).
    QStringList lastCompletions() const;
    QString lastCallTip() const { return m_callTip; }

    /// The application's shortcut chords (the actions' shortcuts). They are removed from the
    /// QScintilla command set of every tab, open or opened later: QScintilla claims the chords
    /// it binds while the editor has focus, so Ctrl+Shift+L deleted a line instead of reaching
    /// the application's action.
    static void reserveKeys(const QList<QAction *> &actions);

Q_SIGNALS:
    void profileChanged(const QString &profileId);

private:
    void releaseReservedKeys();
    /// After a newline is typed: indents the new line if the statement is still open.
    void indentNewLine();
    void onCharAdded(int ch);
    /// Offers the names that start with the word before the cursor.
    void complete(bool asked);
    void showCallTip();

    QLexer *m_lexer;
    QPointer<ServerNames> m_names;
    QByteArray m_completions; ///< the list shown last, as given to Scintilla
    QString m_callTip;
    QString m_profileId;
    QString m_filePath;
    QString m_untitled;
    QString m_tabId;
    bool m_busy = false;
};

} // namespace qscope
