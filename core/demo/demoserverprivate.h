#pragma once
/// DemoServer's insides: the two threads (network, interpreter), the objects living on them and
/// the state they share. Threads are owned RAII-style: the deleter quits and joins.

#include "demo/demoserver.h"
#include "demo/demoshared.h"

#include <QThread>

#include <memory>

namespace qscope::detail {

class DemoEngine;
class DemoNetwork;

struct ThreadStopper
{
    void operator()(QThread *t) const
    {
        t->quit();
        t->wait();
        delete t;
    }
};
using ThreadPtr = std::unique_ptr<QThread, ThreadStopper>;

class DemoServerPrivate
{
public:
    std::shared_ptr<DemoShared> shared;
    ThreadPtr netThread;
    ThreadPtr engineThread;
    DemoEngine *engine = nullptr;   // deleted on its thread when the thread finishes
    DemoNetwork *network = nullptr; // likewise
    quint16 port = 0;
    bool running = false;
    quint64 lastTicket = 0; // of DemoServer::execute, on the owner's thread
};

} // namespace qscope::detail
