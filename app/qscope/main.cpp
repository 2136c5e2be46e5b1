// The qscope desktop app: everything lives in the ui library.
#include "app/qscopeapp.h"
#include "net/descriptorlimit.h"

#include <cstdio>

int main(int argc, char **argv)
{
    // Before any socket: 1,000 connections need more descriptors than Linux's default 1,024.
    if (const auto fds = qscope::raiseDescriptorLimit(); !fds.ok())
        std::fprintf(stderr, "qscope: %s\n", qPrintable(fds.error));
    return qscope::runQscopeApp(argc, argv);
}
