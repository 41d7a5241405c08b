#!/usr/bin/env bash
# A private PostgreSQL for cluster mode on one machine: its own data directory and port, loopback only, run as the
# `postgres` user when started by root (PostgreSQL refuses to run as root).
#
#   scripts/postgres.sh start DIR PORT   initialises DIR/data on first use, starts the server, creates database
#                                        "engine" and writes DIR/connection-string (mode 600; holds the password)
#   scripts/postgres.sh stop DIR         fast shutdown (waits for it)
#   scripts/postgres.sh kill DIR         immediate shutdown, as a crash would (for failover tests)
#
# The password is random, made at initialisation, and never printed.
set -euo pipefail

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$PG_BIN/pg_ctl" ] || { echo "postgres.sh: PostgreSQL binaries not found (set PG_BIN)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start DIR PORT | stop DIR | kill DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
data="$dir/data"

case "$cmd" in
  start)
    port="${3:?usage: $0 start DIR PORT}"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; chmod 700 "$dir"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
      umask 077
      printf '%s\n' "$password" > "$dir/pwfile"
      [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
      as_owner "$PG_BIN/initdb" -D "$data" -U engine --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C >"$dir/initdb.log"
      rm -f "$dir/pwfile"
      printf 'Host=127.0.0.1;Port=%s;Database=engine;Username=engine;Password=%s\n' "$port" "$password" > "$dir/connection-string"
      chmod 600 "$dir/connection-string"
    fi
    as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c max_connections=300 -c shared_buffers=256MB" \
      start >/dev/null
    password="$(sed -n 's/.*Password=\([^;]*\).*/\1/p' "$dir/connection-string")"
    if ! PGPASSWORD="$password" "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U engine -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'engine'" | grep -q 1; then
      PGPASSWORD="$password" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U engine engine
    fi
    echo "postgres.sh: PostgreSQL on 127.0.0.1:$port (data $data); connection string in $dir/connection-string"
    ;;
  stop)
    [ -f "$data/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    ;;
  kill)
    [ -f "$data/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 60 stop >/dev/null || true
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | kill DIR" >&2; exit 2 ;;
esac
