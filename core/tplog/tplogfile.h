#pragma once
/// A tickerplant log file read by position (pread), never memory-mapped.
///
/// Why not a mapping: a log is a file other processes write. A tickerplant appends to it, and a
/// user repairing a corrupt log truncates it (to `last -11!(-2;f)`) or rewrites it in place
/// while qscope has it open. A mapped page past the new end of a truncated file raises SIGBUS on
/// the next touch, which kills the whole application; a read just comes up short, and that
/// becomes an error a view can show ("the file shrank from X to Y bytes while open: re-open
/// it"). Reading costs a copy from the page cache, which the scans hide: they read windows of
/// kScanWindow bytes and skip, unread, the elements of vectors they only measure.
///
/// The size is the size at open(). Bytes appended later are not read: what was indexed stays
/// valid, and currentSize() lets a view say that the file grew. Once a read finds the file
/// shorter than that, every later read fails with the same error (the bytes under the index
/// are no longer the ones indexed): the file must be opened again.
///
/// Memory: the random reads (range()) go through a cache of kCacheWindows windows of kWindow
/// bytes each, allocated as they are first used, so a reader holds at most 256 KB of file bytes
/// whatever the file's size (and a scan, while it runs, one window of kScanWindow).
///
/// Thread: open() before anything else, on one thread. Everything else from any thread: pread
/// has no shared file position, the cache and the error are behind mutexes.

#include <QByteArray>
#include <QFile>
#include <QMutex>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

namespace qscope::tplog {

class LogFile
{
public:
    /// A scan's window: a sequential read this size costs little more than its copy, and
    /// the bytes are still in the CPU's cache when the scan walks them.
    static constexpr int64_t kScanWindow = int64_t(1) << 20;
    /// The cache's windows: small, as most decodes want one message of a few hundred bytes
    /// (a window is read whole on a miss: 64 KB cost a random decode 4.4 us against 0.8 us
    /// through the old mapping); a walk in order still reads each byte once.
    static constexpr int64_t kWindow = int64_t(16) << 10;
    static constexpr int kCacheWindows = 16;

    LogFile();
    ~LogFile();
    LogFile(const LogFile &) = delete;
    LogFile &operator=(const LogFile &) = delete;

    bool open(const QString &path, QString *error);
    QString path() const { return m_file.fileName(); }
    /// The size at open(): what is read.
    int64_t size() const { return m_size; }
    /// The size now (fstat), -1 if it cannot be had.
    int64_t currentSize() const;

    /// Exactly n bytes at pos into dst (pos + n <= size()); false if they cannot be read, with
    /// error() saying why.
    bool read(int64_t pos, char *dst, int64_t n) const;
    /// The bytes [pos, end) in a buffer of their own (for a decoded value to keep), read
    /// through the window cache; null if they cannot be read (error() says why).
    std::shared_ptr<const QByteArray> range(int64_t pos, int64_t end) const;
    /// Why a read failed: the first failure, kept; empty while every read succeeded.
    QString error() const;

    /// The message for a file found at `now` bytes that was `was` bytes when opened.
    static QString shrankMessage(int64_t was, int64_t now);

private:
    struct Window
    {
        std::unique_ptr<char[]> bytes;
        int64_t begin = 0;
        int64_t end = 0;
        uint64_t used = 0; ///< when it was last used (a counter), for least-recently-used
    };
    bool fail(const QString &why) const;
    /// The cached window holding [pos, end), loaded if none does (null if that read failed).
    /// Under m_cacheMutex.
    const Window *windowFor(int64_t pos, int64_t end) const;

    QFile m_file;
    int m_fd = -1;
    int64_t m_size = 0;
    mutable std::atomic<bool> m_failed{false};
    mutable QMutex m_errorMutex; ///< guards m_error
    mutable QString m_error;
    mutable QMutex m_cacheMutex; ///< guards m_cache and m_uses
    mutable Window m_cache[kCacheWindows];
    mutable uint64_t m_uses = 0;
};

} // namespace qscope::tplog
