#include "pinstore.h"

#include "protocol/codec.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

namespace qscope::PinStore {

namespace {

constexpr quint32 kMagic = 0x51504e31; // "QPN1"

QString tabDir(const QString &tabId)
{
    // tab ids are UUIDs made by the app; anything else is not a directory name we trust
    QString safe = tabId;
    safe.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")));
    return directory() + QLatin1Char('/') + safe;
}

QString megabytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
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

void clear()
{
    QDir(directory()).removeRecursively();
}

QStringList save(const QString &tabId, const QList<Pin> &pins, qint64 *budget)
{
    QStringList notKept;
    const QString dir = tabDir(tabId);
    if (!QDir().mkpath(dir)) return {QObject::tr("cannot create %1").arg(dir)};
    int n = 0;
    for (const Pin &p : pins) {
        const QString name = QString::fromUtf8(p.result.query).simplified().left(40);
        const qint64 size = sizeOf(p.result);
        if (size > kMaxPinBytes) {
            notKept << QObject::tr("%1: %2 is over the %3 cap for one pin")
                           .arg(name, megabytes(size), megabytes(kMaxPinBytes));
            continue;
        }
        if (size > *budget) {
            notKept << QObject::tr("%1: all pins together would pass the %2 cap")
                           .arg(name, megabytes(kMaxTotalBytes));
            continue;
        }
        QSaveFile f(dir + QStringLiteral("/%1.qpin").arg(n, 3, 10, QLatin1Char('0')));
        if (!f.open(QIODevice::WriteOnly)) {
            notKept << QObject::tr("%1: %2").arg(name, f.errorString());
            continue;
        }
        QDataStream out(&f);
        out.setVersion(QDataStream::Qt_6_4);
        out << kMagic << p.server << p.result.query << p.result.elapsedNs << p.result.bytesIn
            << qint32(p.result.error ? int(p.result.error->kind) : -1)
            << (p.result.error ? p.result.error->message : QString())
            << (p.result.error ? QByteArray() : encodeMessage(p.result.value));
        if (out.status() != QDataStream::Ok || !f.commit()) {
            notKept << QObject::tr("%1: %2").arg(name, f.errorString());
            continue;
        }
        *budget -= size;
        ++n;
    }
    return notKept;
}

QList<Pin> load(const QString &tabId, QString *error)
{
    QList<Pin> pins;
    QStringList bad;
    const QDir dir(tabDir(tabId));
    for (const QString &file : dir.entryList({QStringLiteral("*.qpin")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly)) {
            bad << file;
            continue;
        }
        QDataStream in(&f);
        in.setVersion(QDataStream::Qt_6_4);
        quint32 magic = 0;
        qint32 errorKind = -1;
        QString errorMessage;
        QByteArray message;
        Pin p;
        in >> magic >> p.server >> p.result.query >> p.result.elapsedNs >> p.result.bytesIn >>
            errorKind >> errorMessage >> message;
        if (in.status() != QDataStream::Ok || magic != kMagic) {
            bad << file;
            continue;
        }
        if (errorKind > int(NetError::Tls)) {
            bad << file;
            continue;
        }
        if (errorKind >= 0) {
            p.result.error = NetError{NetError::Kind(errorKind), errorMessage};
        } else {
            const Decoded d = decodeMessage(message);
            if (!d.ok()) {
                bad << file;
                continue;
            }
            p.result.value = d.value;
        }
        pins << p;
    }
    if (error)
        *error = bad.isEmpty() ? QString()
                               : QObject::tr("pinned results that did not read back: %1")
                                     .arg(bad.join(QStringLiteral(", ")));
    return pins;
}

} // namespace qscope::PinStore
