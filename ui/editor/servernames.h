#pragma once
/// The names each server has, for completion: asked once per connection (when it opens) with
/// NameCatalog::request(), an async message the server answers with one of its own, kept per
/// saved connection, so a tab completes from its own server's
/// names and never from another's. Until the answer comes, and for a server that cannot answer,
/// the built-in names (keywords, .z) are used; the reason is kept in lastError(). The answer is
/// read into a catalog on a pool thread (50,000 names take tens of milliseconds).

#include "editor/namecatalog.h"
#include "net/connectionmanager.h"

#include <QHash>
#include <QMutex>
#include <QObject>

#include <memory>

namespace qscope {

class ServerSessions;

class ServerNames : public QObject
{
    Q_OBJECT
public:
    explicit ServerNames(ServerSessions *sessions, QObject *parent = nullptr);
    ~ServerNames() override;

    // GUI thread ------------------------------------------------------------------------------
    /// The names for a tab bound to this saved connection.
    std::shared_ptr<const NameCatalog> catalog(const QString &profileId) const;
    /// Asks the server again if it is open (definitions changed); else on its next open.
    void refresh(const QString &profileId);
    QString lastError(const QString &profileId) const { return m_errors.value(profileId); }
    /// Names known by other means (tests, the benchmark); replaced on the next fetch.
    void setCatalog(const QString &profileId, std::shared_ptr<const NameCatalog> catalog);

Q_SIGNALS:
    void catalogChanged(const QString &profileId);

private:
    /// What a pool thread may reach of this object: `owner` is cleared (under the mutex)
    /// when it is destroyed, so a late catalog is never posted to a dead object.
    struct Alive
    {
        QMutex mutex;
        ServerNames *owner = nullptr;
    };

    void onPushed(ConnectionId id, const Value &message);
    void install(const QString &profileId, qint64 token, std::shared_ptr<const NameCatalog> catalog,
                 const QString &error);

    ServerSessions *m_sessions;
    std::shared_ptr<Alive> m_alive;
    QHash<QString, qint64> m_installed; ///< the token whose names a profile shows
    QHash<QString, std::shared_ptr<const NameCatalog>> m_catalogs;
    QHash<qint64, QString> m_pending; ///< token of an unanswered request -> profile
    qint64 m_nextToken = 0;
    QHash<QString, QString> m_errors;
};

} // namespace qscope
