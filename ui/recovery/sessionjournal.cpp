#include "recovery/sessionjournal.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>

namespace qscope {

namespace {

constexpr int kVersion = 1;

QJsonObject toJson(const EditorArea::TabState &t)
{
    QJsonObject o;
    o[QLatin1String("id")] = t.id;
    o[QLatin1String("file")] = t.file;
    o[QLatin1String("profile")] = t.profile;
    o[QLatin1String("untitled")] = t.untitled;
    o[QLatin1String("text")] = t.text;
    o[QLatin1String("modified")] = t.modified;
    o[QLatin1String("recovered")] = t.recovered;
    o[QLatin1String("line")] = t.line;
    o[QLatin1String("column")] = t.column;
    return o;
}

EditorArea::TabState tabFromJson(const QJsonObject &o)
{
    EditorArea::TabState t;
    t.id = o.value(QLatin1String("id")).toString();
    t.file = o.value(QLatin1String("file")).toString();
    t.profile = o.value(QLatin1String("profile")).toString();
    t.untitled = o.value(QLatin1String("untitled")).toString();
    t.text = o.value(QLatin1String("text")).toString();
    t.modified = o.value(QLatin1String("modified")).toBool();
    t.recovered = o.value(QLatin1String("recovered")).toBool();
    t.line = o.value(QLatin1String("line")).toInt();
    t.column = o.value(QLatin1String("column")).toInt();
    return t;
}

} // namespace

SessionJournal::SessionJournal(const QString &directory, QObject *parent)
    : QObject(parent), m_dir(directory), m_timer(new QTimer(this))
{
    m_worker.setMaxThreadCount(1); // one write at a time, in order
    m_worker.setExpiryTimeout(-1);
    connect(m_timer, &QTimer::timeout, this, &SessionJournal::tick);
}

SessionJournal::~SessionJournal()
{
    m_worker.waitForDone();
}

QString SessionJournal::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/journal");
}

QString SessionJournal::filePath() const
{
    return m_dir + QStringLiteral("/session-%1.json").arg(QCoreApplication::applicationPid());
}

namespace {

QString lockPathOf(const QString &journal)
{
    return journal.chopped(5) + QStringLiteral(".lock");
}

std::unique_ptr<QLockFile> makeLock(const QString &journal)
{
    auto lock = std::make_unique<QLockFile>(lockPathOf(journal));
    // stale only when its process is gone, never by age: a qscope may run for weeks
    lock->setStaleLockTime(0);
    return lock;
}

} // namespace

std::optional<SessionJournal::Leftover> SessionJournal::leftover(QString *error)
{
    Leftover all;
    QStringList unreadable;
    const QDir dir(m_dir);
    for (const QString &name :
         dir.entryList({QStringLiteral("session-*.json")}, QDir::Files, QDir::Time)) {
        const QString path = dir.filePath(name);
        // this pid's file cannot be a live run's: this run has not written yet (a killed run
        // had the same pid); any other is a live run's while its lock is held
        auto lock = makeLock(path);
        if (path != filePath() && !lock->tryLock(0)) continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) continue;
        QJsonParseError parseError{};
        const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &parseError).object();
        f.close();
        if (parseError.error != QJsonParseError::NoError ||
            o.value(QLatin1String("version")).toInt() != kVersion) {
            // kept for the user to look at, out of the way of the next run's journal
            const QString aside = path + QStringLiteral(".unreadable");
            QFile::remove(aside);
            QFile::rename(path, aside);
            unreadable << aside;
            continue;
        }
        if (all.journals++ == 0) {
            all.current = o.value(QLatin1String("current")).toInt(-1);
            all.pid = qint64(o.value(QLatin1String("pid")).toDouble());
            all.written =
                QDateTime::fromString(o.value(QLatin1String("written")).toString(), Qt::ISODate);
        }
        for (const QJsonValue &v : o.value(QLatin1String("tabs")).toArray())
            all.tabs << tabFromJson(v.toObject());
        if (path != filePath()) {
            m_adopted.push_back(std::move(lock)); // held until dropped: no other run takes it
            m_adoptedFiles << path;
        }
    }
    if (error && !unreadable.isEmpty())
        *error = tr("Work saved when qscope last stopped could not be read back; it is kept in "
                    "%1.")
                     .arg(unreadable.join(QStringLiteral(", ")));
    if (all.journals == 0) return std::nullopt;
    return all;
}

void SessionJournal::dropAdopted()
{
    for (const QString &f : std::as_const(m_adoptedFiles))
        QFile::remove(f);
    m_adoptedFiles.clear();
    m_adopted.clear(); // unlocks: the lock files go too
}

void SessionJournal::start(TabSource tabs, PinSource pins, int intervalMs)
{
    m_tabs = std::move(tabs);
    m_pins = std::move(pins);
    if (!m_lock) {
        QDir().mkpath(m_dir);
        m_lock = makeLock(filePath());
        m_lock->tryLock(0); // if it cannot be taken, another run may adopt this journal: no loss
    }
    m_timer->start(intervalMs);
}

void SessionJournal::stop()
{
    m_timer->stop();
    settle();
}

void SessionJournal::settle()
{
    // Only when saving normally (at close): the write in flight must end before the normal
    // save writes the same files. A write takes as long as encoding what changed.
    m_worker.waitForDone();
}

void SessionJournal::discard()
{
    m_tabsDirty = m_pinsDirty = false;
    QFile::remove(filePath());
    dropAdopted(); // their work was saved with the session
}

void SessionJournal::tick()
{
    if (m_writing || (!m_tabsDirty && !m_pinsDirty)) return;
    // the copy, on the GUI thread: the tab texts (implicitly shared strings from here on) and
    // the pins (Value handles: immutable, readable on any thread)
    QElapsedTimer clock;
    clock.start();
    int current = -1;
    QList<EditorArea::TabState> tabs;
    if (m_tabsDirty && m_tabs) tabs = m_tabs(&current);
    const bool writeTabs = m_tabsDirty;
    const bool writePins = m_pinsDirty && m_pins;
    QList<PinStore::TabPins> pins;
    if (writePins) pins = m_pins();
    m_lastSnapshotNs = clock.nsecsElapsed();
    m_lastSnapshotChars = 0;
    for (const auto &t : tabs)
        m_lastSnapshotChars += t.text.size();
    m_tabsDirty = m_pinsDirty = false;
    m_writing = true;
    const QString path = filePath();
    m_worker.start([this, path, tabs, current, writeTabs, writePins, pins] {
        QString error;
        QStringList notKept;
        if (writeTabs) error = writeJournal(path, tabs, current);
        if (writePins) notKept = PinStore::saveAll(pins);
        QMetaObject::invokeMethod(
            this,
            [this, error, notKept, wroteTabs = writeTabs] {
                m_writing = false;
                ++m_writes;
                // the journals taken over are in this one now
                if (wroteTabs && error.isEmpty()) dropAdopted();
                Q_EMIT written(error, notKept);
            },
            Qt::QueuedConnection);
    });
}

QString SessionJournal::writeJournal(const QString &path, const QList<EditorArea::TabState> &tabs,
                                     int current)
{
    QJsonArray list;
    for (const auto &t : tabs)
        list.append(toJson(t));
    QJsonObject o;
    o[QLatin1String("version")] = kVersion;
    o[QLatin1String("pid")] = double(QCoreApplication::applicationPid());
    o[QLatin1String("written")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    o[QLatin1String("current")] = current;
    o[QLatin1String("tabs")] = list;
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return tr("cannot create %1").arg(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return f.errorString();
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!f.commit()) return f.errorString();
    return {};
}

} // namespace qscope
