#!/usr/bin/env bash
# The local demo redis-server that `scripts/run-demo.sh` gives melodee-admin as its song cache.
# Started and stopped together with the demo PostgreSQL (scripts/demo-pg.sh start|stop).
#
#   demo-redis.sh [start]   start it if it is not running, print its address (127.0.0.1:PORT)
#   demo-redis.sh stop      stop it
#   demo-redis.sh status    say whether it runs, and where
#
# Where it lives (override with MELODEE_DEMO_REDIS_DIR):
#   normal user: ${XDG_DATA_HOME:-~/.local/share}/melodee-admin/demo-redis
#   root:        /var/lib/melodee-admin/demo-redis
# It listens on 127.0.0.1 only, on a free port chosen on first start and remembered in <dir>/port.
# It keeps nothing on disk (a cache: the songs live in PostgreSQL). Progress goes to stderr;
# stdout carries only the address.
set -euo pipefail

action=${1:-start}
if [ "$(id -u)" = 0 ]; then
    dir=${MELODEE_DEMO_REDIS_DIR:-/var/lib/melodee-admin/demo-redis}
else
    dir=${MELODEE_DEMO_REDIS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/melodee-admin/demo-redis}
fi

say() { echo "demo-redis: $*" >&2; }
die() { say "error: $*"; exit 1; }

command -v redis-server >/dev/null || die "redis-server not found (install the redis-server package, e.g. scripts/install-deps.sh)"

port_free() { ! (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
port() { cat "$dir/port" 2>/dev/null || true; }
running() {
    local p
    p=$(port)
    [ -n "$p" ] && [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null \
        && redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null | grep -q PONG
}

start() {
    mkdir -p "$dir"
    chmod 700 "$dir"
    if running; then
        say "already running on 127.0.0.1:$(port)"
    else
        local p attempt
        p=$(port)
        if [ -z "$p" ] || ! port_free "$p"; then
            [ -n "$p" ] && say "port $p is taken by another program; choosing a new one"
            p=""
            for attempt in $(seq 1 50); do
                local candidate=$(( 56380 + (RANDOM % 5000) ))
                if port_free "$candidate"; then p=$candidate; break; fi
            done
            [ -n "$p" ] || die "no free port found on 127.0.0.1 between 56380 and 61380"
            echo "$p" >"$dir/port"
        fi
        say "starting on 127.0.0.1:$p (log: $dir/redis.log)"
        redis-server --bind 127.0.0.1 --port "$p" --protected-mode yes --save '' \
            --appendonly no --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" \
            --logfile "$dir/redis.log" \
            || die "redis-server did not start (log: $dir/redis.log)"
        for _ in $(seq 100); do
            running && break
            sleep 0.1
        done
        running || { tail -n 20 "$dir/redis.log" >&2 || true; die "redis-server did not answer on 127.0.0.1:$p"; }
    fi
    echo "127.0.0.1:$(port)"
}

stop() {
    if running; then
        redis-cli -h 127.0.0.1 -p "$(port)" shutdown nosave >/dev/null 2>&1 || true
        say "stopped"
    else
        say "not running"
    fi
}

case "$action" in
start) start ;;
stop) stop ;;
status)
    if running; then say "running on 127.0.0.1:$(port)"; echo "127.0.0.1:$(port)"; else say "not running ($dir)"; exit 3; fi ;;
*) die "unknown action \"$action\" (expected start, stop or status)" ;;
esac
