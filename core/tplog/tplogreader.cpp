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

struct TpLogReader::Mapping
{
    QFile file;
    const char *data = nullptr;
    int64_t size = 0;
    ~Mapping()
    {
        if (data) file.unmap(reinterpret_cast<uchar *>(const_cast<char *>(data)));
    }
};

TpLogReader::TpLogReader() = default;
TpLogReader::~TpLogReader() = default;

bool TpLogReader::open(const QString &path, QString *error)
{
    auto m = std::make_shared<Mapping>();
    m->file.setFileName(path);
    if (!m->file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, m->file.errorString());
        return false;
    }
    m->size = m->file.size();
    if (m->size > 0) {
        uchar *p = m->file.map(0, m->size);
        if (!p) {
            *error = QStringLiteral("%1: cannot map: %2").arg(path, m->file.errorString());
            return false;
        }
        m->data = reinterpret_cast<const char *>(p);
    }
    m_map = std::move(m);
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
    return m_map ? m_map->file.fileName() : QString();
}
int64_t TpLogReader::size() const
{
    return m_map ? m_map->size : 0;
}
const char *TpLogReader::data() const
{
    return m_map ? m_map->data : nullptr;
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

LogSummary TpLogReader::scan(const Progress &progress, Builder *builder) const
{
    const bool keep = builder != nullptr;
    std::vector<QByteArray> *functions = keep ? builder->functions() : nullptr;
    LogSummary s;
    const char *b = data();
    s.fileSize = size();
    if (!parseHeader(b, s.fileSize, &s.headerCount, &s.headerProblem)) {
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
    int64_t pos = kHeaderSize;
    const int64_t end = s.fileSize;
    int64_t nextReport = int64_t(16) << 20;
    while (pos < end) {
        QString why;
        int64_t badAt = -1;
        const int64_t next = skipObject(b, pos, end, &why, &badAt);
        if (next < 0) {
            s.badOffset = pos;
            s.badAt = badAt;
            s.badReason = why;
            break;
        }
        if (keep) {
            ChunkInfo &c = builder->next();
            c.offset = pos;
            QByteArrayView fn, table;
            peekChunk(b, pos, next, &fn, &table, &c.rows, &c.time, &c.timeType);
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
    if (progress && !s.cancelled) progress(end, end);
    return s;
}

QByteArray TpLogReader::tableName(const ChunkInfo &c) const
{
    return c.table < m_summary.tables.size() ? m_summary.tables[c.table].name : QByteArray();
}

Decoded TpLogReader::decode(int64_t i) const
{
    if (i < 0 || i >= chunkCount()) {
        Decoded d;
        d.error = DecodeError{QStringLiteral("no chunk %1").arg(i), -1};
        return d;
    }
    return detail::decodeRange(data(), chunk(i).offset, chunkEnd(i), true, m_map, DecodeLimits{});
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
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

bool TpLogReader::exportValidPrefix(const QString &path, QString *error) const
{
    const LogSummary s = m_summary.headerOk ? m_summary : verify();
    if (!s.headerOk) {
        *error = QStringLiteral("not a log: %1").arg(s.headerProblem);
        return false;
    }
    const char *b = data();
    return writeLog(
        path, b, s.chunks,
        [&](QSaveFile &f) {
            int64_t pos = kHeaderSize;
            while (pos < s.validLength) {
                const int64_t n = std::min<int64_t>(s.validLength - pos, int64_t(64) << 20);
                if (f.write(b + pos, n) != n) return false;
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
    const char *b = data();
    return writeLog(
        path, emptyLogHeader().constData(), int64_t(indexes.size()),
        [&](QSaveFile &f) {
            for (int64_t i : indexes) {
                const int64_t o = chunk(i).offset;
                const int64_t n = chunkEnd(i) - o;
                if (f.write(b + o, n) != n) return false;
            }
            return true;
        },
        error);
}

} // namespace qscope::tplog
