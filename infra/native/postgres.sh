#!/usr/bin/env bash
# A private PostgreSQL cluster from Debian's packages, data under .data/postgres, on 127.0.0.1.
# Creates the databases the project uses. usage: postgres.sh up|down|status|purge
#
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' system user, which must
# be able to enter the cluster's folder. When the clone lives where that user cannot (inside a
# folder of mode 0700, such as /root or a `mktemp -d` folder), the cluster lives in that user's
# home instead, one folder per data dir, /var/lib/postgresql/event-driven-reference/<hash of the
# data dir>, and .data/postgres is a symlink to it. `purge` (run by `make clean`) deletes that folder.
COMPONENT=postgres
. "$(dirname "$0")/lib.sh"

PORT="${POSTGRES_PORT:-54329}"
LINK="$DATA_DIR/postgres"
LOG="$LOG_DIR/postgres.log"
DATABASES=(one two reference)

# The cluster's real folder (what the server process is given): .data/postgres, or where its symlink points.
HOME_DIR="$LINK"
if [ -L "$LINK" ]; then HOME_DIR=$(readlink -f "$LINK"); fi
PGDATA="$HOME_DIR/data"

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

# From / : the PostgreSQL tools change back to the working directory, which user postgres may not enter.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# As root, with no cluster yet: keep it in .data/postgres when user postgres can enter that folder,
# otherwise in postgres's home (see the top of this file).
place_cluster() {
  [ "$(id -u)" -eq 0 ] && [ ! -L "$LINK" ] && [ ! -f "$LINK/data/PG_VERSION" ] || return 0
  mkdir -p "$DATA_DIR"; chmod 755 "$DATA_DIR"
  runuser -u postgres -- test -x "$DATA_DIR" && return 0
  local home; home=$(getent passwd postgres | cut -d: -f6)
  [ -n "$home" ] && [ -d "$home" ] || fail "user postgres has no home folder to keep the cluster in"
  HOME_DIR="$home/event-driven-reference/$(readlink -f "$DATA_DIR" | sha256sum | cut -c1-16)"
  PGDATA="$HOME_DIR/data"
  install -d -o postgres -g postgres -m 755 "$home/event-driven-reference"
  install -d -o postgres -g postgres -m 700 "$HOME_DIR"
  rm -rf "$LINK"; ln -s "$HOME_DIR" "$LINK"
  say "user postgres cannot enter $DATA_DIR (a folder above it is private): the cluster lives in $HOME_DIR (${LINK#"$REPO_ROOT"/} links there)"
}

purge() {
  if running; then fail "PostgreSQL is running: make postgres-down first"; fi
  if [ -L "$LINK" ]; then rm -rf "$HOME_DIR"; rm -f "$LINK"; say "deleted the cluster in $HOME_DIR"; fi
}

BIN=""
prepare() {
  BIN=$(find_bin) || true
  if [ -z "$BIN" ]; then
    ensure_apt postgresql /nonexistent/pg_ctl
    BIN=$(find_bin) || fail "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
  fi
  place_cluster
  mkdir -p "$HOME_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$HOME_DIR"; fi
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
  # The server logs to pg_ctl's stdout, which this shell opens: the log can sit where user postgres cannot reach.
  as_owner "$BIN/pg_ctl" start -D "$PGDATA" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$HOME_DIR' -c max_connections=200 -c fsync=on" \
    >>"$LOG" 2>&1 </dev/null || fail "PostgreSQL did not start within 60s; see $LOG"
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
  purge) BIN=$(find_bin) || true; purge ;;
  *) echo "usage: $0 up|down|status|purge" >&2; exit 2 ;;
esac
