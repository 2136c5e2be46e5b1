#include "cli/cli.h"
#include "net/descriptorlimit.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    // A command uses a connection or two: a limit that cannot be raised is no reason to warn.
    qscope::raiseDescriptorLimit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qscope-cli"));
    return qscope::cli::run(QCoreApplication::arguments().mid(1));
}
