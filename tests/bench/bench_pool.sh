#!/usr/bin/env bash
# Pool throughput against pgbench, in the same run, on a private PostgreSQL over TCP 127.0.0.1:
#   pgbench -M prepared -c <max-open> -j 2 -f select1.sql   (no pool: the client-side ceiling)
#   melodee bench pool --workers <workers> --max-open <max-open>
# then the RSS of a pool holding 50 open connections. Prints one JSON object.
#   bench_pool.sh [--melodee PATH] [--seconds 10] [--workers 16] [--max-open 8] [--runs 1]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
melodee=${MELODEE_CLI:-$here/../../build/bin/melodee}
seconds=10
workers=16
maxopen=8
runs=1
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --max-open) maxopen=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "bench_pool.sh: unknown argument \"$1\"" >&2; exit 3 ;;
    esac
done
[ -x "$melodee" ] || { echo "bench_pool.sh: melodee binary not found at \"$melodee\" (use --melodee)" >&2; exit 3; }

state=$(mktemp -d /tmp/melodee-bench-pool.XXXXXX)
cleanup() { "$here/../fixtures/pg-fixture.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT
"$here/../fixtures/pg-fixture.sh" start "$state" >&2
. "$state/pg.env"
pgbench="$MELODEE_TEST_PG_BIN/pgbench"
echo 'SELECT 1;' > "$state/select1.sql"
# Same server, same address, no TLS for either side, so only the client code differs.
dsn="host=127.0.0.1 port=$MELODEE_TEST_PG_PORT user=postgres dbname=postgres sslmode=disable"

pg_total=0
ours_total=0
ours_json=
for run in $(seq 1 "$runs"); do
    # Client CPU per operation as well: on a shared, loaded machine the scheduler's share per
    # thread skews ops/s, while CPU time per operation measures the client code itself.
    TIMEFORMAT='%U %S'
    { time PGSSLMODE=disable PGAPPNAME=pgbench "$pgbench" -n -M prepared -c "$maxopen" -j 2 \
        -T "$seconds" -f "$state/select1.sql" -h 127.0.0.1 -p "$MELODEE_TEST_PG_PORT" \
        -U postgres postgres >"$state/pgbench.out" 2>&1; } 2>"$state/pgbench.time"
    out=$(cat "$state/pgbench.out")
    tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
    [ -n "$tps" ] || { echo "pgbench failed: $out" >&2; exit 1; }
    { time "$melodee" bench pool --dsn "$dsn" --workers "$workers" --max-open "$maxopen" \
        --seconds "$seconds" --json >"$state/ours.json"; } 2>"$state/ours.time"
    ours_json=$(cat "$state/ours.json")
    ops=$(printf '%s' "$ours_json" | tr -d ' \n' | sed -n 's/.*"ops_per_sec":\([0-9.e+]*\).*/\1/p')
    total_ops=$(printf '%s' "$ours_json" | tr -d ' \n' | sed -n 's/.*"ops":\([0-9.e+]*\).*/\1/p')
    pg_cpu=$(awk -v t="$tps" -v s="$seconds" '{ printf "%.2f", ($1 + $2) * 1e6 / (t * s) }' "$state/pgbench.time")
    ours_cpu=$(awk -v n="$total_ops" '{ printf "%.2f", ($1 + $2) * 1e6 / n }' "$state/ours.time")
    echo "run $run: pgbench $tps tps ($pg_cpu us client CPU/op), melodee $ops ops/s ($ours_cpu us client CPU/op)" >&2
    pg_cpu_total=$(awk -v a="${pg_cpu_total:-0}" -v b="$pg_cpu" 'BEGIN { print a + b }')
    ours_cpu_total=$(awk -v a="${ours_cpu_total:-0}" -v b="$ours_cpu" 'BEGIN { print a + b }')
    pg_total=$(awk -v a="$pg_total" -v b="$tps" 'BEGIN { print a + b }')
    ours_total=$(awk -v a="$ours_total" -v b="$ops" 'BEGIN { print a + b }')
done
pg_mean=$(awk -v t="$pg_total" -v n="$runs" 'BEGIN { printf "%.1f", t / n }')
ours_mean=$(awk -v t="$ours_total" -v n="$runs" 'BEGIN { printf "%.1f", t / n }')
ratio=$(awk -v a="$ours_mean" -v b="$pg_mean" 'BEGIN { printf "%.3f", a / b }')
pg_cpu_mean=$(awk -v t="$pg_cpu_total" -v n="$runs" 'BEGIN { printf "%.2f", t / n }')
ours_cpu_mean=$(awk -v t="$ours_cpu_total" -v n="$runs" 'BEGIN { printf "%.2f", t / n }')

# Memory: a pool holding 50 open connections (RSS after warming minus RSS before the pool).
rss_json=$("$melodee" bench pool --dsn "$dsn" --workers 50 --max-open 50 --seconds 1 --json)
rss_start=$(printf '%s' "$rss_json" | tr -d ' \n' | sed -n 's/.*"rss_start_kb":\([0-9.e+]*\).*/\1/p')
rss_warm=$(printf '%s' "$rss_json" | tr -d ' \n' | sed -n 's/.*"rss_warm_kb":\([0-9.e+]*\).*/\1/p')

cat <<JSON
{
  "workload": "SELECT 1 over TCP 127.0.0.1, prepared, $workers callers on $maxopen connections, ${seconds}s x $runs",
  "pgbench_tps": $pg_mean,
  "melodee_ops_per_sec": $ours_mean,
  "ratio": $ratio,
  "target_ratio": 0.97,
  "pgbench_client_cpu_us_per_op": $pg_cpu_mean,
  "melodee_client_cpu_us_per_op": $ours_cpu_mean,
  "melodee_last_run": $(printf '%s' "$ours_json" | tr -d '\n'),
  "rss_kb_before_pool": $rss_start,
  "rss_kb_with_50_connections": $rss_warm,
  "machine_load_1m": $(cut -d' ' -f1 /proc/loadavg)
}
JSON
