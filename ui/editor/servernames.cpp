#include "editor/servernames.h"

#include "connections/serversessions.h"

#include <QThreadPool>

namespace qscope {

ServerNames::ServerNames(ServerSessions *sessions, QObject *parent)
    : QObject(parent), m_sessions(sessions), m_alive(std::make_shared<Alive>())
{
    m_alive->owner = this;
    connect(sessions, &ServerSessions::stateChanged, this,
            [this](const QString &profileId, ConnectionState state, const QString &) {
                if (state != ConnectionState::Open) return;
                // a new connection: an answer the old one still owed will not come
                m_pending.removeIf([&](const auto &it) { return it.value() == profileId; });
                refresh(profileId);
            });
    connect(sessions->manager(), &ConnectionManager::pushed, this, &ServerNames::onPushed);
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
    const qint64 token = ++m_nextToken;
    m_pending.insert(token, profileId);
    m_sessions->manager()->send(m_sessions->connectionOf(profileId),
                                Value::string(NameCatalog::request(token)));
}

void ServerNames::setCatalog(const QString &profileId, std::shared_ptr<const NameCatalog> catalog)
{
    m_catalogs.insert(profileId, std::move(catalog));
    Q_EMIT catalogChanged(profileId);
}

void ServerNames::onPushed(ConnectionId, const Value &message)
{
    if (!message.isList() || message.count() != 3 || message.item(0).type() != -Symbol ||
        message.item(0).symbolValue() != NameCatalog::answerTag() || !message.item(1).isAtom())
        return; // not ours
    const qint64 token = message.item(1).rawInt();
    const QString profileId = m_pending.take(token);
    if (profileId.isEmpty()) return; // an answer nobody waits for any more
    QThreadPool::globalInstance()->start([alive = m_alive, answer = message.item(2), profileId,
                                          token] {
        QString error;
        auto catalog = std::make_shared<const NameCatalog>(NameCatalog::fromServer(answer, &error));
        QMutexLocker lock(&alive->mutex);
        if (!alive->owner) return;
        QMetaObject::invokeMethod(
            alive->owner,
            [owner = alive->owner, profileId, token, catalog, error] {
                owner->install(profileId, token, catalog, error);
            },
            Qt::QueuedConnection);
    });
}

void ServerNames::install(const QString &profileId, qint64 token,
                          std::shared_ptr<const NameCatalog> catalog, const QString &error)
{
    if (token < m_installed.value(profileId)) return; // an older answer, read late
    m_installed.insert(profileId, token);
    if (error.isEmpty())
        m_errors.remove(profileId);
    else
        m_errors.insert(profileId, error);
    m_catalogs.insert(profileId, std::move(catalog));
    Q_EMIT catalogChanged(profileId);
}

} // namespace qscope
