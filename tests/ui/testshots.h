#pragma once
// Where the UI tests write their screenshots, one rule for all of them: $QSCOPE_SHOTS_DIR when
// set; else /work/shots, where the team looks at them, when that folder exists; else the build
// tree (CI, a fresh clone, no right to create /work), so a test never fails on where it runs.

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QString>

namespace qscope::test {

inline QString shotsDir()
{
    QString dir = qEnvironmentVariable("QSCOPE_SHOTS_DIR");
    if (dir.isEmpty() && QFileInfo(QStringLiteral("/work/shots")).isDir())
        dir = QStringLiteral("/work/shots");
    if (dir.isEmpty()) dir = QStringLiteral(QSCOPE_BINARY_DIR "/test-output/shots");
    QDir().mkpath(dir);
    return dir;
}

/// Saves `image` as <shotsDir>/<name>.png; false (for a QVERIFY) if it is empty or not written.
inline bool saveShot(const QImage &image, const QString &name)
{
    return !image.isNull() &&
           image.save(shotsDir() + QLatin1Char('/') + name + QStringLiteral(".png"));
}

} // namespace qscope::test
