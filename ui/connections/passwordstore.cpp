#include "connections/passwordstore.h"

#include <QSettings>

namespace qscope {

PasswordStore::PasswordStore(const QString &service, QObject *parent,
                             std::unique_ptr<KeychainBackend> backend)
    : QObject(parent), m_service(service),
      m_backend(backend ? std::move(backend) : std::make_unique<QtKeychainBackend>(service))
{}

PasswordStore::~PasswordStore() = default;

void PasswordStore::setKeychainEnabled(bool on)
{
    m_enabled = on;
    m_available = true;
    m_reason = on ? QString() : QStringLiteral("the keychain is switched off");
}

void PasswordStore::rememberForSession(const QString &profileId, const QString &password)
{
    m_session.insert(profileId, password);
}

std::optional<QString> PasswordStore::sessionPassword(const QString &profileId) const
{
    const auto it = m_session.constFind(profileId);
    if (it == m_session.constEnd()) return std::nullopt;
    return *it;
}

bool PasswordStore::note(const QString &profileId, const KeychainBackend::Reply &reply)
{
    using O = KeychainBackend::Outcome;
    switch (reply.outcome) {
    case O::Ok:
    case O::NotFound:
        m_problems.remove(profileId);
        m_available = true; // it answered: whatever was missing before is there now
        m_answered = true;
        return true;
    case O::Failed:
        // QtKeychain reports a missing Secret Service (no D-Bus session, CI) as an unknown
        // error: before the keychain ever answered, that is what such an error means
        if (!m_answered) {
            m_available = false;
            m_reason = reply.error;
            return false;
        }
        m_problems.insert(profileId, reply.error);
        return false;
    case O::Unavailable:
        // no service at all: asking again this session would only fail again
        m_available = false;
        m_reason = reply.error;
        return false;
    case O::Denied:
        // this secret only: the others still go to the keychain
        m_problems.insert(profileId, reply.error);
        return false;
    }
    return false;
}

void PasswordStore::fetch(const QString &profileId)
{
    if (const auto pw = sessionPassword(profileId)) {
        Q_EMIT fetched(profileId, *pw, true, QString());
        return;
    }
    if (!keychainAvailable()) {
        Q_EMIT fetched(profileId, QString(), false,
                       QStringLiteral("no keychain is available (%1)").arg(m_reason));
        return;
    }
    m_backend->read(profileId, this, [this, profileId](const KeychainBackend::Reply &r) {
        const bool ok = note(profileId, r);
        if (r.outcome == KeychainBackend::Outcome::Ok) {
            m_session.insert(profileId, r.password);
            Q_EMIT fetched(profileId, r.password, true, QString());
        } else if (r.outcome == KeychainBackend::Outcome::NotFound) {
            Q_EMIT fetched(profileId, QString(), false,
                           QStringLiteral("no password is stored in the keychain"));
        } else {
            Q_EMIT fetched(profileId, QString(), false,
                           QStringLiteral("the keychain could not be read (%1)").arg(r.error));
        }
        if (ok) retryPendingDeletions();
    });
}

void PasswordStore::store(const QString &profileId, const QString &password)
{
    m_session.insert(profileId, password);
    setPending(profileId, false); // a secret stored again is wanted: no late deletion of it
    if (!keychainAvailable()) {
        Q_EMIT stored(profileId, false,
                      QStringLiteral("no keychain is available (%1); the password is kept for "
                                     "this session only")
                          .arg(m_reason));
        return;
    }
    m_backend->write(profileId, password, this, [this, profileId](const KeychainBackend::Reply &r) {
        const bool ok = note(profileId, r);
        if (ok) {
            Q_EMIT stored(profileId, true, QString());
            retryPendingDeletions();
            return;
        }
        Q_EMIT stored(profileId, false,
                      QStringLiteral("the keychain refused the password (%1); "
                                     "it is kept for this session only")
                          .arg(r.error));
    });
}

void PasswordStore::forget(const QString &profileId)
{
    m_session.remove(profileId);
    m_problems.remove(profileId);
    // queued first, so the deletion survives a keychain that is off, missing, refuses, or a
    // process that ends before it answers
    setPending(profileId, true);
    if (keychainAvailable()) removeFromKeychain(profileId);
}

void PasswordStore::removeFromKeychain(const QString &profileId)
{
    if (m_deleting.contains(profileId)) return;
    m_deleting.insert(profileId);
    m_backend->remove(profileId, this, [this, profileId](const KeychainBackend::Reply &r) {
        m_deleting.remove(profileId);
        if (!note(profileId, r)) return; // stays queued for the next try
        setPending(profileId, false);
        Q_EMIT deletionDone(profileId);
        retryPendingDeletions();
    });
}

void PasswordStore::retryPendingDeletions()
{
    if (!keychainAvailable()) return;
    // each success removes one from the queue, and only a success tries again: this ends
    for (const QString &id : pendingDeletions())
        removeFromKeychain(id);
}

QString PasswordStore::settingsKey() const
{
    return QStringLiteral("keychain/") + m_service + QStringLiteral("/pendingDeletions");
}

QStringList PasswordStore::pendingDeletions() const
{
    return QSettings().value(settingsKey()).toStringList();
}

void PasswordStore::setPending(const QString &profileId, bool pending)
{
    QSettings s;
    QStringList ids = s.value(settingsKey()).toStringList();
    if (pending == ids.contains(profileId)) return;
    if (pending)
        ids << profileId;
    else
        ids.removeAll(profileId);
    if (ids.isEmpty())
        s.remove(settingsKey());
    else
        s.setValue(settingsKey(), ids);
}

} // namespace qscope
