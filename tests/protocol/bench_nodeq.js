// Times node-q's deserialize on message files written by bench_protocol.
// usage: node bench_nodeq.js <node-q dir> <name>=<file> ...
// Prints one line per file: "<name> <bytes> <best seconds>". Repeats each until 1 s has passed
// (at most 5 runs, at least 1) and keeps the best, as the C++ side does.
"use strict";
const fs = require("fs");
const path = require("path");
const nodeq = require(path.resolve(process.argv[2], "lib", "c.js"));

for (const arg of process.argv.slice(3)) {
    const eq = arg.indexOf("=");
    const name = arg.slice(0, eq);
    const bytes = fs.readFileSync(arg.slice(eq + 1));
    let best = Infinity;
    let spent = 0;
    for (let run = 0; run < 5 && (run === 0 || spent < 1.0); ++run) {
        const t0 = process.hrtime.bigint();
        const value = nodeq.deserialize(bytes);
        const dt = Number(process.hrtime.bigint() - t0) / 1e9;
        if (value === undefined)
            throw new Error("node-q returned nothing for " + name);
        best = Math.min(best, dt);
        spent += dt;
    }
    console.log(name + " " + bytes.length + " " + best);
}
