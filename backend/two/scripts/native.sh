#!/usr/bin/env bash
# Service two without Docker: `make two-up` / `make two-down` call this in native mode.
#   up    apply two's migrations offline (same SQL and bookkeeping as `prisma migrate deploy`),
#         generate the Prisma client if missing, start the service in the background and wait
#         (bounded) until /readyz answers 200 (consumer joined, database answers). Running → success.
#   down  stop the process `up` started (by pid file): TERM first, bounded, then KILL.
# Environment: TWO_DATABASE_URL, KAFKA_BROKERS, WIREMOCK_URL, TWO_HTTP__PORT and every other TWO_*
# key (README). TWO_AUTH__CLIENT_SECRET defaults to a local value that only WireMock accepts.
COMPONENT=two
. "$(dirname "$0")/../../../infra/native/lib.sh"

TWO_DIR="$REPO_ROOT/backend/two"
RUN_DIR="$DATA_DIR/two"
PIDFILE="$RUN_DIR/two.pid"
LOG="$LOG_DIR/two.log"
PORT="${TWO_HTTP__PORT:-8082}"
READY_BOUND_S="${TWO_READY_BOUND_S:-45}"
export TWO_DATABASE_URL="${TWO_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:54329/two}"
export TWO_AUTH__CLIENT_SECRET="${TWO_AUTH__CLIENT_SECRET:-local-wiremock-secret}"
mkdir -p "$RUN_DIR"

ready() { curl -fsS "http://127.0.0.1:$PORT/readyz"; }

up() {
  if pid_alive "$PIDFILE"; then
    wait_until "$READY_BOUND_S" "$LOG" "service two" ready
    say "already up on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
    return 0
  fi
  port_open "$PORT" && fail "port $PORT is taken by a process this script did not start"
  cd "$TWO_DIR"
  if [ ! -f src/generated/prisma/client.ts ]; then
    say "generating the Prisma client"
    npm run --silent generate >>"$LOG" 2>&1 || fail "prisma generate failed; see $LOG"
  fi
  set -o pipefail
  node --conditions=source --import tsx src/migrations/main.ts 2>&1 | tee -a "$LOG" || fail "migrations failed; see $LOG"
  say "starting (log $LOG)"
  # setsid: the service outlives this shell and a Ctrl-C in it.
  setsid nohup node --conditions=source --import tsx src/main.ts >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_until "$READY_BOUND_S" "$LOG" "service two (are Kafka and WireMock up? make kafka-up wiremock-up)" ready
  say "up on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"), pid file $PIDFILE, log $LOG)"
}

case "${1:-}" in
  up) up ;;
  down) stop_pid "$PIDFILE" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
