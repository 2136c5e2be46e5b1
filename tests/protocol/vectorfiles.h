#pragma once
// Reads the real kdb+ byte vectors in shared/vectors (see its README) for the protocol tests.

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QtEndian>
#include <QtGlobal>

#include <vector>

namespace qscope::testing {

struct VectorCase
{
    QString file;
    QByteArray expression; // the q expression the bytes came from
    QByteArray bytes;      // payload (no header) for .out files; whole message for .json
};

inline QString vectorsDir()
{
    return QStringLiteral(QSCOPE_VECTORS_DIR);
}

/// The vectors are the ground truth of every protocol test: without them a test cannot say
/// anything, so a missing file stops the run with its path instead of letting cases pass vacuously.
inline QByteArray readVectorFile(const QString &name)
{
    QFile f(vectorsDir() + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("kdb+ vector file %s: %s (configure with -DQSCOPE_VECTORS_DIR=...)",
               qPrintable(f.fileName()), qPrintable(f.errorString()));
    return f.readAll();
}

/// Pairs of lines: expression, then hex; stops at the first empty hex line.
inline std::vector<VectorCase> readOutFile(const QString &name)
{
    std::vector<VectorCase> cases;
    const QList<QByteArray> lines = readVectorFile(name).split('\n');
    for (qsizetype i = 0; i + 1 < lines.size(); i += 2) {
        const QByteArray hex = lines[i + 1].trimmed();
        if (hex.isEmpty()) break;
        cases.push_back({name, lines[i], QByteArray::fromHex(hex)});
    }
    return cases;
}

inline std::vector<VectorCase> readJsonFile(const QString &name)
{
    std::vector<VectorCase> cases;
    const QJsonArray arr = QJsonDocument::fromJson(readVectorFile(name)).array();
    for (const auto &item : arr) {
        const QJsonObject o = item.toObject();
        cases.push_back(
            {name, o.value(QStringLiteral("q")).toString().toUtf8(),
             QByteArray::fromHex(o.value(QStringLiteral("hex")).toString().toLatin1())});
    }
    return cases;
}

/// A response message around a payload, as the README says to rebuild it.
inline QByteArray withHeader(const QByteArray &payload, uint8_t compressed = 0)
{
    QByteArray m(8, '\0');
    m[0] = 1;
    m[1] = 2;
    m[2] = char(compressed);
    qToLittleEndian<uint32_t>(uint32_t(payload.size() + 8), m.data() + 4);
    return m + payload;
}

} // namespace qscope::testing
