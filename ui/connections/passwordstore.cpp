#include "connections/passwordstore.h"

#include <qt6keychain/keychain.h>

namespace qscope {

namespace {
bool isServiceMissing(QKeychain::Error e)
{
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented ||
           e == QKeychain::AccessDeniedByUser || e == QKeychain::AccessDenied ||
           e == QKeychain::OtherError;
}
} // namespace

PasswordStore::PasswordStore(const QString &service, QObject *parent)
    : QObject(parent), m_service(service)
{}

void PasswordStore::setKeychainEnabled(bool on)
{
    m_enabled = on;
    if (!on) {
        m_available = false;
        m_reason = QStringLiteral("the keychain is switched off");
    } else {
        m_available = true;
        m_reason.clear();
    }
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

void PasswordStore::fetch(const QString &profileId)
{
    if (const auto pw = sessionPassword(profileId)) {
        Q_EMIT fetched(profileId, *pw, true, QString());
        return;
    }
    if (!m_enabled || !m_available) {
        Q_EMIT fetched(profileId, QString(), false,
                       QStringLiteral("no keychain is available (%1)").arg(m_reason));
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(profileId);
    connect(job, &QKeychain::Job::finished, this, [this, profileId](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            m_session.insert(profileId, read->textData());
            Q_EMIT fetched(profileId, read->textData(), true, QString());
            return;
        }
        if (read->error() == QKeychain::EntryNotFound) {
            Q_EMIT fetched(profileId, QString(), false,
                           QStringLiteral("no password is stored in the keychain"));
            return;
        }
        if (isServiceMissing(read->error())) {
            m_available = false;
            m_reason = read->errorString();
        }
        Q_EMIT fetched(
            profileId, QString(), false,
            QStringLiteral("the keychain could not be read (%1)").arg(read->errorString()));
    });
    job->start();
}

void PasswordStore::store(const QString &profileId, const QString &password)
{
    m_session.insert(profileId, password);
    if (!m_enabled || !m_available) {
        Q_EMIT stored(profileId, false,
                      QStringLiteral("no keychain is available (%1); the password is kept for "
                                     "this session only")
                          .arg(m_reason));
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(profileId);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this, [this, profileId](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError) {
            Q_EMIT stored(profileId, true, QString());
            return;
        }
        if (isServiceMissing(j->error())) {
            m_available = false;
            m_reason = j->errorString();
        }
        Q_EMIT stored(profileId, false,
                      QStringLiteral("the keychain refused the password (%1); it is kept for this "
                                     "session only")
                          .arg(j->errorString()));
    });
    job->start();
}

void PasswordStore::forget(const QString &profileId)
{
    m_session.remove(profileId);
    if (!m_enabled || !m_available) return;
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(profileId);
    job->start();
}

} // namespace qscope
