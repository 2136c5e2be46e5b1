#pragma once
/// The connections dock: the tree (folders, drag and drop, state icons, colour tags) and the
/// actions on it: connect / disconnect, new query tab, add / edit / duplicate / delete, folders,
/// import (qscope JSON, Studio for kdb+, qStudio, QPad) and export (passwords left out).
/// Deleting asks for confirmation (Confirm, which tests answer through its seam).

#include <QWidget>

class QAction;
class QTreeView;

namespace qscope {

class ConnectionModel;
class ServerSessions;

class ConnectionsView : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionsView(ServerSessions *sessions, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    QString currentProfile() const;
    QString currentFolder() const;
    void selectProfile(const QString &profileId);
    QTreeView *tree() const { return m_tree; }
    ConnectionModel *model() const { return m_model; }

    /// Opens the add dialog (returns the new id, or empty if cancelled). Modal: run from a menu.
    QString addConnection();
    void editConnection(const QString &profileId);
    QString duplicateConnection(const QString &profileId);
    /// Asks first; true if deleted.
    bool deleteConnection(const QString &profileId);
    /// Imports a file (format detected); returns a one-line summary (also reported by message()).
    QString importFile(const QString &path);
    QString exportFile(const QString &path);

    QAction *addAction() const { return m_add; }
    QAction *importAction() const { return m_import; }
    QAction *exportAction() const { return m_export; }

Q_SIGNALS:
    void openQueryTab(const QString &profileId);
    void currentProfileChanged(const QString &profileId);
    /// Something to tell the user inline (level 0 info, 1 warning, 2 error).
    void message(int level, const QString &text);

private:
    void showMenu(const QPoint &pos);
    void updateActions();
    void applyPassword(const QString &profileId, const QString &password, bool save);

    ServerSessions *m_sessions;
    ConnectionModel *m_model;
    QTreeView *m_tree;
    QAction *m_connect, *m_disconnect, *m_newTab, *m_add, *m_edit, *m_duplicate, *m_delete,
        *m_newFolder, *m_import, *m_export;
};

} // namespace qscope
