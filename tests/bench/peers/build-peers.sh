#!/usr/bin/env bash
# Compiles the pool benchmark's reference peers into DIR (skipped when DIR already holds builds
# newer than their sources):
#   DIR/java/HikariBench.class + DIR/java/classpath   HikariCP 2.7.9 + pgjdbc, Debian's jars
#   DIR/pgxbench                                    Go database/sql + pgx v4, Debian's sources
# Everything comes from Debian's packages (scripts/install-deps.sh); nothing is downloaded.
#   build-peers.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-peers.sh DIR}
mkdir -p "$out/java"
jars=(/usr/share/java/HikariCP.jar /usr/share/java/postgresql.jar /usr/share/java/slf4j-api.jar
    /usr/share/java/slf4j-nop.jar)
for j in "${jars[@]}"; do
    [ -r "$j" ] || { echo "build-peers.sh: $j is missing (run scripts/install-deps.sh)" >&2; exit 3; }
done
command -v javac >/dev/null || { echo "build-peers.sh: javac is missing (default-jdk-headless)" >&2; exit 3; }
command -v go >/dev/null || { echo "build-peers.sh: go is missing (golang-go)" >&2; exit 3; }
gopath=/usr/share/gocode
[ -d "$gopath/src/github.com/jackc/pgx/v4" ] \
    || { echo "build-peers.sh: pgx v4 sources are missing (golang-github-jackc-pgx-v4-dev)" >&2; exit 3; }

if [ ! "$out/java/HikariBench.class" -nt "$here/HikariBench.java" ]; then
    javac -d "$out/java" -cp "${jars[0]}" "$here/HikariBench.java"
fi
printf '%s\n' "${jars[@]}" >"$out/java/classpath"
if [ ! "$out/pgxbench" -nt "$here/pgxbench.go" ]; then
    # GOPATH mode over Debian's packaged sources: no module download, no network.
    GO111MODULE=off GOPATH=$gopath GOCACHE="$out/gocache" GOFLAGS= \
        go build -o "$out/pgxbench" "$here/pgxbench.go"
fi
