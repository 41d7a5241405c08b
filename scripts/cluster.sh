#!/usr/bin/env bash
# Cluster mode on one machine, on loopback: a private PostgreSQL, silos, and stateless gRPC front-ends.
#
#   scripts/cluster.sh start [DIR]         PostgreSQL, $SILOS silos (default 3), $FRONTENDS front-ends (default 2)
#   scripts/cluster.sh stop [DIR]          front-ends, then silos (SIGTERM: a graceful leave), then PostgreSQL
#   scripts/cluster.sh kill [DIR]          SIGKILL every process and PostgreSQL at once: for a cluster thrown away
#                                          (the tests' teardown: 1 s against 6-8 s for a graceful stop)
#   scripts/cluster.sh status [DIR]        what runs, and where
#   scripts/cluster.sh start-silo DIR N    start silo N (a new one joins the cluster: ports follow the scheme below)
#   scripts/cluster.sh stop-silo DIR N     drain silo N: it leaves gracefully, its grains move to the others
#   scripts/cluster.sh kill-silo DIR N     SIGKILL silo N, as a crash would
#   scripts/cluster.sh freeze-silo DIR N   SIGSTOP silo N, as a long GC pause, a stalled disk or a paused VM would;
#   scripts/cluster.sh thaw-silo DIR N     SIGCONT it (a silo declared dead meanwhile stops itself when it wakes)
#   scripts/cluster.sh start-frontend DIR N / stop-frontend DIR N / kill-frontend DIR N
#   scripts/cluster.sh freeze-frontend DIR N / thaw-frontend DIR N
#
# DIR defaults to ./cluster. Ports from $CLUSTER_BASE_PORT (B, default 21000, below Linux's ephemeral range of 32768
# up, so that no outgoing connection holds one when a process binds it): PostgreSQL B; silo N: silo-to-silo B+10+N,
# gateway B+20+N, gRPC B+30+N, dashboard B+40+N; front-end N: gRPC B+50+N.
# Binaries: $ENGINE_BIN (a directory holding Engine.Silo.dll and Engine.Frontend.dll), or else a Release build of
# this repository made on first use. Logs and pid files: DIR/silo-N.log, DIR/frontend-N.log (an earlier start's log kept as
# .log.1, .log.2 …; each entry starts with its UTC time), DIR/*.pid.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
verb="${1:-}"
dir="${2:-cluster}"
base="${CLUSTER_BASE_PORT:-21000}"
silos="${SILOS:-3}"
frontends="${FRONTENDS:-2}"

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

binaries() {
  if [ -n "${ENGINE_BIN:-}" ]; then
    silo_dll="$ENGINE_BIN/Engine.Silo.dll"; frontend_dll="$ENGINE_BIN/Engine.Frontend.dll"
  else
    local repo; repo="$(cd "$here/.." && pwd)"
    silo_dll="$repo/silo/Engine.Silo/bin/Release/net10.0/Engine.Silo.dll"
    frontend_dll="$repo/grpc-api/Engine.Frontend/bin/Release/net10.0/Engine.Frontend.dll"
    if [ ! -f "$silo_dll" ] || [ ! -f "$frontend_dll" ]; then
      echo "cluster.sh: building Release binaries..."
      dotnet build -c Release "$repo/silo/Engine.Silo" -v quiet -nologo >/dev/null
      dotnet build -c Release "$repo/grpc-api/Engine.Frontend" -v quiet -nologo >/dev/null
    fi
  fi
}

connection() { cat "$dir/pg/connection-string"; }

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

signal_process() { # name signal: pause (STOP) or resume (CONT) a running process; nothing when it is not running
  if running "$dir/$1.pid"; then kill "-$2" "$(cat "$dir/$1.pid")"; fi
}

# Waits for a process's "Application started" line; fails with the tail of its log if it exits or takes too long.
wait_started() {
  local name="$1" deadline=$((SECONDS + ${START_TIMEOUT:-120}))
  until grep -q "Application started" "$dir/$name.log" 2>/dev/null; do
    if ! running "$dir/$name.pid"; then
      echo "cluster.sh: $name exited during start-up:" >&2; tail -n 20 "$dir/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "cluster.sh: $name did not start in time:" >&2; tail -n 20 "$dir/$name.log" >&2; return 1
    fi
    sleep 0.2
  done
}

launch() { # name dll args...
  local name="$1" dll="$2"; shift 2
  if running "$dir/$name.pid"; then echo "cluster.sh: $name already runs (pid $(cat "$dir/$name.pid"))"; return 0; fi
  # A log from an earlier start is kept as NAME.log.1, .2, …: a process started again after a crash or a drain keeps
  # what its earlier self said. Every entry starts with its time (UTC), so that the processes' logs can be read side by
  # side; LOG_TIMESTAMPS= (empty) leaves it out.
  if [ -s "$dir/$name.log" ]; then
    local kept=1
    while [ -e "$dir/$name.log.$kept" ]; do kept=$((kept + 1)); done
    mv "$dir/$name.log" "$dir/$name.log.$kept"
  fi
  : > "$dir/$name.log"
  (cd "$dir" && Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat="${LOG_TIMESTAMPS-HH:mm:ss.fff }" \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true exec setsid dotnet "$dll" "$@" >>"$dir/$name.log" 2>&1 < /dev/null) &
  echo $! > "$dir/$name.pid"
}

start_silo() {
  local n="$1"
  binaries
  # The connection string (it holds the password) goes through the environment, never the command line.
  Engine__Storage__Provider=postgres Engine__Storage__ConnectionString="$(connection)" \
    launch "silo-$n" "$silo_dll" \
      --silo-port $((base + 10 + n)) --gateway-port $((base + 20 + n)) \
      --grpc "127.0.0.1:$((base + 30 + n))" --dashboard "127.0.0.1:$((base + 40 + n))" \
      --advertise 127.0.0.1 ${CLUSTER_ID:+--cluster-id "$CLUSTER_ID"}
}

start_frontend() {
  local n="$1"
  binaries
  Frontend__MembershipConnectionString="$(connection)" \
    launch "frontend-$n" "$frontend_dll" --grpc "127.0.0.1:$((base + 50 + n))"
}

stop_process() { # name signal
  local name="$1" signal="${2:-TERM}" pidfile="$dir/$1.pid"
  running "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid="$(cat "$pidfile")"
  kill -s "$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cluster.sh: $name did not stop within 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "$verb" in
  start)
    binaries
    "$here/postgres.sh" start "$dir/pg" "$base"
    for n in $(seq 1 "$silos"); do start_silo "$n"; done
    for n in $(seq 1 "$silos"); do wait_started "silo-$n"; done
    for n in $(seq 1 "$frontends"); do start_frontend "$n"; done
    for n in $(seq 1 "$frontends"); do wait_started "frontend-$n"; done
    "$0" status "$dir"
    ;;
  stop)
    for f in "$dir"/frontend-*.pid; do [ -e "$f" ] && stop_process "$(basename "$f" .pid)"; done
    for f in "$dir"/silo-*.pid; do [ -e "$f" ] && stop_process "$(basename "$f" .pid)" & done
    wait
    "$here/postgres.sh" stop "$dir/pg"
    echo "cluster.sh: stopped"
    ;;
  kill)
    for f in "$dir"/frontend-*.pid "$dir"/silo-*.pid; do [ -e "$f" ] && stop_process "$(basename "$f" .pid)" KILL & done
    wait
    "$here/postgres.sh" kill "$dir/pg"
    echo "cluster.sh: killed"
    ;;
  status)
    echo "PostgreSQL   127.0.0.1:$base   $( [ -f "$dir/pg/data/postmaster.pid" ] && echo running || echo stopped)"
    for f in "$dir"/silo-*.pid "$dir"/frontend-*.pid; do
      [ -e "$f" ] || continue
      name="$(basename "$f" .pid)"; n="${name##*-}"
      case "$name" in
        silo-*) where="gRPC 127.0.0.1:$((base + 30 + n))  gateway $((base + 20 + n))  dashboard http://127.0.0.1:$((base + 40 + n))/dashboard" ;;
        *) where="gRPC 127.0.0.1:$((base + 50 + n))" ;;
      esac
      printf '%-12s %s   %s\n' "$name" "$(running "$f" && echo "pid $(cat "$f")" || echo stopped)" "$where"
    done
    ;;
  start-silo) start_silo "${3:?silo number}"; wait_started "silo-$3" ;;
  stop-silo) stop_process "silo-${3:?silo number}" TERM ;;
  kill-silo) stop_process "silo-${3:?silo number}" KILL ;;
  start-frontend) start_frontend "${3:?front-end number}"; wait_started "frontend-$3" ;;
  stop-frontend) stop_process "frontend-${3:?front-end number}" TERM ;;
  kill-frontend) stop_process "frontend-${3:?front-end number}" KILL ;;
  freeze-silo) signal_process "silo-${3:?silo number}" STOP ;;
  thaw-silo) signal_process "silo-${3:?silo number}" CONT ;;
  freeze-frontend) signal_process "frontend-${3:?front-end number}" STOP ;;
  thaw-frontend) signal_process "frontend-${3:?front-end number}" CONT ;;
  *) sed -n '2,22p' "$0" >&2; exit 2 ;;
esac
