#!/usr/bin/env bash
# Song browsing benchmark: loads N demo songs (unless --db names an already loaded database) and
# runs bench_songpages, which times keyset pages (first/middle/last/random/jump per sort, client
# and server-side time, the target being server p99 < 5 ms) against the
# OFFSET paging, search for a common and a rare term, and the count estimate against
# count(*), all in the same run. Prints JSON.
#
# usage: bench_songs.sh --melodee BIN --driver BENCH_SONGPAGES (--pg-env FILE | --host H --port P)
#                       [--songs N] [--iterations I] [--offset-iterations K] [--db EXISTING]
set -euo pipefail
melodee= driver= host=127.0.0.1 port= songs=100000 iterations=50 offset_iterations= db= pgbin=
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --songs) songs=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --offset-iterations) offset_iterations=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 3 ;;
    esac
done
[ -n "$melodee" ] && [ -n "$driver" ] && [ -n "$port" ] || { echo "need --melodee, --driver and a server" >&2; exit 3; }
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "loopback only" >&2; exit 3 ;; esac
psql=${pgbin:+$pgbin/}psql
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }
owned=
if [ -z "$db" ]; then
    db=bench_songs_$$
    owned=1
    trap 'q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
    q -d postgres -c "CREATE DATABASE $db"
    dsn="host=$host port=$port user=postgres dbname=$db sslmode=disable"
    "$melodee" migrate --dsn "$dsn" >/dev/null
    "$melodee" demo-data --dsn "$dsn" --songs "$songs" --months 25 --end-month 2026-11 --json >&2
    q -d "$db" -c "VACUUM ANALYZE" >/dev/null
fi
dsn="host=$host port=$port user=postgres dbname=$db sslmode=disable"
"$driver" "$dsn" "$iterations" $offset_iterations
