#pragma once
/// Asks for a connection's password when none can be found, saying why (no keychain service, or
/// nothing saved). Window-modal but asynchronous: ask() returns at once and the answer comes
/// through the callback-free signals of ServerSessions (supplyPassword / cancelPassword).
/// Tests answer it through setNextAnswer, without showing anything.

#include <QString>

#include <optional>

class QWidget;

namespace qscope {

class ServerSessions;

class PasswordPrompt
{
public:
    // GUI thread ------------------------------------------------------------------------------
    static void ask(QWidget *parent, ServerSessions *sessions, const QString &profileId,
                    const QString &reason);
    /// Test seam: the next prompt is answered with this password (nullopt = cancelled).
    static void setNextAnswer(std::optional<QString> password);
};

} // namespace qscope
