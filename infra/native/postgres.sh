#!/usr/bin/env bash
# A private PostgreSQL cluster from Debian's packages, data under .data/postgres, on 127.0.0.1.
# Creates the databases the project uses. usage: postgres.sh up|down|status
COMPONENT=postgres
. "$(dirname "$0")/lib.sh"

PORT="${POSTGRES_PORT:-54329}"
HOME_DIR="$DATA_DIR/postgres"
PGDATA="$HOME_DIR/data"
LOG="$LOG_DIR/postgres.log"
DATABASES=(one two reference)

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# PostgreSQL refuses to run as root: as root we run it as the 'postgres' system user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BIN=""
prepare() {
  BIN=$(find_bin) || true
  if [ -z "$BIN" ]; then
    ensure_apt postgresql /nonexistent/pg_ctl
    BIN=$(find_bin) || fail "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
  fi
  mkdir -p "$HOME_DIR"; touch "$LOG"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$HOME_DIR" "$LOG"; chmod 755 "$DATA_DIR" "$LOG_DIR"; fi
}

ready() { as_owner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }
running() { [ -n "$BIN" ] && [ -f "$PGDATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1; }

create_databases() {
  local db
  for db in "${DATABASES[@]}"; do
    if ! as_owner psql -h "$HOME_DIR" -p "$PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      as_owner psql -q -h "$HOME_DIR" -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE \"$db\"" >>"$LOG"
    fi
  done
}

up() {
  prepare
  if running; then
    wait_until 30 "$LOG" "PostgreSQL" ready
    create_databases; say "already up on 127.0.0.1:$PORT"; return 0
  fi
  port_open "$PORT" && fail "port $PORT is taken by a process this project did not start"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    local pwfile="$HOME_DIR/.pw"; echo "${POSTGRES_PASSWORD:-postgres}" >"$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    as_owner "$BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$LOG" 2>&1 || fail "initdb failed; see $LOG"
    rm -f "$pwfile"
  fi
  say "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG)"
  as_owner "$BIN/pg_ctl" start -D "$PGDATA" -l "$LOG" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$HOME_DIR' -c max_connections=200 -c fsync=on" \
    >/dev/null 2>&1 || fail "PostgreSQL did not start within 60s; see $LOG"
  wait_until 30 "$LOG" "PostgreSQL" ready
  create_databases
  say "up on 127.0.0.1:$PORT, databases: ${DATABASES[*]}"
}

down() {
  BIN=$(find_bin) || true
  if ! running; then say "not running"; return 0; fi
  as_owner "$BIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t 30 >/dev/null && say "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) BIN=$(find_bin) || true; running && say "running" || { say "stopped"; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
