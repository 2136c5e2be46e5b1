#pragma once
/// Where PasswordStore keeps secrets: the OS keychain through QtKeychain (Secret Service,
/// KWallet, macOS Keychain, Windows Credential Store). An interface so the store's rules (what
/// one failure affects, deletions that must happen later) are tested without a keychain service,
/// which CI machines lack. Every call answers later, on the caller's thread, never inline.

#include <QObject>
#include <QString>

#include <functional>

namespace qscope {

class KeychainBackend
{
public:
    enum class Outcome {
        Ok,
        NotFound,    ///< nothing stored under the key
        Denied,      ///< the user or the keychain refused this secret
        Unavailable, ///< no keychain service runs at all
        Failed       ///< anything else, for this secret
    };
    struct Reply
    {
        Outcome outcome = Outcome::Ok;
        QString password; ///< read: the secret
        QString error;    ///< what the keychain said, for the user
    };
    using Done = std::function<void(const Reply &)>;

    virtual ~KeychainBackend() = default;
    // GUI thread; `done` is called later on the same thread, never inline, while `context` lives
    virtual void read(const QString &key, QObject *context, Done done) = 0;
    virtual void write(const QString &key, const QString &password, QObject *context,
                       Done done) = 0;
    virtual void remove(const QString &key, QObject *context, Done done) = 0;
};

/// The OS keychain through QtKeychain; nothing is ever written in plain text (QtKeychain's
/// insecure fallback is off).
class QtKeychainBackend : public KeychainBackend
{
public:
    explicit QtKeychainBackend(const QString &service) : m_service(service) {}
    void read(const QString &key, QObject *context, Done done) override;
    void write(const QString &key, const QString &password, QObject *context, Done done) override;
    void remove(const QString &key, QObject *context, Done done) override;

private:
    QString m_service;
};

} // namespace qscope
