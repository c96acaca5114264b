#!/usr/bin/env bash
# WireMock standalone (the jar bundled in the `wiremock` npm package) on 127.0.0.1, loaded with
# the mappings in backend/two/wiremock. usage: wiremock.sh up|down|status
COMPONENT=wiremock
. "$(dirname "$0")/lib.sh"

PORT="${WIREMOCK_PORT:-8089}"
HOME_DIR="$DATA_DIR/wiremock"
PIDFILE="$HOME_DIR/wiremock.pid"
LOG="$LOG_DIR/wiremock.log"
ROOT_DIR="${WIREMOCK_ROOT_DIR:-$REPO_ROOT/backend/two/wiremock}"

ready() { curl -fsS "http://127.0.0.1:$PORT/__admin/health"; }

up() {
  mkdir -p "$HOME_DIR" "$ROOT_DIR/mappings" "$ROOT_DIR/__files"
  if pid_alive "$PIDFILE"; then wait_until 30 "$LOG" "WireMock" ready; say "already up on 127.0.0.1:$PORT"; return 0; fi
  port_open "$PORT" && fail "port $PORT is taken by a process this project did not start"
  local jar
  jar=$(ls "$REPO_ROOT"/node_modules/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -n 1)
  [ -n "$jar" ] || fail "the WireMock jar is missing: run 'npm ci' first"
  say "starting WireMock on 127.0.0.1:$PORT (log: $LOG)"
  # 1 GiB: WireMock keeps every request in its journal (the scenarios read it back), and the
  # suites send thousands, many of ≈ 55 KB; 256 MiB ran out of heap in a full component run.
  setsid nohup java -Xmx1g -jar "$jar" --bind-address 127.0.0.1 --port "$PORT" \
    --root-dir "$ROOT_DIR" --disable-banner --async-response-enabled true >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_until 60 "$LOG" "WireMock" ready
  say "up on 127.0.0.1:$PORT"
}

pidfile_component "${1:-}"
