#pragma once
// What EstateState::pollQuery() answers, made in a test from a description of a q process
// (shared by the estate's unit tests).

#include "protocol/value.h"

#include <QList>

#include <optional>

namespace qscope::test {

struct Answer
{
    quint16 port = 5000;
    qint64 heap = 64 << 20;
    qint64 wmax = 0;
    qint64 mphy = qint64(16) << 30;
    std::optional<qint64> logPosition;
    QByteArray upstream;    ///< ":host:port" as r.q keeps it in .u.x 0
    int wh = 0;             ///< the handle its publisher knows it by
    QList<int> subscribers; ///< handles in .u.w`trade
    struct Peer
    {
        int handle;
        QByteArray host;
        int port;
    };
    QList<Peer> peers;       ///< .qscope.peers, as the agent keeps it (none: not defined)
    bool keyedPeers = false; ///< ([handle] host; port) rather than ([] handle; host; port)
};

/// What EstateState::pollQuery() answers, item by item, from a q process described by a.
inline Value answer(const Answer &a)
{
    const Value w = Value::dict(
        Value::symbols({"used", "heap", "peak", "wmax", "mmap", "mphy", "syms", "symw"}),
        Value::fromVector(
            Long, std::vector<int64_t>{a.heap / 2, a.heap, a.heap, a.wmax, 0, a.mphy, 0, 0}));
    std::vector<Value> pairs;
    for (int h : a.subscribers)
        pairs.push_back(Value::list({Value::intAtom(h), Value::symbol({})}));
    const Value uw = a.subscribers.isEmpty() ? Value::list({})
                                             : Value::dict(Value::symbols({"trade"}),
                                                           Value::list({Value::list(pairs)}));
    const Value none = Value::list({});
    Value peers = none;
    if (!a.peers.isEmpty()) {
        std::vector<int32_t> hs, ports;
        std::vector<QByteArray> hosts;
        for (const Answer::Peer &p : a.peers) {
            hs.push_back(p.handle);
            hosts.push_back(p.host);
            ports.push_back(p.port);
        }
        const Value h = Value::fromVector(Int, hs), host = Value::symbols(hosts),
                    port = Value::fromVector(Int, ports);
        peers = a.keyedPeers
                    ? Value::dict(
                          Value::table(Value::symbols({"handle"}), Value::list({h})),
                          Value::table(Value::symbols({"host", "port"}), Value::list({host, port})))
                    : Value::table(Value::symbols({"handle", "host", "port"}),
                                   Value::list({h, host, port}));
    }
    return Value::list({Value::intAtom(a.port), Value::intAtom(1234), w, none, uw,
                        a.logPosition ? Value::longAtom(*a.logPosition) : none,
                        a.upstream.isEmpty() ? none : Value::list({Value::string(a.upstream)}),
                        none, a.wh ? Value::intAtom(a.wh) : none, none, Value::longAtom(0), peers});
}

} // namespace qscope::test
