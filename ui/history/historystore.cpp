#include "history/historystore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace qscope {

HistoryStore::HistoryStore(QObject *parent) : QObject(parent) {}

QString HistoryStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/history.jsonl");
}

QByteArray HistoryStore::toJsonLine(const HistoryEntry &e)
{
    QJsonObject o;
    o[QLatin1String("t")] = e.time.toUTC().toString(Qt::ISODateWithMs);
    o[QLatin1String("server")] = e.server;
    o[QLatin1String("profile")] = e.profileId;
    o[QLatin1String("query")] = e.query;
    o[QLatin1String("ns")] = double(e.durationNs);
    o[QLatin1String("bytes")] = double(e.bytes);
    if (!e.error.isEmpty()) o[QLatin1String("error")] = e.error;
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

bool HistoryStore::fromJsonLine(const QByteArray &line, HistoryEntry *e)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) return false;
    const QJsonObject o = doc.object();
    e->time = QDateTime::fromString(o.value(QLatin1String("t")).toString(), Qt::ISODateWithMs);
    if (!e->time.isValid() || !o.value(QLatin1String("query")).isString()) return false;
    e->server = o.value(QLatin1String("server")).toString();
    e->profileId = o.value(QLatin1String("profile")).toString();
    e->query = o.value(QLatin1String("query")).toString();
    e->durationNs = qint64(o.value(QLatin1String("ns")).toDouble());
    e->bytes = qint64(o.value(QLatin1String("bytes")).toDouble());
    e->error = o.value(QLatin1String("error")).toString();
    return true;
}

QString HistoryStore::load(const QString &path)
{
    Q_EMIT aboutToReset();
    m_path = path;
    m_entries.clear();
    m_linesInFile = 0;
    QFile f(path);
    int bad = 0;
    if (f.open(QIODevice::ReadOnly)) {
        while (!f.atEnd()) {
            const QByteArray line = f.readLine(16 << 20).trimmed();
            if (line.isEmpty()) continue;
            ++m_linesInFile;
            HistoryEntry e;
            if (fromJsonLine(line, &e))
                m_entries << e;
            else
                ++bad;
        }
    }
    if (m_entries.size() > m_max) m_entries.remove(0, m_entries.size() - m_max);
    Q_EMIT reset();
    return bad ? tr("%n unreadable history line(s) skipped", nullptr, bad) : QString();
}

void HistoryStore::add(const HistoryEntry &entry)
{
    if (m_entries.size() >= m_max) {
        const int n = int(m_entries.size()) - m_max + 1;
        Q_EMIT aboutToTrim(n);
        m_entries.remove(0, n);
        Q_EMIT trimmed(n);
    }
    Q_EMIT aboutToAdd(int(m_entries.size()));
    m_entries << entry;
    Q_EMIT added(int(m_entries.size()) - 1);
    if (m_path.isEmpty()) return;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile f(m_path);
    if (f.open(QIODevice::Append)) {
        f.write(toJsonLine(entry));
        ++m_linesInFile;
    }
    if (m_linesInFile > 2 * m_max) compact();
}

void HistoryStore::compact()
{
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly)) return;
    for (const auto &e : std::as_const(m_entries))
        f.write(toJsonLine(e));
    if (f.commit()) m_linesInFile = int(m_entries.size());
}

void HistoryStore::clear()
{
    Q_EMIT aboutToReset();
    m_entries.clear();
    Q_EMIT reset();
    if (!m_path.isEmpty()) compact();
}

} // namespace qscope
