#pragma once
/// One saved connection as the user edits it: where the server is, who to log in as, how to
/// behave, and how it is shown (folder, colour tag). Never holds a password: that lives in the
/// OS keychain (PasswordStore) or, where none runs, only in memory for the session.

#include "net/nettypes.h"

#include <QJsonObject>
#include <QString>

namespace qscope {

struct ConnectionProfile
{
    QString id; ///< stable identity (a UUID), survives renames and moves
    QString name;
    QString folder; ///< "" = top level; nested folders as "Prod/London"
    QString tag;    ///< "", "dev", "uat" or "prod"
    QString host = QStringLiteral("localhost");
    int port = 5000;
    /// Non-empty: connect over this Unix socket instead of host:port. Read by unixSocketName
    /// (net/connectionargs.h): unix://5030 or @/tmp/kx.5030 (kdb+'s abstract socket), a path.
    QString unixSocket;
    bool tls = false;
    QByteArray trustedCertSha256; ///< raw 32 bytes of a self-signed certificate the user trusts
    QString caFile; ///< PEM file of CA certificates this connection trusts besides the system's
    QString user;
    bool passwordInKeychain = false; ///< a password was stored in the keychain for this id
    /// Non-empty: a shell command whose output is the password (or token), run at each connect
    /// instead of asking the keychain (PasswordCommand).
    QString passwordCommand;
    int connectTimeoutMs = 5000;
    int reconnectAttempts = 0; ///< 0 never, -1 forever, else that many tries
    int reconnectDelayMs = 1000;
    int queryTimeoutMs = 0; ///< 0 = none
    /// Largest result this connection takes (ConnectionOptions::maxMessageBytes); 0 = the
    /// engine's default (a quarter of this machine's memory). Over it the request fails and the
    /// connection is reset, so the session goes on.
    qint64 maxResultBytes = 0;

    /// Empty if the profile can be used; else what is wrong, for the user.
    QString validate() const;
    QString addressText() const; ///< "host:port", "tls://host:port" or "unix://..."
    /// Engine options for this profile with the given password.
    ConnectionOptions toOptions(const QString &password) const;
    /// The limit in force: maxResultBytes, or the engine's default.
    qint64 effectiveMaxResultBytes() const;

    QJsonObject toJson() const;
    /// Reads what toJson wrote; missing fields take their defaults. Sets *error and returns a
    /// profile with an empty id when the object is not a connection.
    static ConnectionProfile fromJson(const QJsonObject &o, QString *error);
    static QString newId();
    static QStringList tags();
};

} // namespace qscope
