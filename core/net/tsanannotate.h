#pragma once
/// ThreadSanitizer annotations for work handed between threads through Qt's queued calls.
///
/// Debian's Qt is not built with TSan: QCoreApplication::postEvent and the delivery of posted
/// events are ordered by locks inside libQt6Core that TSan cannot see, so everything a thread
/// wrote before posting looks unordered with what the receiving thread does with it. Each
/// hand-over therefore calls tsanRelease(addr) on the posting thread just before posting, and
/// tsanAcquire(addr) first thing in the posted functor on the receiving thread, with the same
/// address (the receiving object is a good one). Outside a TSan build both are empty.
///
/// Thread: any.

#include <QMetaObject>
#include <QObject>

#include <utility>

#if defined(__SANITIZE_THREAD__)
#define QSCOPE_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define QSCOPE_TSAN_ANNOTATE 1
#endif
#endif

#ifdef QSCOPE_TSAN_ANNOTATE
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#endif

namespace qscope::detail {

/// Everything this thread did so far happens before a later tsanAcquire(addr) on another thread.
inline void tsanRelease([[maybe_unused]] const void *addr)
{
#ifdef QSCOPE_TSAN_ANNOTATE
    __tsan_release(const_cast<void *>(addr));
#endif
}

/// What other threads did before their tsanRelease(addr) happens before what this thread does next.
inline void tsanAcquire([[maybe_unused]] const void *addr)
{
#ifdef QSCOPE_TSAN_ANNOTATE
    __tsan_acquire(const_cast<void *>(addr));
#endif
}

/// Wraps fn so that it starts with tsanAcquire(addr). Build the wrapper first, then call
/// tsanRelease(addr) right before posting it, so the release covers the wrapper's own state.
template<class Fn>
auto tsanAcquiring(const void *addr, Fn &&fn)
{
    return [addr, f = std::forward<Fn>(fn)]() mutable {
        tsanAcquire(addr);
        f();
    };
}

/// QMetaObject::invokeMethod(receiver, fn, Qt::QueuedConnection), annotated for TSan.
template<class Fn>
void postQueued(QObject *receiver, Fn &&fn)
{
    auto call = tsanAcquiring(receiver, std::forward<Fn>(fn));
    tsanRelease(receiver);
    QMetaObject::invokeMethod(receiver, std::move(call), Qt::QueuedConnection);
}

} // namespace qscope::detail
