#pragma once
/// Which saved connection is open as which engine connection. Opening asks the PasswordStore
/// first (asynchronously); when no password can be found it emits passwordNeeded with the reason
/// and waits for supplyPassword: it never blocks. State changes from the ConnectionManager are
/// re-emitted per profile for the tree icons, tabs and status bar.

#include "connections/connectionprofile.h"
#include "monitor/viewhandle.h"
#include "net/connectionmanager.h"

#include <QHash>
#include <QObject>

namespace qscope {

class ConnectionStore;
class PasswordCommand;
class PasswordStore;

class ServerSessions : public QObject
{
    Q_OBJECT
public:
    ServerSessions(ConnectionManager *manager, ConnectionStore *store, PasswordStore *passwords,
                   QObject *parent = nullptr);
    ~ServerSessions() override;

    // GUI thread ------------------------------------------------------------------------------
    /// Opens (or re-opens after a failure) the profile's connection. No-op while open/connecting.
    void connectProfile(const QString &profileId);
    void disconnectProfile(const QString &profileId);
    void disconnectAll();
    /// The answer to passwordNeeded; remember = also save it in the keychain.
    void supplyPassword(const QString &profileId, const QString &password, bool remember);
    void cancelPassword(const QString &profileId);

    /// A connection of its own for one purpose on the profile's server (a feed view's
    /// subscription, a poller view): opened now with the profile's address and the password the
    /// query connection used, registered in the HandleRegistry with its owner, and never the
    /// query tabs' connection, so neither waits behind the other. The caller closes it
    /// (closeHandle) when its view goes. 0 and *why when it cannot be opened yet (unknown
    /// profile, or a password that was never given: connect the profile first).
    ConnectionId openHandle(const QString &profileId, HandlePurpose purpose, const QString &owner,
                            QString *why = nullptr);
    void closeHandle(ConnectionId id);
    /// openHandle / closeHandle for one profile, as the monitor's views take them.
    HandleSource handleSource(const QString &profileId);

    /// The query tabs' connection (what a tab's queries, and the explorer's fetches, go on).
    ConnectionId connectionOf(const QString &profileId) const;
    QString profileOf(ConnectionId id) const;
    bool isOpen(const QString &profileId) const;
    /// Closed for profiles never opened.
    ConnectionState state(const QString &profileId) const;
    QString stateDetail(const QString &profileId) const;
    QStringList openProfiles() const;

    ConnectionManager *manager() const { return m_manager; }
    ConnectionStore *store() const { return m_store; }
    PasswordStore *passwords() const { return m_passwords; }

    /// Answers at least this large are asked about before they are read (the setting
    /// "results/confirmAboveBytes", default kDefaultConfirmAboveBytes; 0 = never ask). Applied
    /// to connections opened from then on.
    static constexpr qint64 kDefaultConfirmAboveBytes = qint64(256) << 20;
    static qint64 confirmAboveBytes();
    static void setConfirmAboveBytes(qint64 bytes);
    /// How long a profile's password command may run (the setting
    /// "connections/passwordCommandTimeoutMs", default PasswordCommand::kDefaultTimeoutMs).
    static int passwordCommandTimeoutMs();

Q_SIGNALS:
    void stateChanged(const QString &profileId, qscope::ConnectionState state,
                      const QString &detail);
    void passwordNeeded(const QString &profileId, const QString &reason);
    /// A passwordInKeychain flag changed or a password went to session memory only.
    void passwordNote(const QString &profileId, const QString &note);

private:
    void open(const QString &profileId, const QString &password);
    /// Runs the profile's password command, then opens with its output (or fails, saying why).
    void runPasswordCommand(const QString &profileId, const QString &command);
    void onEngineState(ConnectionId id, ConnectionState state, const QString &detail);
    void onFetched(const QString &profileId, const QString &password, bool found,
                   const QString &whyNot);

    ConnectionManager *m_manager;
    ConnectionStore *m_store;
    PasswordStore *m_passwords;
    QHash<QString, PasswordCommand *> m_commands; ///< running password commands by profile
    QHash<QString, ConnectionId> m_byProfile;
    QHash<ConnectionId, QString> m_byConnection;
    QHash<QString, ConnectionState> m_state;
    QHash<QString, QString> m_detail;
    QSet<QString> m_awaitingPassword;
    QHash<QString, QString> m_openedWith;      ///< password the query connection opened with
    QHash<ConnectionId, QString> m_ownHandles; ///< openHandle's connections -> profile
};

} // namespace qscope
