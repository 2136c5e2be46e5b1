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

class Skipper
{
public:
    Skipper(const char *base, int64_t end, int maxDepth)
        : m_base(base), m_end(end), m_maxDepth(maxDepth)
    {}

    bool object(int64_t &pos, int depth)
    {
        if (depth > m_maxDepth) return fail(QStringLiteral("nesting too deep"), pos);
        if (!need(pos, 1, "a type byte")) return false;
        const int type = int8_t(m_base[pos]);
        const int64_t typeAt = pos;
        ++pos;
        if (type < 0 && type >= -Time) {
            if (type == -3) return fail(QStringLiteral("unknown type -3"), typeAt);
            if (type == -Symbol) return cstring(pos, "a symbol");
            const int w = elementSize(type);
            if (!need(pos, w, "an atom")) return false;
            pos += w;
            return true;
        }
        if (type > 0 && type <= Time) {
            if (type == 3) return fail(QStringLiteral("unknown type 3"), typeAt);
            int64_t n;
            if (!attribute(pos) || !count(pos, n)) return false;
            if (type == Symbol) {
                for (int64_t i = 0; i < n; ++i)
                    if (!cstring(pos, "a symbol")) return false;
                return true;
            }
            const int64_t bytes = n * elementSize(type);
            if (!need(pos, bytes, "the vector's elements")) return false;
            pos += bytes;
            return true;
        }
        switch (type) {
        case List: {
            int64_t n;
            if (!attribute(pos) || !count(pos, n)) return false;
            if (n > (m_end - pos) / 2)
                return fail(QStringLiteral("count %1 exceeds the bytes left").arg(n), pos - 4);
            for (int64_t i = 0; i < n; ++i)
                if (!object(pos, depth + 1)) return false;
            return true;
        }
        case Table:
            if (!attribute(pos) || !need(pos, 1, "the table's dict")) return false;
            if (int8_t(m_base[pos]) != Dict)
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
            if (!need(pos, 1, "a primitive code")) return false;
            ++pos;
            return true;
        case Projection:
        case Composition: {
            int64_t n;
            if (!count(pos, n)) return false;
            if (n > (m_end - pos) / 2)
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

private:
    bool fail(const QString &w, int64_t at)
    {
        why = w;
        badAt = at;
        return false;
    }
    bool need(int64_t pos, int64_t n, const char *what)
    {
        if (n < 0 || m_end - pos < n)
            return fail(QStringLiteral("truncated: %1 needs %2 byte(s), %3 left")
                            .arg(QLatin1String(what))
                            .arg(n)
                            .arg(m_end - pos),
                        pos);
        return true;
    }
    bool attribute(int64_t &pos)
    {
        if (!need(pos, 1, "an attribute")) return false;
        if (uint8_t(m_base[pos]) > 5)
            return fail(QStringLiteral("unknown attribute byte %1").arg(uint8_t(m_base[pos])), pos);
        ++pos;
        return true;
    }
    bool count(int64_t &pos, int64_t &n)
    {
        if (!need(pos, 4, "a count")) return false;
        int32_t c;
        std::memcpy(&c, m_base + pos, 4);
        if (c < 0) return fail(QStringLiteral("negative count %1").arg(c), pos);
        pos += 4;
        n = c;
        return true;
    }
    bool cstring(int64_t &pos, const char *what)
    {
        const void *z = std::memchr(m_base + pos, 0, size_t(m_end - pos));
        if (!z)
            return fail(QStringLiteral("truncated: unterminated %1").arg(QLatin1String(what)), pos);
        pos = static_cast<const char *>(z) - m_base + 1;
        return true;
    }

    const char *m_base;
    int64_t m_end;
    int m_maxDepth;
};

} // namespace

int64_t skipObject(const char *base, int64_t pos, int64_t end, QString *why, int64_t *badAt,
                   int maxDepth)
{
    Skipper s(base, end, maxDepth);
    if (s.object(pos, 0)) return pos;
    if (why) *why = s.why;
    if (badAt) *badAt = s.badAt;
    return -1;
}

} // namespace qscope::tplog
