#!/usr/bin/env bash
# qscope developer entry point (see README.md):
#   ./build.sh demo   install missing Debian packages, build Release, start qscope on the demo server
#   ./build.sh test   install missing Debian packages, build, run every test (unit, ui, interop,
#                     bench, the packaging check), a bounded libFuzzer run of the codec, and the
#                     codec and engine tests under ASan+UBSan and the engine's threading tests under
#                     TSan (skip both: QSCOPE_SANITIZERS=0; TSan only: QSCOPE_TSAN=0)
#   ./build.sh sanitizers   only the ASan+UBSan and TSan runs
#   ./build.sh build | package | deps
set -euo pipefail
cd "$(dirname "$0")"

# What building and testing needs from Debian 12.
BUILD_PKGS=(build-essential cmake ninja-build pkg-config qt6-base-dev qt6-base-dev-tools
    qt6-charts-dev qt6-svg-dev libqscintilla2-qt6-dev qtkeychain-qt6-dev libxlsxwriter-dev
    zlib1g-dev libssl-dev libgl-dev libxkbcommon-dev libqt6opengl6-dev)
# What the ctest suite needs besides (a Release build also builds the tests): openssl makes the TLS
# tests' certificates; iproute2's ip and util-linux's unshare set up the compression test's netns;
# clang-format checks the sources' layout; python3-openpyxl reads exported XLSX back; dpkg-dev and
# file check the packages; dbus-daemon runs the private bus of the desktop-notification test.
CHECK_PKGS=(xvfb xauth python3 python3-openpyxl clang-format dpkg-dev file openssl iproute2
    util-linux dbus-daemon)
# node-q interop needs node and npm; take Debian's only where the machine has none.
command -v npm >/dev/null 2>&1 || CHECK_PKGS+=(nodejs npm)
# The fuzzers and sanitizer runs of `./build.sh test` build with clang.
TEST_PKGS=("${CHECK_PKGS[@]}" clang-14 libclang-rt-14-dev)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

deps() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== installing: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}"
    fi
}

# A compiler cache, where the machine has one, makes a rebuild of unchanged sources free.
if [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && command -v ccache >/dev/null 2>&1; then
    export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi

build() { # preset [targets...]
    local preset=$1; shift
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$(nproc)" ${1:+--target "$@"}
}

# The sanitizer runs: each builds only what its tests need (core modules, no UI) and runs them.
# Debian's Qt is not built with TSan, so the ordering its event queue gives a queued call is invisible
# to TSan; the engine's hand-overs carry __tsan_release/__tsan_acquire (core/net/tsanannotate.h).
ASAN_TESTS=(test_value tst_codecvectors tst_codecrobust tst_net_connectionmanager tst_netdemo tst_netsafety tst_hostile
    tst_nettls)
TSAN_TESTS=(tst_net_connectionmanager tst_netdemo)
sanitized() { # preset tests...
    local preset=$1; shift
    local started=$SECONDS
    build "$preset" "$@"
    local only; only="^($(IFS='|'; echo "$*"))\$"
    ctest --test-dir "build/$preset" -R "$only" --no-tests=error --output-on-failure -j "$(nproc)"
    echo "== $preset: built and ran ${*} in $((SECONDS - started)) s"
}
sanitizers() {
    [ "${QSCOPE_SANITIZERS:-1}" != 0 ] || return 0
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        sanitized asan "${ASAN_TESTS[@]}"
    [ "${QSCOPE_TSAN:-1}" != 0 ] || return 0
    # die_after_fork=0: once tst_netdemo's network-namespace test has started a child with
    # QProcess, TSan stops the test at the next thread it starts ("starting new threads after
    # multi-threaded fork"), though the child exec'd at once.
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$PWD/tests/net/tsan.supp" \
        sanitized tsan "${TSAN_TESTS[@]}"
}

case "${1:-}" in
deps) deps "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" ;;
build) deps "${BUILD_PKGS[@]}" "${CHECK_PKGS[@]}"; build release ;; # the build includes the tests
demo)
    deps "${BUILD_PKGS[@]}"
    build release
    exec build/release/app/qscope --demo
    ;;
test)
    deps "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"
    build release
    # node-q, the independent client of the interop tests: a failed install fails the run here,
    # and a missing node_modules fails those tests with the reason.
    (cd tests/interop-node && npm ci --no-audit --no-fund -s) ||
        { echo "== npm ci in tests/interop-node failed: the node-q interop tests cannot run" >&2; exit 1; }
    ctest --test-dir build/release --output-on-failure --no-tests=error -j "$(nproc)"
    # The codec's libFuzzer targets (clang, ASan+UBSan), a bounded run each, seeded from real bytes.
    tests/fuzz/run.sh "${QSCOPE_FUZZ_SECONDS:-20}"
    sanitizers
    ;;
sanitizers) # the ASan+UBSan and TSan runs alone (part of `test`)
    deps "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"
    sanitizers
    ;;
package)
    deps "${BUILD_PKGS[@]}" dpkg-dev
    build release
    (cd build/release && cpack -G DEB && cpack -G TGZ)
    ;;
*)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac
