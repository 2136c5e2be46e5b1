#include "demo/plant.h"

#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

namespace qscope {

namespace {

void out(FILE *to, const QString &line)
{
    const QByteArray b = line.toLocal8Bit();
    std::fprintf(to, "%s\n", b.constData());
    std::fflush(to);
}

/// One stdin line: kill NAME, restart NAME, slow NAME [bytes/s], fast NAME.
void command(DemoPlant &plant, const QString &line)
{
    const QStringList w = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (w.isEmpty()) return;
    const QString name = w.value(1);
    bool ok = false;
    if (w[0] == QLatin1String("kill"))
        ok = plant.kill(name);
    else if (w[0] == QLatin1String("restart")) {
        QString e;
        ok = plant.restart(name, &e);
        if (!ok && !e.isEmpty()) out(stderr, e);
    } else if (w[0] == QLatin1String("slow")) {
        const qint64 rate = w.size() > 2 ? w[2].toLongLong() : 512;
        ok = rate > 0 && plant.setSlow(name, rate);
    } else if (w[0] == QLatin1String("fast"))
        ok = plant.setSlow(name, 0);
    else {
        out(stderr, QStringLiteral("commands: kill NAME, restart NAME, slow NAME [bytes/s], "
                                   "fast NAME"));
        return;
    }
    out(stderr, ok ? QStringLiteral("%1 %2: done").arg(w[0], name)
                   : QStringLiteral("%1 %2: no such running part").arg(w[0], name));
}

} // namespace

int runPlantMain(QCoreApplication &app, const PlantOptions &options, bool quiet)
{
    DemoPlant plant;
    QObject::connect(&plant, &DemoPlant::logLine, &app, [quiet](const QString &line) {
        if (!quiet || line.contains(QLatin1Char('\''))) out(stderr, line);
    });
    QString error;
    if (!plant.start(options, &error)) {
        out(stderr, QStringLiteral("qscope-demo: %1").arg(error));
        return 1;
    }
    out(stdout, QStringLiteral("name     role                 port  upstream"));
    for (const QString &l : plant.describe())
        out(stdout, l);
    QSocketNotifier console(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&console, &QSocketNotifier::activated, &app, [&] {
        char buf[1024];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) {
            console.setEnabled(false); // keep serving, as q -p does
            return;
        }
        pending.append(buf, n);
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.left(nl).trimmed());
            pending.remove(0, nl + 1);
            if (line == QLatin1String("\\\\")) {
                QCoreApplication::quit();
                return;
            }
            command(plant, line);
        }
    });
    const int rc = QCoreApplication::exec();
    plant.stop();
    return rc;
}

} // namespace qscope
