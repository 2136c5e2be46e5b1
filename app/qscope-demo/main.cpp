// qscope-demo: the kdb+ stand-in server with a tickerplant (all of it lives in core/demo).
#include "demo/demoserver.h"

int main(int argc, char **argv)
{
    return qscope::runDemoServerMain(argc, argv);
}
