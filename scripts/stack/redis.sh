#!/usr/bin/env bash
# Debian's redis-server on 127.0.0.1, its data (append-only file) in DIR, never on 6379.
#   redis.sh start DIR [PORT]   starts and waits for PONG; prints "redis://127.0.0.1:PORT".
#                               A restart reuses DIR's port and data.
#   redis.sh stop DIR [--kill]
set -euo pipefail
. "$(dirname "$0")/common.sh"

stack_command redis.sh "$@"
command -v redis-server >/dev/null || die "redis-server not found: run scripts/ensure-stack-tools.sh"
port=$(port_for "$dir" "$requested_port")
[ "$port" != 6379 ] || die "port 6379 is left to the system's own Redis"
echo "$port" >"$dir/port"

# The append-only file makes a restart keep the data; fsync every second as in production.
setsid redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
  --appendonly yes --appendfsync everysec --daemonize no --logfile "$dir/server.log" </dev/null >/dev/null 2>&1 &
echo $! >"$dir/pid"
ping_redis() { [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; }
wait_until 20 "$!" "$dir/server.log" ping_redis
echo "redis://127.0.0.1:$port"
