#include "connections/keychainbackend.h"

#include <qt6keychain/keychain.h>

namespace qscope {

namespace {

KeychainBackend::Outcome outcomeOf(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError:
        return KeychainBackend::Outcome::Ok;
    case QKeychain::EntryNotFound:
        return KeychainBackend::Outcome::NotFound;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return KeychainBackend::Outcome::Denied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return KeychainBackend::Outcome::Unavailable;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        return KeychainBackend::Outcome::Failed;
    }
    return KeychainBackend::Outcome::Failed;
}

void run(QKeychain::Job *job, const QString &key, QObject *context, KeychainBackend::Done done,
         bool isRead)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [done = std::move(done), isRead](QKeychain::Job *j) {
                         KeychainBackend::Reply r;
                         r.outcome = outcomeOf(j->error());
                         if (r.outcome != KeychainBackend::Outcome::Ok)
                             r.error = j->errorString();
                         else if (isRead)
                             r.password = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
                         done(r);
                     });
    job->start();
}

} // namespace

void QtKeychainBackend::read(const QString &key, QObject *context, Done done)
{
    run(new QKeychain::ReadPasswordJob(m_service, context), key, context, std::move(done), true);
}

void QtKeychainBackend::write(const QString &key, const QString &password, QObject *context,
                              Done done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, context);
    job->setTextData(password);
    run(job, key, context, std::move(done), false);
}

void QtKeychainBackend::remove(const QString &key, QObject *context, Done done)
{
    run(new QKeychain::DeletePasswordJob(m_service, context), key, context, std::move(done), false);
}

} // namespace qscope
