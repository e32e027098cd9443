#!/usr/bin/env bash
# Validates the desktop integration files as built: the .desktop file with
# desktop-file-validate and the configured AppStream metainfo with appstreamcli (offline, so
# the screenshot URL is checked for form, not fetched), and that the metainfo carries the
# project version.   metadata-test.sh <source-dir> <build-dir>
set -euo pipefail
src=$1 build=$2
version=$(sed -n 's/^project(MelodeeAdmin VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
metainfo=$build/packaging/org.melodee.admin.metainfo.xml

desktop-file-validate "$src/packaging/linux/melodee-admin.desktop"
echo "ok: desktop-file-validate"
appstreamcli validate --no-net --pedantic --explain "$metainfo"
grep -q "<release version=\"$version\"" "$metainfo" \
    || { echo "FAIL: metainfo has no <release version=\"$version\">" >&2; exit 1; }
echo "ok: metainfo release $version"
# Every hicolor size the CMake install rule ships must exist and have the size it claims.
for dir in "$src"/resources/icons/hicolor/*x*; do
    size=${dir##*/}
    actual=$(identify -format '%wx%h' "$dir/apps/melodee-admin.png")
    [ "$actual" = "$size" ] || { echo "FAIL: $dir icon is $actual" >&2; exit 1; }
done
echo "ok: hicolor icons"
if [ -f "$build/packaging/melodee.1.gz" ]; then
    zcat "$build/packaging/melodee.1.gz" | grep -q '^\.TH MELODEE "1"' \
        || { echo "FAIL: melodee.1.gz is not a section-1 man page" >&2; exit 1; }
    zcat "$build/packaging/melodee.1.gz" | grep -q "$version" \
        || { echo "FAIL: man page lacks version $version" >&2; exit 1; }
    echo "ok: man page"
else
    echo "FAIL: $build/packaging/melodee.1.gz was not generated" >&2
    exit 1
fi
