#include "connections/connectionstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <utility>

namespace qscope {

ConnectionStore::ConnectionStore(QObject *parent) : QObject(parent) {}

QString ConnectionStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/connections.json");
}

QString ConnectionStore::load(const QString &path)
{
    m_path = path;
    m_profiles.clear();
    m_folders.clear();
    m_loadFailed = false;
    QFile f(path);
    if (!f.exists()) {
        Q_EMIT changed();
        return {};
    }
    if (!f.open(QIODevice::ReadOnly)) {
        m_loadFailed = true;
        Q_EMIT changed();
        return QStringLiteral("Cannot read %1: %2").arg(path, f.errorString());
    }
    QString error;
    QStringList warnings;
    const QByteArray bytes = f.readAll();
    m_profiles = parseJson(bytes, &error, &warnings);
    if (!error.isEmpty()) {
        m_loadFailed = true;
        Q_EMIT changed();
        return QStringLiteral("%1: %2 (the file is left untouched)").arg(path, error);
    }
    const QJsonObject root = QJsonDocument::fromJson(bytes).object();
    for (const QJsonValue &v : root.value(QLatin1String("folders")).toArray())
        if (const QString folder = normaliseFolder(v.toString()); !folder.isEmpty())
            m_folders << folder;
    // ids must be unique for the model and the keychain
    QSet<QString> seen;
    for (auto &p : m_profiles) {
        if (seen.contains(p.id)) p.id = ConnectionProfile::newId();
        seen.insert(p.id);
    }
    Q_EMIT changed();
    return warnings.isEmpty() ? QString() : warnings.join(QLatin1Char('\n'));
}

QList<ConnectionProfile> ConnectionStore::parseJson(const QByteArray &json, QString *error,
                                                    QStringList *warnings)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    QList<ConnectionProfile> out;
    if (pe.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("not valid JSON at offset %1: %2")
                         .arg(pe.offset)
                         .arg(pe.errorString());
        return out;
    }
    QJsonArray list;
    if (doc.isObject())
        list = doc.object().value(QLatin1String("connections")).toArray();
    else if (doc.isArray())
        list = doc.array();
    if (!doc.isArray() && !doc.object().contains(QLatin1String("connections"))) {
        if (error) *error = QStringLiteral("no \"connections\" list in the file");
        return out;
    }
    for (const QJsonValue &v : list) {
        QString why;
        ConnectionProfile p = ConnectionProfile::fromJson(v.toObject(), &why);
        if (p.id.isEmpty()) {
            if (warnings) *warnings << QStringLiteral("skipped %1").arg(why);
            continue;
        }
        out << p;
    }
    return out;
}

QString ConnectionStore::save() const
{
    if (m_path.isEmpty()) return {};
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly))
        return m_lastSaveError = QStringLiteral("Cannot write %1: %2").arg(m_path, f.errorString());
    f.write(toJson());
    if (!f.commit())
        return m_lastSaveError = QStringLiteral("Cannot write %1: %2").arg(m_path, f.errorString());
    m_lastSaveError.clear();
    return {};
}

QByteArray ConnectionStore::toJson(const QStringList &ids) const
{
    QJsonArray list;
    QStringList usedFolders;
    for (const auto &p : m_profiles) {
        if (!ids.isEmpty() && !ids.contains(p.id)) continue;
        QJsonObject o = p.toJson();
        if (!ids.isEmpty())
            o.remove(QLatin1String("passwordInKeychain")); // an export has no keychain entry
        list.append(o);
        usedFolders << p.folder;
    }
    QJsonArray folders;
    for (const QString &f : m_folders)
        if (ids.isEmpty() || usedFolders.contains(f)) folders.append(f);
    QJsonObject root;
    root[QLatin1String("format")] = QStringLiteral("qscope-connections");
    root[QLatin1String("version")] = 1;
    root[QLatin1String("folders")] = folders;
    root[QLatin1String("connections")] = list;
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString ConnectionStore::exportTo(const QString &path, const QStringList &ids) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QStringLiteral("Cannot write %1: %2").arg(path, f.errorString());
    f.write(toJson(ids));
    if (!f.commit()) return QStringLiteral("Cannot write %1: %2").arg(path, f.errorString());
    return {};
}

const ConnectionProfile *ConnectionStore::profile(const QString &id) const
{
    for (const auto &p : m_profiles)
        if (p.id == id) return &p;
    return nullptr;
}

const ConnectionProfile *ConnectionStore::findByName(const QString &name) const
{
    for (const auto &p : m_profiles)
        if (p.name == name) return &p;
    return nullptr;
}

QStringList ConnectionStore::folders() const
{
    QStringList all;
    const auto addWithParents = [&all](const QString &folder) {
        const QStringList parts = folder.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        QString path;
        for (const QString &part : parts) {
            path = path.isEmpty() ? part : path + QLatin1Char('/') + part;
            if (!all.contains(path)) all << path;
        }
    };
    for (const QString &f : m_folders)
        addWithParents(f);
    for (const auto &p : m_profiles)
        addWithParents(p.folder);
    all.sort(Qt::CaseInsensitive);
    return all;
}

QString ConnectionStore::normaliseFolder(const QString &folder)
{
    QStringList parts;
    for (const QString &part : folder.split(QLatin1Char('/'), Qt::SkipEmptyParts))
        if (const QString t = part.trimmed(); !t.isEmpty()) parts << t;
    return parts.join(QLatin1Char('/'));
}

QString ConnectionStore::uniqueName(const QString &name, const QString &exceptId) const
{
    const auto taken = [&](const QString &n) {
        for (const auto &p : m_profiles)
            if (p.name == n && p.id != exceptId) return true;
        return false;
    };
    if (!taken(name)) return name;
    for (int i = 2;; ++i) {
        const QString candidate = QStringLiteral("%1 (%2)").arg(name).arg(i);
        if (!taken(candidate)) return candidate;
    }
}

void ConnectionStore::commit(const QString &changedId, const QString &removedId)
{
    m_dirty = true;
    if (!changedId.isEmpty() && !m_pendingChanged.contains(changedId))
        m_pendingChanged << changedId;
    if (!removedId.isEmpty()) m_pendingRemoved << removedId;
    if (m_batchDepth == 0) flush();
}

void ConnectionStore::flush()
{
    if (!m_dirty) return;
    m_dirty = false;
    if (m_loadFailed && !m_path.isEmpty()) {
        // keep the file we could not read rather than overwrite the user's data
        const QString backup = m_path + QStringLiteral(".unreadable");
        QFile::remove(backup);
        QFile::copy(m_path, backup);
    }
    m_loadFailed = false;
    if (const QString err = save(); !err.isEmpty()) Q_EMIT saveFailed(err);
    const QStringList removed = std::exchange(m_pendingRemoved, {});
    const QStringList changedIds = std::exchange(m_pendingChanged, {});
    for (const QString &id : removed)
        Q_EMIT profileRemoved(id);
    for (const QString &id : changedIds)
        if (profile(id)) Q_EMIT profileChanged(id);
    Q_EMIT changed();
}

QString ConnectionStore::add(ConnectionProfile profile)
{
    if (profile.id.isEmpty() || this->profile(profile.id)) profile.id = ConnectionProfile::newId();
    profile.name = uniqueName(profile.name.trimmed());
    profile.folder = normaliseFolder(profile.folder);
    m_profiles << profile;
    commit(profile.id);
    return profile.id;
}

bool ConnectionStore::update(const ConnectionProfile &profile)
{
    for (auto &p : m_profiles) {
        if (p.id != profile.id) continue;
        p = profile;
        p.name = uniqueName(profile.name.trimmed(), profile.id);
        p.folder = normaliseFolder(profile.folder);
        commit(p.id);
        return true;
    }
    return false;
}

bool ConnectionStore::remove(const QString &id)
{
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles[i].id != id) continue;
        m_profiles.removeAt(i);
        commit({}, id);
        return true;
    }
    return false;
}

int ConnectionStore::remove(const QStringList &ids)
{
    Batch batch(this);
    int n = 0;
    for (const QString &id : ids)
        n += remove(id) ? 1 : 0;
    return n;
}

QStringList ConnectionStore::profilesUnder(const QString &folder) const
{
    const QString f = normaliseFolder(folder);
    QStringList ids;
    for (const auto &p : m_profiles)
        if (p.folder == f || p.folder.startsWith(f + QLatin1Char('/'))) ids << p.id;
    return ids;
}

int ConnectionStore::removeFolderWithConnections(const QString &folder)
{
    const QString f = normaliseFolder(folder);
    if (f.isEmpty()) return 0; // the top level is not a folder to remove
    Batch batch(this);
    const int n = remove(profilesUnder(f));
    QStringList kept;
    for (const QString &x : std::as_const(m_folders))
        if (x != f && !x.startsWith(f + QLatin1Char('/'))) kept << x;
    m_folders = kept;
    commit();
    return n;
}

QString ConnectionStore::duplicate(const QString &id)
{
    const ConnectionProfile *p = profile(id);
    if (!p) return {};
    ConnectionProfile copy = *p;
    copy.id.clear();
    copy.passwordInKeychain = false; // the keychain entry belongs to the original's id
    copy.name = p->name + QStringLiteral(" copy");
    return add(copy);
}

bool ConnectionStore::moveToFolder(const QString &id, const QString &folder)
{
    for (auto &p : m_profiles) {
        if (p.id != id) continue;
        p.folder = normaliseFolder(folder);
        commit(id);
        return true;
    }
    return false;
}

void ConnectionStore::addFolder(const QString &folder)
{
    const QString f = normaliseFolder(folder);
    if (f.isEmpty() || m_folders.contains(f)) return;
    m_folders << f;
    commit();
}

void ConnectionStore::removeFolder(const QString &folder)
{
    const QString f = normaliseFolder(folder);
    if (f.isEmpty()) return;
    const int slash = f.lastIndexOf(QLatin1Char('/'));
    const QString parent = slash < 0 ? QString() : f.left(slash);
    renameFolder(f, parent);
}

void ConnectionStore::renameFolder(const QString &from, const QString &to)
{
    const QString f = normaliseFolder(from);
    const QString t = normaliseFolder(to);
    const auto remap = [&](const QString &path) -> QString {
        if (path == f) return t;
        if (path.startsWith(f + QLatin1Char('/'))) return normaliseFolder(t + path.mid(f.size()));
        return path;
    };
    for (auto &p : m_profiles)
        p.folder = remap(p.folder);
    QStringList folders;
    for (const QString &x : std::as_const(m_folders))
        if (const QString y = remap(x); !y.isEmpty() && !folders.contains(y)) folders << y;
    m_folders = folders;
    commit();
}

} // namespace qscope
