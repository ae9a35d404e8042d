#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for libmedbenefit and build it into build/.
# Installs the packages it needs with apt-get (through sudo when not root), then configures
# and compiles with warnings as errors. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc meson ninja-build pkgconf libcyaml-dev libyaml-dev libyajl-dev python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${MB_EXTRA_PACKAGES:-}" != "" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null || true
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq "${missing[@]}" ${MB_EXTRA_PACKAGES:-} >/dev/null
fi

if [ ! -f build/build.ninja ]; then
    meson setup build -Dwerror=true >/dev/null
fi
ninja -C build >/dev/null
