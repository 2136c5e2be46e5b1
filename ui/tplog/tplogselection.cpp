#include "tplog/tplogselection.h"

namespace qscope {

TpLogSelection::TpLogSelection(SelectionRanges::Intervals rows,
                               std::shared_ptr<const std::vector<int64_t>> chunks)
    : m_rows(std::move(rows)), m_chunks(std::move(chunks))
{
    for (const auto &[first, last] : m_rows)
        m_size += last - first + 1;
}

std::vector<int64_t> TpLogSelection::toVector() const
{
    std::vector<int64_t> out;
    out.reserve(size_t(m_size));
    for (int64_t chunk : *this)
        out.push_back(chunk);
    return out;
}

TpLogSelection::const_iterator TpLogSelection::begin() const
{
    return m_rows.empty() ? end() : const_iterator(this, 0, m_rows.front().first);
}

int64_t TpLogSelection::const_iterator::operator*() const
{
    return m_s->m_chunks ? (*m_s->m_chunks)[size_t(m_row)] : m_row;
}

TpLogSelection::const_iterator &TpLogSelection::const_iterator::operator++()
{
    if (m_row < m_s->m_rows[m_range].second) {
        ++m_row;
        return *this;
    }
    ++m_range;
    m_row = m_range < m_s->m_rows.size() ? m_s->m_rows[m_range].first : 0;
    return *this;
}

} // namespace qscope
