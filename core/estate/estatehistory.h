#pragma once
/// The recent history of a node's or an edge's figures: one fixed-size ring of sample times and,
/// for each named series, a ring of values at those times. Oldest samples are overwritten once
/// the ring is full, so memory is bounded whatever the run time.
///
/// Bounded memory: kCapacity = 3,600 samples is the last hour at the default 1 s interval (a
/// faster interval keeps a shorter span). A sample costs 8 bytes of time and 4 per series
/// (float: a figure on a chart needs no more). A node keeps 5 series: 3,600 x (8 + 5 x 4) =
/// 100.8 KB; an edge 3: 3,600 x (8 + 3 x 4) = 72 KB. 200 processes and about as many edges:
/// 200 x 100.8 KB + 200 x 72 KB = 34.6 MB at most, reached after an hour.
///
/// Thread: one at a time (the owner's).

#include <QStringList>

#include <vector>

namespace qscope {

class EstateSeries
{
public:
    static constexpr int kCapacity = 3600;

    explicit EstateSeries(QStringList names = {}, int capacity = kCapacity);

    /// One sample: a value per series, in the order of names() (missing ones are 0).
    void append(qint64 atMs, std::initializer_list<double> values);
    int size() const { return m_size; }
    int capacity() const { return m_capacity; }
    const QStringList &names() const { return m_names; }
    int seriesCount() const { return int(m_names.size()); }
    /// i = 0 is the oldest sample kept, size() - 1 the newest.
    qint64 timeAt(int i) const;
    double valueAt(int series, int i) const;
    /// A series' values, oldest first (for a sparkline or a chart).
    std::vector<double> values(int series) const;

private:
    int slot(int i) const { return (m_head + i) % m_capacity; }

    QStringList m_names;
    int m_capacity;
    int m_head = 0; ///< slot of the oldest sample once full
    int m_size = 0;
    std::vector<qint64> m_times;
    std::vector<std::vector<float>> m_values; ///< per series
};

} // namespace qscope
