#pragma once
/// The users file of q's -u/-U options: one `user:password` per line. The password may be plain
/// text, or the md5 or sha1 digest of the password in lower- or upper-case hex (32 or 40 hex
/// digits), as kdb+ accepts. Pure code: no sockets, callable from any thread once loaded.

#include <QByteArray>
#include <QHash>
#include <QString>

namespace qscope::detail {

class UsersFile
{
public:
    /// Reads and parses path. false and *error set if unreadable or a line is malformed.
    bool load(const QString &path, QString *error);
    /// Parses the text of a users file (for tests).
    bool parse(const QByteArray &text, QString *error);

    bool isEmpty() const { return m_users.isEmpty(); }
    int size() const { return int(m_users.size()); }
    /// true if user is listed and password matches its entry (plain, md5 or sha1 form).
    bool verify(const QByteArray &user, const QByteArray &password) const;

private:
    QHash<QByteArray, QByteArray> m_users; // user -> stored password text
};

} // namespace qscope::detail
