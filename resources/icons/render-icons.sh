#!/usr/bin/env bash
# Renders the application icon from melodee-admin.svg into every format the packages need.
# The results are committed, so builds (including Windows/macOS CI) need no SVG renderer.
# Needs: rsvg-convert (librsvg2-bin), ImageMagick convert, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
svg=$here/melodee-admin.svg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hicolor theme PNGs for Linux.
for size in 16 22 24 32 48 64 128 256; do
    out=$here/hicolor/${size}x${size}/apps
    mkdir -p "$out"
    rsvg-convert -w $size -h $size "$svg" -o "$out/melodee-admin.png"
done

# Windows .ico with the sizes Explorer asks for.
for size in 16 24 32 48 64 256; do
    rsvg-convert -w $size -h $size "$svg" -o "$tmp/$size.png"
done
convert "$tmp"/16.png "$tmp"/24.png "$tmp"/32.png "$tmp"/48.png "$tmp"/64.png "$tmp"/256.png \
    "$here/melodee-admin.ico"

# macOS .icns: ImageMagick 6 cannot write it, but the container is trivial (PNG payloads).
for size in 16 32 64 128 256 512 1024; do
    rsvg-convert -w $size -h $size "$svg" -o "$tmp/icns-$size.png"
done
python3 - "$tmp" "$here/melodee-admin.icns" <<'PY'
import struct, sys
tmp, out = sys.argv[1], sys.argv[2]
# OSType -> pixel size of the PNG stored in it.
types = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256),
         ("ic09", 512), ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512)]
chunks = b""
for ostype, size in types:
    data = open(f"{tmp}/icns-{size}.png", "rb").read()
    chunks += ostype.encode() + struct.pack(">I", len(data) + 8) + data
open(out, "wb").write(b"icns" + struct.pack(">I", len(chunks) + 8) + chunks)
PY
echo "icons rendered into $here"
