#!/usr/bin/env bash
# How the library's costs grow with its size. For each song count N it loads N demo songs into a
# database of its own (created and dropped here) and measures, in one run:
#   load          `melodee demo-data --json` (rows/s, the deferred index build)
#   analyze_s     VACUUM ANALYZE after the load (also sets the visibility map for index-only scans)
#   refresh_views `melodee refresh-views` (REFRESH MATERIALIZED VIEW CONCURRENTLY), wall seconds
#   sizes         database, songs (all partitions) and songs' indexes, in bytes
#   pages         bench_songpages: keyset pages per sort and shape (client and server p50/p99), the
#                 OFFSET method beside them, search, and the count estimate against count(*)
# Prints one JSON document with a result per N; docs/scale.md reads and extrapolates it.
#
# usage: bench_scale.sh --melodee BIN --driver BENCH_SONGPAGES (--pg-env FILE | --host H --port P)
#            [--sizes "1000000 10000000"] [--months M] [--iterations I] [--offset-iterations K]
#            [--keep] [--check]
# --keep leaves each database in place (its name goes to stderr), so the page driver can be run
# again on it later (bench_songs.sh --db NAME) without loading again.
# --check validates the JSON (every figure present and numeric) instead of printing it: the
# suite's smoke run.
set -euo pipefail
melodee= driver= host=127.0.0.1 port= pgbin= sizes="1000000 10000000" months=46 iterations=50
offset_iterations=3 check= keep=
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --months) months=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --offset-iterations) offset_iterations=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --check) check=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 3 ;;
    esac
done
[ -n "$melodee" ] && [ -n "$driver" ] && [ -n "$port" ] || { echo "need --melodee, --driver and a server" >&2; exit 3; }
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "loopback only" >&2; exit 3 ;; esac
for n in $sizes; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1000 ] \
        || { echo "invalid --sizes entry '$n': each must be a whole number of songs, at least 1000" >&2; exit 3; }
done
for v in months iterations; do
    [[ "${!v}" =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] \
        || { echo "invalid --$v '${!v}': must be a whole number, at least 1" >&2; exit 3; }
done
[[ "$offset_iterations" =~ ^[0-9]+$ ]] \
    || { echo "invalid --offset-iterations '$offset_iterations': must be a whole number (0 skips OFFSET)" >&2; exit 3; }
psql=${pgbin:+$pgbin/}psql
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))' "$1" "$(now)"; }
db=
trap '[ -z "$db" ] || q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
server=$(q -d postgres -c "SELECT json_build_object('version', current_setting('server_version'),
    'shared_buffers', current_setting('shared_buffers'), 'fsync', current_setting('fsync'),
    'maintenance_work_mem', current_setting('maintenance_work_mem'),
    'max_parallel_maintenance_workers', current_setting('max_parallel_maintenance_workers'))")
results=()
for n in $sizes; do
    db=bench_scale_$$_$n
    q -d postgres -c "CREATE DATABASE $db"
    dsn="host=$host port=$port user=postgres dbname=$db sslmode=disable"
    "$melodee" migrate --dsn "$dsn" >/dev/null
    # A fixed end month keeps the data, and so the plans, the same from run to run.
    load=$("$melodee" demo-data --dsn "$dsn" --songs "$n" --months "$months" --end-month 2026-11 --json)
    t=$(now)
    q -d "$db" -c "VACUUM ANALYZE" >/dev/null
    analyze_s=$(since "$t")
    t=$(now)
    "$melodee" refresh-views --dsn "$dsn" >/dev/null
    refresh_s=$(since "$t")
    sizes_json=$(q -d "$db" -c "
        SELECT json_build_object('database', pg_database_size(current_database()),
               'songs_table', sum(pg_table_size(c.oid)), 'songs_indexes', sum(pg_indexes_size(c.oid)))
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'melodee_songs'::regclass")
    pages=$("$driver" "$dsn" "$iterations" "$offset_iterations")
    results+=("{\"songs\": $n, \"load\": $load, \"analyze_s\": $analyze_s, \"refresh_views_s\": $refresh_s, \"sizes\": $sizes_json, \"pages\": $pages}")
    if [ -n "$keep" ]; then
        echo "bench_scale.sh: kept database $db ($n songs)" >&2
    else
        q -d postgres -c "DROP DATABASE $db" >/dev/null
    fi
    db=
done
joined=$(IFS=,; echo "${results[*]}")
out="{\"benchmark\": \"scale\", \"months\": $months, \"iterations\": $iterations, \"offset_iterations\": $offset_iterations, \"server\": $server, \"cores\": $(nproc), \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"results\": [$joined]}"
if [ -z "$check" ]; then
    echo "$out"
    exit 0
fi
python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
sizes = [int(s) for s in sys.argv[1].split()]
bad = []
def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
if [r["songs"] for r in doc["results"]] != sizes:
    bad.append("results for %s, expected %s" % ([r["songs"] for r in doc["results"]], sizes))
for r in doc["results"]:
    n = r["songs"]
    for key in ("analyze_s", "refresh_views_s"):
        if not number(r.get(key)):
            bad.append("%d songs: %s is %r" % (n, key, r.get(key)))
    for key in ("database", "songs_table", "songs_indexes"):
        if not number(r["sizes"].get(key)):
            bad.append("%d songs: sizes.%s is %r" % (n, key, r["sizes"].get(key)))
    if not number(r["load"].get("rows_per_second")):
        bad.append("%d songs: load.rows_per_second is %r" % (n, r["load"].get("rows_per_second")))
    pages = r["pages"]
    if pages.get("rows") != n:
        bad.append("%d songs: the driver counted %r rows" % (n, pages.get("rows")))
    for sort in ("id", "name", "artist", "created"):
        for shape in ("first", "random", "jump_fraction"):
            s = pages["sorts"][sort]["keyset"][shape]
            for v in (s.get("p99_ms"), s.get("server", {}).get("p99_ms")):
                if not number(v):
                    bad.append("%d songs, %s %s: %r" % (n, sort, shape, v))
    for key in ("estimate", "exact"):
        if not number(pages["count"][key].get("p50_ms")):
            bad.append("%d songs: count.%s has no p50" % (n, key))
if bad:
    sys.exit("bench_scale.sh: " + "; ".join(bad))
print("bench_scale: JSON complete for", sys.argv[1], "songs")
' "$sizes" <<<"$out"
