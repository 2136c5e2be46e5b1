// The qscope desktop app: everything lives in the ui library (which also raises the descriptor
// limit before any socket and reports in the message bar when it cannot).
#include "app/qscopeapp.h"

int main(int argc, char **argv)
{
    return qscope::runQscopeApp(argc, argv);
}
