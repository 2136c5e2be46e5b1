#include "pinstore.h"

#include "protocol/codec.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace qscope::PinStore {

namespace {

constexpr quint32 kMagic = 0x51504e31; // "QPN1"

QString safeId(const QString &tabId)
{
    // tab ids are UUIDs made by the app; anything else is not a directory name we trust
    QString safe = tabId;
    safe.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")));
    return safe;
}

QString tabDir(const QString &root, const QString &tabId)
{
    return root + QLatin1Char('/') + safeId(tabId);
}

QString manifestPath(const QString &root)
{
    return root + QStringLiteral("/manifest.json");
}

QString megabytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

/// A file name for what the pin holds: the same pin saved again maps to the same file, which is
/// then not rewritten (a journal tick with unchanged pins writes nothing but the manifest).
QString fileNameOf(const Pin &p)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    QByteArray meta;
    QDataStream out(&meta, QIODevice::WriteOnly);
    out << p.server << p.result.query << p.result.elapsedNs << p.result.bytesIn
        << qint32(p.result.error ? int(p.result.error->kind) : -1)
        << (p.result.error ? p.result.error->message : QString()) << qint32(p.result.value.type())
        << qint64(p.result.error ? 0 : p.result.value.count()) << sizeOf(p.result);
    h.addData(meta);
    return QString::fromLatin1(h.result().toHex().left(20)) + QStringLiteral(".qpin");
}

QString writePin(const QString &path, const Pin &p)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return f.errorString();
    QDataStream out(&f);
    out.setVersion(QDataStream::Qt_6_4);
    out << kMagic << p.server << p.result.query << p.result.elapsedNs << p.result.bytesIn
        << qint32(p.result.error ? int(p.result.error->kind) : -1)
        << (p.result.error ? p.result.error->message : QString())
        << (p.result.error ? QByteArray() : encodeMessage(p.result.value));
    if (out.status() != QDataStream::Ok) {
        f.cancelWriting();
        return QObject::tr("the value could not be written");
    }
    if (!f.commit()) return f.errorString();
    return {};
}

/// tab id -> its pin files in order; nullopt when there is no manifest (pins from before it).
std::optional<QHash<QString, QStringList>> readManifest(const QString &root)
{
    QFile f(manifestPath(root));
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    QHash<QString, QStringList> tabs;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        QStringList files;
        for (const QJsonValue &v : it.value().toArray())
            files << v.toString();
        tabs.insert(it.key(), files);
    }
    return tabs;
}

std::optional<Pin> readPin(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    QDataStream in(&f);
    in.setVersion(QDataStream::Qt_6_4);
    quint32 magic = 0;
    qint32 errorKind = -1;
    QString errorMessage;
    QByteArray message;
    Pin p;
    in >> magic >> p.server >> p.result.query >> p.result.elapsedNs >> p.result.bytesIn >>
        errorKind >> errorMessage >> message;
    if (in.status() != QDataStream::Ok || magic != kMagic || errorKind > int(NetError::TooLarge))
        return std::nullopt;
    if (errorKind >= 0) {
        p.result.error = NetError{NetError::Kind(errorKind), errorMessage};
    } else {
        const Decoded d = decodeMessage(message);
        if (!d.ok()) return std::nullopt;
        p.result.value = d.value;
    }
    return p;
}

} // namespace

QString directory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/pinned");
}

qint64 sizeOf(const QueryResult &result)
{
    return result.error ? 0 : 8 + encodedPayloadSize(result.value);
}

namespace {

QStringList saveIn(const QString &root, const QList<TabPins> &tabs);

/// One save or load at a time in this process, and the background saves' worker: a thread
/// that sleeps on `wake` between jobs and is joined when the process ends.
class Saves
{
public:
    ~Saves()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        if (m_worker.joinable()) m_worker.join();
    }

    std::mutex io; ///< held by each save and load

    void enqueue(QString root, QList<TabPins> tabs)
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back({std::move(root), std::move(tabs)});
        if (!m_worker.joinable()) m_worker = std::thread([this] { run(); });
        m_wake.notify_all();
    }
    void waitIdle()
    {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_queue.empty() && !m_busy; });
    }

private:
    struct Job
    {
        QString root;
        QList<TabPins> tabs;
    };
    void run()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            if (m_queue.empty()) return; // stopping, nothing left
            Job job = std::move(m_queue.front());
            m_queue.pop_front();
            m_busy = true;
            lock.unlock();
            // the save at close has no window left to show these in
            for (const QString &line : saveIn(job.root, job.tabs))
                qWarning("qscope: pinned result not kept: %s", qUtf8Printable(line));
            job = Job{}; // the pins' values go before the saves are reported done
            lock.lock();
            m_busy = false;
            if (m_queue.empty()) m_idle.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake, m_idle;
    std::deque<Job> m_queue;
    std::thread m_worker;
    bool m_busy = false;
    bool m_stop = false;
};

Saves &saves()
{
    static Saves s;
    return s;
}

} // namespace

QStringList saveAll(const QList<TabPins> &tabs)
{
    return saveIn(directory(), tabs);
}

void saveAllInBackground(QList<TabPins> tabs)
{
    static std::once_flag hooked;
    // the process's exit waits for the pins (after the windows are gone): QCoreApplication's
    // destructor runs its post routines while the application's names, and so directory(),
    // still hold; without an application, the worker is joined at static destruction
    if (QCoreApplication::instance())
        std::call_once(hooked, [] { qAddPostRoutine(&PinStore::waitForSaves); });
    saves().enqueue(directory(), std::move(tabs));
}

void waitForSaves()
{
    saves().waitIdle();
}

void clear()
{
    waitForSaves();
    std::lock_guard ioLock(saves().io);
    QDir(directory()).removeRecursively();
}

namespace {

QStringList saveIn(const QString &root, const QList<TabPins> &tabs)
{
    std::lock_guard ioLock(saves().io);
    QStringList notKept;
    qint64 budget = kMaxTotalBytes;
    // what the other tabs (another process's, or not listed) keep counts against the budget too
    QJsonObject manifest;
    if (const auto before = readManifest(root))
        for (auto it = before->constBegin(); it != before->constEnd(); ++it)
            manifest.insert(it.key(), QJsonArray::fromStringList(it.value()));
    QSet<QString> listed;
    for (const TabPins &tab : tabs)
        listed.insert(safeId(tab.tabId));
    for (auto it = manifest.constBegin(); it != manifest.constEnd(); ++it)
        if (!listed.contains(it.key()))
            for (const QJsonValue &f : it.value().toArray())
                budget -=
                    QFileInfo(root + QLatin1Char('/') + it.key() + QLatin1Char('/') + f.toString())
                        .size();
    // 1. the pin files, each atomically; one already there holds this very pin
    for (const TabPins &tab : tabs) {
        const QString dir = tabDir(root, tab.tabId);
        QJsonArray files;
        QSet<QString> used;
        if (!tab.pins.isEmpty() && !QDir().mkpath(dir)) {
            notKept << QObject::tr("cannot create %1").arg(dir);
            continue; // its entry stays as it was
        }
        for (const Pin &p : tab.pins) {
            const QString name = QString::fromUtf8(p.result.query).simplified().left(40);
            const qint64 size = sizeOf(p.result);
            if (size > kMaxPinBytes) {
                notKept << QObject::tr("%1: %2 is over the %3 cap for one pin")
                               .arg(name, megabytes(size), megabytes(kMaxPinBytes));
                continue;
            }
            if (size > budget) {
                notKept << QObject::tr("%1: all pins together would pass the %2 cap")
                               .arg(name, megabytes(kMaxTotalBytes));
                continue;
            }
            QString file = fileNameOf(p);
            for (int n = 2; used.contains(file); ++n) // the same result pinned twice
                file = fileNameOf(p).chopped(5) + QStringLiteral("-%1.qpin").arg(n);
            if (!QFile::exists(dir + QLatin1Char('/') + file)) {
                if (const QString e = writePin(dir + QLatin1Char('/') + file, p); !e.isEmpty()) {
                    notKept << QObject::tr("%1: %2").arg(name, e);
                    continue;
                }
            }
            used.insert(file);
            files.append(file);
            budget -= size;
        }
        if (files.isEmpty())
            manifest.remove(safeId(tab.tabId));
        else
            manifest.insert(safeId(tab.tabId), files);
    }
    // 2. the swap: from here on the new set is the kept set
    QSaveFile m(manifestPath(root));
    if (!QDir().mkpath(root) || !m.open(QIODevice::WriteOnly) ||
        m.write(QJsonDocument(manifest).toJson(QJsonDocument::Compact)) < 0 || !m.commit()) {
        notKept << QObject::tr("the list of pins could not be written (%1); the pins kept "
                               "before stay")
                       .arg(m.errorString());
        return notKept;
    }
    // 3. only now, and only in the listed tabs' folders: what the manifest no longer names
    for (const QString &id : std::as_const(listed)) {
        QDir d(root + QLatin1Char('/') + id);
        if (!manifest.contains(id)) {
            d.removeRecursively();
            continue;
        }
        QSet<QString> keep;
        for (const QJsonValue &v : manifest.value(id).toArray())
            keep.insert(v.toString());
        for (const QString &f : d.entryList(QDir::Files))
            if (!keep.contains(f)) d.remove(f);
    }
    return notKept;
}

} // namespace

QList<Pin> load(const QString &tabId, QString *error)
{
    waitForSaves(); // a save queued before this load is what it reads
    std::lock_guard ioLock(saves().io);
    QList<Pin> pins;
    QStringList bad;
    const QString root = directory();
    const QDir dir(tabDir(root, tabId));
    const auto manifest = readManifest(root);
    // a tab the manifest does not list: every complete pin file in its folder, by name
    const QStringList files =
        manifest && manifest->contains(safeId(tabId))
            ? manifest->value(safeId(tabId))
            : dir.entryList({QStringLiteral("*.qpin")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        if (const auto p = readPin(dir.filePath(file)))
            pins << *p;
        else
            bad << file;
    }
    if (error)
        *error = bad.isEmpty() ? QString()
                               : QObject::tr("pinned results that did not read back: %1")
                                     .arg(bad.join(QStringLiteral(", ")));
    return pins;
}

} // namespace qscope::PinStore
