#include "editor/servernames.h"

#include "connections/serversessions.h"

#include <QThreadPool>

namespace qscope {

namespace {

/// A server busy with a long query answers the names after it; past this it is not waited for.
constexpr int kNamesTimeoutMs = 30000;

} // namespace

ServerNames::ServerNames(ServerSessions *sessions, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_alive(std::make_shared<Alive>())
{
    m_alive->owner = this;
    connect(sessions, &ServerSessions::stateChanged, this,
            [this](const QString &profileId, ConnectionState state, const QString &) {
                if (state == ConnectionState::Open) refresh(profileId);
            });
    connect(sessions->manager(), &ConnectionManager::resultReady, this, &ServerNames::onResult);
}

ServerNames::~ServerNames()
{
    QMutexLocker lock(&m_alive->mutex);
    m_alive->owner = nullptr;
}

std::shared_ptr<const NameCatalog> ServerNames::catalog(const QString &profileId) const
{
    static const auto builtIn = std::make_shared<const NameCatalog>(NameCatalog::builtIn());
    return m_catalogs.value(profileId, builtIn);
}

void ServerNames::refresh(const QString &profileId)
{
    if (!m_sessions->isOpen(profileId)) return; // asked when it opens
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        if (it.value() == profileId) return; // already asked
    const ConnectionId conn = m_sessions->connectionOf(profileId);
    const RequestId r = m_sessions->manager()->query(conn, NameCatalog::query(), kNamesTimeoutMs);
    m_pending.insert(r, profileId);
}

void ServerNames::setCatalog(const QString &profileId, std::shared_ptr<const NameCatalog> catalog)
{
    m_catalogs.insert(profileId, std::move(catalog));
    Q_EMIT catalogChanged(profileId);
}

void ServerNames::onResult(const QueryResult &result)
{
    const QString profileId = m_pending.take(result.id);
    if (profileId.isEmpty()) return; // not ours
    if (!result.ok()) {
        // a closed or refused connection: the names it had stay usable
        m_errors.insert(profileId, result.error->message);
        return;
    }
    QThreadPool::globalInstance()->start([alive = m_alive, answer = result.value, profileId,
                                          request = result.id] {
        QString error;
        auto catalog = std::make_shared<const NameCatalog>(NameCatalog::fromServer(answer, &error));
        QMutexLocker lock(&alive->mutex);
        if (!alive->owner) return;
        QMetaObject::invokeMethod(
            alive->owner,
            [owner = alive->owner, profileId, request, catalog, error] {
                owner->install(profileId, request, catalog, error);
            },
            Qt::QueuedConnection);
    });
}

void ServerNames::install(const QString &profileId, RequestId request,
                          std::shared_ptr<const NameCatalog> catalog, const QString &error)
{
    if (request < m_installed.value(profileId)) return; // an older answer, read late
    m_installed.insert(profileId, request);
    if (error.isEmpty())
        m_errors.remove(profileId);
    else
        m_errors.insert(profileId, error);
    m_catalogs.insert(profileId, std::move(catalog));
    Q_EMIT catalogChanged(profileId);
}

} // namespace qscope
