#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs packages, builds, and runs ctest.
# The tests start their own PostgreSQL, redis-server and keychain session (CTest fixtures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
# Formatting drift and compiler warnings in our code fail the run (-Werror: MELODEE_WERROR).
"$root/scripts/check-style.sh"
"$root/scripts/build.sh"
build=${MELODEE_BUILD_DIR:-$root/build}
# Qt-specific mistakes (detaching containers, QString misuse, ...) fail the run too.
"$root/scripts/check-clazy.sh" "$build"
cd "$build"
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
