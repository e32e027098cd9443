#!/usr/bin/env bash
# clazy's level-1 checks (Qt-specific mistakes: detaching containers, QString misuse, connects
# that capture locals, ...) over our own sources, using the build's compile_commands.json.
# Run after scripts/build.sh: the build generates the moc files the sources include.
#   scripts/check-clazy.sh [BUILD_DIR]
# qstring-ref is left out: it asks for QStringRef/midRef(), which Qt 6 removed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${MELODEE_BUILD_DIR:-$root/build}}
[ -f "$build/compile_commands.json" ] || { echo "check-clazy.sh: no $build/compile_commands.json (run scripts/build.sh first)" >&2; exit 1; }
command -v clazy-standalone >/dev/null || { echo "check-clazy.sh: clazy-standalone not found (apt-get install clazy)" >&2; exit 1; }
cd "$root"
checks=level0,level1,no-qstring-ref
out=$(mktemp)
db=$(mktemp -d)
trap 'rm -rf "$out" "$db"' EXIT
# The build's precompiled headers are GCC's, which clang cannot read: analyse each source with
# its own includes only (so a source that compiles only thanks to the precompiled header fails).
sed -E 's# -Winvalid-pch##g; s# -include [^ ]*/cmake_pch\.hxx##g' \
    "$build/compile_commands.json" >"$db/compile_commands.json"
git ls-files -z 'app/*.cpp' 'cli/*.cpp' 'core/*.cpp' 'ui/*.cpp' \
    | xargs -0 -n 8 -P "$(nproc)" clazy-standalone -p "$db" -checks="$checks" \
        --extra-arg=-Wno-unknown-warning-option >"$out" 2>&1 || true
findings=$(grep -E '\[-Wclazy-[a-z0-9-]+\]' "$out" | sort -u || true)
if [ -n "$findings" ]; then
    echo "clazy found:" >&2
    echo "$findings" | sed "s|$root/||" >&2
    exit 1
fi
if grep -qE 'error: |fatal error' "$out"; then
    echo "clazy could not process every file:" >&2
    grep -E 'error: |fatal error' "$out" | head -20 >&2
    exit 1
fi
echo "clazy: no findings"
