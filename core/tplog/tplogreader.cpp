#include "tplog/tplogreader.h"

#include "protocol/codecdetail.h"
#include "protocol/qtypes.h"
#include "tplog/tplogformat.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSaveFile>

#include <cstring>

namespace qscope::tplog {

/// The scan's view of the file: one window of LogFile::kScanWindow bytes, read as the scan passes.
/// A refill starts at the chunk being measured (anchor) when the window can hold it from there,
/// so that a chunk that fits a window is whole in it once measured, for the peek and decode.
class TpLogReader::Window final : public ScanWindow
{
public:
    explicit Window(const LogFile &file) : m_file(file), m_bytes(new char[LogFile::kScanWindow])
    {
        data = m_bytes.get();
        limit = file.size();
    }
    bool load(int64_t pos, int64_t n, QString *why) override
    {
        Q_ASSERT(n <= LogFile::kScanWindow);
        const int64_t start =
            anchor <= pos && pos + n - anchor <= LogFile::kScanWindow ? anchor : pos;
        const int64_t len = std::min(LogFile::kScanWindow, limit - start);
        begin = end = 0;
        if (!m_file.read(start, m_bytes.get(), len)) {
            *why = m_file.error();
            return false;
        }
        begin = start;
        end = start + len;
        return true;
    }
    /// [pos, next) in the window, loaded from pos if it is not; false if that read failed.
    bool hold(int64_t pos, int64_t next, QString *why)
    {
        if (pos >= begin && next <= end) return true;
        anchor = pos;
        return load(pos, std::min(next - pos, LogFile::kScanWindow), why);
    }

    int64_t anchor = 0; ///< where the chunk being measured starts

private:
    const LogFile &m_file;
    std::unique_ptr<char[]> m_bytes;
};

TpLogReader::TpLogReader() = default;
TpLogReader::~TpLogReader() = default;

bool TpLogReader::open(const QString &path, QString *error)
{
    auto f = std::make_unique<LogFile>();
    if (!f->open(path, error)) return false;
    m_file = std::move(f);
    resetIndex();
    return true;
}

void TpLogReader::resetIndex()
{
    m_published.store(0, std::memory_order_release);
    m_summary = LogSummary{};
    m_blocks.reset();
    m_blockSlots = 0;
    m_functions.clear();
}

ChunkInfo &TpLogReader::slot(int64_t i)
{
    const auto b = size_t(i >> kBlockBits);
    Q_ASSERT(b < m_blockSlots);
    // a new block is in place before any count that covers it is published
    if (!m_blocks[b]) m_blocks[b] = std::make_unique<ChunkInfo[]>(size_t(1) << kBlockBits);
    return m_blocks[b][size_t(i & ((1 << kBlockBits) - 1))];
}

int64_t TpLogReader::indexBytes() const
{
    if (!m_blocks) return 0;
    const int64_t blocks = ((chunkCount() + 1) >> kBlockBits) + 1;
    return blocks * (int64_t(sizeof(ChunkInfo)) << kBlockBits) +
           int64_t(m_blockSlots * sizeof(void *));
}

QString TpLogReader::path() const
{
    return m_file ? m_file->path() : QString();
}
int64_t TpLogReader::size() const
{
    return m_file ? m_file->size() : 0;
}
int64_t TpLogReader::currentSize() const
{
    return m_file ? m_file->currentSize() : -1;
}
QString TpLogReader::fileError() const
{
    return m_file ? m_file->error() : QString();
}

int secondOfDay(int64_t raw, int timeType)
{
    if (timeType != Timespan && timeType != Timestamp) return -1;
    int64_t ns = raw % kNanosPerDay;
    if (ns < 0) ns += kNanosPerDay;
    return int(ns / 1000000000);
}

namespace {

/// Bounds-checked little cursor for peeking at a chunk's first bytes.
struct Peek
{
    const char *b;
    int64_t pos, end;
    bool ok = true;
    int type()
    {
        if (pos >= end) return ok = false, 0;
        return int8_t(b[pos++]);
    }
    void skip(int64_t n)
    {
        if (n < 0 || end - pos < n)
            ok = false;
        else
            pos += n;
    }
    int64_t count()
    {
        if (end - pos < 4) return ok = false, 0;
        int32_t c;
        std::memcpy(&c, b + pos, 4);
        pos += 4;
        if (c < 0) ok = false;
        return c;
    }
    QByteArrayView cstring()
    {
        const void *z = pos < end ? std::memchr(b + pos, 0, size_t(end - pos)) : nullptr;
        if (!z) return ok = false, QByteArrayView();
        const auto *zc = static_cast<const char *>(z);
        QByteArrayView s(b + pos, qsizetype(zc - (b + pos)));
        pos = zc - b + 1;
        return s;
    }
    int64_t int64()
    {
        if (end - pos < 8) return ok = false, 0;
        int64_t v;
        std::memcpy(&v, b + pos, 8);
        return v;
    }
};

/// The first column of x (a list of columns or of atoms, or a table): rows and first time.
void peekFirstColumn(Peek &p, int64_t listCount, uint32_t *rows, int64_t *time, int8_t *timeType)
{
    if (listCount < 1 || !p.ok) return;
    const int t = p.type();
    if (!p.ok) return;
    if (t == -Timespan || t == -Timestamp) {
        *rows = 1;
        *time = p.int64();
        if (p.ok) *timeType = int8_t(-t);
        return;
    }
    if (t < 0 && t >= -Time) {
        *rows = 1;
        return;
    }
    if (t > 0 && t <= Time) {
        p.skip(1);
        const int64_t n = p.count();
        if (!p.ok) return;
        *rows = uint32_t(std::min<int64_t>(n, UINT32_MAX));
        if ((t == Timespan || t == Timestamp) && n > 0) {
            *time = p.int64();
            if (p.ok) *timeType = int8_t(t);
        }
        return;
    }
    if (t == List) { // a column held as a general list
        p.skip(1);
        const int64_t n = p.count();
        if (p.ok) *rows = uint32_t(std::min<int64_t>(n, UINT32_MAX));
    }
}

} // namespace

void TpLogReader::peekChunk(const char *base, int64_t pos, int64_t end, QByteArrayView *function,
                            QByteArrayView *table, uint32_t *rows, int64_t *time, int8_t *timeType)
{
    Peek p{base, pos, end};
    if (p.type() != List) return;
    p.skip(1);
    const int64_t n = p.count();
    if (!p.ok || n < 2) return;
    if (p.type() != -Symbol || !p.ok) return;
    *function = p.cstring();
    if (!p.ok || p.type() != -Symbol || !p.ok) return;
    *table = p.cstring();
    if (!p.ok || n < 3) return;
    const int xt = p.type();
    if (!p.ok) return;
    if (xt == List) {
        p.skip(1);
        const int64_t m = p.count();
        peekFirstColumn(p, m, rows, time, timeType);
    } else if (xt == Table) {
        p.skip(1);
        if (p.type() != Dict || !p.ok) return;
        // the column names: a symbol vector
        if (p.type() != Symbol || !p.ok) return;
        p.skip(1);
        const int64_t names = p.count();
        for (int64_t i = 0; i < names && p.ok; ++i)
            p.cstring();
        if (!p.ok || p.type() != List || !p.ok) return;
        p.skip(1);
        const int64_t m = p.count();
        peekFirstColumn(p, m, rows, time, timeType);
    } else if (xt > 0 && xt <= Time) {
        // a single vector (one column)
        p.pos -= 1;
        peekFirstColumn(p, 1, rows, time, timeType);
    }
}

namespace {

/// Names seen so far -> small ids: a linear scan over the first few (tick logs have a handful of
/// tables, alternating), a hash beyond.
template<class Id>
class NameIds
{
public:
    /// The id of name, adding it if there is room (max ids); -1 if full.
    int find(QByteArrayView name, size_t max, std::vector<QByteArray> *names)
    {
        const size_t n = std::min<size_t>(names->size(), 16);
        for (size_t i = 0; i < n; ++i)
            if ((*names)[i] == name) return int(i);
        if (names->size() > 16) {
            const auto it = m_hash.constFind(name.toByteArray());
            if (it != m_hash.cend()) return *it;
        }
        if (names->size() >= max) return -1;
        names->push_back(name.toByteArray());
        const int id = int(names->size() - 1);
        m_hash.insert(names->back(), Id(id));
        return id;
    }

private:
    QHash<QByteArray, Id> m_hash;
};

} // namespace

LogSummary TpLogReader::verify(const Progress &progress) const
{
    return scan(progress, nullptr);
}

LogSummary TpLogReader::stream(int64_t max, const std::function<bool(const Value &)> &each) const
{
    return scan({}, nullptr, &each, max);
}

/// index()'s side of the scan: fills the reader's blocks and publishes the count in batches.
class TpLogReader::Builder
{
public:
    Builder(TpLogReader *r, const Publish &publish) : m_r(r), m_publish(publish)
    {
        m_clock.start();
    }
    ChunkInfo &next() { return m_r->slot(m_written++); }
    std::vector<QByteArray> *functions() { return &m_r->m_functions; }

    /// Every 1,024 chunks or 1 MB (a log of few big messages, bulk upds of whole tables):
    /// publish when the first 64k are in (or 50 ms passed), then every 50 ms.
    /// false: the publisher asked to cancel.
    bool maybePublish(const LogSummary &s, int64_t pos)
    {
        if (m_written < 2) return true;
        if ((m_written & 1023) != 0 && pos - m_checkedAt < kCheckBytes) return true;
        m_checkedAt = pos;
        const bool due = m_sent == 0 ? (m_written > kFirstBatch || m_clock.elapsed() >= kEveryMs)
                                     : m_clock.elapsed() >= kEveryMs;
        if (!due) return true;
        // the last written chunk's own end is not known yet: publish up to the one before it,
        // whose end is that chunk's offset (already in its slot)
        return publish(s, m_written - 1, pos, false);
    }
    /// At the end: a sentinel slot holds the last chunk's end, then everything is published.
    bool finish(const LogSummary &s)
    {
        m_r->slot(m_written) = ChunkInfo{s.validLength};
        return publish(s, m_written, s.validLength, true);
    }

private:
    static constexpr int64_t kFirstBatch = int64_t(1) << 16;
    static constexpr qint64 kEveryMs = 50;
    static constexpr int64_t kCheckBytes = int64_t(1) << 20;

    bool publish(const LogSummary &s, int64_t count, int64_t pos, bool done)
    {
        m_r->m_published.store(count, std::memory_order_release);
        ++m_sent;
        m_clock.restart();
        if (!m_publish) return true;
        IndexProgress p;
        p.chunks = count;
        p.bytesDone = pos;
        p.bytesTotal = s.fileSize;
        p.done = done;
        p.summary = s;
        if (!done) p.summary.validLength = pos;
        p.functions = m_r->m_functions;
        return m_publish(p);
    }

    TpLogReader *m_r;
    const Publish &m_publish;
    QElapsedTimer m_clock;
    int64_t m_written = 0;
    int64_t m_sent = 0;
    int64_t m_checkedAt = 0; ///< bytes scanned when the clock was last looked at
};

LogSummary TpLogReader::index(const Progress &progress, const Publish &publish)
{
    resetIndex();
    // one slot per byte bounds the chunks (each is at least one byte) plus the sentinel; the
    // block pointers cost 8 bytes per 64 KB of file, the blocks come as chunks fill them
    const int64_t maxChunks = size() + 2;
    m_blockSlots = size_t((maxChunks >> kBlockBits) + 1);
    m_blocks = std::make_unique<std::unique_ptr<ChunkInfo[]>[]>(m_blockSlots);
    Builder b(this, publish);
    LogSummary s = scan(progress, &b);
    m_summary = s;
    return s;
}

LogSummary TpLogReader::scan(const Progress &progress, Builder *builder, const Each *each,
                             int64_t max) const
{
    const bool keep = builder != nullptr;
    std::vector<QByteArray> *functions = keep ? builder->functions() : nullptr;
    LogSummary s;
    if (!m_file) return s;
    s.fileSize = size();
    char header[kHeaderSize] = {};
    if (!m_file->read(0, header, std::min<int64_t>(kHeaderSize, s.fileSize))) {
        s.fileError = m_file->error();
        return s;
    }
    if (!parseHeader(header, s.fileSize, &s.headerCount, &s.headerProblem)) {
        // Not a log at all: nothing of it is valid (-11!(-2;x) gives 0 chunks, 0 bytes).
        s.badOffset = 0;
        s.badAt = 0;
        s.badReason = s.headerProblem;
        return s;
    }
    s.headerOk = true;
    NameIds<uint16_t> tableIds;
    NameIds<uint8_t> fnIds;
    std::vector<QByteArray> tableNames;
    if (keep) s.perSecond.assign(86400, 0);
    Window w(*m_file);
    int64_t pos = kHeaderSize;
    const int64_t end = s.fileSize;
    int64_t nextReport = int64_t(16) << 20;
    while (pos < end && (max < 0 || s.chunks < max)) {
        QString why;
        int64_t badAt = -1;
        bool readFailed = false;
        w.anchor = pos;
        const int64_t next = skipObject(w, pos, &why, &badAt, &readFailed);
        if (next < 0 && readFailed) {
            s.fileError = why;
            break;
        }
        if (next < 0) {
            s.badOffset = pos;
            s.badAt = badAt;
            s.badReason = why;
            break;
        }
        // the chunk's bytes, for the peek (its head is enough) and a decode (all of them)
        if ((keep || each) && !w.hold(pos, next, &why)) {
            s.fileError = why;
            break;
        }
        if (keep) {
            ChunkInfo &c = builder->next();
            c.offset = pos;
            QByteArrayView fn, table;
            peekChunk(w.data, pos - w.begin, std::min(next, w.end) - w.begin, &fn, &table, &c.rows,
                      &c.time, &c.timeType);
            if (!fn.isNull()) {
                const int id = fnIds.find(fn, 255, functions);
                if (id >= 0) c.function = uint8_t(id);
            }
            if (!table.isNull()) {
                const int id = tableIds.find(table, 0xffff, &tableNames);
                if (id >= 0 && size_t(id) == s.tables.size())
                    s.tables.push_back(TableStats{tableNames.back()});
                if (id >= 0) {
                    c.table = uint16_t(id);
                    TableStats &ts = s.tables[size_t(id)];
                    ++ts.messages;
                    ts.rows += c.rows;
                    if (c.timeType) {
                        ts.timeType = c.timeType;
                        ts.minTime = std::min(ts.minTime, c.time);
                        ts.maxTime = std::max(ts.maxTime, c.time);
                    }
                }
            }
            const int sec = secondOfDay(c.time, c.timeType);
            if (sec >= 0) ++s.perSecond[size_t(sec)];
        }
        if (each) {
            const auto bytes =
                next <= w.end ? std::make_shared<const QByteArray>(w.at(pos), qsizetype(next - pos))
                              : m_file->range(pos, next);
            if (!bytes) {
                s.fileError = m_file->error();
                break;
            }
            const Decoded d =
                detail::decodeRange(bytes->constData(), 0, bytes->size(), true, bytes, {});
            if (!d.ok()) {
                s.badOffset = pos;
                s.badAt = pos + std::max<int64_t>(d.error->offset, 0);
                s.badReason = d.error->message;
                break;
            }
            if (!(*each)(d.value)) {
                ++s.chunks;
                pos = next;
                s.cancelled = true;
                break;
            }
        }
        ++s.chunks;
        pos = next;
        if (keep && !builder->maybePublish(s, pos)) {
            s.cancelled = true;
            break;
        }
        if (progress && pos >= nextReport) {
            nextReport = pos + (int64_t(16) << 20);
            if (!progress(pos, end)) {
                s.cancelled = true;
                break;
            }
        }
    }
    s.validLength = pos;
    if (s.badOffset >= 0) s.validLength = s.badOffset;
    if (keep && !builder->finish(s)) s.cancelled = true;
    if (progress && !s.cancelled && s.fileError.isEmpty()) progress(end, end);
    return s;
}

QByteArray TpLogReader::tableName(const ChunkInfo &c) const
{
    return c.table < m_summary.tables.size() ? m_summary.tables[c.table].name : QByteArray();
}

Decoded TpLogReader::decode(int64_t i) const
{
    Decoded d;
    if (i < 0 || i >= chunkCount()) {
        d.error = DecodeError{QStringLiteral("no chunk %1").arg(i), -1};
        return d;
    }
    const int64_t offset = chunk(i).offset;
    const auto bytes = m_file->range(offset, chunkEnd(i));
    if (!bytes) {
        d.error = DecodeError{m_file->error(), offset};
        return d;
    }
    d = detail::decodeRange(bytes->constData(), 0, bytes->size(), true, bytes, DecodeLimits{});
    if (d.error && d.error->offset >= 0) d.error->offset += offset; // the file's offset
    return d;
}

namespace {

bool writeLog(const QString &path, const char *header, int64_t count,
              const std::function<bool(QSaveFile &)> &body, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    QByteArray h(header, kHeaderSize);
    const auto n = int32_t(std::min<int64_t>(count, INT32_MAX));
    std::memcpy(h.data() + kCountOffset, &n, 4);
    if (f.write(h) != h.size() || !body(f) || !f.commit()) {
        // a read that failed says why (the log shrank), else the write did
        if (error->isEmpty()) *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

bool TpLogReader::exportValidPrefix(const QString &path, QString *error) const
{
    const LogSummary s = m_summary.headerOk ? m_summary : verify();
    if (!s.fileError.isEmpty()) {
        *error = s.fileError;
        return false;
    }
    if (!s.headerOk) {
        *error = QStringLiteral("not a log: %1").arg(s.headerProblem);
        return false;
    }
    error->clear();
    QByteArray buf(qsizetype(std::min<int64_t>(s.validLength, LogFile::kScanWindow)),
                   Qt::Uninitialized);
    if (!m_file->read(0, buf.data(), kHeaderSize)) {
        *error = m_file->error();
        return false;
    }
    return writeLog(
        path, buf.constData(), s.chunks,
        [&](QSaveFile &f) {
            for (int64_t pos = kHeaderSize; pos < s.validLength;) {
                const int64_t n = std::min<int64_t>(s.validLength - pos, buf.size());
                if (!m_file->read(pos, buf.data(), n)) {
                    *error = m_file->error();
                    return false;
                }
                if (f.write(buf.constData(), n) != n) return false;
                pos += n;
            }
            return true;
        },
        error);
}

bool TpLogReader::exportChunks(const QString &path, const std::vector<int64_t> &indexes,
                               QString *error) const
{
    for (int64_t i : indexes)
        if (i < 0 || i >= chunkCount()) {
            *error = QStringLiteral("no chunk %1").arg(i);
            return false;
        }
    error->clear();
    return writeLog(
        path, emptyLogHeader().constData(), int64_t(indexes.size()),
        [&](QSaveFile &f) {
            for (int64_t i : indexes) {
                const auto bytes = m_file->range(chunk(i).offset, chunkEnd(i));
                if (!bytes) {
                    *error = m_file->error();
                    return false;
                }
                if (f.write(*bytes) != bytes->size()) return false;
            }
            return true;
        },
        error);
}

} // namespace qscope::tplog
