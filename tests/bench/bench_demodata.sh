#!/usr/bin/env bash
# Bulk-load benchmark: `melodee demo-data` (generates rows and streams them through COPY) against
# `psql \copy` of the very same rows from files, into the same migrated, partitioned schema, in the
# same run, empty tables each time. Two psql references:
#   psql_copy          \copy into the tables with every index in place (how rows were loaded
#                      before demo-data set the secondary indexes aside);
#   psql_copy_deferred the same secondary indexes dropped, \copy, then built again, as a
#                      one-session demo-data load does.
# demo-data runs twice per round: with --jobs J (default 2: the songs are loaded month by month
# from J sessions into staging tables and swapped in), and with --jobs 1 (everything in one
# session, the like-for-like match for psql_copy_deferred).
# Prints JSON; ratio = psql seconds / demo-data seconds (target >= 1.0), of the medians over
# --rounds rounds that rotate the loaders. Every loader's rows commit in one transaction.
#
# usage: bench_demodata.sh --melodee BIN (--pg-env FILE | --host H --port P) [--songs N] [--rounds R]
#                          [--jobs J]
set -euo pipefail
melodee= host=127.0.0.1 port= songs=100000 rounds=5 pgbin= jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --songs) songs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
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
# Each timed load starts from the same state: empty tables and a fresh checkpoint, so neither side
# pays for the other's dirty pages.
truncate_all() {
    q -d "$db" -c "TRUNCATE melodee_songs, melodee_albums, melodee_artists RESTART IDENTITY" \
        -c "CHECKPOINT"
}
now() { date +%s.%N; }

# Partitions are created once by a first load, so neither side pays for DDL in the timed runs.
"$melodee" demo-data --dsn "$dsn" "${opts[@]}" --json >/dev/null
"$melodee" demo-data "${opts[@]}" --emit "$work" >/dev/null
# Autovacuum would wake on whichever side's rows it noticed and run into the next load.
q -d "$db" -c "DO \$\$DECLARE r regclass; BEGIN
    FOR r IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r' LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', r);
    END LOOP; END\$\$"
rows=$(( $(wc -l < "$work/artists.copy") + $(wc -l < "$work/albums.copy") + $(wc -l < "$work/songs.copy") ))
cols_artists="id, api_key, name, name_normalized, sort_name, created_at, updated_at"
cols_albums="id, api_key, name, name_normalized, sort_name, artist_id, release_year, song_count, duration, created_at, updated_at"
cols_songs="id, api_key, name, name_normalized, sort_name, album_id, artist_id, duration, track_number, disc_number, file_path, file_size, bit_rate, play_count, rating, created_at, updated_at"

# The secondary indexes (those no constraint owns) of the three tables, as demo-data sets them aside.
index_defs="SELECT i.indexrelid::regclass::text AS name,
    regexp_replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') AS def
  FROM pg_index i
 WHERE i.indrelid IN ('melodee_artists'::regclass, 'melodee_albums'::regclass, 'melodee_songs'::regclass)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
   AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)"
check_count() {
    [ "$(q -d "$db" -c 'SELECT count(*) FROM melodee_songs')" = "$songs" ] \
        || { echo "row count mismatch" >&2; exit 1; }
}
demo_load() {
    truncate_all
    local out
    out=$("$melodee" demo-data --dsn "$dsn" "${opts[@]}" --jobs "$1" --json)
    printf '%s' "$out" | sed -n 's/.*"copy_seconds":\([0-9.e+-]*\).*/\1/p'
    check_count
}
run_demo() { demo_times+=("$(demo_load "$jobs")"); }
run_demo_one() { demo_one_times+=("$(demo_load 1)"); }
run_psql() {
    truncate_all
    local t0 t1
    t0=$(now)
    q -d "$db" -c "BEGIN" \
        -c "\\copy melodee_artists ($cols_artists) FROM '$work/artists.copy'" \
        -c "\\copy melodee_albums ($cols_albums) FROM '$work/albums.copy'" \
        -c "\\copy melodee_songs ($cols_songs) FROM '$work/songs.copy'" \
        -c "COMMIT"
    t1=$(now)
    psql_times+=("$(python3 -c "print($t1 - $t0)")")
    check_count
}
run_psql_deferred() {
    truncate_all
    local t0 t1
    t0=$(now)
    q -d "$db" -c "BEGIN" \
        -c "CREATE TEMP TABLE deferred_indexes ON COMMIT DROP AS $index_defs" \
        -c "DO \$\$DECLARE d record; BEGIN FOR d IN SELECT * FROM deferred_indexes LOOP
                EXECUTE 'DROP INDEX ' || d.name; END LOOP; END\$\$" \
        -c "\\copy melodee_artists ($cols_artists) FROM '$work/artists.copy'" \
        -c "\\copy melodee_albums ($cols_albums) FROM '$work/albums.copy'" \
        -c "\\copy melodee_songs ($cols_songs) FROM '$work/songs.copy'" \
        -c "SET LOCAL maintenance_work_mem = '256MB'" \
        -c "DO \$\$DECLARE d record; BEGIN FOR d IN SELECT * FROM deferred_indexes LOOP
                EXECUTE d.def; END LOOP; END\$\$" \
        -c "COMMIT"
    t1=$(now)
    deferred_times+=("$(python3 -c "print($t1 - $t0)")")
    check_count
}
# The loaders take turns and the order rotates each round (ABCD, BCDA, ...), so a load spike
# from other work on the machine or a checkpoint lands on every side rather than on one.
demo_times=() demo_one_times=() psql_times=() deferred_times=()
loaders=(run_demo run_psql run_demo_one run_psql_deferred)
load_before=$(cat /proc/loadavg)
for r in $(seq "$rounds"); do
    for k in 0 1 2 3; do "${loaders[$(((r - 1 + k) % 4))]}"; done
done
load_after=$(cat /proc/loadavg)
python3 - "$songs" "$rows" "${demo_times[*]}" "${psql_times[*]}" "${deferred_times[*]}" \
    "$load_before" "$load_after" "${demo_one_times[*]}" "$jobs" <<'PY'
import json, statistics, sys
songs, rows = int(sys.argv[1]), int(sys.argv[2])
demo = [float(x) for x in sys.argv[3].split()]
ref = [float(x) for x in sys.argv[4].split()]
refd = [float(x) for x in sys.argv[5].split()]
one = [float(x) for x in sys.argv[8].split()]
d, p, pd = statistics.median(demo), statistics.median(ref), statistics.median(refd)
o = statistics.median(one)
# Per-round ratios show how much the machine moved within a round.
pairs = [round(b / a, 3) for a, b in zip(demo, refd)]
print(json.dumps({
    "benchmark": "demo_data_load",
    "songs": songs, "rows": rows, "rounds": len(demo), "jobs": int(sys.argv[9]),
    "demo_data_seconds": demo, "demo_data_one_session_seconds": one,
    "psql_copy_seconds": ref, "psql_copy_deferred_seconds": refd,
    "demo_data_median_s": round(d, 3), "demo_data_one_session_median_s": round(o, 3),
    "psql_copy_median_s": round(p, 3),
    "psql_copy_deferred_median_s": round(pd, 3),
    "demo_data_rows_per_s": round(rows / d), "psql_copy_rows_per_s": round(rows / p),
    "psql_copy_deferred_rows_per_s": round(rows / pd),
    "ratio": round(pd / d, 3), "round_ratios": pairs, "target_ratio": 1.0,
    "meets_target": pd / d >= 1.0,
    "speedup_over_indexes_in_place": round(p / d, 3),
    "ratio_one_session": round(pd / o, 3),
    "speedup_of_jobs_over_one_session": round(o / d, 3),
    "loadavg_before": sys.argv[6], "loadavg_after": sys.argv[7],
    "note": "ratio = median psql_copy_deferred / median demo-data with --jobs; ratio_one_session = the same against demo-data --jobs 1 (one session, same index strategy as psql_copy_deferred); speedup_over_indexes_in_place = median psql_copy (every index in place during the load) / median demo-data; the loaders rotate within each round; demo-data time is its COPY transaction (generation and index builds included), psql times are the whole \\copy session from pre-written files",
}, indent=2))
PY
