#!/usr/bin/env bash
# Builds the libFuzzer target in its own clang build directory and runs it for a bounded time.
#   tests/fuzz/run-fuzz.sh [BUILD_DIR]
#   MELODEE_FUZZ_SECONDS (default 30)  how long to fuzz
#   MELODEE_FUZZ_JOBS    (default 2)   ninja parallelism for the build
# Exit status: 0 when no crash, leak or broken invariant was found; the failing input is left in
# BUILD_DIR/artifacts/ (replay: BUILD_DIR/tests/fuzz/fuzz_config FILE).
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$src/build-fuzz}
seconds=${MELODEE_FUZZ_SECONDS:-30}
jobs=${MELODEE_FUZZ_JOBS:-2}

cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ]; then
    echo "run-fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
fi

# The GUI stays configured (not built): only fuzz_config is built, and the tests tree expects it.
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMELODEE_FUZZ=ON \
        -DMELODEE_BUILD_TESTS=ON >"$build.cmake.log" 2>&1 \
        || { cat "$build.cmake.log" >&2; exit 1; }
fi
ninja -C "$build" -j "$jobs" fuzz_config

# The corpus grows across runs in the build directory, seeded from the checked-in examples.
corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
echo "fuzzing for ${seconds}s (corpus: $corpus)"
"$build/tests/fuzz/fuzz_config" "$corpus" "$src/tests/fuzz/corpus" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/artifacts/" -print_final_stats=1
