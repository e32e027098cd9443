#!/usr/bin/env bash
# Builds the .rpm with CPack and checks its metadata with rpm -qpi / -qpR / -qpl: name,
# version from project(VERSION), licence, the two binaries in /usr/bin, and automatic
# requirements on the libraries we link (we cannot install it on Debian, so this is the check).
#   rpm-test.sh <source-dir> <build-dir>
set -euo pipefail
src=$1 build=$2
command -v rpmbuild >/dev/null || { echo "FAIL: rpmbuild missing (apt-get install rpm)" >&2; exit 1; }
version=$(sed -n 's/^project(MelodeeAdmin VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpack --config "$build/CPackConfig.cmake" -G RPM -B "$work" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log"; exit 1; }
rpmfile=$(ls "$work"/melodee-admin-*.rpm)
info=$(rpm -qpi "$rpmfile" 2>/dev/null)
requires=$(rpm -qpR "$rpmfile" 2>/dev/null)
files=$(rpm -qpl "$rpmfile" 2>/dev/null)
echo "$info"
echo "--- requires"; echo "$requires"
check() { # check <what> <haystack> <extended regex>
    echo "$2" | grep -Eq "$3" || { echo "FAIL: $1 (no match for /$3/)" >&2; exit 1; }
    echo "ok: $1"
}
check "name" "$info" '^Name +: melodee-admin$'
check "version $version" "$info" "^Version +: $version\$"
check "licence" "$info" '^License +: MIT$'
check "Qt Widgets requirement" "$requires" '^libQt6Widgets\.so\.6'
check "libpq requirement" "$requires" '^libpq\.so\.5'
check "QtKeychain requirement" "$requires" '^libqt6keychain\.so\.1'
check "yaml-cpp requirement" "$requires" '^libyaml-cpp\.so'
# Every library the packaged binaries link (NEEDED) must be required. hiredis appears here only
# once an app links it: --as-needed drops what a binary does not use.
for bin in "$build/bin/melodee" "$build/bin/melodee-admin"; do # what CPack packaged
    for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        re=$(printf '%s' "$lib" | sed 's/[][\.*^$+?(){}|]/\\&/g')
        check "$(basename "$bin") needs $lib" "$requires" "^$re\(\)\(64bit\)\$"
    done
done
check "/usr/bin/melodee" "$files" '^/usr/bin/melodee$'
check "/usr/bin/melodee-admin" "$files" '^/usr/bin/melodee-admin$'
check "licence files" "$files" '^/usr/share/doc/melodee-admin/THIRD-PARTY-NOTICES$'
if echo "$files" | grep -Eq '^/usr/share/(applications|icons/hicolor|man/man1)$'; then
    echo "FAIL: the package claims a directory owned by the system" >&2
    exit 1
fi
echo "ok: no system directories claimed"
