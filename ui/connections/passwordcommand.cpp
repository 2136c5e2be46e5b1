#include "connections/passwordcommand.h"

#include <QProcess>
#include <QTimer>

namespace qscope {

namespace {
/// The first line of a process's error output, for the message (a script's own complaint).
QString firstLine(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes).trimmed();
    return text.section(QLatin1Char('\n'), 0, 0).trimmed();
}
} // namespace

PasswordCommand::PasswordCommand(const QString &command, int timeoutMs, QObject *parent)
    : QObject(parent), m_command(command), m_process(new QProcess(this)), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this, timeoutMs] {
        m_process->kill(); // its finished/errorOccurred come after done(): ignored
        done(false, {},
             tr("the password command did not finish within %1 s").arg(timeoutMs / 1000.0));
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            done(false, {},
                 tr("the password command could not be started: %1").arg(m_process->errorString()));
    });
    connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        const QByteArray out = m_process->readAllStandardOutput();
        const QString why = firstLine(m_process->readAllStandardError());
        if (status != QProcess::NormalExit)
            return done(false, {}, tr("the password command crashed"));
        if (code != 0) {
            return done(
                false, {},
                why.isEmpty()
                    ? tr("the password command exited with code %1").arg(code)
                    : tr("the password command exited with code %1: %2").arg(code).arg(why));
        }
        QByteArray secret = out;
        while (secret.endsWith('\n') || secret.endsWith('\r'))
            secret.chop(1);
        if (secret.isEmpty()) return done(false, {}, tr("the password command printed nothing"));
        done(true, QString::fromUtf8(secret), {});
    });
    // Start from the event loop: finished never fires before the caller has connected to it.
    QTimer::singleShot(0, this, [this, timeoutMs] {
        if (m_done) return;
        if (m_command.trimmed().isEmpty())
            return done(false, {}, tr("the password command is empty"));
        m_timer->start(timeoutMs);
#ifdef Q_OS_WIN
        m_process->start(QStringLiteral("cmd.exe"), {QStringLiteral("/c"), m_command});
#else
        m_process->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), m_command});
#endif
        m_process->closeWriteChannel(); // a command that reads stdin sees its end, not a hang
    });
}

PasswordCommand::~PasswordCommand()
{
    cancel();
}

void PasswordCommand::cancel()
{
    m_done = true;
    m_timer->stop();
    if (m_process->state() != QProcess::NotRunning) {
        // kill; the process object reaps it asynchronously once the child is gone
        m_process->disconnect(this);
        m_process->kill();
    }
}

void PasswordCommand::done(bool ok, const QString &password, const QString &error)
{
    if (m_done) return;
    m_done = true;
    m_timer->stop();
    Q_EMIT finished(ok, password, error);
}

} // namespace qscope
