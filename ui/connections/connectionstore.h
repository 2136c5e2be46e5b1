#pragma once
/// The saved connections and their folders, kept as a readable JSON file (by default
/// connections.json in QStandardPaths::AppConfigLocation). Passwords are never in the file.
/// Every change is written at once (atomically, through QSaveFile) when a file is set.

#include "connections/connectionprofile.h"

#include <QList>
#include <QObject>
#include <QStringList>

namespace qscope {

class ConnectionStore : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionStore(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    static QString defaultPath();

    /// Reads the file and remembers it for later saves. A missing file is an empty store, not an
    /// error. Returns an error text when the file exists but cannot be read or parsed (the store
    /// is then left empty and the file is not overwritten until the user changes something).
    QString load(const QString &path);
    QString save() const;
    QString path() const { return m_path; }

    const QList<ConnectionProfile> &profiles() const { return m_profiles; }
    const ConnectionProfile *profile(const QString &id) const;
    const ConnectionProfile *findByName(const QString &name) const;
    /// Explicit folders (also those with no connection yet), sorted, parents included.
    QStringList folders() const;

    /// Adds (a fresh id is given if empty or taken; a clashing name gets " (2)"). Returns the id.
    QString add(ConnectionProfile profile);
    bool update(const ConnectionProfile &profile);
    bool remove(const QString &id);
    QString duplicate(const QString &id);
    bool moveToFolder(const QString &id, const QString &folder);
    void addFolder(const QString &folder);
    /// Removes a folder; its connections and subfolders move to its parent.
    void removeFolder(const QString &folder);
    /// Renames a folder and everything under it.
    void renameFolder(const QString &from, const QString &to);

    /// The file's JSON (also what export writes, minus passwords which are never here).
    QByteArray toJson(const QStringList &ids = {}) const;
    /// Parses a qscope connections file; errors per entry go to *warnings.
    static QList<ConnectionProfile> parseJson(const QByteArray &json, QString *error,
                                              QStringList *warnings);
    QString exportTo(const QString &path, const QStringList &ids = {}) const;

    /// Last error of an automatic save, for the status bar.
    QString lastSaveError() const { return m_lastSaveError; }

Q_SIGNALS:
    void changed();
    void profileChanged(const QString &id);
    void profileRemoved(const QString &id);
    void saveFailed(const QString &error);

private:
    void commit(const QString &changedId = {});
    QString uniqueName(const QString &name, const QString &exceptId = {}) const;
    static QString normaliseFolder(const QString &folder);

    QList<ConnectionProfile> m_profiles;
    QStringList m_folders;
    QString m_path;
    bool m_loadFailed = false;
    mutable QString m_lastSaveError;
};

} // namespace qscope
