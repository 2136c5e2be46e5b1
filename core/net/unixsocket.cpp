// Raw AF_UNIX sockets for kdb+'s abstract "@/tmp/kx.PORT" names.

#include "unixsocket.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace qscope::detail {

namespace {

/// Fills addr for name; returns the address length to pass to connect/bind, 0 if too long.
socklen_t makeAddress(const QString &name, sockaddr_un *addr, QString *error)
{
    std::memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    const bool abstract = name.startsWith(QLatin1Char('@'));
    const QByteArray path = abstract ? name.mid(1).toLocal8Bit() : name.toLocal8Bit();
    const size_t room = sizeof addr->sun_path - 1; // the leading NUL, or the terminating one
    if (path.isEmpty() || size_t(path.size()) > room) {
        if (error) *error = QStringLiteral("unix socket name '%1' is empty or too long").arg(name);
        return 0;
    }
    if (abstract) {
        addr->sun_path[0] = '\0';
        std::memcpy(addr->sun_path + 1, path.constData(), size_t(path.size()));
        // Abstract names are not NUL-terminated: the length says where the name ends.
        return socklen_t(offsetof(sockaddr_un, sun_path) + 1 + size_t(path.size()));
    }
    std::memcpy(addr->sun_path, path.constData(), size_t(path.size()));
    return socklen_t(sizeof *addr);
}

QString errnoText(const char *what, const QString &name)
{
    return QStringLiteral("%1 %2: %3")
        .arg(QLatin1String(what), name, QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

int connectUnixSocket(const QString &name, QString *error)
{
    sockaddr_un addr;
    const socklen_t len = makeAddress(name, &addr, error);
    if (len == 0) return -1;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (error) *error = errnoText("socket", name);
        return -1;
    }
    // A local connect completes (or fails) at once; no need to wait for writability.
    int rc;
    do {
        rc = ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), len);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        if (error) *error = errnoText("connect to", name);
        ::close(fd);
        return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int listenUnixSocket(const QString &name, QString *error)
{
    sockaddr_un addr;
    const socklen_t len = makeAddress(name, &addr, error);
    if (len == 0) return -1;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (error) *error = errnoText("socket", name);
        return -1;
    }
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&addr), len) < 0 || ::listen(fd, 128) < 0) {
        if (error) *error = errnoText("listen on", name);
        ::close(fd);
        return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

} // namespace qscope::detail
