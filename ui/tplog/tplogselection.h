#pragma once
/// The messages selected in the log view's grid, as ascending ranges of its rows: a select-all
/// over 63M messages is one range, never 63M indexes (QItemSelectionModel::selectedRows()
/// would build one per row on the GUI thread). Iterating gives the chunk index of each selected
/// message in log order, reading the filter's row list (shared, never copied) when the grid
/// shows a filtered part. Built on the GUI thread from the grid's few selection ranges; a copy
/// may be iterated on any thread.

#include "results/selectionranges.h"

#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

namespace qscope {

class TpLogSelection
{
public:
    TpLogSelection() = default;
    /// rows: a grid's selection as merged view rows; chunks: the filter's rows (row i shows
    /// chunk (*chunks)[i], ascending), null when row i is chunk i.
    TpLogSelection(SelectionRanges::Intervals rows,
                   std::shared_ptr<const std::vector<int64_t>> chunks);

    /// The selected view rows, inclusive, ascending and disjoint.
    const SelectionRanges::Intervals &rowRanges() const { return m_rows; }
    /// Messages selected.
    int64_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    /// Every selected chunk index, ascending (8 bytes each: for an export that needs a list).
    std::vector<int64_t> toVector() const;

    class const_iterator
    {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = int64_t;
        using difference_type = std::ptrdiff_t;
        using pointer = const int64_t *;
        using reference = int64_t;

        const_iterator() = default;
        int64_t operator*() const;
        const_iterator &operator++();
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++*this;
            return before;
        }
        bool operator==(const const_iterator &o) const
        {
            return m_range == o.m_range && m_row == o.m_row;
        }

    private:
        friend class TpLogSelection;
        const_iterator(const TpLogSelection *s, size_t range, int64_t row)
            : m_s(s), m_range(range), m_row(row)
        {}
        const TpLogSelection *m_s = nullptr;
        size_t m_range = 0;
        int64_t m_row = 0;
    };
    const_iterator begin() const;
    const_iterator end() const { return const_iterator(this, m_rows.size(), 0); }

private:
    SelectionRanges::Intervals m_rows;
    std::shared_ptr<const std::vector<int64_t>> m_chunks;
    int64_t m_size = 0;
};

} // namespace qscope
