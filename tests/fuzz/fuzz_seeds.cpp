// Writes the seed corpora for the fuzz targets from the real kdb+ vectors (shared/vectors).
// usage: fuzz_seeds <vectors dir> <output dir>; fills <output>/{decode,framereader,decompress}.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QtEndian>

#include <cstdio>

namespace {

QByteArray header(qsizetype payload, char compressed)
{
    QByteArray h(8, '\0');
    h[0] = 1;
    h[1] = 2;
    h[2] = compressed;
    qToLittleEndian<uint32_t>(uint32_t(payload + 8), h.data() + 4);
    return h;
}

bool write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: fuzz_seeds <vectors dir> <output dir>\n");
        return 2;
    }
    const QDir vectors(QString::fromLocal8Bit(argv[1]));
    const QDir out(QString::fromLocal8Bit(argv[2]));
    for (const char *sub : {"decode", "framereader", "decompress"})
        out.mkpath(QString::fromLatin1(sub));
    int n = 0;
    QByteArray stream(1, char(7)); // framereader: the first byte picks the chunk size
    const QStringList files = vectors.entryList({QStringLiteral("*.out")}, QDir::Files);
    for (const QString &name : files) {
        QFile f(vectors.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) continue;
        const bool compressed = name.contains(QLatin1String("Compressed"));
        const QList<QByteArray> lines = f.readAll().split('\n');
        for (qsizetype i = 0; i + 1 < lines.size(); i += 2) {
            const QByteArray payload = QByteArray::fromHex(lines[i + 1].trimmed());
            if (payload.isEmpty()) break;
            const QByteArray message = header(payload.size(), compressed ? 1 : 0) + payload;
            const QString id =
                QStringLiteral("%1-%2").arg(name.section(QLatin1Char('.'), 0, 0)).arg(i / 2);
            write(out.filePath(QStringLiteral("decode/") + id), message);
            if (compressed) write(out.filePath(QStringLiteral("decompress/") + id), payload);
            stream += message;
            ++n;
        }
    }
    write(out.filePath(QStringLiteral("framereader/all")), stream);
    std::printf("%d seeds\n", n);
    return n > 0 ? 0 : 1;
}
