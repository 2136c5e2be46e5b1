#include "app/stdinreader.h"

#include "editor/editortab.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace qscope {

StdinReader::StdinReader(EditorTab *tab, int fd, QObject *parent)
    : QObject(parent), m_tab(tab), m_fd(fd),
      m_notifier(new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this))
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        m_notifier->setEnabled(false);
        QMetaObject::invokeMethod(
            this,
            [this, e = QString::fromLocal8Bit(std::strerror(errno))] {
                finish(tr("standard input cannot be read: %1").arg(e));
            },
            Qt::QueuedConnection);
        return;
    }
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::readAvailable);
}

void StdinReader::readAvailable()
{
    char buffer[64 * 1024];
    // a bounded number of chunks per wake-up, so a fast writer cannot hold the event loop
    for (int round = 0; round < 16; ++round) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n > 0) {
            const QString text = m_decoder.decode(QByteArrayView(buffer, qsizetype(n)));
            if (m_tab && !text.isEmpty()) m_tab->append(text); // an edit: the tab is unsaved
            continue;
        }
        if (n == 0) {
            finish(QString());
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            finish(tr("reading standard input failed: %1")
                       .arg(QString::fromLocal8Bit(std::strerror(errno))));
        }
        return;
    }
}

void StdinReader::finish(const QString &error)
{
    m_notifier->setEnabled(false);
    Q_EMIT finished(error);
}

} // namespace qscope
