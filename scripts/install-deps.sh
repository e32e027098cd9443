#!/usr/bin/env bash
# Installs the Debian 12 packages Melodee Admin builds, tests and runs with. Idempotent: when
# everything is present it returns at once without touching apt.
set -euo pipefail
packages=(
    cmake g++ ninja-build pkg-config ccache
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev
    libvulkan-dev libqt6sql6-psql qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qtkeychain-qt6-dev qt6-translations-l10n
    libpq-dev postgresql postgresql-contrib libpg-query-dev libyaml-cpp-dev libhiredis-dev
    redis-server redis-tools pgbouncer
    xvfb xauth gnome-keyring dbus-x11 dbus-daemon imagemagick openssl procps
    clang-14 libclang-rt-14-dev lld clang-format clazy
    default-jdk-headless libhikaricp-java libpostgresql-jdbc-java libslf4j-java golang-go
    golang-github-jackc-pgx-v4-dev
    debootstrap rpm appstream desktop-file-utils help2man librsvg2-bin
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
