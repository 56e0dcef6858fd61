#!/usr/bin/env bash
# Installs, when missing, the tools the test suite compares against: Debian's ripser (the
# reference engine) and GUDHI with POT (diagram distances); and Debian's chromium, which the
# browser tests drive through playwright-core (whose own browser download is not used).
# Needs root or sudo for apt.
set -euo pipefail
need=()
command -v ripser >/dev/null || need+=(ripser)
/usr/bin/python3 -c 'import gudhi, ot' 2>/dev/null || need+=(python3-gudhi python3-pot)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing test oracles: ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
