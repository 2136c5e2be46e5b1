#include "demo/usersfile.h"

#include <QCryptographicHash>
#include <QFile>

namespace qscope::detail {

namespace {

bool isHex(const QByteArray &s)
{
    for (char c : s) {
        const bool digit = c >= '0' && c <= '9';
        const bool lower = c >= 'a' && c <= 'f';
        const bool upper = c >= 'A' && c <= 'F';
        if (!digit && !lower && !upper) return false;
    }
    return !s.isEmpty();
}

} // namespace

bool UsersFile::load(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read users file %1: %2").arg(path, f.errorString());
        return false;
    }
    return parse(f.readAll(), error);
}

bool UsersFile::parse(const QByteArray &text, QString *error)
{
    m_users.clear();
    int lineNo = 0;
    for (QByteArray line : text.split('\n')) {
        ++lineNo;
        if (line.endsWith('\r')) line.chop(1);
        if (line.trimmed().isEmpty()) continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            if (error)
                *error = QStringLiteral("users file line %1: expected user:password").arg(lineNo);
            m_users.clear();
            return false;
        }
        m_users.insert(line.left(colon), line.mid(colon + 1));
    }
    return true;
}

bool UsersFile::verify(const QByteArray &user, const QByteArray &password) const
{
    const auto it = m_users.constFind(user);
    if (it == m_users.cend()) return false;
    const QByteArray &stored = *it;
    if (stored == password) return true;
    // kdb+ also accepts the digest of the password in the file (md5: 32 hex, sha1: 40 hex).
    if (!isHex(stored)) return false;
    const QByteArray lowered = stored.toLower();
    if (stored.size() == 32)
        return QCryptographicHash::hash(password, QCryptographicHash::Md5).toHex() == lowered;
    if (stored.size() == 40)
        return QCryptographicHash::hash(password, QCryptographicHash::Sha1).toHex() == lowered;
    return false;
}

} // namespace qscope::detail
