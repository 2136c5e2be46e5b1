#pragma once
/// The saved connections and their folders, kept as a readable JSON file (by default
/// connections.json in QStandardPaths::AppConfigLocation). Passwords are never in the file.
/// Every change is written at once (atomically, through QSaveFile) when a file is set; changes
/// made inside a Batch (an import, deleting a selection) are written once, when it ends.

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

    /// Groups changes: the file is written once and the signals (profileRemoved, profileChanged,
    /// changed) are emitted once, when the outermost batch ends. GUI thread, on the stack.
    class Batch
    {
    public:
        explicit Batch(ConnectionStore *store) : m_store(store) { ++store->m_batchDepth; }
        ~Batch()
        {
            if (--m_store->m_batchDepth == 0) m_store->flush();
        }
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

    private:
        ConnectionStore *m_store;
    };

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
    /// Removes these connections in one batch; returns how many there were.
    int remove(const QStringList &ids);
    QString duplicate(const QString &id);
    bool moveToFolder(const QString &id, const QString &folder);
    void addFolder(const QString &folder);
    /// Removes a folder; its connections and subfolders move to its parent.
    void removeFolder(const QString &folder);
    /// Removes a folder, its subfolders and every connection in them (one batch); returns the
    /// number of connections removed.
    int removeFolderWithConnections(const QString &folder);
    /// The connections in a folder and its subfolders.
    QStringList profilesUnder(const QString &folder) const;
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

    /// "a / b/ " -> "a/b": how folders are kept (also how imports compare them).
    static QString normaliseFolder(const QString &folder);

Q_SIGNALS:
    void changed();
    void profileChanged(const QString &id);
    void profileRemoved(const QString &id);
    void saveFailed(const QString &error);

private:
    /// Records a change; writes it and signals at once unless a batch is open.
    void commit(const QString &changedId = {}, const QString &removedId = {});
    void flush();
    QString uniqueName(const QString &name, const QString &exceptId = {}) const;

    QList<ConnectionProfile> m_profiles;
    QStringList m_folders;
    QString m_path;
    bool m_loadFailed = false;
    mutable QString m_lastSaveError;
    int m_batchDepth = 0;
    bool m_dirty = false;
    QStringList m_pendingChanged, m_pendingRemoved; // ids to signal when the batch ends
};

} // namespace qscope
