#pragma once
/// Reads a tickerplant log by position through a LogFile (tplogfile.h: why not a memory map):
/// the file is never loaded whole, the scans read it in windows of a few MB, and a log cut short
/// while open is an error (LogSummary::fileError, a failed decode), never a crash. See
/// tplogformat.h for the layout and the KX pages it follows.
///
/// verify() walks the chunks (measuring each, building nothing) and finds what -11!(-2;x) gives:
/// the number of valid chunks and the length of the valid prefix, and also where and why the
/// first bad chunk is bad. index() does the same and keeps 24 bytes per chunk (offset, table,
/// row count, first time) plus per-table totals and a messages-per-second histogram; decode(i)
/// then builds the q value of one chunk on demand.
///
/// index() publishes what it has built as it goes (IndexProgress, every 64k chunks or 50 ms), so
/// a view can show the first messages of a 10 GB log long before the scan ends.
///
/// Thread: open() and index() on one thread. chunkCount(), chunk(i), chunkEnd(i) and decode(i)
/// may be called from any thread at any time, also while index() runs: the chunks are kept in
/// fixed blocks that never move, and chunkCount() is the published count (a release/acquire
/// pair), so chunk(i) for i < chunkCount() is always complete. summary(), functionNames() and
/// tableName() belong to the indexing thread until index() returns; other threads read them
/// only after (IndexProgress carries copies for a view meanwhile). A decoded value owns a copy
/// of its chunk's bytes.

#include "protocol/codec.h"
#include "protocol/value.h"
#include "tplog/tplogfile.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace qscope::tplog {

struct TableStats
{
    QByteArray name;
    int64_t messages = 0;
    int64_t rows = 0;
    int64_t minTime = INT64_MAX; ///< raw q value of the first time column (see timeType)
    int64_t maxTime = INT64_MIN;
    int timeType = 0; ///< Timespan (16) as tick.q logs, Timestamp (12), or 0 if none seen
};

struct LogSummary
{
    int64_t fileSize = 0;
    bool headerOk = false;
    QString headerProblem; ///< why the header is not a log's, if !headerOk
    int64_t headerCount = -1;
    int64_t chunks = 0;      ///< valid chunks from the start (the first of -11!(-2;x))
    int64_t validLength = 0; ///< bytes up to the end of the last valid chunk (header included)
    int64_t badOffset = -1;  ///< where the first bad chunk starts, -1 if none
    int64_t badAt = -1;      ///< the byte where the scan found it bad
    QString badReason;
    bool cancelled = false;
    /// The file could not be read to its end (it shrank while open: LogFile::error()); the
    /// rest of the summary covers what was read before.
    QString fileError;
    // index() only
    std::vector<TableStats> tables;
    std::vector<uint32_t> perSecond; ///< messages per second of the day (86,400 slots)

    bool isValid() const
    {
        return headerOk && !cancelled && fileError.isEmpty() && validLength == fileSize;
    }
};

/// One chunk as index() saw it. 24 bytes.
struct ChunkInfo
{
    int64_t offset = 0;
    int64_t time = INT64_MIN; ///< first value of the first column when it is a time, else min
    uint32_t rows = 0;
    uint16_t table = 0xffff; ///< index into LogSummary::tables, 0xffff if not (f;`t;x)
    uint8_t function = 0xff; ///< index into functionNames(), 0xff if the first item is no symbol
    int8_t timeType = 0;
};

/// What index() has built so far, handed to its Publish callback on the indexing thread.
struct IndexProgress
{
    int64_t chunks = 0;    ///< chunks published: chunk(i) is readable for i < chunks
    int64_t bytesDone = 0; ///< bytes scanned
    int64_t bytesTotal = 0;
    bool done = false; ///< the last one: chunks is the final count (unless cancelled)
    /// the summary so far (validLength the bytes scanned while !done), with tables, the
    /// per-second histogram and function names
    LogSummary summary;
    std::vector<QByteArray> functions;
};

class TpLogReader
{
public:
    /// done, total bytes; return false to cancel. Called every 16 MB or so.
    using Progress = std::function<bool(int64_t done, int64_t total)>;
    /// The index so far; return false to cancel. Called when the first 64k chunks are indexed
    /// (or after 50 ms), then every 50 ms, and once at the end (done).
    using Publish = std::function<bool(const IndexProgress &)>;
    /// Chunks per block of the index (1.5 MB each).
    static constexpr int kBlockBits = 16;

    TpLogReader();
    ~TpLogReader();

    bool open(const QString &path, QString *error);
    QString path() const;
    /// The size at open(): what is read (bytes appended since are not).
    int64_t size() const;
    /// The size now, -1 if unknown: larger when the log grew since open(), smaller when it was
    /// cut (and reading it fails). Any thread; a system call.
    int64_t currentSize() const;
    /// Why reading the file failed (it shrank while open), empty if it never did. Once set,
    /// every decode and export fails with it. Any thread.
    QString fileError() const;

    LogSummary verify(const Progress &progress = {}) const;
    LogSummary index(const Progress &progress = {}, const Publish &publish = {});
    /// The decoded value of each valid chunk from the start, in order, as -11! streams a log:
    /// at most max chunks (all if max < 0); `each` returns false to stop (the summary is then
    /// `cancelled`). A chunk that does not decode ends the walk as a bad one.
    LogSummary stream(int64_t max, const std::function<bool(const Value &)> &each) const;

    // any thread (see the class comment)
    int64_t chunkCount() const { return m_published.load(std::memory_order_acquire); }
    const ChunkInfo &chunk(int64_t i) const
    {
        return m_blocks[size_t(i >> kBlockBits)][size_t(i & ((1 << kBlockBits) - 1))];
    }
    int64_t chunkEnd(int64_t i) const { return chunk(i + 1).offset; }
    /// Bytes the index holds (its blocks, allocated as the scan goes).
    int64_t indexBytes() const;

    // after index()
    const LogSummary &summary() const { return m_summary; }
    const std::vector<QByteArray> &functionNames() const { return m_functions; }
    QByteArray tableName(const ChunkInfo &c) const;
    /// The q value of chunk i (normally (`upd;`t;x)). Any thread.
    Decoded decode(int64_t i) const;

    /// Write the valid prefix to path with the header's count set to the valid chunks: what a q
    /// user gets by truncating to `last -11!(-2;f)`, and `get` then agrees with -11!.
    bool exportValidPrefix(const QString &path, QString *error) const;
    /// Write a new log holding chunks `indexes` (in that order).
    bool exportChunks(const QString &path, const std::vector<int64_t> &indexes,
                      QString *error) const;

    /// Row count and first time of the `x` in (f;`t;x) at [pos, end) of base: as index() reads
    /// them. function and table are views into base (null when absent).
    static void peekChunk(const char *base, int64_t pos, int64_t end, QByteArrayView *function,
                          QByteArrayView *table, uint32_t *rows, int64_t *time, int8_t *timeType);

private:
    class Builder;
    class Window;
    using Each = std::function<bool(const Value &)>;
    /// builder and each null: count and validate only. At most max chunks if max >= 0.
    LogSummary scan(const Progress &progress, Builder *builder, const Each *each = nullptr,
                    int64_t max = -1) const;
    ChunkInfo &slot(int64_t i);
    void resetIndex();

    std::unique_ptr<LogFile> m_file;
    LogSummary m_summary;
    /// Block b holds chunks [b << kBlockBits, (b + 1) << kBlockBits); the array of block
    /// pointers is sized for the most chunks the file can hold (one per 2 bytes) when index()
    /// starts and never reallocated, so readers index it while the scan adds blocks. The slot
    /// after the last published chunk always holds that chunk's end (the next chunk's offset,
    /// or at the end a sentinel at the valid length), which is what chunkEnd reads.
    std::unique_ptr<std::unique_ptr<ChunkInfo[]>[]> m_blocks;
    size_t m_blockSlots = 0;
    std::atomic<int64_t> m_published{0};
    std::vector<QByteArray> m_functions;
};

/// Seconds of the day of a raw time value of type timeType (16 timespan, 12 timestamp).
int secondOfDay(int64_t raw, int timeType);

} // namespace qscope::tplog
