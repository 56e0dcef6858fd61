#!/usr/bin/env bash
# Installs, when missing, the tools the test suite compares against: Debian's ripser (the
# reference engine) and GUDHI with POT (diagram distances); Debian's chromium, which the
# browser tests drive through playwright-core (whose own browser download is not used); and
# Prometheus's promtool, which checks and unit-tests the alert rules in deploy/prometheus.
# Needs root or sudo for apt.
set -euo pipefail
need=()
command -v ripser >/dev/null || need+=(ripser)
/usr/bin/python3 -c 'import gudhi, ot' 2>/dev/null || need+=(python3-gudhi python3-pot)
command -v chromium >/dev/null || need+=(chromium)
command -v promtool >/dev/null || need+=(prometheus)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing test oracles: ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Another apt may hold the lock for a while: wait for it rather than fail.
$sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >/dev/null
