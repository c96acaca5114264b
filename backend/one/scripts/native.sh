#!/usr/bin/env bash
# Service one without Docker: `make one-up` / `make one-down` call this in native mode.
#   up    apply the migrations offline (same SQL and bookkeeping as `prisma migrate deploy`),
#         generate the Prisma client if missing, start the service in the background and wait
#         (bounded) until /readyz answers 200. Already running → success.
#   down  stop the process `up` started (by pid file), TERM first, bounded.
# Environment: ONE_DATABASE_URL, KAFKA_BROKERS, ONE_HTTP__PORT and every other ONE_* key (README).
COMPONENT=one
. "$(dirname "$0")/../../../infra/native/lib.sh"

ONE_DIR="$REPO_ROOT/backend/one"
RUN_DIR="$DATA_DIR/one"
PIDFILE="$RUN_DIR/one.pid"
LOG="$LOG_DIR/one.log"
PORT="${ONE_HTTP__PORT:-8099}"
READY_BOUND_S="${ONE_READY_BOUND_S:-30}"
export ONE_DATABASE_URL="${ONE_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:54329/one}"
mkdir -p "$RUN_DIR"

ready() { node -e "fetch('http://127.0.0.1:$PORT/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }

up() {
  if pid_alive "$PIDFILE"; then
    wait_until "$READY_BOUND_S" "$LOG" "service one" ready
    say "already up on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
    return 0
  fi
  port_open "$PORT" && fail "port $PORT is taken by a process this script did not start"
  cd "$ONE_DIR"
  if [ ! -f src/generated/prisma/client.ts ]; then
    say "generating the Prisma client"
    npm run --silent generate >>"$LOG" 2>&1 || fail "prisma generate failed; see $LOG"
  fi
  node --conditions=source --import tsx scripts/migrate.ts 2>&1 | tee -a "$LOG" || fail "migrations failed; see $LOG"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "migrations failed; see $LOG"
  say "starting (log $LOG)"
  # setsid: the service outlives this shell and a Ctrl-C in it.
  setsid nohup node --conditions=source --import tsx src/main.ts >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_until "$READY_BOUND_S" "$LOG" "service one (is Kafka up? make kafka-up)" ready
  say "up on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), pid file $PIDFILE, log $LOG)"
}

down() {
  stop_pid "$PIDFILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
