#pragma once
/// The persistent query history: every query run from the workbench with its server, time,
/// duration, response size and error. Kept as JSON lines (one entry a line, appended as queries
/// finish, so a crash loses nothing) in QStandardPaths::AppDataLocation/history.jsonl, capped at
/// maxEntries (the file is compacted when it grows past twice that).

#include <QDateTime>
#include <QObject>
#include <QVector>

namespace qscope {

struct HistoryEntry
{
    QDateTime time; ///< when the query was sent (UTC)
    QString server; ///< the connection's name
    QString profileId;
    QString query;
    qint64 durationNs = 0;
    qint64 bytes = 0; ///< response bytes on the wire
    QString error;    ///< q's word or the reason; empty if it succeeded
};

class HistoryStore : public QObject
{
    Q_OBJECT
public:
    explicit HistoryStore(QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    static QString defaultPath();
    /// Reads the file (bad lines are skipped and counted in the returned text).
    QString load(const QString &path);
    void setMaxEntries(int n) { m_max = n; }
    void add(const HistoryEntry &entry);
    void clear();
    int count() const { return int(m_entries.size()); }
    const HistoryEntry &at(int i) const { return m_entries[i]; }

    static QByteArray toJsonLine(const HistoryEntry &e);
    static bool fromJsonLine(const QByteArray &line, HistoryEntry *e);

Q_SIGNALS:
    void aboutToAdd(int row);
    void added(int row);
    void aboutToTrim(int count);
    void trimmed(int count);
    void aboutToReset();
    void reset();

private:
    void compact();

    QVector<HistoryEntry> m_entries;
    QString m_path;
    int m_max = 5000;
    int m_linesInFile = 0;
};

} // namespace qscope
