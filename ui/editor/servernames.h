#pragma once
/// The names each server has, for completion: asked once per connection (when it opens) with
/// NameCatalog::query(), kept per saved connection, so a tab completes from its own server's
/// names and never from another's. Until the answer comes, and for a server that cannot answer,
/// the built-in names (keywords, .z) are used; the reason is kept in lastError().

#include "editor/namecatalog.h"
#include "net/connectionmanager.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace qscope {

class ServerSessions;

class ServerNames : public QObject
{
    Q_OBJECT
public:
    explicit ServerNames(ServerSessions *sessions, QObject *parent = nullptr);

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
    void onResult(const QueryResult &result);

    ServerSessions *m_sessions;
    QHash<QString, std::shared_ptr<const NameCatalog>> m_catalogs;
    QHash<RequestId, QString> m_pending; ///< request -> profile
    QHash<QString, QString> m_errors;
};

} // namespace qscope
