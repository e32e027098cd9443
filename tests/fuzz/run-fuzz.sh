#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_<target>.cpp) in their own clang build directory
# and runs them one after another.
#   tests/fuzz/run-fuzz.sh [-d BUILD_DIR] [--build-only | --no-build] [--smoke] [TARGET...]
#     TARGET         config, cursor, lint, migration, normalize, redaction, songjson, sql, time
#                    (default: all)
#     -d BUILD_DIR   default: build-fuzz in the source tree
#     --smoke        MELODEE_FUZZ_RUNS inputs per target from the seed corpus on, corpus not kept
#                    (what ctest -L fuzz runs), unless MELODEE_FUZZ_SECONDS is set
#   MELODEE_FUZZ_SECONDS (default 30)     how long to fuzz each target
#   MELODEE_FUZZ_RUNS    (default 10000)  inputs per target in a --smoke run
#   MELODEE_FUZZ_JOBS    (default 2)      ninja parallelism for the build
# The long run, ten minutes per target:
#   MELODEE_FUZZ_SECONDS=600 tests/fuzz/run-fuzz.sh 2>&1 | tee fuzz.log
# One target: tests/fuzz/run-fuzz.sh lint. Each target's corpus grows across runs in
# BUILD_DIR/corpus/<target>, seeded from tests/fuzz/corpus/<target>/.
# Exit status: 0 when no crash, leak, UB, timeout or broken invariant was found; the failing input
# is left in BUILD_DIR/artifacts/<target>/ (replay: BUILD_DIR/tests/fuzz/fuzz_<target> FILE).
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$src/build-fuzz
mode=fuzz
build_step=yes
targets=()
while [ $# -gt 0 ]; do
    case $1 in
    -d) build=$2; shift 2 ;;
    --build-only) mode=none; shift ;;
    --no-build) build_step=no; shift ;;
    --smoke) [ -n "${MELODEE_FUZZ_SECONDS:-}" ] || mode=smoke; shift ;;
    -h | --help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "run-fuzz.sh: unknown option $1" >&2; exit 3 ;;
    *) targets+=("$1"); shift ;;
    esac
done
seconds=${MELODEE_FUZZ_SECONDS:-30}
runs=${MELODEE_FUZZ_RUNS:-10000}
jobs=${MELODEE_FUZZ_JOBS:-2}

all=()
for f in "$src"/tests/fuzz/fuzz_*.cpp; do
    t=${f##*/fuzz_}
    all+=("${t%.cpp}")
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    [ -f "$src/tests/fuzz/fuzz_$t.cpp" ] \
        || { echo "run-fuzz.sh: no target \"$t\" (have: ${all[*]})" >&2; exit 3; }
done

if [ $build_step = yes ]; then
    cxx=$(command -v clang++-14 || command -v clang++ || true)
    if [ -z "$cxx" ]; then
        echo "run-fuzz.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
        exit 1
    fi
    # The GUI stays configured (not built): only the fuzz targets are built.
    if [ ! -f "$build/CMakeCache.txt" ]; then
        mkdir -p "$build"
        cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMELODEE_FUZZ=ON \
            -DMELODEE_BUILD_TESTS=ON >"$build/cmake.log" 2>&1 \
            || { cat "$build/cmake.log" >&2; exit 1; }
    fi
    ninja -C "$build" -j "$jobs" "${targets[@]/#/fuzz_}"
fi
[ $mode != none ] || exit 0

status=0
summary=()
for t in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$t
    seeds=$src/tests/fuzz/corpus/$t
    artifacts=$build/artifacts/$t
    log=$build/logs/$t.log
    mkdir -p "$artifacts" "$build/logs"
    # libFuzzer writes new inputs into the first directory; tests/fuzz/corpus/<target> is only read.
    if [ $mode = smoke ]; then
        corpus=$build/smoke/$t
        rm -rf "$corpus"
        limit=(-runs="$runs")
    else
        corpus=$build/corpus/$t
        limit=(-max_total_time="$seconds")
    fi
    mkdir -p "$corpus"
    opts=(-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
    case $t in
    lint | migration | sql) opts+=(-dict="$src/tests/fuzz/sql.dict") ;;
    cursor | songjson | redaction) opts+=(-dict="$src/tests/fuzz/json.dict") ;;
    time) opts+=(-dict="$src/tests/fuzz/time.dict") ;;
    esac
    echo "== fuzz_$t: ${limit[*]} (corpus $corpus, log $log)"
    start=$SECONDS
    if "$exe" "$corpus" "$seeds" "${limit[@]}" "${opts[@]}" >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        tail -n 60 "$log" >&2
        echo "fuzz_$t FAILED; input kept in $artifacts/; replay: $exe FILE" >&2
    fi
    # libFuzzer's last status line and final stats, as one summary line per target.
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+)\/([^ ]+).*/cov \1, ft \2, corpus \3 (\4)/p' <<<"$last")
    speed=$(sed -nE 's/^stat::average_exec_per_sec:[[:space:]]*([0-9]+)/\1/p' "$log")
    execs=$(sed -nE 's/^stat::number_of_executed_units:[[:space:]]*([0-9]+)/\1/p' "$log")
    summary+=("$(printf 'fuzz_%-10s %-6s %4ss  %9s execs  %6s exec/s  %s' \
        "$t" "$result" $((SECONDS - start)) "${execs:-?}" "${speed:-?}" "${cov:-?}")")
done
printf '%s\n' "${summary[@]}"
exit $status
