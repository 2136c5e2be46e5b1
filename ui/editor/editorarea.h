#pragma once
/// The editor tabs: each tab is bound to a saved connection (chosen in the corner combo) and
/// optionally a .q file; titles show the file, the server and a modified mark; the tab icon is
/// the server's colour tag. Open tabs (files and unsaved buffers) are saved to and restored from
/// QSettings. Closing a modified tab asks (Confirm) whether to save.

#include <QWidget>

class QComboBox;
class QSettings;
class QTabWidget;

namespace qscope {

class EditorTab;
class QLexer;
class ServerSessions;

class EditorArea : public QWidget
{
    Q_OBJECT
public:
    explicit EditorArea(ServerSessions *sessions, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    EditorTab *newTab(const QString &profileId, const QString &text = {});
    /// Opens a .q file (or switches to its tab). nullptr and message() on failure.
    EditorTab *openFile(const QString &path, const QString &profileId);
    bool save(EditorTab *tab);
    bool saveAs(EditorTab *tab);
    /// Asks to save a modified tab first; false if the user cancelled.
    bool closeTab(int index);
    bool closeAll();

    EditorTab *current() const;
    EditorTab *tab(int index) const;
    int count() const;
    QTabWidget *tabWidget() const { return m_tabs; }
    QComboBox *serverCombo() const { return m_server; }
    QLexer *lexer() const { return m_lexer; }

    void saveSession(QSettings &settings) const;
    void restoreSession(QSettings &settings, const QString &fallbackProfile);
    void applyTheme();
    void refreshTitles();

Q_SIGNALS:
    void currentTabChanged(qscope::EditorTab *tab);
    /// A tab was added (new, opened or restored) / is about to be closed (still valid).
    void tabOpened(qscope::EditorTab *tab);
    void tabClosing(qscope::EditorTab *tab);
    /// The current tab's server changed (tab switch or combo).
    void currentProfileChanged(const QString &profileId);
    void message(int level, const QString &text);

private:
    void refreshServers();
    void syncCombo();
    QString title(const EditorTab *tab) const;

    ServerSessions *m_sessions;
    QLexer *m_lexer;
    QTabWidget *m_tabs;
    QComboBox *m_server;
    int m_untitled = 0;
    bool m_syncing = false;
};

} // namespace qscope
