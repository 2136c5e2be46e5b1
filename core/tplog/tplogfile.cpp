#include "tplog/tplogfile.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace qscope::tplog {

LogFile::LogFile() = default;
LogFile::~LogFile() = default;

bool LogFile::open(const QString &path, QString *error)
{
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, m_file.errorString());
        return false;
    }
    m_fd = m_file.handle();
    m_size = m_file.size();
    return true;
}

int64_t LogFile::currentSize() const
{
    struct stat st = {};
    if (m_fd < 0 || ::fstat(m_fd, &st) != 0) return -1;
    return int64_t(st.st_size);
}

QString LogFile::shrankMessage(int64_t was, int64_t now)
{
    return QStringLiteral("the file shrank from %1 to %2 bytes while open: re-open it")
        .arg(was)
        .arg(now);
}

bool LogFile::fail(const QString &why) const
{
    QMutexLocker lock(&m_errorMutex);
    if (m_error.isEmpty()) m_error = why;
    m_failed.store(true, std::memory_order_release);
    return false;
}

QString LogFile::error() const
{
    QMutexLocker lock(&m_errorMutex);
    return m_error;
}

bool LogFile::read(int64_t pos, char *dst, int64_t n) const
{
    if (m_failed.load(std::memory_order_acquire)) return false;
    Q_ASSERT(pos >= 0 && n >= 0 && pos + n <= m_size);
    for (int64_t done = 0; done < n;) {
        const ssize_t got = ::pread(m_fd, dst + done, size_t(n - done), off_t(pos + done));
        if (got > 0) {
            done += got;
            continue;
        }
        const int err = errno;
        if (got < 0 && err == EINTR) continue;
        if (got == 0) {
            // the end came before the size at open: the file was cut (if it has grown again
            // since, where this read found its end says more than its size now)
            const int64_t now = currentSize();
            return fail(shrankMessage(m_size, now >= 0 ? std::min(now, pos + done) : pos + done));
        }
        return fail(QStringLiteral("cannot read %1 byte(s) at offset %2: %3")
                        .arg(n - done)
                        .arg(pos + done)
                        .arg(QString::fromLocal8Bit(std::strerror(err))));
    }
    return true;
}

std::shared_ptr<const QByteArray> LogFile::range(int64_t pos, int64_t end) const
{
    if (m_failed.load(std::memory_order_acquire)) return nullptr;
    const int64_t n = end - pos;
    if (n > kWindow / 2) {
        // a big message: read alone, not through (and not evicting) the cache
        auto out = std::make_shared<QByteArray>(qsizetype(n), Qt::Uninitialized);
        if (!read(pos, out->data(), n)) return nullptr;
        return out;
    }
    QMutexLocker lock(&m_cacheMutex);
    const Window *w = windowFor(pos, end);
    if (!w) return nullptr;
    return std::make_shared<const QByteArray>(w->bytes.get() + (pos - w->begin), qsizetype(n));
}

const LogFile::Window *LogFile::windowFor(int64_t pos, int64_t end) const
{
    Window *victim = &m_cache[0];
    for (Window &w : m_cache) {
        if (w.bytes && w.begin <= pos && end <= w.end) {
            w.used = ++m_uses;
            return &w;
        }
        if (w.used < victim->used) victim = &w;
    }
    // a little before pos too (page-aligned), so that walking back a few messages (a grid
    // scrolled up) still hits; end - begin stays within the window as end - pos <= kWindow / 2
    const int64_t begin = std::max<int64_t>(0, pos - kWindow / 4) & ~int64_t(4095);
    const int64_t len = std::min(kWindow, m_size - begin);
    if (!victim->bytes) victim->bytes = std::make_unique<char[]>(size_t(kWindow));
    victim->begin = victim->end = 0; // nothing valid while it loads
    if (!read(begin, victim->bytes.get(), len)) return nullptr;
    victim->begin = begin;
    victim->end = begin + len;
    victim->used = ++m_uses;
    return victim;
}

} // namespace qscope::tplog
