#!/usr/bin/env bash
# Shared helpers for the native (no Docker) infrastructure scripts. Every server keeps its data,
# pid file and log under .data/ (git-ignored); `down` stops only what `up` started (by pid file).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_DIR="${DATA_DIR:-$REPO_ROOT/.data}"
LOG_DIR="$DATA_DIR/logs"
mkdir -p "$LOG_DIR"
# shellcheck source=../versions.env
set -a; . "$REPO_ROOT/infra/versions.env"; set +a

say() { printf '[%s] %s\n' "$COMPONENT" "$*"; }
fail() { printf '[%s] ERROR: %s\n' "$COMPONENT" "$*" >&2; exit 1; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS LOGFILE DESCRIPTION CMD...: polls CMD every 0.5 s, bounded.
wait_until() {
  local bound=$1 log=$2 what=$3; shift 3
  local deadline=$((SECONDS + bound))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "$what did not become ready within ${bound}s; see $log"
    fi
    sleep 0.5
  done
}

# stop_pid PIDFILE: TERM, wait up to 30 s, then KILL. Only touches a pid this project recorded.
stop_pid() {
  local pidfile=$1
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; say "not running"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$pidfile"
  say "stopped"
}

# ensure_apt PACKAGE COMMAND: installs a Debian package when its command is missing.
ensure_apt() {
  local pkg=$1 cmd=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [ -x "$cmd" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then fail "'$cmd' is missing: run 'sudo apt-get install -y $pkg'"; fi
  say "installing $pkg from Debian packages (one time)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >"$LOG_DIR/apt-$pkg.log" 2>&1; then
    apt-get update -qq >>"$LOG_DIR/apt-$pkg.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >>"$LOG_DIR/apt-$pkg.log" 2>&1 ||
      fail "could not install $pkg; see $LOG_DIR/apt-$pkg.log"
  fi
}

# node_service up|down DIR PORT READY_BOUND_S HINT: runs a service of this repo in the background.
#   up    generate the Prisma client if missing, `npm run migrate` (offline, same bookkeeping as
#         `prisma migrate deploy`), start `src/main.ts`, wait (bounded) until /readyz answers 200;
#         already running → success.
#   down  stop the process `up` started (pid file), TERM first, bounded.
# Uses COMPONENT for the pid/log names: .data/<name>/<name>.pid, .data/logs/<name>.log.
node_service() {
  local action=$1 dir=$2 port=$3 bound=$4 hint=$5
  local pidfile="$DATA_DIR/$COMPONENT/$COMPONENT.pid" log="$LOG_DIR/$COMPONENT.log"
  mkdir -p "$DATA_DIR/$COMPONENT"
  ready() { curl -fsS "http://127.0.0.1:$port/readyz"; }
  case "$action" in
    down) stop_pid "$pidfile"; return ;;
    up) ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
  esac
  if pid_alive "$pidfile"; then
    wait_until "$bound" "$log" "service $COMPONENT" ready
    say "already up on http://127.0.0.1:$port (pid $(cat "$pidfile"), log $log)"
    return 0
  fi
  port_open "$port" && fail "port $port is taken by a process this script did not start"
  cd "$dir"
  if [ ! -f src/generated/prisma/client.ts ]; then
    say "generating the Prisma client"
    npm run --silent generate >>"$log" 2>&1 || fail "prisma generate failed; see $log"
  fi
  npm run --silent migrate >>"$log" 2>&1 || fail "migrations failed; see $log"
  say "migrations applied; starting (log $log)"
  # setsid: the service outlives this shell and a Ctrl-C in it.
  setsid nohup node --max-semi-space-size=2 --max-old-space-size=128 --conditions=source --import tsx src/main.ts >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_until "$bound" "$log" "service $COMPONENT ($hint)" ready
  say "up on http://127.0.0.1:$port (pid $(cat "$pidfile"), log $log)"
}

# pidfile_component up|down|status: the entry point of a server this project tracks by $PIDFILE;
# `up` is the calling script's own function.
pidfile_component() {
  case "${1:-}" in
    up) up ;;
    down) stop_pid "$PIDFILE" ;;
    status) if pid_alive "$PIDFILE"; then say "running (pid $(cat "$PIDFILE"))"; else say "stopped"; exit 1; fi ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
  esac
}
