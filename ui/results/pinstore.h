#pragma once
/// Pinned results kept across restarts. Each pin is one file under
/// <AppDataLocation>/pinned/<editor tab id>/: the value encoded by the q IPC codec (q's own
/// format, so a restored pin is the value the server sent) with the query, the server's name,
/// the timing and any error. Capped so pins never fill a disk: a pin whose value encodes to more
/// than kMaxPinBytes is kept for the session only (its tab says so), and all pins together stay
/// under kMaxTotalBytes (pins past it are not kept, and the save says which). GUI thread.

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

/// <AppDataLocation>/pinned
QString directory();
/// Bytes the pin takes on disk (about: the encoded value); over kMaxPinBytes it is not kept.
qint64 sizeOf(const QueryResult &result);
/// Forgets every kept pin (before a save writes the current ones).
void clear();
/// Writes one tab's pins; `budget` is what is left of kMaxTotalBytes and is reduced by what was
/// written. Returns one line per pin not kept (over a cap, or a write error).
QStringList save(const QString &tabId, const QList<Pin> &pins, qint64 *budget);
/// The tab's kept pins, in pin order. Files that do not read back are skipped and named in *error.
QList<Pin> load(const QString &tabId, QString *error = nullptr);

} // namespace PinStore

} // namespace qscope
