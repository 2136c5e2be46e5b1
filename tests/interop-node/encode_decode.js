// Our encoder's bytes read by node-q, an independent kdb+ implementation (npm): for each q
// literal, `qscope-cli encode` prints the IPC message -8! would give, and node-q's deserialize
// must turn it into the JS value node-q documents for that q type. Covers an atom of every
// type (with nulls and infinities), vectors, general and nested lists, dicts, tables, keyed
// tables, :: and a compressed message (-18!).
// usage: node encode_decode.js <path to qscope-cli>
// Prints one line per case and a closing "N passed, N failed" line; exits 1 on any failure.
"use strict";
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const {execFileSync} = require("child_process");

const modules = path.join(__dirname, "node_modules");
if (!fs.existsSync(path.join(modules, "node-q"))) {
    console.error(
        "encode_decode.js: node-q is not installed in " + modules +
        " (run `npm ci` in tests/interop-node; ./build.sh test does)");
    process.exit(1);
}
const libc = require(path.join(modules, "node-q", "lib", "c.js"));
const Long = require(path.join(modules, "long"));

const cli = process.argv[2];
if (!cli || !fs.existsSync(cli)) {
    console.error("usage: node encode_decode.js <path to qscope-cli> (got " + cli + ")");
    process.exit(1);
}

/// The message bytes for a literal, from `qscope-cli encode [--compress] literal`.
function encode(literal, compress) {
    const args = ["encode"].concat(compress ? ["--compress"] : [], [literal]);
    const out = execFileSync(cli, args, {encoding: "utf8", timeout: 60000}).trim();
    assert.match(out, /^0x([0-9a-f]{2})+$/, "encode printed " + JSON.stringify(out));
    return Buffer.from(out.slice(2), "hex");
}

// node-q's own defaults (nodeq.connect): temporal values as Date, tables flipped to row
// objects, " " as null, longs as JS numbers.
const decode = (bytes) => libc.deserialize(bytes);
const utc = (text) => new Date(text);
const at2000 = (text) => new Date("2000-01-01T" + text + "Z");

const cases = [
    // atoms of each type
    ["1b", true],
    ["0b", false],
    ["\"G\"$\"8c680a01-5a49-5aab-5a65-d4bfddb6a661\"", "8c680a01-5a49-5aab-5a65-d4bfddb6a661"],
    ["0Ng", null],
    ["0x2a", 42],
    ["-12h", -12],
    ["0Nh", null],
    ["0Wh", Infinity],
    ["123456i", 123456],
    ["0Ni", null],
    ["-0Wi", -Infinity],
    ["42", 42],
    ["-9007199254740991", -9007199254740991],
    ["0N", null],
    ["0W", Infinity],
    ["1.5e", 1.5],
    ["0Ne", null],
    ["3.25", 3.25],
    ["-0.125f", -0.125],
    ["0n", null],
    ["\"a\"", "a"],
    ["`abc", "abc"],
    ["`", null],
    ["2024.01.02D03:04:05.123000000", utc("2024-01-02T03:04:05.123Z")],
    ["0Np", null],
    ["2024.03m", utc("2024-03-01T00:00:00Z")],
    ["2024.01.02", utc("2024-01-02T00:00:00Z")],
    ["1999.12.31", utc("1999-12-31T00:00:00Z")],
    ["0Nd", null],
    ["2024.01.02T03:04:05.250", utc("2024-01-02T03:04:05.250Z")],
    ["0D01:02:03.004000000", at2000("01:02:03.004")],
    ["01:02u", at2000("01:02:00")],
    ["01:02:03v", at2000("01:02:03")],
    // node-q reaches a Date through a floating fraction of a day: .456 would come out as .455,
    // so the case uses a binary-exact fraction (its rounding is node-q's, not the bytes').
    ["01:02:03.250", at2000("01:02:03.250")],
    ["0Nt", null],
    // vectors
    ["1 2 3", [1, 2, 3]],
    ["1 0N 3", [1, null, 3]],
    ["10101b", [true, false, true, false, true]],
    ["0x00ff10", [0, 255, 16]],
    ["1 2 3h", [1, 2, 3]],
    ["7 8i", [7, 8]],
    ["1.5 2.5 0n", [1.5, 2.5, null]],
    ["1.25 -2e", [1.25, -2]],
    ["\"hello\"", "hello"],
    ["\"h\\\"i\\\\\"", "h\"i\\"],
    ["`a`bc`", ["a", "bc", null]],
    ["2024.01.01 2024.01.02", [utc("2024-01-01T00:00:00Z"), utc("2024-01-02T00:00:00Z")]],
    ["`s#1 2 3", [1, 2, 3]],
    ["`long$()", []],
    ["0#`", []],
    ["\"\"", ""],
    // general and nested lists
    ["(1;`a;\"xy\";2.5)", [1, "a", "xy", 2.5]],
    ["((1 2;3 4);(`a;(\"b\";1b)))", [[[1, 2], [3, 4]], ["a", ["b", true]]]],
    ["()", []],
    ["(::)", null],
    ["::", null],
    ["enlist 5", [5]],
    // dicts, tables, keyed tables
    ["`a`b!1 2", {a: 1, b: 2}],
    ["`x`y!(1 2;`u`v)", {x: [1, 2], y: ["u", "v"]}],
    ["([] a:1 2; b:`x`y; c:(\"pq\";\"r\"))",
        [{a: 1, b: "x", c: "pq"}, {a: 2, b: "y", c: "r"}]],
    ["flip `p`q!(1.5 2.5;01b)", [{p: 1.5, q: false}, {p: 2.5, q: true}]],
    ["([k:`a`b] v:10 20)", [[{k: "a"}, {k: "b"}], [{v: 10}, {v: 20}]]],
    ["`a`b!(`c`d!1 2;([] z:3 4))", {a: {c: 1, d: 2}, b: [{z: 3}, {z: 4}]}],
];

let passed = 0;
let failed = 0;
function check(name, fn) {
    try {
        fn();
        passed++;
        console.log("PASS   " + name);
    } catch (e) {
        failed++;
        console.log("FAIL!  " + name + "\n       " + String(e.message).split("\n").join("\n       "));
    }
}

for (const [literal, expected] of cases) {
    check(literal, () => {
        const bytes = encode(literal, false);
        assert.strictEqual(bytes[0], 1, "little-endian flag");
        assert.strictEqual(bytes[2], 0, "not compressed");
        assert.strictEqual(bytes.readUInt32LE(4), bytes.length, "header size = message size");
        assert.deepStrictEqual(decode(bytes), expected);
    });
}

// A long beyond 2^53 read exactly, as node-q's Long (long2number false).
check("9007199254740993 as Long", () => {
    const v = libc.deserialize(encode("9007199254740993", false), true, true, true, false);
    assert.ok(Long.isLong(v), "a Long");
    assert.strictEqual(v.toString(), "9007199254740993");
});

// Compressed messages (-18!): node-q inflates them with its own port of kdb+'s algorithm.
check("--compress: 1000 longs", () => {
    const xs = Array.from({length: 1000}, (_, i) => i % 7);
    const bytes = encode(xs.join(" "), true);
    assert.strictEqual(bytes[2], 1, "compressed flag");
    assert.ok(bytes.length * 2 <= 8 + 6 + 8 * 1000, "at least halved: " + bytes.length);
    assert.deepStrictEqual(decode(bytes), xs);
});
check("--compress: a table of 300 rows", () => {
    const n = 300;
    const syms = Array.from({length: n}, (_, i) => ["AAPL", "MSFT", "IBM"][i % 3]);
    const px = Array.from({length: n}, (_, i) => 100 + (i % 4) * 0.25);
    const literal = "([] sym:`" + syms.join("`") + "; px:" +
                    px.map((p) => (Number.isInteger(p) ? p + "f" : String(p))).join(" ") + ")";
    const bytes = encode(literal, true);
    assert.strictEqual(bytes[2], 1, "compressed flag");
    const rows = decode(bytes);
    assert.strictEqual(rows.length, n);
    assert.deepStrictEqual(rows[4], {sym: "MSFT", px: 100});
    assert.deepStrictEqual(rows[n - 1], {sym: syms[n - 1], px: px[n - 1]});
});
check("--compress: a short message stays plain", () => {
    const bytes = encode("1 2 3", true);
    assert.strictEqual(bytes[2], 0);
    assert.deepStrictEqual(decode(bytes), [1, 2, 3]);
});

// node-q's own encoder agrees byte for byte where both encode the same value the same way.
for (const [literal, js] of [["`a`b!1.5 2.5", {a: 1.5, b: 2.5}], ["1.5 2.5", [1.5, 2.5]],
                             ["-0.5", -0.5], ["1b", true]]) {
    check("node-q serialize == qscope encode: " + literal, () => {
        assert.strictEqual(encode(literal, false).toString("hex"),
                           libc.serialize(js).toString("hex"));
    });
}

// A literal the parser refuses: a clear error, exit code 1, nothing on stdout.
check("bad literal is an error", () => {
    let threw = false;
    try {
        execFileSync(cli, ["encode", "til 5"], {encoding: "utf8", stdio: "pipe"});
    } catch (e) {
        threw = true;
        assert.strictEqual(e.status, 1);
        assert.strictEqual(e.stdout, "");
        assert.match(e.stderr, /qscope-cli encode:/);
    }
    assert.ok(threw, "expected a non-zero exit");
});

console.log(passed + " passed, " + failed + " failed");
process.exit(failed === 0 ? 0 : 1);
