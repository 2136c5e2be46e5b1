#pragma once
/// A password provider: a connection may name a command whose standard output is its password
/// or token at connect time (the seam for Kerberos, SSO or vault setups: `vault read -field=pw
/// ...`, a script that fetches a short-lived token). The command runs through the shell, in a
/// QProcess, asynchronously: the GUI thread never waits for it. It is given a time limit; a
/// command that cannot start, runs too long, fails or prints nothing gives a named error instead
/// of a password. The output's trailing line break is dropped (a token is one line).

#include <QObject>
#include <QPointer>

class QProcess;
class QTimer;

namespace qscope {

class PasswordCommand : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 15000;

    /// Starts `command` at once; finished is emitted exactly once (never from within start).
    PasswordCommand(const QString &command, int timeoutMs = kDefaultTimeoutMs,
                    QObject *parent = nullptr);
    ~PasswordCommand() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Stops the command (its result is no longer wanted): finished is not emitted.
    void cancel();

Q_SIGNALS:
    /// ok: password is the output; else error says what went wrong (for the user).
    void finished(bool ok, const QString &password, const QString &error);

private:
    void done(bool ok, const QString &password, const QString &error);

    QString m_command;
    QProcess *m_process;
    QTimer *m_timer;
    bool m_done = false;
};

} // namespace qscope
