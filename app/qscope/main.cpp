// The qscope desktop app: everything lives in the ui library.
#include "app/qscopeapp.h"

int main(int argc, char **argv)
{
    return qscope::runQscopeApp(argc, argv);
}
