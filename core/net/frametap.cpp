// FrameTap: bounded, mutex-guarded store of frame records.

#include "frametap.h"

namespace qscope::detail {

void FrameTap::setEnabled(bool on)
{
    QMutexLocker lock(&m_mutex);
    m_enabled = on;
}

bool FrameTap::enabled() const
{
    QMutexLocker lock(&m_mutex);
    return m_enabled;
}

void FrameTap::setBudget(qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    m_budget = qMax<qint64>(0, bytes);
}

void FrameTap::add(FrameRecord record, const QByteArray &raw)
{
    QMutexLocker lock(&m_mutex);
    if (!m_enabled) return;
    record.seq = ++m_seq;
    // The budget is spent first come, first kept: later frames lose their bytes, never the
    // record itself, so the inspector still lists every frame.
    if (m_rawBytes + raw.size() <= m_budget) {
        record.raw = raw;
        m_rawBytes += raw.size();
    } else {
        record.raw.clear();
    }
    m_records.push_back(std::move(record));
    while (int(m_records.size()) > kMaxRecords) {
        m_rawBytes -= m_records.front().raw.size();
        m_records.pop_front();
    }
}

QList<FrameRecord> FrameTap::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return QList<FrameRecord>(m_records.begin(), m_records.end());
}

} // namespace qscope::detail
