// The radix grade of core/protocol/columnops.h: q's order of a column by order-preserving integer
// keys (see gradeRows there).
#include "protocol/columnops.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>

namespace qscope {

namespace {

template<typename T>
T load(const char *base, size_t i)
{
    T v;
    std::memcpy(&v, base + i * sizeof(T), sizeof(T));
    return v;
}

bool cancelled(const std::atomic<bool> *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

/// Order-preserving unsigned keys: signed integers with the sign bit flipped (q's integer null
/// is the minimum, so it sorts first); IEEE floats by the usual sign-magnitude flip, every NaN
/// (q's float null) mapped below -infinity and -0.0 to 0.0.
uint64_t floatKey(double f)
{
    if (std::isnan(f)) return 0;
    if (f == 0) f = 0; // -0.0 == 0.0 in q's comparison
    const uint64_t bits = std::bit_cast<uint64_t>(f);
    return (bits >> 63) ? ~bits : bits | (uint64_t(1) << 63);
}

uint32_t realKey(float f)
{
    if (std::isnan(f)) return 0;
    if (f == 0) f = 0;
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    return (bits >> 31) ? ~bits : bits | (uint32_t(1) << 31);
}

/// The rank of each symbol of a pool by its text (bytewise, as q orders symbols).
std::vector<uint32_t> symbolRanks(const Value &column)
{
    const auto &pool = column.symbolPool()->strings;
    std::vector<uint32_t> byText(pool.size());
    std::iota(byText.begin(), byText.end(), 0u);
    std::sort(byText.begin(), byText.end(), [&](uint32_t a, uint32_t b) {
        const QByteArray &x = pool[a], &y = pool[b];
        const int c =
            std::memcmp(x.constData(), y.constData(), size_t(std::min(x.size(), y.size())));
        return c != 0 ? c < 0 : x.size() < y.size();
    });
    std::vector<uint32_t> rank(pool.size());
    for (uint32_t r = 0; r < byText.size(); ++r)
        rank[byText[r]] = r;
    return rank;
}

constexpr int kDigitBits = 11;
constexpr size_t kBuckets = size_t(1) << kDigitBits;

/// LSD radix sort of (key, row) pairs by key, stable. Keys are already offset to start at 0;
/// `maxKey` bounds them, so only the digits that vary are sorted.
template<typename K>
bool radixSort(std::vector<K> &keys, std::vector<uint32_t> &rows, K maxKey,
               const std::atomic<bool> *cancel)
{
    const size_t n = rows.size();
    const int bits = maxKey == 0 ? 0 : int(sizeof(K) * 8) - std::countl_zero(maxKey);
    const int passes = (bits + kDigitBits - 1) / kDigitBits;
    if (passes == 0 || n < 2) return true;
    // every pass's histogram in one read of the keys
    std::vector<std::array<uint32_t, kBuckets>> counts(static_cast<size_t>(passes));
    for (auto &c : counts)
        c.fill(0);
    for (size_t i = 0; i < n; ++i) {
        const K k = keys[i];
        for (int p = 0; p < passes; ++p)
            ++counts[size_t(p)][size_t(k >> (p * kDigitBits)) & (kBuckets - 1)];
    }
    std::vector<K> keys2(n);
    std::vector<uint32_t> rows2(n);
    for (int p = 0; p < passes; ++p) {
        if (cancelled(cancel)) return false;
        auto &count = counts[size_t(p)];
        const int shift = p * kDigitBits;
        // a digit every key shares orders nothing: skip its pass
        if (*std::max_element(count.begin(), count.end()) == n) continue;
        uint32_t sum = 0;
        for (uint32_t &c : count) {
            const uint32_t here = c;
            c = sum;
            sum += here;
        }
        for (size_t i = 0; i < n; ++i) {
            const K k = keys[i];
            const uint32_t at = count[size_t(k >> shift) & (kBuckets - 1)]++;
            keys2[at] = k;
            rows2[at] = rows[i];
        }
        keys.swap(keys2);
        rows.swap(rows2);
    }
    return true;
}

/// Gathers the keys of `rows`, offsets them to their minimum (descending: flips them, so the
/// largest comes first and ties keep their order) and radix-sorts.
template<typename K, typename KeyOf>
bool gradeByKey(std::vector<uint32_t> &rows, bool descending, KeyOf keyOf,
                const std::atomic<bool> *cancel)
{
    const size_t n = rows.size();
    std::vector<K> keys(n);
    K lo = std::numeric_limits<K>::max(), hi = 0;
    for (size_t i = 0; i < n; ++i) {
        const K k = keyOf(rows[i]);
        keys[i] = k;
        lo = std::min(lo, k);
        hi = std::max(hi, k);
    }
    if (n == 0) return true;
    for (K &k : keys)
        k = descending ? K(hi - k) : K(k - lo);
    // Already in order (a time column, a result sorted by the server): nothing to move. In
    // strictly the opposite order: reversing it is the sort (no ties whose order would flip).
    if (std::is_sorted(keys.begin(), keys.end())) return true;
    if (std::adjacent_find(keys.begin(), keys.end(), std::less_equal<K>()) == keys.end()) {
        std::reverse(rows.begin(), rows.end());
        return true;
    }
    if constexpr (sizeof(K) > 4) {
        // a spread that fits 32 bits (sizes, ids, seconds of timestamps): 32-bit keys, half
        // the memory
        if (K(hi - lo) <= K(std::numeric_limits<uint32_t>::max())) {
            std::vector<uint32_t> narrow(keys.begin(), keys.end());
            std::vector<K>().swap(keys);
            return radixSort<uint32_t>(narrow, rows, uint32_t(hi - lo), cancel);
        }
    }
    return radixSort<K>(keys, rows, K(hi - lo), cancel);
}

} // namespace

bool canRadixGrade(const Value &column)
{
    if (!column.isVector()) return false;
    switch (storageOf(column.type())) {
    case Storage::Guid:
    case Storage::Other:
        return false;
    default:
        return true;
    }
}

std::optional<std::vector<uint32_t>> gradeRows(const Value &column, std::vector<uint32_t> rows,
                                               bool descending, const std::atomic<bool> *cancel)
{
    if (!canRadixGrade(column)) return std::nullopt;
    const char *base = column.rawData();
    bool done = false;
    switch (storageOf(column.type())) {
    case Storage::Boolean:
    case Storage::Byte:
    case Storage::Char:
        done = gradeByKey<uint32_t>(
            rows, descending, [base](uint32_t r) { return uint32_t(load<uint8_t>(base, r)); },
            cancel);
        break;
    case Storage::Short:
        done = gradeByKey<uint32_t>(
            rows, descending,
            [base](uint32_t r) { return uint32_t(uint16_t(load<int16_t>(base, r)) ^ 0x8000u); },
            cancel);
        break;
    case Storage::Int32:
        done = gradeByKey<uint32_t>(
            rows, descending,
            [base](uint32_t r) { return uint32_t(load<int32_t>(base, r)) ^ 0x80000000u; }, cancel);
        break;
    case Storage::Int64:
        done = gradeByKey<uint64_t>(
            rows, descending,
            [base](uint32_t r) { return uint64_t(load<int64_t>(base, r)) ^ (uint64_t(1) << 63); },
            cancel);
        break;
    case Storage::Real:
        done = gradeByKey<uint32_t>(
            rows, descending, [base](uint32_t r) { return realKey(load<float>(base, r)); }, cancel);
        break;
    case Storage::Float:
        done = gradeByKey<uint64_t>(
            rows, descending, [base](uint32_t r) { return floatKey(load<double>(base, r)); },
            cancel);
        break;
    case Storage::Symbol: {
        const std::vector<uint32_t> rank = symbolRanks(column);
        done = gradeByKey<uint32_t>(
            rows, descending, [&](uint32_t r) { return rank[load<uint32_t>(base, r)]; }, cancel);
        break;
    }
    case Storage::Guid:
    case Storage::Other:
        return std::nullopt;
    }
    if (!done) return std::nullopt;
    return rows;
}

} // namespace qscope
