#!/usr/bin/env bash
# Install test in a clean Debian 12: build the .deb with CPack, install it with apt into a fresh
# debootstrap root (dependencies come from Debian, nothing from this machine), then run the
# installed programs there and check that the plugins they dlopen() are found.
#
#   install-test.sh <source-dir> <build-dir>
#
# The minbase root is cached as a tarball under $MELODEE_TEST_CACHE (default
# /var/cache/melodee-admin-test), keyed by date and mirror, so a day's runs debootstrap once.
# Needs root (chroot, mount) and debootstrap; exits 77 (ctest SKIP) when not root.
set -euo pipefail

src=${1:?usage: install-test.sh <source-dir> <build-dir>}
build=${2:?usage: install-test.sh <source-dir> <build-dir>}
cache=${MELODEE_TEST_CACHE:-/var/cache/melodee-admin-test}
suite=bookworm
t0=$(date +%s)
phase_start=$t0
timings=""

log() { printf '[install-test] %s\n' "$*"; }
fail() { printf '[install-test] FAIL: %s\n' "$*" >&2; exit 1; }
phase_done() { # record how long the phase took, for the JSON summary
    local now; now=$(date +%s)
    timings+="${timings:+, }\"$1_s\": $((now - phase_start))"
    phase_start=$now
}

if [ "$(id -u)" != 0 ]; then
    log "SKIP: needs root for debootstrap/chroot"
    exit 77
fi
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/install-deps.sh)"

# --- Mirror: the Debian mirror this machine already uses (never a hard-coded host) ----------
# Prints "URI SUITE" pairs for bookworm* suites from one-line and deb822 apt sources.
apt_sources() {
    if [ -f /etc/apt/sources.list ]; then
        awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           print $i, $(i + 1) }' /etc/apt/sources.list
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822: blank-line separated stanzas; keep Types: deb ones.
        awk 'BEGIN { RS = ""; FS = "\n" }
             { types = ""; uris = ""; suites = ""
               for (n = 1; n <= NF; n++) {
                   if ($n ~ /^Types:/) types = substr($n, 7)
                   if ($n ~ /^URIs:/) uris = substr($n, 6)
                   if ($n ~ /^Suites:/) suites = substr($n, 8) }
               if (types ~ /(^| )deb( |$)/) {
                   nu = split(uris, u, " "); ns = split(suites, s, " ")
                   for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) print u[a], s[b] } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           print $i, $(i + 1) }' "$f"
    done
}
sources=$(apt_sources | awk -v s="$suite" '$2 == s || index($2, s "-") == 1' | sort -u)
mirror=$(echo "$sources" | awk -v s="$suite" '$2 == s { print $1; exit }')
[ -n "$mirror" ] || fail "no '$suite' Debian mirror found in /etc/apt/sources.list{,.d}"
log "mirror: $mirror"

# --- Scratch space and cleanup ---------------------------------------------------------------
work=$(mktemp -d /var/tmp/melodee-install-test.XXXXXX)
root=$work/root
cleanup() {
    local rc=$?
    for m in "$root/proc" "$root/dev/pts"; do
        mountpoint -q "$m" 2>/dev/null && umount -l "$m"
    done
    # Never rm -rf while anything is still mounted below the root: it could reach the host.
    if grep -q " $root/" /proc/mounts; then
        log "WARNING: mounts left under $root, not deleting $work"
    elif [ -z "${MELODEE_KEEP_ROOT:-}" ]; then
        rm -rf "$work"
    else
        log "kept $work"
    fi
    exit $rc
}
trap cleanup EXIT INT TERM

# --- 1. Build the .deb with CPack ------------------------------------------------------------
log "building the .deb with cpack"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/pkg/melodee-admin_*.deb)
log "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -f "$deb" Depends | sed 's/^/[install-test] Depends: /'
phase_done cpack

# --- 2. A minimal Debian root, cached per day and mirror -------------------------------------
mkdir -p "$cache"
key=$(printf '%s' "$sources" | md5sum | cut -c1-8)
tarball=$cache/$suite-minbase-$(date -u +%Y%m%d)-$key.tar
if [ ! -s "$tarball" ]; then
    log "debootstrap --variant=minbase $suite (cache miss: $tarball)"
    debootstrap --variant=minbase "$suite" "$work/fresh" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -30 "$work/debootstrap.log"; fail "debootstrap failed"; }
    tar -C "$work/fresh" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$work/fresh"
    # Older days' roots are stale: keep only today's, and start a fresh .deb cache with it.
    find "$cache" -name "$suite-minbase-*.tar" ! -name "$(basename "$tarball")" -delete
    rm -rf "$cache/archives"
else
    log "debootstrap root from cache: $tarball"
fi
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
phase_done debootstrap

# --- 3. apt install ./melodee-admin_*.deb inside the root ------------------------------------
echo "$sources" | awk '{ print "deb " $1 " " $2 " main" }' >"$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" # no daemons start in the chroot
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
in_root apt-get -q update >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get update"; }
# Downloaded .debs are kept like an apt proxy would: apt still resolves from the fresh indexes
# and checks every file's hash, it just need not fetch it again.
mkdir -p "$cache/archives"
find "$cache/archives" -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} +
# No recommends: the Depends line alone must be enough for both programs to run.
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" \
    >>"$work/apt.log" 2>&1 || { tail -40 "$work/apt.log"; fail "apt-get install of the .deb"; }
log "installed with $(grep -c '^Setting up' "$work/apt.log") packages set up"
find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -t "$cache/archives/" {} +
phase_done apt_install

# --- 4. Checks inside the root -----------------------------------------------------------------
version=$(sed -n 's/^project(MelodeeAdmin VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ -n "$version" ] || fail "could not read project(VERSION) from $src/CMakeLists.txt"

for f in /usr/bin/melodee /usr/bin/melodee-admin /usr/share/applications/melodee-admin.desktop \
    /usr/share/metainfo/org.melodee.admin.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/melodee-admin.svg \
    /usr/share/icons/hicolor/48x48/apps/melodee-admin.png /usr/share/man/man1/melodee.1.gz \
    /usr/share/doc/melodee-admin/LICENSE /usr/share/doc/melodee-admin/THIRD-PARTY-NOTICES; do
    [ -e "$root$f" ] || fail "missing from the package: $f"
done
log "ok: binaries, desktop file, metainfo, icons, man page and licences installed"

for bin in /usr/bin/melodee /usr/bin/melodee-admin \
    /usr/lib/x86_64-linux-gnu/qt6/plugins/platforms/libqxcb.so \
    /usr/lib/x86_64-linux-gnu/qt6/plugins/platforms/libqoffscreen.so \
    /usr/lib/x86_64-linux-gnu/qt6/plugins/sqldrivers/libqsqlpsql.so; do
    [ -e "$root$bin" ] || fail "$bin is not installed (missing Depends?)"
    if in_root ldd "$bin" | grep 'not found'; then fail "$bin has unresolved libraries"; fi
done
log "ok: every binary and plugin resolves all its libraries"

out=$(in_root melodee --version)
echo "$out" | grep -q "$version" || fail "melodee --version printed '$out', expected $version"
log "ok: melodee --version -> $out"
out=$(in_root env QT_QPA_PLATFORM=offscreen melodee-admin --version)
echo "$out" | grep -q "$version" || fail "melodee-admin --version printed '$out', expected $version"
log "ok: melodee-admin --version -> $out"

in_root melodee migrate --dry-run --offline --now 2026-01-01T00:00:00Z >"$work/migrate.out" \
    || { cat "$work/migrate.out"; fail "melodee migrate --dry-run --offline failed"; }
grep -q . "$work/migrate.out" || fail "melodee migrate --dry-run --offline printed no plan"
log "ok: melodee migrate --dry-run --offline ($(wc -l <"$work/migrate.out") lines of plan)"
# The installed CLI reports an unreachable server as unhealthy (exit 2), not as a crash.
rc=0
in_root melodee health --dsn 'host=127.0.0.1 port=1 connect_timeout=2' >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "melodee health against a closed port exited $rc, expected 2 (unhealthy)"
log "ok: melodee health -> exit 2 (unhealthy) as expected"

# The self-check shows the main window offscreen, loads the QPSQL driver and reports where the
# keychain library was loaded from.
in_root env QT_QPA_PLATFORM=offscreen QT_DEBUG_PLUGINS=1 melodee-admin --self-check \
    >"$work/selfcheck.out" 2>"$work/selfcheck.err" \
    || { cat "$work/selfcheck.out" "$work/selfcheck.err"; fail "melodee-admin --self-check"; }
cat "$work/selfcheck.out" | sed 's/^/[install-test] self-check: /'
grep -q '^platform: offscreen$' "$work/selfcheck.out" || fail "offscreen platform not loaded"
grep -q '^sql-drivers:.*QPSQL' "$work/selfcheck.out" || fail "QPSQL not among the SQL drivers"
grep -q '^qpsql: loaded$' "$work/selfcheck.out" || fail "the QPSQL driver did not load"
grep -q '^keychain: .*libqt6keychain' "$work/selfcheck.out" || fail "libqt6keychain not loaded"
grep -q '^main-window: shown$' "$work/selfcheck.out" || fail "main window was not shown"
grep -q 'libqoffscreen.so' "$work/selfcheck.err" || fail "QT_DEBUG_PLUGINS shows no offscreen plugin"
grep -q 'libqsqlpsql.so' "$work/selfcheck.err" || fail "QT_DEBUG_PLUGINS shows no QPSQL plugin"

# And the real thing: the app must still be running after 3 s (timeout's exit status 124).
rc=0
in_root env QT_QPA_PLATFORM=offscreen timeout 3 melodee-admin >"$work/run.log" 2>&1 || rc=$?
[ "$rc" = 124 ] || { cat "$work/run.log"; fail "melodee-admin exited with $rc within 3 s"; }
log "ok: melodee-admin ran offscreen for 3 s"
phase_done checks

total=$(($(date +%s) - t0))
echo "{\"test\": \"install-test\", \"deb\": \"$(basename "$deb")\", $timings, \"total_s\": $total}"
log "PASS in ${total}s"
