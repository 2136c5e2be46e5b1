#include "tplog/tplogformat.h"

#include "protocol/qtypes.h"

#include <cstring>

namespace qscope::tplog {

QByteArray emptyLogHeader()
{
    QByteArray h(kHeaderSize, '\0');
    h[0] = char(0xff);
    h[1] = char(0x01);
    return h;
}

bool parseHeader(const char *p, int64_t size, int64_t *count, QString *why)
{
    if (size < kHeaderSize) {
        *why =
            QStringLiteral("file of %1 byte(s) is shorter than a log header (14 bytes)").arg(size);
        return false;
    }
    if (uint8_t(p[0]) != 0xff || uint8_t(p[1]) > 0x01) {
        *why = QStringLiteral("not a q list file: starts 0x%1%2, a log starts 0xff01")
                   .arg(uint8_t(p[0]), 2, 16, QLatin1Char('0'))
                   .arg(uint8_t(p[1]), 2, 16, QLatin1Char('0'));
        return false;
    }
    if (p[1] == 0) {
        *why = QStringLiteral("big-endian log (0xff00): not supported");
        return false;
    }
    if (p[8] != 0) {
        *why = QStringLiteral("the file holds a q object of type %1, not a general list (0)")
                   .arg(int(int8_t(p[8])));
        return false;
    }
    int32_t n;
    std::memcpy(&n, p + kCountOffset, 4);
    *count = n;
    return true;
}

namespace {

/// A whole buffer in memory: nothing more to load.
class WholeBuffer final : public ScanWindow
{
public:
    WholeBuffer(const char *base, int64_t size)
    {
        data = base;
        end = limit = size;
    }
    bool load(int64_t, int64_t, QString *) override { return false; }
};

class Skipper
{
public:
    Skipper(ScanWindow &w, int maxDepth)
        : m_w(w), m_data(w.data), m_begin(w.begin), m_end(w.end), m_limit(w.limit),
          m_maxDepth(maxDepth)
    {}

    bool object(int64_t &pos, int depth)
    {
        if (depth > m_maxDepth) return fail(QStringLiteral("nesting too deep"), pos);
        if (!load(pos, 1, "a type byte")) return false;
        const int type = int8_t(*at(pos));
        const int64_t typeAt = pos;
        ++pos;
        if (type < 0 && type >= -Time) {
            if (type == -3) return fail(QStringLiteral("unknown type -3"), typeAt);
            if (type == -Symbol) return cstring(pos, "a symbol");
            return skip(pos, elementSize(type), "an atom");
        }
        if (type > 0 && type <= Time) {
            if (type == 3) return fail(QStringLiteral("unknown type 3"), typeAt);
            int64_t n = 0;
            if (!attribute(pos) || !count(pos, n)) return false;
            if (type == Symbol) {
                for (int64_t i = 0; i < n; ++i)
                    if (!cstring(pos, "a symbol")) return false;
                return true;
            }
            return skip(pos, n * elementSize(type), "the vector's elements");
        }
        switch (type) {
        case List: {
            int64_t n = 0;
            if (!attribute(pos) || !count(pos, n)) return false;
            if (n > (m_limit - pos) / 2)
                return fail(QStringLiteral("count %1 exceeds the bytes left").arg(n), pos - 4);
            for (int64_t i = 0; i < n; ++i)
                if (!object(pos, depth + 1)) return false;
            return true;
        }
        case Table:
            if (!attribute(pos) || !load(pos, 1, "the table's dict")) return false;
            if (int8_t(*at(pos)) != Dict)
                return fail(QStringLiteral("a table (98) must hold a dict (99)"), pos);
            ++pos;
            return object(pos, depth + 1) && object(pos, depth + 1);
        case Dict:
        case SortedDict:
            return object(pos, depth + 1) && object(pos, depth + 1);
        case Lambda:
            return cstring(pos, "a lambda context") && object(pos, depth + 1);
        case UnaryPrimitive:
        case Operator:
        case Iterator:
            return skip(pos, 1, "a primitive code");
        case Projection:
        case Composition: {
            int64_t n = 0;
            if (!count(pos, n)) return false;
            if (n > (m_limit - pos) / 2)
                return fail(QStringLiteral("count %1 exceeds the bytes left").arg(n), pos - 4);
            for (int64_t i = 0; i < n; ++i)
                if (!object(pos, depth + 1)) return false;
            return true;
        }
        case Each:
        case Over:
        case Scan:
        case EachPrior:
        case EachRight:
        case EachLeft:
            return object(pos, depth + 1);
        case Error:
            return cstring(pos, "an error text");
        default:
            return fail(QStringLiteral("unknown type %1").arg(type), typeAt);
        }
    }

    QString why;
    int64_t badAt = -1;
    bool readFailed = false;

private:
    // the failures build text: out of line, off the path the scan runs
    Q_NEVER_INLINE Q_DECL_COLD_FUNCTION bool fail(const QString &w, int64_t at)
    {
        why = w;
        badAt = at;
        return false;
    }
    Q_NEVER_INLINE Q_DECL_COLD_FUNCTION bool truncated(int64_t pos, int64_t n, const char *what)
    {
        return fail(QStringLiteral("truncated: %1 needs %2 byte(s), %3 left")
                        .arg(QLatin1String(what))
                        .arg(n)
                        .arg(m_limit - pos),
                    pos);
    }
    /// The n bytes at pos exist: step over them without reading them.
    bool skip(int64_t &pos, int64_t n, const char *what)
    {
        if (n < 0 || m_limit - pos < n) return truncated(pos, n, what);
        pos += n;
        return true;
    }
    /// The n bytes at pos exist and are in memory, to be read at at(pos).
    bool load(int64_t pos, int64_t n, const char *what)
    {
        if (Q_LIKELY(pos >= m_begin && m_end - pos >= n)) return true;
        return loadMore(pos, n, what);
    }
    Q_NEVER_INLINE bool loadMore(int64_t pos, int64_t n, const char *what)
    {
        if (n < 0 || m_limit - pos < n) return truncated(pos, n, what);
        QString e;
        const bool ok = m_w.load(pos, n, &e);
        m_data = m_w.data;
        m_begin = m_w.begin;
        m_end = m_w.end;
        if (ok) return true;
        readFailed = true;
        return fail(e, pos);
    }
    const char *at(int64_t pos) const { return m_data + (pos - m_begin); }
    bool attribute(int64_t &pos)
    {
        if (!load(pos, 1, "an attribute")) return false;
        const auto a = uint8_t(*at(pos));
        if (a > 5) return fail(QStringLiteral("unknown attribute byte %1").arg(a), pos);
        ++pos;
        return true;
    }
    bool count(int64_t &pos, int64_t &n)
    {
        if (!load(pos, 4, "a count")) return false;
        int32_t c;
        std::memcpy(&c, at(pos), 4);
        if (c < 0) return fail(QStringLiteral("negative count %1").arg(c), pos);
        pos += 4;
        n = c;
        return true;
    }
    /// Past the next NUL, looking through as many windows as it takes.
    bool cstring(int64_t &pos, const char *what)
    {
        for (int64_t from = pos;;) {
            if (from >= m_limit)
                return fail(QStringLiteral("truncated: unterminated %1").arg(QLatin1String(what)),
                            pos);
            if (!load(from, 1, what)) return false;
            const char *p = at(from);
            if (const void *z = std::memchr(p, 0, size_t(m_end - from))) {
                pos = from + (static_cast<const char *>(z) - p) + 1;
                return true;
            }
            from = m_end;
        }
    }

    ScanWindow &m_w;
    // the window's bytes, copied here (and again after each load) for the compiler to keep
    const char *m_data;
    int64_t m_begin;
    int64_t m_end;
    const int64_t m_limit;
    int m_maxDepth;
};

} // namespace

int64_t skipObject(ScanWindow &window, int64_t pos, QString *why, int64_t *badAt, bool *readFailed,
                   int maxDepth)
{
    Skipper s(window, maxDepth);
    if (s.object(pos, 0)) return pos;
    if (why) *why = s.why;
    if (badAt) *badAt = s.badAt;
    if (readFailed) *readFailed = s.readFailed;
    return -1;
}

int64_t skipObject(const char *base, int64_t pos, int64_t end, QString *why, int64_t *badAt,
                   int maxDepth)
{
    WholeBuffer w(base, end);
    return skipObject(w, pos, why, badAt, nullptr, maxDepth);
}

} // namespace qscope::tplog
