#pragma once
/// The frame tap of one connection: a record of every IPC frame, with raw bytes kept while they
/// fit a byte budget. Written on the connection's network thread, read by the manager's thread
/// (frames(), framesSince()), so every access takes the mutex; appends are brief and readers copy
/// only the records they have not seen (snapshotSince), so neither side holds it for long.
/// The budget keeps the newest bytes: past it, the oldest records lose theirs first.

#include "nettypes.h"

#include <QMutex>

#include <deque>

namespace qscope::detail {

class FrameTap
{
public:
    static constexpr int kMaxRecords = 100000; ///< oldest records are dropped past this

    // any thread ------------------------------------------------------------------------------
    void setEnabled(bool on);
    bool enabled() const;
    void setBudget(qint64 bytes);
    /// Appends a record with its bytes, dropping the bytes of the oldest records until the bytes
    /// kept fit the budget again (a frame larger than the whole budget keeps none).
    void add(FrameRecord record, const QByteArray &raw);
    QList<FrameRecord> snapshot() const;
    /// The records with seq above `seq` (all of them for 0), oldest first; at most the newest
    /// `maxRecords` of them, so a reader that shows fewer rows never copies more.
    QList<FrameRecord> snapshotSince(quint64 seq, int maxRecords = kMaxRecords) const;
    qint64 rawBytes() const;

private:
    mutable QMutex m_mutex;
    std::deque<FrameRecord> m_records;
    bool m_enabled = false;
    qint64 m_budget = 64ll << 20;
    qint64 m_rawBytes = 0;
    /// Records before this index hold no bytes: eviction resumes here instead of rescanning.
    size_t m_firstRaw = 0;
    quint64 m_seq = 0;
};

} // namespace qscope::detail
