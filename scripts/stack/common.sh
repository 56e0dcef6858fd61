# Shared by the server scripts: the cache folder, free ports, waiting for a port, stopping a pid.
# Sourced, not run.

# Jars resolved by mvn live here; CI caches it between runs.
STACK_CACHE="${STREAMING_TDA_CACHE:-$HOME/.cache/streaming-tda}"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# A port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found on 127.0.0.1"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_until SECONDS PID LOG COMMAND...: polls COMMAND every 0.1 s; fails early when PID exits.
wait_until() {
  local seconds=$1 pid=$2 log=$3
  shift 3
  local deadline=$(( $(date +%s%N) / 1000000 + seconds * 1000 ))
  while ! "$@" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "--- last lines of $log ---" >&2
      tail -n 30 "$log" >&2 || true
      die "server (pid $pid) exited before it answered"
    fi
    if (( $(date +%s%N) / 1000000 > deadline )); then
      tail -n 30 "$log" >&2 || true
      kill "$pid" 2>/dev/null || true
      die "server (pid $pid) did not answer within ${seconds} s"
    fi
    sleep 0.1
  done
}

# stop_pid DIR [--kill]: stops the server whose pid is in DIR/pid (SIGTERM, SIGKILL after 15 s
# or at once with --kill) and waits for it to be gone.
stop_pid() {
  local dir=$1 signal=TERM
  [ "${2:-}" = "--kill" ] && signal=KILL
  [ -f "$dir/pid" ] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -s "$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -s KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$dir/pid"
}

# The port a server used last time in DIR (a restart keeps it), else a new free one.
port_for() {
  local dir=$1 requested=${2:-}
  if [ -n "$requested" ]; then echo "$requested"
  elif [ -f "$dir/port" ]; then cat "$dir/port"
  else free_port
  fi
}

# stack_command NAME start|stop DIR [PORT|--kill]: the arguments every server script takes.
# `stop` stops DIR's server and exits; `start` returns with DIR made absolute in $dir and the
# requested port (or nothing) in $requested_port, after refusing a server already running there.
stack_command() {
  local name=$1 cmd=${2:-}
  dir=${3:-}
  [ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $name start|stop DIR [PORT|--kill]"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$cmd" = stop ]; then
    stop_pid "$dir" "${4:-}"
    exit 0
  fi
  [ "$cmd" = start ] || die "unknown command $cmd"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then die "already running in $dir"; fi
  requested_port=${4:-}
}
