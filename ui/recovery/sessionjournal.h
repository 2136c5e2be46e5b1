#pragma once
/// Crash-safe work: every few seconds, when something changed, the editor tabs (text of unsaved
/// buffers, cursor, file, server) and the pinned results are written under the app's data
/// directory, so a run that dies (SIGKILL, a crash, power loss) loses at most the last few
/// seconds. A clean close saves the session as always and then discards the journal; a journal
/// found at start is therefore work a run did not get to save, and the window restores it.
///
/// Several qscope processes may run at once: each writes its own journal (session-<pid>.json)
/// and holds a lock file beside it while it runs. At start, a journal whose lock no live process
/// holds (the lock of a killed process is stale) is a leftover; the new run takes it over (its
/// lock), restores it, and deletes it once its own journal, which then holds that work, is
/// written. A running instance's journal is never touched, nor deleted by another's clean close.
///
/// Threads: the API is GUI-thread only. A tick copies what is kept on the GUI thread (the tab
/// texts: QScintilla's buffer cannot be read elsewhere; lastSnapshotNs() says what it cost) and
/// hands the copy to one worker thread, which encodes and writes it atomically (QSaveFile for
/// the journal, PinStore::saveAll for the pins). One write at a time; changes meanwhile are
/// written by the next tick. The worker is owned RAII-style: the destructor waits for it.

#include "editor/editorarea.h"
#include "results/pinstore.h"

#include <QDateTime>
#include <QLockFile>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QTimer;

namespace qscope {

class SessionJournal : public QObject
{
    Q_OBJECT
public:
    static constexpr int kIntervalMs = 2000;

    /// The journals left by runs that did not close, together.
    struct Leftover
    {
        QList<EditorArea::TabState> tabs;
        int current = -1;
        qint64 pid = 0; ///< the process that wrote the first of them
        QDateTime written;
        int journals = 0; ///< how many journals were taken over
    };
    using TabSource = std::function<QList<EditorArea::TabState>(int *current)>;
    using PinSource = std::function<QList<PinStore::TabPins>()>;

    /// directory: where session.json goes (defaultDirectory() in the app).
    explicit SessionJournal(const QString &directory, QObject *parent = nullptr);
    ~SessionJournal() override;

    /// <AppDataLocation>/journal
    static QString defaultDirectory();
    /// This process's journal: <directory>/session-<pid>.json
    QString filePath() const;

    // GUI thread ------------------------------------------------------------------------------
    /// What runs that did not close left unsaved (taking their journals over); nullopt when
    /// there is none. A journal that does not read back is moved aside (.unreadable) and named
    /// in *error. Call once, before start().
    std::optional<Leftover> leftover(QString *error = nullptr);
    /// Starts the ticks. The sources are called on the GUI thread at a tick with changes.
    void start(TabSource tabs, PinSource pins, int intervalMs = kIntervalMs);
    void markTabsChanged() { m_tabsDirty = true; }
    void markPinsChanged() { m_pinsDirty = true; }
    /// Stops the ticks and waits for a write in flight (at close, before the normal save).
    void stop();
    /// Waits for a write in flight (before a normal save writes the same pin files).
    void settle();
    /// The session was saved normally: the journal is no longer needed (until the next change).
    void discard();

    /// Figures: what the last tick's copy cost on the GUI thread, and writes done.
    qint64 lastSnapshotNs() const { return m_lastSnapshotNs; }
    qint64 lastSnapshotChars() const { return m_lastSnapshotChars; }
    int writes() const { return m_writes; }

Q_SIGNALS:
    /// A write finished: the journal is on disk (error empty) or could not be written.
    /// pinsNotKept: pins over PinStore's caps or not written (one line each).
    void written(const QString &error, const QStringList &pinsNotKept);

private:
    void tick();
    /// Worker thread: encodes and writes; returns an error text, empty on success.
    static QString writeJournal(const QString &path, const QList<EditorArea::TabState> &tabs,
                                int current);

    /// Deletes the journals taken over (their work is in this run's journal or session now).
    void dropAdopted();

    QString m_dir;
    std::unique_ptr<QLockFile> m_lock;                 ///< this run's, while it runs
    std::vector<std::unique_ptr<QLockFile>> m_adopted; ///< locks of journals taken over
    QStringList m_adoptedFiles;
    QThreadPool m_worker;
    QTimer *m_timer;
    TabSource m_tabs;
    PinSource m_pins;
    bool m_tabsDirty = true;
    bool m_pinsDirty = false;
    bool m_writing = false;
    qint64 m_lastSnapshotNs = 0;
    qint64 m_lastSnapshotChars = 0;
    int m_writes = 0;
};

} // namespace qscope
