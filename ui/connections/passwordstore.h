#pragma once
/// Passwords of saved connections, in the OS keychain through QtKeychain (Secret Service, KWallet,
/// macOS Keychain, Windows Credential Store). Every keychain call is an asynchronous job: the GUI
/// never waits. Where no keychain service runs (a headless box, CI: no D-Bus secret service) the
/// jobs fail; then a password the user types lives only in this process's memory for the session,
/// and the reason is kept so the UI can say why it asks again. Nothing is ever written in plain
/// text (QtKeychain's insecure fallback is switched off).

#include <QHash>
#include <QObject>
#include <QString>

#include <optional>

namespace qscope {

class PasswordStore : public QObject
{
    Q_OBJECT
public:
    explicit PasswordStore(const QString &service = QStringLiteral("qscope"),
                           QObject *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    /// Looks the password up: the session memory first, then the keychain. Answers with fetched().
    void fetch(const QString &profileId);
    /// Saves into the keychain; answers with stored() (inKeychain false and a reason on failure;
    /// the password is then kept for this session only).
    void store(const QString &profileId, const QString &password);
    void forget(const QString &profileId);

    void rememberForSession(const QString &profileId, const QString &password);
    std::optional<QString> sessionPassword(const QString &profileId) const;
    void clearSession(const QString &profileId) { m_session.remove(profileId); }

    /// False once a keychain job failed for want of a service; unavailableReason() says why.
    bool keychainAvailable() const { return m_available; }
    QString unavailableReason() const { return m_reason; }
    /// Off: behave as if no keychain ran (the "No keychain" setting, also used by tests).
    void setKeychainEnabled(bool on);

Q_SIGNALS:
    /// found false: nothing stored (or the keychain could not be asked; whyNot says which).
    void fetched(const QString &profileId, const QString &password, bool found,
                 const QString &whyNot);
    void stored(const QString &profileId, bool inKeychain, const QString &whyNot);

private:
    QString m_service;
    QHash<QString, QString> m_session;
    bool m_available = true;
    bool m_enabled = true;
    QString m_reason;
};

} // namespace qscope
