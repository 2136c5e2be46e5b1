#include "estate/estatehistory.h"

#include <algorithm>

namespace qscope {

EstateSeries::EstateSeries(QStringList names, int capacity)
    : m_names(std::move(names)), m_capacity(std::max(1, capacity)), m_values(size_t(m_names.size()))
{}

void EstateSeries::append(qint64 atMs, std::initializer_list<double> values)
{
    // Grows up to the capacity, then overwrites the oldest slot.
    const bool full = m_size == m_capacity;
    const int at = full ? m_head : m_size;
    if (full) {
        m_times[size_t(at)] = atMs;
        m_head = (m_head + 1) % m_capacity;
    } else {
        m_times.push_back(atMs);
        ++m_size;
    }
    auto v = values.begin();
    for (std::vector<float> &s : m_values) {
        const float x = v != values.end() ? float(*v++) : 0.0F;
        if (full)
            s[size_t(at)] = x;
        else
            s.push_back(x);
    }
}

qint64 EstateSeries::timeAt(int i) const
{
    return i >= 0 && i < m_size ? m_times[size_t(slot(i))] : 0;
}

double EstateSeries::valueAt(int series, int i) const
{
    if (series < 0 || series >= seriesCount() || i < 0 || i >= m_size) return 0;
    return double(m_values[size_t(series)][size_t(slot(i))]);
}

std::vector<double> EstateSeries::values(int series) const
{
    std::vector<double> out;
    if (series < 0 || series >= seriesCount()) return out;
    out.reserve(size_t(m_size));
    for (int i = 0; i < m_size; ++i)
        out.push_back(double(m_values[size_t(series)][size_t(slot(i))]));
    return out;
}

} // namespace qscope
