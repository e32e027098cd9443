#!/usr/bin/env bash
# Bulk-load benchmark: `melodee demo-data` (generates rows and streams them through COPY) against
# `psql \copy` of the very same rows from files, into the same migrated, partitioned schema with
# all its indexes, in the same run. Prints JSON; ratio = psql seconds / demo-data seconds
# (target >= 1.0). Both load artists, albums and songs in one transaction.
#
# usage: bench_demodata.sh --melodee BIN (--pg-env FILE | --host H --port P) [--songs N] [--rounds R]
set -euo pipefail
melodee= host=127.0.0.1 port= songs=100000 rounds=2 pgbin=
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --songs) songs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 3 ;;
    esac
done
[ -n "$melodee" ] && [ -n "$port" ] || { echo "need --melodee and a server" >&2; exit 3; }
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "loopback only" >&2; exit 3 ;; esac
psql=${pgbin:+$pgbin/}psql
db=bench_demo_$$
work=$(mktemp -d)
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }
cleanup() { q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
dsn="host=$host port=$port user=postgres dbname=$db sslmode=disable"
q -d postgres -c "CREATE DATABASE $db"
"$melodee" migrate --dsn "$dsn" >/dev/null
opts=(--songs "$songs" --end-month 2026-11 --months 25 --seed 7)
truncate_all() { q -d "$db" -c "TRUNCATE melodee_songs, melodee_albums, melodee_artists RESTART IDENTITY"; }
now() { date +%s.%N; }

# Partitions are created once by a first load, so neither side pays for DDL in the timed runs.
"$melodee" demo-data --dsn "$dsn" "${opts[@]}" --json >/dev/null
"$melodee" demo-data "${opts[@]}" --emit "$work" >/dev/null
rows=$(( $(wc -l < "$work/artists.copy") + $(wc -l < "$work/albums.copy") + $(wc -l < "$work/songs.copy") ))
cols_artists="id, api_key, name, name_normalized, sort_name, created_at, updated_at"
cols_albums="id, api_key, name, name_normalized, sort_name, artist_id, release_year, song_count, duration, created_at, updated_at"
cols_songs="id, api_key, name, name_normalized, sort_name, album_id, artist_id, duration, track_number, disc_number, file_path, file_size, bit_rate, play_count, rating, created_at, updated_at"

demo_times=() psql_times=()
for r in $(seq "$rounds"); do
    truncate_all
    out=$("$melodee" demo-data --dsn "$dsn" "${opts[@]}" --json)
    demo_times+=("$(printf '%s' "$out" | sed -n 's/.*"copy_seconds":\([0-9.e+-]*\).*/\1/p')")
    truncate_all
    t0=$(now)
    q -d "$db" -c "BEGIN" \
        -c "\\copy melodee_artists ($cols_artists) FROM '$work/artists.copy'" \
        -c "\\copy melodee_albums ($cols_albums) FROM '$work/albums.copy'" \
        -c "\\copy melodee_songs ($cols_songs) FROM '$work/songs.copy'" \
        -c "COMMIT"
    t1=$(now)
    psql_times+=("$(python3 -c "print($t1 - $t0)")")
done
[ "$(q -d "$db" -c 'SELECT count(*) FROM melodee_songs')" = "$songs" ] || { echo "row count mismatch" >&2; exit 1; }
python3 - "$songs" "$rows" "${demo_times[*]}" "${psql_times[*]}" <<'PY'
import json, statistics, sys
songs, rows = int(sys.argv[1]), int(sys.argv[2])
demo = [float(x) for x in sys.argv[3].split()]
ref = [float(x) for x in sys.argv[4].split()]
d, p = statistics.median(demo), statistics.median(ref)
print(json.dumps({
    "benchmark": "demo_data_load",
    "songs": songs, "rows": rows,
    "demo_data_seconds": demo, "psql_copy_seconds": ref,
    "demo_data_rows_per_s": round(rows / d), "psql_copy_rows_per_s": round(rows / p),
    "ratio": round(p / d, 3), "target_ratio": 1.0,
    "note": "median of rounds; demo-data time is its COPY transaction (generation included), psql time is the whole \\copy session from pre-written files",
}, indent=2))
PY
