#pragma once
/// Passwords of saved connections, in the OS keychain (KeychainBackend; QtKeychain in the app).
/// Every keychain call is asynchronous: the GUI never waits. A password the user types is also
/// kept in this process's memory for the session. Nothing is ever written in plain text.
///
/// What a failure affects: a denial or error touches only the secret it was about (problem(id)
/// says what happened to it); other secrets still go to the keychain. Only a missing keychain
/// service (none runs: a headless box, CI) turns the keychain off for the session, with the
/// reason kept so the UI can say why it asks again. QtKeychain names a missing Secret Service
/// only as an unknown error, so an unknown error before the keychain ever answered counts as
/// "no service"; once it has answered, an error is about its secret.
///
/// Deleting always happens: forget() of a secret the keychain could not delete then (off,
/// missing, denied, failed) queues the deletion, persisted in QSettings, and it is retried after
/// the next keychain call that succeeds and at start (retryPendingDeletions), until done.

#include "connections/keychainbackend.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace qscope {

class PasswordStore : public QObject
{
    Q_OBJECT
public:
    /// backend: null = the OS keychain (QtKeychain) under `service`.
    explicit PasswordStore(const QString &service = QStringLiteral("qscope"),
                           QObject *parent = nullptr,
                           std::unique_ptr<KeychainBackend> backend = nullptr);
    ~PasswordStore() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Looks the password up: the session memory first, then the keychain. Answers with fetched().
    void fetch(const QString &profileId);
    /// Saves into the keychain; answers with stored() (inKeychain false and a reason on failure;
    /// the password is then kept for this session only).
    void store(const QString &profileId, const QString &password);
    /// Removes the secret from the session and the keychain, now or (queued) later.
    void forget(const QString &profileId);

    void rememberForSession(const QString &profileId, const QString &password);
    std::optional<QString> sessionPassword(const QString &profileId) const;
    void clearSession(const QString &profileId) { m_session.remove(profileId); }

    /// False once the keychain service was found missing (or it is switched off);
    /// unavailableReason() says why. A denial of one secret leaves it true.
    bool keychainAvailable() const { return m_enabled && m_available; }
    QString unavailableReason() const { return m_reason; }
    /// What went wrong with this secret's last keychain call; empty if nothing did.
    QString problem(const QString &profileId) const { return m_problems.value(profileId); }
    /// Off: behave as if no keychain ran (the "No keychain" setting, also used by tests).
    void setKeychainEnabled(bool on);

    /// Secrets of deleted connections still to remove from the keychain (persisted).
    QStringList pendingDeletions() const;
    /// Tries the queued deletions now (the app calls it at start).
    void retryPendingDeletions();

Q_SIGNALS:
    /// found false: nothing stored (or the keychain could not be asked; whyNot says which).
    void fetched(const QString &profileId, const QString &password, bool found,
                 const QString &whyNot);
    void stored(const QString &profileId, bool inKeychain, const QString &whyNot);
    /// A queued deletion was carried out (or found nothing left to delete).
    void deletionDone(const QString &profileId);

private:
    /// Records what a reply says about the keychain and this secret; returns true on success
    /// (then the queued deletions get another try).
    bool note(const QString &profileId, const KeychainBackend::Reply &reply);
    void removeFromKeychain(const QString &profileId);
    void setPending(const QString &profileId, bool pending);
    QString settingsKey() const;

    QString m_service;
    std::unique_ptr<KeychainBackend> m_backend;
    QHash<QString, QString> m_session;
    QHash<QString, QString> m_problems;
    QSet<QString> m_deleting; ///< deletions in flight
    bool m_available = true;
    bool m_enabled = true;
    bool m_answered = false; ///< the keychain has answered a call this session
    QString m_reason;
};

} // namespace qscope
