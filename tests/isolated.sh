#!/bin/sh
# Runs one test executable with a HOME of its own, emptied first: ctest runs tests in parallel, and
# Qt's test-mode settings, data and the session journal live under $HOME/.qttest, so two UI tests
# (or a crashed earlier run) sharing one HOME would read each other's tabs, pins and journals.
#   usage: isolated.sh HOME_DIR EXECUTABLE [ARGS...]
set -e
home=$1
shift
rm -rf "$home"
mkdir -p "$home"
HOME=$home
export HOME
exec "$@"
