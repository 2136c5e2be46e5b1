// node-q (an independent kdb+ client) against qscope-demo: login, queries, a q error, a
// kdb-tick subscription with a sym filter, an upd published by node-q itself, and the stream it
// receives. Prints one JSON object per line; the C++ test (tests/demo/tst_demointerop.cpp)
// checks them.
// usage: node demo_interop.js <port> [user password]
"use strict";
const path = require("path");
const nodeq = require(path.join(__dirname, "node_modules", "node-q"));
const Long = require(path.join(__dirname, "node_modules", "long"));

const port = Number(process.argv[2]);
const params = {host: "127.0.0.1", port: port};
if (process.argv.length > 4) {
    params.user = process.argv[3];
    params.password = process.argv[4];
}
const out = (o) => console.log(JSON.stringify(o));
const fail = (what, err) => {
    out({event: "fail", what: what, error: String(err && err.message ? err.message : err)});
    process.exit(1);
};
setTimeout(() => fail("timeout", "no complete run in 30 s"), 30000).unref();

nodeq.connect(params, (err, con) => {
    if (err)
        return fail("connect", err);
    out({event: "connected"});
    con.k(".u.t", (err, tables) => {
        if (err)
            return fail(".u.t", err);
        out({event: "tables", value: tables});
        con.k("1+`a", (qerr) => {
            out({event: "error", value: qerr ? qerr.message : null});
            const rows = [];
            con.on("upd", (table, data) => {
                for (const r of data)
                    rows.push({table: table, sym: r.sym, price: r.price, size: r.size});
                if (rows.length >= 3) {
                    out({event: "upd", rows: rows});
                    con.k("trade", (err, trade) => {
                        if (err)
                            return fail("trade", err);
                        out({event: "rdb", count: trade.length});
                        con.close(() => {
                            out({event: "closed"});
                            process.exit(0);
                        });
                    });
                }
            });
            con.k("`.u.sub", "`trade", nodeq.symbols(["AAPL", "MSFT"]), (err, res) => {
                if (err)
                    return fail(".u.sub", err);
                out({event: "sub", table: res[0], columns: Object.keys(res[1])});
                // publish as a feed does: (`.u.upd;`trade;(syms;prices;sizes)), async
                const data = [
                    nodeq.symbols(["AAPL", "IBM", "MSFT", "AAPL"]),
                    nodeq.floats([101.5, 20.25, 300.75, 102]),
                    nodeq.longs([100, 200, 300, 400].map((n) => Long.fromNumber(n))),
                ];
                con.ks("`.u.upd", "`trade", data, (err) => {
                    if (err)
                        return fail(".u.upd", err);
                    out({event: "published"});
                });
            });
        });
    });
});
