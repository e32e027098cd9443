#!/usr/bin/env bash
# What the number of monthly partitions costs a session's first song page. For each count N it
# loads the same songs spread over N months into a database of its own (created and dropped here),
# then runs bench_firstpage: the first page per sort on new connections (fresh), again on the same
# connection (warm), and on new connections the pool warmed when it opened them (connect_warmed).
# Prints one JSON document with a result per N.
#
# usage: bench_partitions_scale.sh --melodee BIN --driver BENCH_FIRSTPAGE
#            (--pg-env FILE | --host H --port P) [--months "46 120 240"] [--songs N]
#            [--iterations I] [--check]
# --check validates the JSON (every figure present and numeric, each database holding at least
# its N partitions) instead of printing it: the suite's smoke run.
set -euo pipefail
melodee= driver= host=127.0.0.1 port= pgbin= months="46 120 240" songs=200000 iterations=10 check=
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --months) months=$2; shift 2 ;;
    --songs) songs=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 3 ;;
    esac
done
[ -n "$melodee" ] && [ -n "$driver" ] && [ -n "$port" ] || { echo "need --melodee, --driver and a server" >&2; exit 3; }
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "loopback only" >&2; exit 3 ;; esac
for n in $months; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 600 ] \
        || { echo "invalid --months entry '$n': each must be a whole number from 1 to 600" >&2; exit 3; }
done
psql=${pgbin:+$pgbin/}psql
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }
db=
trap '[ -z "$db" ] || q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
results=()
for n in $months; do
    db=bench_partscale_$$_$n
    q -d postgres -c "CREATE DATABASE $db"
    dsn="host=$host port=$port user=postgres dbname=$db sslmode=disable"
    "$melodee" migrate --dsn "$dsn" >/dev/null
    # A fixed end month keeps the data, and so the plans, the same from run to run.
    load=$("$melodee" demo-data --dsn "$dsn" --songs "$songs" --months "$n" --end-month 2026-11 --json)
    q -d "$db" -c "VACUUM ANALYZE" >/dev/null
    result=$("$driver" "$dsn" "$iterations")
    results+=("{\"months\": $n, \"load\": $load, \"first_page\": $result}")
    q -d postgres -c "DROP DATABASE $db" >/dev/null
    db=
done
joined=$(IFS=,; echo "${results[*]}")
out="{\"benchmark\": \"partitions_scale\", \"songs\": $songs, \"iterations\": $iterations, \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"results\": [$joined]}"
if [ -z "$check" ]; then
    echo "$out"
    exit 0
fi
python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
bad = []
for r in doc["results"]:
    fp = r["first_page"]
    if fp["partitions"] < r["months"]:
        bad.append("%d months: only %s partitions" % (r["months"], fp["partitions"]))
    for sort in ("id", "name", "artist", "created"):
        s = fp["sorts"][sort]
        for path in ("fresh.p50_ms", "fresh.server.p50_ms", "fresh.server.planning_p50_ms",
                     "warm.p50_ms", "warm.server.p50_ms", "connect_warmed.p50_ms",
                     "connect_warmed.server.p50_ms",
                     "connect_warmed.warm_up.p50_ms"):
            v = s
            for part in path.split("."):
                v = v.get(part) if isinstance(v, dict) else None
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
                bad.append("%d months, %s: %s is %r" % (r["months"], sort, path, v))
if len(doc["results"]) != len(sys.argv[1].split()):
    bad.append("expected %d results" % len(sys.argv[1].split()))
if bad:
    sys.exit("bench_partitions_scale.sh: " + "; ".join(bad))
print("bench_partitions_scale: JSON complete for", sys.argv[1], "months")
' "$months" <<<"$out"
