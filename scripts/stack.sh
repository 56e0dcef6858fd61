#!/usr/bin/env bash
# Starts or stops a local Kafka, Redis and S3 (S3Proxy) on 127.0.0.1, on free ports, with
# their data and logs under DIR (default .stack/ in the repository).
#   scripts/stack.sh up [DIR] [kafka] [redis] [s3]   starts them (all three by default) in
#                                                    parallel and prints where they listen
#   scripts/stack.sh down [DIR]                      stops whatever runs in DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}
dir=${2:-$here/../.stack}
shift $(( $# >= 2 ? 2 : $# ))
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(kafka redis s3)

script_of() {
  case $1 in
    kafka) echo "$here/stack/kafka.sh" ;;
    redis) echo "$here/stack/redis.sh" ;;
    s3) echo "$here/stack/s3proxy.sh" ;;
    *) echo "stack.sh: unknown service $1 (kafka, redis, s3)" >&2; exit 1 ;;
  esac
}

case $cmd in
  up)
    mkdir -p "$dir"
    pids=()
    for s in "${services[@]}"; do
      script=$(script_of "$s")
      "$script" start "$dir/$s" >"$dir/$s.address" &
      pids+=($!)
    done
    failed=0
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    if [ $failed -ne 0 ]; then
      "$0" down "$dir"
      echo "stack.sh: a server did not start (its log is under $dir)" >&2
      exit 1
    fi
    for s in "${services[@]}"; do echo "$s $(cat "$dir/$s.address")"; done
    if [[ " ${services[*]} " == *" s3 "* ]]; then
      echo "s3 credentials: ${STREAMING_TDA_S3_ACCESS_KEY:-local-access-key} / (secret from STREAMING_TDA_S3_SECRET_KEY, default local-secret-key)"
    fi
    ;;
  down)
    for s in kafka redis s3; do
      [ -d "$dir/$s" ] && "$(script_of "$s")" stop "$dir/$s"
    done
    ;;
  *)
    sed -n '2,6p' "$0" >&2
    exit 1
    ;;
esac
