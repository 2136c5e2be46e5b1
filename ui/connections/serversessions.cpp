#include "connections/serversessions.h"

#include "connections/connectionstore.h"
#include "connections/passwordcommand.h"
#include "connections/passwordstore.h"

#include <QPointer>
#include <QSettings>

namespace qscope {

ServerSessions::ServerSessions(ConnectionManager *manager, ConnectionStore *store,
                               PasswordStore *passwords, QObject *parent)
    : QObject(parent), m_manager(manager), m_store(store), m_passwords(passwords)
{
    connect(m_manager, &ConnectionManager::stateChanged, this, &ServerSessions::onEngineState);
    connect(m_passwords, &PasswordStore::fetched, this, &ServerSessions::onFetched);
    connect(m_passwords, &PasswordStore::stored, this,
            [this](const QString &id, bool inKeychain, const QString &whyNot) {
                const ConnectionProfile *p = m_store->profile(id);
                if (!p) return;
                if (p->passwordInKeychain != inKeychain) {
                    ConnectionProfile changed = *p;
                    changed.passwordInKeychain = inKeychain;
                    m_store->update(changed);
                }
                if (!inKeychain) Q_EMIT passwordNote(id, whyNot);
            });
    // A rename reaches every handle of the server (Handles, Frames, Activity read the
    // registry's name); the engine keeps the name each connection was opened with.
    connect(m_store, &ConnectionStore::profileChanged, this, [this](const QString &id) {
        const ConnectionProfile *p = m_store->profile(id);
        if (!p) return;
        QList<ConnectionId> handles = m_ownHandles.keys(id);
        if (const ConnectionId q = m_byProfile.value(id)) handles << q;
        for (const ConnectionId h : handles)
            m_manager->registry()->rename(h, p->name);
    });
    connect(m_store, &ConnectionStore::profileRemoved, this, [this](const QString &id) {
        disconnectProfile(id);
        for (const ConnectionId h : m_ownHandles.keys(id)) // a deleted server keeps nothing open
            closeHandle(h);
        m_passwords->forget(id);
    });
}

ServerSessions::~ServerSessions() = default;

int ServerSessions::passwordCommandTimeoutMs()
{
    return QSettings()
        .value(QStringLiteral("connections/passwordCommandTimeoutMs"),
               PasswordCommand::kDefaultTimeoutMs)
        .toInt();
}

qint64 ServerSessions::confirmAboveBytes()
{
    return QSettings()
        .value(QStringLiteral("results/confirmAboveBytes"), kDefaultConfirmAboveBytes)
        .toLongLong();
}

void ServerSessions::setConfirmAboveBytes(qint64 bytes)
{
    QSettings().setValue(QStringLiteral("results/confirmAboveBytes"), qMax<qint64>(0, bytes));
}

void ServerSessions::connectProfile(const QString &profileId)
{
    const ConnectionProfile *p = m_store->profile(profileId);
    if (!p) return;
    if (const auto it = m_byProfile.constFind(profileId); it != m_byProfile.constEnd()) {
        const ConnectionState s = m_manager->state(*it);
        if (s == ConnectionState::Open || s == ConnectionState::Connecting ||
            s == ConnectionState::Reconnecting)
            return;
        m_byConnection.remove(*it);
        m_manager->close(*it);
        m_byProfile.remove(profileId);
    }
    if (m_awaitingPassword.contains(profileId)) return;
    if (!p->passwordCommand.isEmpty()) { // a token may expire: asked afresh at every connect
        runPasswordCommand(profileId, p->passwordCommand);
        return;
    }
    if (const auto pw = m_passwords->sessionPassword(profileId)) {
        open(profileId, *pw);
        return;
    }
    if (p->passwordInKeychain) {
        m_awaitingPassword.insert(profileId);
        m_state[profileId] = ConnectionState::Connecting;
        m_detail[profileId] = QStringLiteral("reading the password from the keychain");
        Q_EMIT stateChanged(profileId, ConnectionState::Connecting, m_detail[profileId]);
        m_passwords->fetch(profileId);
        return;
    }
    if (!p->user.isEmpty()) {
        m_awaitingPassword.insert(profileId);
        Q_EMIT passwordNeeded(
            profileId, m_passwords->keychainAvailable()
                           ? QStringLiteral("No password is saved for %1.").arg(p->user)
                           : QStringLiteral("No keychain service is running (%1), so qscope does "
                                            "not keep passwords between sessions.")
                                 .arg(m_passwords->unavailableReason()));
        return;
    }
    open(profileId, QString());
}

void ServerSessions::onFetched(const QString &profileId, const QString &password, bool found,
                               const QString &whyNot)
{
    if (!m_awaitingPassword.contains(profileId)) return;
    if (found) {
        m_awaitingPassword.remove(profileId);
        open(profileId, password);
        return;
    }
    Q_EMIT passwordNeeded(profileId,
                          QStringLiteral("The password could not be read: %1.").arg(whyNot));
}

void ServerSessions::runPasswordCommand(const QString &profileId, const QString &command)
{
    m_awaitingPassword.insert(profileId);
    m_state[profileId] = ConnectionState::Connecting;
    m_detail[profileId] = QStringLiteral("running the password command");
    Q_EMIT stateChanged(profileId, ConnectionState::Connecting, m_detail[profileId]);
    auto *run = new PasswordCommand(command, passwordCommandTimeoutMs(), this);
    m_commands.insert(profileId, run);
    connect(run, &PasswordCommand::finished, this,
            [this, profileId, run](bool ok, const QString &password, const QString &error) {
                run->deleteLater();
                if (m_commands.value(profileId) != run) return; // cancelled or superseded
                m_commands.remove(profileId);
                if (!m_awaitingPassword.remove(profileId)) return;
                if (ok) return open(profileId, password);
                m_state[profileId] = ConnectionState::Failed;
                m_detail[profileId] = error;
                Q_EMIT stateChanged(profileId, ConnectionState::Failed, error);
            });
}

void ServerSessions::supplyPassword(const QString &profileId, const QString &password,
                                    bool remember)
{
    m_awaitingPassword.remove(profileId);
    if (remember)
        m_passwords->store(profileId, password); // also keeps it for the session
    else
        m_passwords->rememberForSession(profileId, password);
    open(profileId, password);
}

void ServerSessions::cancelPassword(const QString &profileId)
{
    m_awaitingPassword.remove(profileId);
    m_state[profileId] = ConnectionState::Closed;
    m_detail[profileId] = QStringLiteral("no password given");
    Q_EMIT stateChanged(profileId, ConnectionState::Closed, m_detail[profileId]);
}

void ServerSessions::open(const QString &profileId, const QString &password)
{
    const ConnectionProfile *p = m_store->profile(profileId);
    if (!p) return;
    ConnectionOptions options = p->toOptions(password);
    // the workbench answers sizeAnnounced (QueryRunner and the tab's result pane ask the user)
    options.confirmAboveBytes = confirmAboveBytes();
    const ConnectionId id = m_manager->open(options);
    m_manager->registry()->setOwner(id, HandlePurpose::Query,
                                    QStringLiteral("query tabs and explorer"));
    m_openedWith.insert(profileId, password);
    m_byProfile.insert(profileId, id);
    m_byConnection.insert(id, profileId);
    if (!m_state.contains(profileId) || m_state[profileId] != ConnectionState::Connecting) {
        m_state[profileId] = ConnectionState::Connecting;
        m_detail[profileId] = p->addressText();
        Q_EMIT stateChanged(profileId, ConnectionState::Connecting, m_detail[profileId]);
    }
}

void ServerSessions::onEngineState(ConnectionId id, ConnectionState state, const QString &detail)
{
    const QString profileId = m_byConnection.value(id);
    if (profileId.isEmpty()) return;
    m_state[profileId] = state;
    m_detail[profileId] = detail;
    if (state == ConnectionState::Failed &&
        detail.contains(QLatin1String("access"), Qt::CaseInsensitive)) {
        m_passwords->clearSession(profileId); // the next attempt asks again
        m_openedWith.remove(profileId);
    }
    Q_EMIT stateChanged(profileId, state, detail);
}

void ServerSessions::disconnectProfile(const QString &profileId)
{
    m_awaitingPassword.remove(profileId);
    if (PasswordCommand *run = m_commands.take(profileId)) {
        run->cancel();
        run->deleteLater();
        m_state[profileId] = ConnectionState::Closed;
        m_detail[profileId] = QString();
        Q_EMIT stateChanged(profileId, ConnectionState::Closed, QString());
    }
    const auto it = m_byProfile.constFind(profileId);
    if (it == m_byProfile.constEnd()) return;
    const ConnectionId id = *it;
    m_byProfile.remove(profileId);
    m_manager->close(id);
    m_byConnection.remove(id);
    m_state[profileId] = ConnectionState::Closed;
    m_detail[profileId] = QString();
    Q_EMIT stateChanged(profileId, ConnectionState::Closed, QString());
}

void ServerSessions::disconnectAll()
{
    const QStringList ids = m_byProfile.keys();
    for (const QString &id : ids)
        disconnectProfile(id);
    const QList<ConnectionId> own = m_ownHandles.keys();
    for (ConnectionId id : own)
        closeHandle(id);
}

ConnectionId ServerSessions::openHandle(const QString &profileId, HandlePurpose purpose,
                                        const QString &owner, QString *why)
{
    const ConnectionProfile *p = m_store->profile(profileId);
    if (!p) {
        if (why) *why = QStringLiteral("no saved connection chosen");
        return 0;
    }
    // The password is the one the query connection logged in with (or the session's): a view
    // never prompts for it on its own.
    std::optional<QString> password;
    if (const auto it = m_openedWith.constFind(profileId); it != m_openedWith.constEnd())
        password = *it;
    else if (const auto pw = m_passwords->sessionPassword(profileId))
        password = *pw;
    else if (p->user.isEmpty())
        password = QString();
    if (!password) {
        if (why) *why = QStringLiteral("connect to %1 first: its password is needed").arg(p->name);
        return 0;
    }
    const ConnectionId id = m_manager->open(p->toOptions(*password));
    m_manager->registry()->setOwner(id, purpose, owner);
    m_ownHandles.insert(id, profileId);
    return id;
}

HandleSource ServerSessions::handleSource(const QString &profileId)
{
    HandleSource s;
    const ConnectionProfile *p = m_store->profile(profileId);
    if (!p) return s;
    s.key = profileId;
    s.label = p->name;
    // A view may go after the sessions (siblings under the main window): then the manager,
    // which outlives both, closes the handle.
    const QPointer<ServerSessions> self(this);
    s.open = [self, profileId](HandlePurpose purpose, const QString &owner, QString *why) {
        return self ? self->openHandle(profileId, purpose, owner, why) : ConnectionId(0);
    };
    s.close = [self, manager = m_manager](ConnectionId id) {
        if (self)
            self->closeHandle(id);
        else
            manager->close(id);
    };
    return s;
}

void ServerSessions::closeHandle(ConnectionId id)
{
    if (!m_ownHandles.remove(id)) return;
    m_manager->close(id);
}

ConnectionId ServerSessions::connectionOf(const QString &profileId) const
{
    return m_byProfile.value(profileId, 0);
}

QString ServerSessions::profileOf(ConnectionId id) const
{
    if (const auto it = m_ownHandles.constFind(id); it != m_ownHandles.constEnd()) return *it;
    return m_byConnection.value(id);
}

bool ServerSessions::isOpen(const QString &profileId) const
{
    return state(profileId) == ConnectionState::Open;
}

ConnectionState ServerSessions::state(const QString &profileId) const
{
    return m_state.value(profileId, ConnectionState::Closed);
}

QString ServerSessions::stateDetail(const QString &profileId) const
{
    return m_detail.value(profileId);
}

QStringList ServerSessions::openProfiles() const
{
    return m_byProfile.keys();
}

} // namespace qscope
