#pragma once
/// The connections dock: the tree (folders, drag and drop, state icons, colour tags; several
/// rows may be selected) and the actions on it: connect / disconnect, new query tab, add / edit /
/// duplicate, delete (the selection, folders with their connections), folders, import (qscope
/// JSON, Studio for kdb+, qStudio, host:port and CSV lists) and export (passwords left out).
/// Deleting asks for confirmation (Confirm, which tests answer through its seam). An import reads
/// and parses its file on a worker thread; back on the GUI thread it asks what to do with entries
/// already in the list (ReimportDialog) and applies the whole file as one store batch (one save).

#include <QHash>
#include <QWidget>

class QAction;
class QLineEdit;
class QTreeView;

namespace qscope {

class ConnectionModel;
class ServerSessions;
struct ServerListImport;

class ConnectionsView : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionsView(ServerSessions *sessions, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    QString currentProfile() const;
    QString currentFolder() const;
    /// The selected connections and folders (a folder's own connections are not listed).
    QStringList selectedProfiles() const;
    QStringList selectedFolders() const;
    void selectProfile(const QString &profileId);
    QTreeView *tree() const { return m_tree; }
    ConnectionModel *model() const { return m_model; }

    /// Opens the add dialog (returns the new id, or empty if cancelled). Modal: run from a menu.
    QString addConnection();
    void editConnection(const QString &profileId);
    QString duplicateConnection(const QString &profileId);
    /// Asks first; true if deleted.
    bool deleteConnection(const QString &profileId);
    /// Deletes connections and folders with everything in them, after one question; one save.
    /// Open connections are closed and saved passwords forgotten. True if deleted.
    bool deleteConnections(const QStringList &profileIds, const QStringList &folders = {});
    /// deleteConnections of the tree's selection (the Delete key).
    bool deleteSelection();
    /// Asks first; removes the folder, its subfolders and their connections.
    bool removeFolderWithConnections(const QString &folder);
    /// Starts importing a file (format detected): parsed on a worker thread, then applied;
    /// importFinished (and message()) report a one-line summary. One import at a time.
    void importFile(const QString &path);
    bool importRunning() const { return m_importing; }
    QString exportFile(const QString &path);

    /// The search box over the tree: rows whose name, host, folder or tag contain the text (any
    /// case) stay, with the folders above them; a matching folder keeps all it holds.
    QLineEdit *searchEdit() const { return m_search; }
    /// Where "New folder" made from the context menu at pos goes: the folder under the pointer
    /// (or the folder of the connection there), the top level on empty space.
    QString folderAt(const QPoint &pos) const;
    /// Adds a folder inside parent ("" = top level); returns its path.
    QString newFolder(const QString &parent, const QString &name);
    QAction *addAction() const { return m_add; }
    QAction *importAction() const { return m_import; }
    QAction *exportAction() const { return m_export; }

Q_SIGNALS:
    void openQueryTab(const QString &profileId);
    void currentProfileChanged(const QString &profileId);
    /// Something to tell the user inline (level 0 info, 1 warning, 2 error).
    void message(int level, const QString &text);
    /// An import ended (done, failed or cancelled): the summary also sent to message().
    void importFinished(const QString &summary);

private:
    void showMenu(const QPoint &pos);
    void applySearch();
    /// Hides the rows under parent that neither match nor hold a match; true if any stays.
    bool filterRows(const QModelIndex &parent, const QString &text, bool parentMatches);
    void updateActions();
    void applyPassword(const QString &profileId, const QString &password, bool save);
    void finishImport(const ServerListImport &result);
    void storeImportedPasswords(QHash<QString, QString> passwords);
    void reportImport(int level, const QString &summary);

    ServerSessions *m_sessions;
    ConnectionModel *m_model;
    QTreeView *m_tree;
    QLineEdit *m_search;
    QString m_menuFolder; ///< the folder under the context menu, while it is open
    QAction *m_connect, *m_disconnect, *m_newTab, *m_add, *m_edit, *m_duplicate, *m_delete,
        *m_newFolder, *m_import, *m_export;
    bool m_importing = false;
};

} // namespace qscope
