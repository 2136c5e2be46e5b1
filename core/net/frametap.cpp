// FrameTap: bounded, mutex-guarded store of frame records.

#include "frametap.h"

#include <algorithm>

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
    // The newest bytes are the ones worth inspecting: older records give theirs up first and
    // keep their row, so the inspector still lists every frame.
    if (raw.size() <= m_budget) {
        record.raw = raw;
        m_rawBytes += raw.size();
    } else {
        record.raw.clear();
    }
    m_records.push_back(std::move(record));
    while (int(m_records.size()) > kMaxRecords) {
        m_rawBytes -= m_records.front().raw.size();
        m_records.pop_front();
        if (m_firstRaw > 0) --m_firstRaw;
    }
    // Never evicts the record just added: its bytes fit the budget on their own.
    while (m_rawBytes > m_budget && m_firstRaw + 1 < m_records.size()) {
        FrameRecord &old = m_records[m_firstRaw++];
        m_rawBytes -= old.raw.size();
        old.raw = QByteArray();
    }
}

QList<FrameRecord> FrameTap::snapshot() const
{
    return snapshotSince(0);
}

QList<FrameRecord> FrameTap::snapshotSince(quint64 seq, int maxRecords) const
{
    QMutexLocker lock(&m_mutex);
    // Records are in seq order: find the first newer one without walking the old ones.
    auto first = std::upper_bound(m_records.begin(), m_records.end(), seq,
                                  [](quint64 s, const FrameRecord &r) { return s < r.seq; });
    if (m_records.end() - first > std::max(0, maxRecords))
        first = m_records.end() - std::max(0, maxRecords);
    return QList<FrameRecord>(first, m_records.end());
}

qint64 FrameTap::rawBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_rawBytes;
}

} // namespace qscope::detail
