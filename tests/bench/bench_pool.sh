#!/usr/bin/env bash
# Pool throughput against pgbench and two other pools, in the same run, on a private PostgreSQL
# over TCP 127.0.0.1:
#   pgbench -M prepared -c <max-open> -j 2 -f select1.sql   (no pool: the client-side ceiling)
#   melodee bench pool --workers <workers> --max-open <max-open>             (a lease per statement)
#   melodee bench pool --workers <workers> --max-open <max-open> --pipeline  (statements queued on
#                                                 the same connections in libpq's pipeline mode)
#   HikariCP 2.7.9 + pgjdbc           (tests/bench/peers/HikariBench.java, same workload)
#   Go database/sql + pgx v4          (tests/bench/peers/pgxbench.go, same workload)
# with the CPU the server's backends spent per operation for each system, then the RSS of a pool
# holding 50 open connections. Prints one JSON object.
#   bench_pool.sh [--melodee PATH] [--seconds 10] [--workers 16] [--max-open 8] [--runs 1]
#                 [--peer-cache DIR]
# The peers are compiled from source on each run (or once into --peer-cache DIR) from Debian's
# packages (scripts/install-deps.sh); a missing compiler or library is an error, not a skip.
# Figures are medians over the runs; each ratio is the median of the per-round ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
melodee=${MELODEE_CLI:-$here/../../build/bin/melodee}
seconds=10
workers=16
maxopen=8
runs=1
peercache=
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --max-open) maxopen=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --peer-cache) peercache=$2; shift 2 ;;
    *) echo "bench_pool.sh: unknown argument \"$1\"" >&2; exit 3 ;;
    esac
done
[ -x "$melodee" ] || { echo "bench_pool.sh: melodee binary not found at \"$melodee\" (use --melodee)" >&2; exit 3; }

state=$(mktemp -d /tmp/melodee-bench-pool.XXXXXX)
cleanup() { "$here/../fixtures/pg-fixture.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT
"$here/../fixtures/pg-fixture.sh" start "$state" >&2
"$here/peers/build-peers.sh" "${peercache:-$state/peers}" >&2
peers=${peercache:-$state/peers}
. "$state/pg.env"
pgbench="$MELODEE_TEST_PG_BIN/pgbench"
echo 'SELECT 1;' > "$state/select1.sql"
# Same server, same address, no TLS for either side, so only the client code differs.
dsn="host=127.0.0.1 port=$MELODEE_TEST_PG_PORT user=postgres dbname=postgres sslmode=disable"

# The server's side of each system's run: the CPU time its backends used, from the postmaster's
# cutime/cstime (a backend's time is added there once it has exited and been reaped), per
# operation. On a machine where both CPUs are busy, client and server CPU per operation together
# set the rate, so this shows on which side a difference lies. It includes the runs' connection
# starts. Linux /proc.
postmaster=$(head -n 1 "$MELODEE_TEST_PG_DIR/data/postmaster.pid")
ticks=$(getconf CLK_TCK)
server_children() { ps --ppid "$postmaster" -o pid= | wc -l; }
idle_children=$(server_children)
server_cpu() { # the backends' CPU seconds so far, once the last run's backends are reaped
    local i
    for i in $(seq 1 200); do # up to 10 s
        [ "$(server_children)" -le "$idle_children" ] && break
        sleep 0.05
    done
    awk -v t="$ticks" '{ printf "%.4f", ($16 + $17) / t }' "/proc/$postmaster/stat"
}
per_op_us() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { v = n > 0 ? (b - a) * 1e6 / n : 0; printf "%.2f", v }'; }

# One round: pgbench (-j 2, the reference), our pool, and pgbench with one thread per connection
# (-j max-open: the same thread-per-caller model as ours, to show what that model costs here).
# Odd rounds run pgbench first, even rounds ours first, so a machine that speeds up or slows
# down during the run does not favour either side; the ratio is the median of the per-round
# ratios.
run_pgbench() { # $1 = threads, $2 = output prefix
    TIMEFORMAT='%U %S'
    { time PGSSLMODE=disable PGAPPNAME=pgbench "$pgbench" -n -M prepared -c "$maxopen" -j "$1" \
        -T "$seconds" -f "$state/select1.sql" -h 127.0.0.1 -p "$MELODEE_TEST_PG_PORT" \
        -U postgres postgres >"$state/$2.out" 2>&1; } 2>"$state/$2.time"
    local tps
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$state/$2.out" | head -n 1)
    [ -n "$tps" ] || { echo "pgbench failed: $(cat "$state/$2.out")" >&2; exit 1; }
    echo "$tps"
}
run_ours() { # $1 = output prefix, then extra options
    local out=$1
    shift
    TIMEFORMAT='%U %S'
    { time "$melodee" bench pool --dsn "$dsn" --workers "$workers" --max-open "$maxopen" \
        --seconds "$seconds" --json "$@" >"$state/$out.json"; } 2>"$state/$out.time"
    tr -d ' \n' <"$state/$out.json" | sed -n 's/.*"ops_per_sec":\([0-9.e+]*\).*/\1/p'
}
# Client CPU per operation as well: on a shared, loaded machine the scheduler's share per thread
# skews ops/s, while CPU time per operation measures the client code itself.
cpu_per_op() { awk -v n="$2" '{ printf "%.2f", ($1 + $2) * 1e6 / n }' "$1"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run_hikari() {
    java -cp "$peers/java:$(tr '\n' ':' <"$peers/java/classpath")" HikariBench \
        "jdbc:postgresql://127.0.0.1:$MELODEE_TEST_PG_PORT/postgres?sslmode=disable" postgres \
        "$workers" "$maxopen" "$seconds" >"$state/hikari.json" 2>"$state/hikari.err" \
        || { echo "HikariCP peer failed: $(cat "$state/hikari.err")" >&2; exit 1; }
    tr -d ' \n' <"$state/hikari.json" | sed -n 's/.*"ops_per_sec":\([0-9.e+]*\).*/\1/p'
}
run_pgx() {
    "$peers/pgxbench" "$dsn" "$workers" "$maxopen" "$seconds" >"$state/pgx.json" 2>"$state/pgx.err" \
        || { echo "pgx peer failed: $(cat "$state/pgx.err")" >&2; exit 1; }
    tr -d ' \n' <"$state/pgx.json" | sed -n 's/.*"ops_per_sec":\([0-9.e+]*\).*/\1/p'
}
field() { tr -d ' \n' <"$1" | sed -n "s/.*\"$2\":\([0-9.e+]*\).*/\1/p" | head -n 1; }
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

ratios=
hikari_ratios=
hikari_pg_ratios=
pgx_pg_ratios=
tpc_ratios=
pg_tps_all=
ours_all=
hikari_all=
pgx_all=
pg_cpus=
ours_cpus=
ours_acq=
hikari_acq=
pgx_acq=
pg_srv=
ours_srv=
hikari_srv=
pgx_srv=
pipe_ratios=
pipe_hikari_ratios=
pipe_all=
pipe_cpus=
pipe_srv=
ours_p99=
pipe_p99=
ours_p50=
pipe_p50=
systems=(pgbench ours pipeline hikari pgx)
for run in $(seq 1 "$runs"); do
    # Rotate the order each round so that no system always runs first or last.
    for k in 0 1 2 3 4; do
        system=${systems[$(((run - 1 + k) % 5))]}
        before=$(server_cpu)
        case $system in
        pgbench) tps=$(run_pgbench 2 pgbench) ;;
        ours) ops=$(run_ours ours) ;;
        pipeline) pipe=$(run_ours pipeline --pipeline) ;;
        hikari) hik=$(run_hikari) ;;
        pgx) pgx=$(run_pgx) ;;
        esac
        after=$(server_cpu)
        case $system in
        pgbench) pg_srv="$pg_srv $(per_op_us "$before" "$after" "$(awk -v t="$tps" -v s="$seconds" 'BEGIN { print t * s }')")" ;;
        ours) ours_srv="$ours_srv $(per_op_us "$before" "$after" "$(field "$state/ours.json" ops)")" ;;
        pipeline) pipe_srv="$pipe_srv $(per_op_us "$before" "$after" "$(field "$state/pipeline.json" ops)")" ;;
        hikari) hikari_srv="$hikari_srv $(per_op_us "$before" "$after" "$(field "$state/hikari.json" ops)")" ;;
        pgx) pgx_srv="$pgx_srv $(per_op_us "$before" "$after" "$(field "$state/pgx.json" ops)")" ;;
        esac
    done
    tpc=$(run_pgbench "$maxopen" pgbench-tpc)
    ours_json=$(cat "$state/ours.json")
    total_ops=$(printf '%s' "$ours_json" | tr -d ' \n' | sed -n 's/.*"ops":\([0-9.e+]*\).*/\1/p')
    pg_cpu=$(cpu_per_op "$state/pgbench.time" "$(awk -v t="$tps" -v s="$seconds" 'BEGIN { print t * s }')")
    ours_cpu=$(cpu_per_op "$state/ours.time" "$total_ops")
    pipe_cpu=$(cpu_per_op "$state/pipeline.time" "$(field "$state/pipeline.json" ops)")
    ratio=$(ratio_of "$ops" "$tps")
    hikari_ratio=$(ratio_of "$ops" "$hik")
    pipe_ratio=$(ratio_of "$pipe" "$tps")
    pipe_hikari_ratio=$(ratio_of "$pipe" "$hik")
    tpc_ratio=$(ratio_of "$tpc" "$tps")
    echo "run $run: pgbench $tps tps ($pg_cpu us client CPU/op), melodee $ops ops/s" \
        "($ours_cpu us client CPU/op), ratio $ratio; melodee --pipeline $pipe ops/s" \
        "($pipe_cpu us client CPU/op), ratio $pipe_ratio; HikariCP $hik ops/s (ours/HikariCP" \
        "$hikari_ratio, pipeline/HikariCP $pipe_hikari_ratio); pgx $pgx ops/s;" \
        "pgbench -j $maxopen $tpc tps ($tpc_ratio)" >&2
    pipe_ratios="$pipe_ratios $pipe_ratio"
    pipe_hikari_ratios="$pipe_hikari_ratios $pipe_hikari_ratio"
    pipe_all="$pipe_all $pipe"
    pipe_cpus="$pipe_cpus $pipe_cpu"
    ours_p99="$ours_p99 $(field "$state/ours.json" p99_us)"
    pipe_p99="$pipe_p99 $(field "$state/pipeline.json" p99_us)"
    ours_p50="$ours_p50 $(field "$state/ours.json" p50_us)"
    pipe_p50="$pipe_p50 $(field "$state/pipeline.json" p50_us)"
    ratios="$ratios $ratio"
    hikari_ratios="$hikari_ratios $hikari_ratio"
    hikari_pg_ratios="$hikari_pg_ratios $(ratio_of "$hik" "$tps")"
    pgx_pg_ratios="$pgx_pg_ratios $(ratio_of "$pgx" "$tps")"
    tpc_ratios="$tpc_ratios $tpc_ratio"
    pg_tps_all="$pg_tps_all $tps"
    ours_all="$ours_all $ops"
    hikari_all="$hikari_all $hik"
    pgx_all="$pgx_all $pgx"
    pg_cpus="$pg_cpus $pg_cpu"
    ours_cpus="$ours_cpus $ours_cpu"
    ours_acq="$ours_acq $(field "$state/ours.json" acquire_p99_us)"
    hikari_acq="$hikari_acq $(field "$state/hikari.json" acquire_p99_us)"
    pgx_acq="$pgx_acq $(field "$state/pgx.json" acquire_p99_us)"
done
ratio=$(echo "$ratios" | median)
tpc_ratio=$(echo "$tpc_ratios" | median)
pg_median=$(echo "$pg_tps_all" | median)
ours_median=$(echo "$ours_all" | median)
pg_cpu_median=$(echo "$pg_cpus" | median)
ours_cpu_median=$(echo "$ours_cpus" | median)
hikari_ratio=$(echo "$hikari_ratios" | median)
# A server share of 0 means the measurement failed (the backends' time never reached the
# postmaster), not a free server.
for list in "$pg_srv" "$ours_srv" "$pipe_srv" "$hikari_srv" "$pgx_srv"; do
    [ "$(echo "$list" | median | awk '{ print ($1 > 0) }')" = 1 ] \
        || { echo "bench_pool.sh: no server CPU measured per operation (\"$list\")" >&2; exit 1; }
done
json_list() { echo "$1" | awk '{ $1 = $1; gsub(/ /, ", "); print "[" $0 "]" }'; }

# Memory: a pool holding 50 open connections (RSS after warming minus RSS before the pool).
rss_json=$("$melodee" bench pool --dsn "$dsn" --workers 50 --max-open 50 --seconds 1 --json)
rss_start=$(printf '%s' "$rss_json" | tr -d ' \n' | sed -n 's/.*"rss_start_kb":\([0-9.e+]*\).*/\1/p')
rss_warm=$(printf '%s' "$rss_json" | tr -d ' \n' | sed -n 's/.*"rss_warm_kb":\([0-9.e+]*\).*/\1/p')

cat <<JSON
{
  "workload": "SELECT 1 over TCP 127.0.0.1, prepared, $workers callers on $maxopen connections, ${seconds}s x $runs",
  "pgbench_tps": $pg_median,
  "melodee_ops_per_sec": $ours_median,
  "ratio": $ratio,
  "ratios_per_run": $(json_list "$ratios"),
  "target_ratio": 0.95,
  "melodee_pipeline_ops_per_sec": $(echo "$pipe_all" | median),
  "pipeline_ratio": $(echo "$pipe_ratios" | median),
  "pipeline_ratios_per_run": $(json_list "$pipe_ratios"),
  "pipeline_ratio_to_hikaricp": $(echo "$pipe_hikari_ratios" | median),
  "pipeline_ratios_to_hikaricp_per_run": $(json_list "$pipe_hikari_ratios"),
  "statement_p50_us": {"melodee": $(echo "$ours_p50" | median), "melodee_pipeline": $(echo "$pipe_p50" | median)},
  "statement_p99_us": {"melodee": $(echo "$ours_p99" | median), "melodee_pipeline": $(echo "$pipe_p99" | median)},
  "hikaricp_ops_per_sec": $(echo "$hikari_all" | median),
  "ratio_to_hikaricp": $hikari_ratio,
  "ratios_to_hikaricp_per_run": $(json_list "$hikari_ratios"),
  "target_ratio_to_hikaricp": 1.05,
  "hikaricp_ratio_to_pgbench": $(echo "$hikari_pg_ratios" | median),
  "pgx_ops_per_sec": $(echo "$pgx_all" | median),
  "pgx_ratio_to_pgbench": $(echo "$pgx_pg_ratios" | median),
  "acquire_p99_us": {"melodee": $(echo "$ours_acq" | median), "hikaricp": $(echo "$hikari_acq" | median), "pgx": $(echo "$pgx_acq" | median)},
  "pgbench_thread_per_connection_ratio": $tpc_ratio,
  "pgbench_client_cpu_us_per_op": $pg_cpu_median,
  "melodee_client_cpu_us_per_op": $ours_cpu_median,
  "melodee_pipeline_client_cpu_us_per_op": $(echo "$pipe_cpus" | median),
  "server_cpu_us_per_op": {"pgbench": $(echo "$pg_srv" | median), "melodee": $(echo "$ours_srv" | median), "melodee_pipeline": $(echo "$pipe_srv" | median), "hikaricp": $(echo "$hikari_srv" | median), "pgx": $(echo "$pgx_srv" | median)},
  "melodee_last_run": $(printf '%s' "$ours_json" | tr -d '\n'),
  "rss_kb_before_pool": $rss_start,
  "rss_kb_with_50_connections": $rss_warm,
  "machine_load_1m": $(cut -d' ' -f1 /proc/loadavg)
}
JSON
