#pragma once
/// The byte layout of a kdb+ tickerplant log (a "journal"), and a bounds-checked scanner that
/// measures one serialized q object without building it.
///
/// What KX documents (code.kx.com/q/kb/replay-log/, code.kx.com/q/basics/internal/#-11-streaming-
/// execute, code.kx.com/q/wp/data-recovery/): a log is a q list file. tick.q creates it as an
/// empty list with `.[L;();:;()]` (the same as ``L set ()``), opens a handle to it with `hopen`
/// and appends each update as `l enlist(`upd;t;x)`, so each message is one item ("chunk") of the
/// list. `-11!x` replays the items, `-11!(-2;x)` counts them and, for a corrupt file, gives the
/// number of valid chunks and the length of the valid part, and a replay that meets a corrupt
/// end signals 'badtail.
///
/// What KX does not document: the on-disk bytes. A KX forum answer (forum.kx.com/t/serialization-
/// and-header-values-0xff-0x01/14146) says so; the layout below is what q writes, as q's own
/// output shows (Stack Overflow question 72491776, `read1` of a file made by ``set ()`` then one
/// append of a 2-item list: 0xff01000000000000 0000 02000000 0700020000000100...):
///
///   bytes 0..7    0xff 0x01 0x00 0x00 0x00 0x00 0x00 0x00   file header (0x01: little-endian)
///   byte  8       0x00                                      type of the list: general list
///   byte  9       0x00                                      attribute: none
///   bytes 10..13  int32, little-endian                      item count, rewritten on each append
///   bytes 14..    the items, one after another, each as in an IPC payload (type byte, and for
///                 vectors attribute + int32 count + elements; code.kx.com/q/kb/serialization/)
///
/// Where the documentation is silent this code chooses, and says so: a big-endian file (byte 1
/// 0x00) is not accepted; the header's count is reported but, as -11! streams to the end of the
/// file, chunks are counted by scanning; an item that is a structurally valid q object is a valid
/// chunk whatever its shape (q's -11! would evaluate it), and only the bytes decide validity
/// (a flipped bit inside a float stays valid, as it would for q).
///
/// Thread: pure functions, any thread.

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace qscope::tplog {

inline constexpr int kHeaderSize = 14;
inline constexpr int kCountOffset = 10;

/// The 14 bytes `.[L;();:;()]` writes: an empty general list.
QByteArray emptyLogHeader();

/// Whether the first bytes are a log header; *count gets the header's item count. On failure
/// *why says what is wrong.
bool parseHeader(const char *p, int64_t size, int64_t *count, QString *why);

/// Measure the q object serialized at [pos, end) of base: returns the offset just past it, or -1
/// with *why and *badAt set (bounds, unknown type byte, negative count, nesting deeper than
/// maxDepth). Never reads outside [pos, end).
int64_t skipObject(const char *base, int64_t pos, int64_t end, QString *why, int64_t *badAt,
                   int maxDepth = 100);

/// The bytes skipObject reads when they are not all in memory: [begin, end) of a file held at
/// data, the file ending at limit. Offsets are the file's. When the scan needs bytes past end
/// (and before limit) it calls load(pos, n), which makes [pos, pos + n) resident (moving data,
/// begin and end) or returns false with *why set: the file could not be read there (it shrank
/// while open). n is at most a few bytes. Only the bytes the scan looks at are loaded: a
/// vector's elements are skipped by their count, never read.
class ScanWindow
{
public:
    virtual ~ScanWindow() = default;
    virtual bool load(int64_t pos, int64_t n, QString *why) = 0;
    const char *at(int64_t pos) const { return data + (pos - begin); }

    const char *data = nullptr;
    int64_t begin = 0;
    int64_t end = 0;
    int64_t limit = 0;
};

/// skipObject over a window: as above, limit taking the place of end. *readFailed (if given)
/// tells a read error (why then says what load said) from a bad object.
int64_t skipObject(ScanWindow &window, int64_t pos, QString *why, int64_t *badAt,
                   bool *readFailed = nullptr, int maxDepth = 100);

} // namespace qscope::tplog
