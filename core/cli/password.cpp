// Where qscope-cli query and sub take a password from. --user U:P works but shows the password
// to anyone running ps; a file, the environment or a prompt on the terminal do not.

#include "cli.h"

#include <QFile>

#include <cstdio>

#if defined(Q_OS_UNIX)
#include <termios.h>
#include <unistd.h>
#endif

namespace qscope::cli {

namespace {

/// One line from the terminal with echo off; nullopt if stdin is not a terminal or ends.
std::optional<QString> promptNoEcho(const QString &prompt)
{
#if defined(Q_OS_UNIX)
    if (!::isatty(STDIN_FILENO)) return std::nullopt;
    std::fputs(prompt.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
    termios saved{};
    const bool haveTerm = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (haveTerm) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    char c = 0;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        line.append(c);
    if (haveTerm) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    if (line.endsWith('\r')) line.chop(1);
    return QString::fromLocal8Bit(line);
#else
    Q_UNUSED(prompt);
    return std::nullopt;
#endif
}

} // namespace

bool resolvePassword(ConnectionArgs &net, const QString &address, QString *error)
{
    if (!net.passwordFile.isEmpty()) {
        if (net.passwordGiven) {
            *error = QStringLiteral("give the password one way: --user U:P or --password-file");
            return false;
        }
        QFile file(net.passwordFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the password file %1: %2")
                         .arg(net.passwordFile, file.errorString());
            return false;
        }
        QByteArray line = file.readLine(64 * 1024);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        net.password = QString::fromUtf8(line);
        net.passwordGiven = true;
        return true;
    }
    if (net.passwordGiven) return true;
    if (qEnvironmentVariableIsSet("QSCOPE_PASSWORD")) {
        net.password = qEnvironmentVariable("QSCOPE_PASSWORD");
        net.passwordGiven = true;
        return true;
    }
    // --user U with no password anywhere: ask, when someone is at a terminal to answer.
    if (!net.user.isEmpty()) {
        if (const auto typed =
                promptNoEcho(QStringLiteral("password for %1 at %2: ").arg(net.user, address))) {
            net.password = *typed;
            net.passwordGiven = true;
        }
    }
    return true;
}

} // namespace qscope::cli
