#!/usr/bin/env bash
# Desktop app responsiveness benchmark (docs/gui.md, "Responsiveness benchmark"): loads N demo
# songs into a fresh database (unless --db names a loaded one), creates an empty database for the
# Migrations view to plan, rehearse and apply, and runs bench_gui, which drives melodee-admin's
# main window offscreen and prints one JSON object (event-loop gaps, jump latency next to the
# OFFSET reference, cold start, RSS, dashboard CPU), each figure next to its target.
#
# usage: bench_gui.sh --melodee BIN --admin BIN --driver BENCH_GUI
#                     [--pg-env FILE | --host H --port P]   (neither: starts its own fixture)
#                     [--songs N] [--db EXISTING] [--jumps N] [--cpu-seconds S]
#                     [--startup-runs N] [--idle-seconds S] [--check]
# --check validates the JSON (every field present and numeric) instead of printing it: the
# ctest smoke run uses it, and asserts nothing about speed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
melodee= admin= driver= host=127.0.0.1 port= songs=1000000 db= pgbin= check=
driver_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --melodee) melodee=$2; shift 2 ;;
    --admin) admin=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    --pg-env) . "$2"; host=$MELODEE_TEST_PG_HOST; port=$MELODEE_TEST_PG_PORT; pgbin=$MELODEE_TEST_PG_BIN; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --songs) songs=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --jumps|--cpu-seconds|--startup-runs|--idle-seconds) driver_args+=("$1" "$2"); shift 2 ;;
    --check) check=1; shift ;;
    *) echo "bench_gui.sh: unknown argument $1" >&2; exit 3 ;;
    esac
done
[ -n "$melodee" ] && [ -n "$admin" ] && [ -n "$driver" ] \
    || { echo "bench_gui.sh: need --melodee, --admin and --driver" >&2; exit 3; }
case "$songs" in ''|*[!0-9]*) echo "bench_gui.sh: --songs must be a number, not \"$songs\"" >&2; exit 3 ;; esac
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "bench_gui.sh: loopback only, not $host" >&2; exit 3 ;; esac

work=$(mktemp -d)
cleanup_steps=()
cleanup() {
    local i
    for ((i = ${#cleanup_steps[@]} - 1; i >= 0; i--)); do eval "${cleanup_steps[$i]}" || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$port" ]; then
    # No server given: a throwaway one, like the tests'.
    "$here/../fixtures/pg-fixture.sh" start "$work/state"
    cleanup_steps+=("'$here/../fixtures/pg-fixture.sh' stop '$work/state'")
    . "$work/state/pg.env"
    host=$MELODEE_TEST_PG_HOST port=$MELODEE_TEST_PG_PORT pgbin=$MELODEE_TEST_PG_BIN
fi
psql=${pgbin:+$pgbin/}psql
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }
dsn_for() { echo "host=$host port=$port user=postgres dbname=$1 sslmode=disable"; }

if [ -z "$db" ]; then
    db=bench_gui_$$
    q -d postgres -c "CREATE DATABASE $db"
    cleanup_steps+=("q -d postgres -c 'DROP DATABASE IF EXISTS $db' >/dev/null 2>&1")
    "$melodee" migrate --dsn "$(dsn_for "$db")" >/dev/null
    "$melodee" demo-data --dsn "$(dsn_for "$db")" --songs "$songs" --months 25 --end-month 2026-11 --json >&2
    q -d "$db" -c "VACUUM ANALYZE" >/dev/null
fi
mdb=bench_gui_migrate_$$
q -d postgres -c "CREATE DATABASE $mdb"
cleanup_steps+=("q -d postgres -c 'DROP DATABASE IF EXISTS $mdb' >/dev/null 2>&1")

# Settings the app or the driver might write stay in the work directory.
export XDG_CONFIG_HOME=$work/config
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$driver" --dsn "$(dsn_for "$db")" --migrate-dsn "$(dsn_for "$mdb")" --admin "$admin" \
    "${driver_args[@]}" > "$work/out.json"

if [ -z "$check" ]; then
    cat "$work/out.json"
    exit 0
fi
python3 - "$work/out.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
required = {
    "songs": [],
    "cold_start": ["shown_ms.p50", "populated_ms.p50", "populated_ms.max", "target_ms",
                   "reference_version_exit_ms.p50"],
    "event_loop": ["max_gap_ms", "target_max_gap_ms"] + [
        f"{phase}.{k}" for phase in ("idle_reference", "songs_jumps", "songs_scroll",
                                     "songs_search", "migrations_load", "migrations_dry_run", "migrations_rehearse",
                                     "apply_while_jumping")
        for k in ("max_gap_ms", "p99_gap_ms", "ticks")],
    "songs_view": ["jump_to_rows_ms.p50", "jump_to_rows_ms.p99", "end_ms", "middle_ms",
                   "go_to_page_ms.max", "search_ms.max", "reference_offset_page_ms.middle_ms",
                   "reference_offset_page_ms.end_ms"],
    "migrations": ["statements", "apply_ms"],
    "memory": ["rss_after_jumps_mb", "peak_rss_mb", "target_mb"],
    "dashboard_cpu": ["visible.cpu_percent", "visible.dashboard_samples",
                      "behind_songs_view.cpu_percent", "hidden_reference.cpu_percent",
                      "target_percent"],
}
missing = []
for section, keys in required.items():
    for key in keys or [None]:
        value = doc.get(section)
        for part in (key.split(".") if key else []):
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            missing.append(f"{section}.{key}" if key else section)
if missing:
    sys.exit("bench_gui.sh: missing or non-numeric fields: " + ", ".join(missing))
if doc["event_loop"]["songs_jumps"]["ticks"] < 1 or doc["songs"] < 1:
    sys.exit("bench_gui.sh: the benchmark measured nothing")
print("bench_gui: JSON complete (%d fields checked)" % sum(len(k) or 1 for k in required.values()))
PY
