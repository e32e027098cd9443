#!/usr/bin/env bash
# The local demo PostgreSQL that `scripts/run-demo.sh` connects melodee-admin to.
#
#   demo-pg.sh [start]   start it (initdb on first use), create database "melodee", print the DSN
#   demo-pg.sh stop      stop it, and the demo redis-server (scripts/demo-redis.sh) with it
#   demo-pg.sh status    say whether it runs, and where
#   demo-pg.sh dsn       print the DSN only
#
# Where it lives (override with MELODEE_DEMO_PG_DIR):
#   normal user: ${XDG_DATA_HOME:-~/.local/share}/melodee-admin/demo-pg
#   root:        /var/lib/melodee-admin/demo-pg, owned by the postgres user. PostgreSQL refuses to
#                run as root, and the postgres user cannot enter /root, so root's demo server
#                runs as postgres from /var/lib.
# The server listens on 127.0.0.1 only, on a free port chosen on first start and remembered in
# <dir>/port (reused on the next run). The role "melodee_demo" logs in without a password
# (trust), over the unix socket and 127.0.0.1 only; every other role needs peer/scram.
# Progress goes to stderr; stdout carries only the DSN.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-start}
bin=${MELODEE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
demo_role=melodee_demo
demo_db=melodee
cli=${MELODEE_CLI:-${MELODEE_BUILD_DIR:-$root/build}/bin/melodee}

say() { echo "demo-pg: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ -n "$bin" ] && [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found (install the postgresql package, e.g. scripts/install-deps.sh)"

if [ "$(id -u)" = 0 ]; then
    dir=${MELODEE_DEMO_PG_DIR:-/var/lib/melodee-admin/demo-pg}
    owner=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    dir=${MELODEE_DEMO_PG_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/melodee-admin/demo-pg}
    owner=$(id -un)
    as_owner() { "$@"; }
fi
data=$dir/data

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

pick_port() {
    local p attempt
    for attempt in $(seq 1 50); do
        p=$(( 54330 + (RANDOM % 5000) ))
        if port_free "$p"; then echo "$p"; return 0; fi
    done
    die "no free port found on 127.0.0.1 between 54330 and 59330"
}

running() { [ -f "$data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

dsn() { echo "host=127.0.0.1 port=$(cat "$dir/port") user=$demo_role dbname=$demo_db sslmode=disable"; }

psql_admin() {
    as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$(cat "$dir/port")" -U "$owner" "$@"
}

init_cluster() {
    say "creating the demo cluster in $data"
    mkdir -p "$dir"
    [ "$owner" = postgres ] && chown postgres "$dir" && chmod 755 "$(dirname "$dir")"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$data" -U "$owner" --auth-local=peer --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed (log: $dir/initdb.log)"; }
    # Trust only for the demo role, only on the socket and loopback. The owner keeps peer auth.
    as_owner tee "$data/pg_hba.conf" >/dev/null <<HBA
# Melodee Admin demo server: written by scripts/demo-pg.sh
local all $demo_role trust
host  all $demo_role 127.0.0.1/32 trust
local all $owner peer
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
}

start() {
    [ -d "$data" ] || init_cluster
    if running; then
        say "already running on 127.0.0.1:$(cat "$dir/port") ($data)"
    else
        local port
        port=$(cat "$dir/port" 2>/dev/null || true)
        if [ -z "$port" ] || ! port_free "$port"; then
            [ -n "$port" ] && say "port $port is taken by another program; choosing a new one"
            port=$(pick_port)
            echo "$port" | as_owner tee "$dir/port" >/dev/null
        fi
        say "starting on 127.0.0.1:$port (data: $data, log: $dir/log)"
        as_owner "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 60 start \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1" >/dev/null \
            || { tail -n 20 "$dir/log" >&2 || true; die "the demo server did not start (log: $dir/log)"; }
    fi
    psql_admin -d postgres <<SQL
SELECT 'CREATE ROLE $demo_role LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$demo_role')\gexec
SELECT 'CREATE DATABASE $demo_db OWNER $demo_role' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$demo_db')\gexec
SQL
    hook_migrate
    hook_load_demo_data
    dsn
}

stop() {
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        say "stopped"
    else
        say "not running"
    fi
    # The cache shares the database's lifecycle.
    "$root/scripts/demo-redis.sh" stop || true
}

# --- hook points: filled by the migration and song-library work -------------------------------
# Each hook runs only when the built `melodee` CLI lists its command in `melodee --help`, so this
# script works before and after those commands exist.

cli_has() {
    [ -x "$cli" ] && "$cli" --help 2>/dev/null | grep -qE "^[[:space:]]+$1([[:space:]]|\$)"
}

# HOOK migrate: bring the demo database to the current schema.
hook_migrate() {
    if cli_has migrate; then
        say "applying migrations (melodee migrate)"
        "$cli" migrate --dsn "$(dsn)" --reviewer demo-pg.sh >&2 \
            || say "warning: melodee migrate failed; the app still opens"
    else
        say "skipping migrations: this build's melodee has no 'migrate' command yet"
    fi
}

# HOOK load demo data: a generated library, loaded once (marker file in the data directory).
hook_load_demo_data() {
    local songs=${MELODEE_DEMO_SONGS:-1000000}
    local marker=$dir/demo-data.done
    if [ -f "$marker" ]; then
        say "demo data already loaded ($(cat "$marker") songs)"
    elif cli_has demo-data; then
        say "loading $songs demo songs (melodee demo-data --songs $songs)"
        if "$cli" demo-data --dsn "$(dsn)" --songs "$songs" >&2; then
            echo "$songs" | as_owner tee "$marker" >/dev/null
        else
            say "warning: melodee demo-data failed; the app still opens"
        fi
    else
        say "skipping demo data: this build's melodee has no 'demo-data' command yet"
    fi
}

case "$action" in
start) start ;;
stop) stop ;;
status)
    if running; then say "running on 127.0.0.1:$(cat "$dir/port") ($data)"; dsn; else say "not running ($dir)"; exit 3; fi ;;
dsn) [ -f "$dir/port" ] || die "no demo server yet: run $0 start"; dsn ;;
*) die "unknown action \"$action\" (expected start, stop, status or dsn)" ;;
esac
