#pragma once
/// Pinned results kept across restarts. Each pin is one file under
/// <AppDataLocation>/pinned/<editor tab id>/: the value encoded by the q IPC codec (q's own
/// format, so a restored pin is the value the server sent) with the query, the server's name,
/// the timing and any error. Capped so pins never fill a disk: a pin whose value encodes to more
/// than kMaxPinBytes is kept for the session only (its tab says so), and all pins together stay
/// under kMaxTotalBytes (pins past it are not kept, and the save says which).
///
/// Saving never loses the pins already kept, even if the process dies half way: pin files are
/// named by what they hold and written atomically (QSaveFile), a file already on disk is not
/// written again, then one manifest (also atomic) names each tab's files in pin order, and only
/// then are files the manifest no longer names removed. Loading reads the manifest's list for a
/// tab, so a save cut short leaves the previous set; a tab the manifest does not list (its first
/// save was cut short, or pins from before the manifest) loads every complete file in its folder.
/// A save speaks only for the tabs it lists: pins of tabs of another qscope process running at
/// the same time are left alone. Any thread (no widgets): the session journal saves on its
/// worker thread, the window's save at close on PinStore's own (saveAllInBackground); saves and
/// loads run one at a time per process, and a load waits for the background saves queued before
/// it.

#include "net/nettypes.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace qscope {

namespace PinStore {

constexpr qint64 kMaxPinBytes = qint64(64) << 20;
constexpr qint64 kMaxTotalBytes = qint64(256) << 20;

struct Pin
{
    QueryResult result;
    QString server;
};

/// One editor tab's pins, in pin order.
struct TabPins
{
    QString tabId;
    QList<Pin> pins;
};

/// <AppDataLocation>/pinned
QString directory();
/// Bytes the pin takes on disk (about: the encoded value); over kMaxPinBytes it is not kept.
qint64 sizeOf(const QueryResult &result);
/// Forgets every kept pin.
void clear();
/// Makes the kept pins of each listed tab exactly its `pins` (none: the tab's pins go), within
/// the caps; tabs not listed are left as they are. Returns one line per pin not kept (over a
/// cap, or a write error); the pins kept before stay whenever the new set could not be written.
QStringList saveAll(const QList<TabPins> &tabs);
/// saveAll on PinStore's worker thread, so the caller (the GUI thread, at close: up to
/// kMaxTotalBytes to encode) does not wait; returns at once. Saves run in the order asked; lines
/// for pins not kept go to the log (qWarning). The process's normal exit waits for them (see
/// waitForSaves); a process killed meanwhile leaves the pins kept before, never a broken set.
void saveAllInBackground(QList<TabPins> tabs);
/// Blocks until every background save asked for so far is on disk. Runs by itself when the
/// QCoreApplication is destroyed (after the windows are gone); tests call it too.
void waitForSaves();
/// The tab's kept pins, in pin order. Files that do not read back are skipped and named in *error.
QList<Pin> load(const QString &tabId, QString *error = nullptr);

} // namespace PinStore

} // namespace qscope
