#pragma once
/// The frame tap of one connection: a record of every IPC frame, with raw bytes kept while they
/// fit a byte budget. Written on the connection's network thread, read by the manager's thread
/// (frames()), so every access takes the mutex; records are small and appends are brief.

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
    /// Appends a record; raw is kept only while the bytes kept stay within the budget.
    void add(FrameRecord record, const QByteArray &raw);
    QList<FrameRecord> snapshot() const;

private:
    mutable QMutex m_mutex;
    std::deque<FrameRecord> m_records;
    bool m_enabled = false;
    qint64 m_budget = 64ll << 20;
    qint64 m_rawBytes = 0;
    quint64 m_seq = 0;
};

} // namespace qscope::detail
