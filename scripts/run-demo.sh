#!/usr/bin/env bash
# README command 1: install what is needed, build, start the local demo PostgreSQL and the demo
# redis-server (the song cache), and open melodee-admin connected to both. Extra arguments go to melodee-admin (e.g. --view songs).
# Works as root on a fresh Debian 12 (see docs/gui.md for where the demo data lives).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MELODEE_BUILD_DIR:-$root/build}
export MELODEE_BUILD_DIR=$build

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
dsn=$("$root/scripts/demo-pg.sh" start)
echo "Demo database: $dsn"
# The song cache: the app reads redis.address from MELODEE_REDIS_ADDRESS like any setting.
redis=$("$root/scripts/demo-redis.sh" start)
echo "Demo cache: redis at $redis"
export MELODEE_REDIS_ADDRESS=$redis

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    cat >&2 <<MSG
No display: melodee-admin is a desktop application and needs one. Either
  - run this command from a desktop session (X11 or Wayland), or
  - run it under a virtual display:   xvfb-run -a $0
  - or without any display:          QT_QPA_PLATFORM=offscreen $0
The demo database and cache keep running; stop them with: $root/scripts/demo-pg.sh stop
MSG
    exit 0
fi
# Large blocks from malloc on huge pages, as the installed desktop entry starts it: a 10M-song
# table makes Qt's row header allocate one item per row at once (docs/gui.md, "Cold start").
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}
exec "$build/bin/melodee-admin" --dsn "$dsn" "$@"
