#!/usr/bin/env bash
# Redis from Debian's packages on 127.0.0.1, no persistence. usage: redis.sh up|down|status
COMPONENT=redis
. "$(dirname "$0")/lib.sh"

PORT="${REDIS_PORT:-6379}"
HOME_DIR="$DATA_DIR/redis"
PIDFILE="$HOME_DIR/redis.pid"
LOG="$LOG_DIR/redis.log"

ready() { redis-cli -h 127.0.0.1 -p "$PORT" ping | grep -q PONG; }

up() {
  ensure_apt redis-server redis-server
  mkdir -p "$HOME_DIR"
  if pid_alive "$PIDFILE"; then wait_until 20 "$LOG" "Redis" ready; say "already up on 127.0.0.1:$PORT"; return 0; fi
  port_open "$PORT" && fail "port $PORT is taken by a process this project did not start"
  say "starting Redis on 127.0.0.1:$PORT (log: $LOG)"
  redis-server --bind 127.0.0.1 --port "$PORT" --dir "$HOME_DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$PIDFILE" --logfile "$LOG" || fail "redis-server failed; see $LOG"
  wait_until 20 "$LOG" "Redis" ready
  say "up on 127.0.0.1:$PORT"
}

pidfile_component "${1:-}"
