// Allocation of the codec's large output buffers (see codecdetail.h).

#include "codecdetail.h"

#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace qscope::detail {

namespace {

constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kLargeBuffer = size_t(4) << 20;

struct AlignedBuffer
{
    explicit AlignedBuffer(size_t n) : data(static_cast<char *>(std::aligned_alloc(kHugePage, n)))
    {}
    ~AlignedBuffer() { std::free(data); }
    AlignedBuffer(const AlignedBuffer &) = delete;
    AlignedBuffer &operator=(const AlignedBuffer &) = delete;
    char *data;
};

} // namespace

void adviseHugePages(char *data, size_t n)
{
#ifdef __linux__
    if (n < kLargeBuffer) return;
    const auto begin = (uintptr_t(data) + kHugePage - 1) & ~(kHugePage - 1);
    const auto end = (uintptr_t(data) + n) & ~(kHugePage - 1);
    if (end > begin) madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
    Q_UNUSED(data);
    Q_UNUSED(n);
#endif
}

Bytes allocateBytes(size_t n)
{
    // Exhaustion throws std::bad_alloc, which the decoder's callers turn into an error: a
    // null buffer would be written to.
    if (n < kLargeBuffer) {
        Bytes b = Bytes::allocate(n);
        if (!b.data()) throw std::bad_alloc();
        return b;
    }
    const size_t rounded = (n + kHugePage - 1) & ~(kHugePage - 1);
    auto buf = std::make_shared<AlignedBuffer>(rounded);
    if (!buf->data) {
        Bytes b = Bytes::allocate(n); // huge pages are a nicety: try a plain allocation
        if (!b.data()) throw std::bad_alloc();
        return b;
    }
    adviseHugePages(buf->data, rounded);
    const char *p = buf->data;
    return Bytes::view(std::move(buf), p, n);
}

QByteArray allocateMessage(int64_t n)
{
    QByteArray out(qsizetype(n), Qt::Uninitialized);
    adviseHugePages(out.data(), size_t(n));
    return out;
}

} // namespace qscope::detail
