#include "cli/cli.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qscope-cli"));
    return qscope::cli::run(QCoreApplication::arguments().mid(1));
}
