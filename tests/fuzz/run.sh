#!/usr/bin/env bash
# Build the codec's libFuzzer targets with the `fuzz` preset and run each for SECONDS (default
# 30), seeded from the real kdb+ vectors. Exits non-zero if any target reports a crash, a leak,
# a timeout or a sanitizer error.   usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
secs="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build/fuzz"
targets=(fuzz_decode fuzz_framereader fuzz_decompress)

cd "$root"
cmake --preset fuzz -DQSCOPE_SANITIZE=address,undefined >/dev/null
cmake --build "$build" --target "${targets[@]}" fuzz_seeds

vectors="$root/../shared/vectors"
[ -f "$vectors/README.md" ] || vectors="$root/tests/data/vectors" # the repository's copy
seeds="$build/tests/fuzz/seeds"
"$build/tests/fuzz/fuzz_seeds" "$vectors" "$seeds"

status=0
for t in "${targets[@]}"; do
    name="${t#fuzz_}"
    corpus="$build/tests/fuzz/corpus/$name"
    artifacts="$build/tests/fuzz/artifacts/$name/"
    log="$build/tests/fuzz/$t.log"
    mkdir -p "$corpus" "$artifacts"
    echo "== $t: ${secs}s"
    if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
         "$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
             -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" \
             "$corpus" "$seeds/$name" 2>"$log"; then
        echo "!! $t failed; see $log and $artifacts" >&2
        tail -40 "$log" >&2
        status=1
    else
        grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$log" || true
    fi
done
exit "$status"
