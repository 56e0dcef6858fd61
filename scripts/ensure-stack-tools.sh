#!/usr/bin/env bash
# Installs, when missing, what scripts/stack.sh and the Kafka/Redis/S3 tests run: Java and
# Maven (to resolve Kafka's and S3Proxy's jars from Maven Central), redis-server, curl; then
# resolves the jars into the cache folder. Needs root or sudo for apt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=()
command -v java >/dev/null || need+=(default-jre-headless)
command -v mvn >/dev/null || need+=(maven)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian starts the packaged redis-server as a service on 6379; the project never uses it.
"$here/stack/resolve-jars.sh" kafka >/dev/null &
kafka=$!
"$here/stack/resolve-jars.sh" s3proxy >/dev/null
wait $kafka
