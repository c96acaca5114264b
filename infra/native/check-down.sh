#!/usr/bin/env bash
# After `make infra-down` in native mode: proves nothing this project started is still running
# (no live pid from our pid files, no PostgreSQL postmaster in our data dir, our ports closed).
COMPONENT=check-down
. "$(dirname "$0")/lib.sh"

left=()
for pidfile in "$DATA_DIR"/kafka/kafka.pid "$DATA_DIR"/redis/redis.pid "$DATA_DIR"/wiremock/wiremock.pid \
  "$DATA_DIR"/one/one.pid "$DATA_DIR"/two/two.pid; do
  pid_alive "$pidfile" && left+=("$(basename "$pidfile" .pid) (pid $(cat "$pidfile"))")
done
[ -f "$DATA_DIR/postgres/data/postmaster.pid" ] && left+=("postgres ($DATA_DIR/postgres/data/postmaster.pid)")
for port in "${KAFKA_PORT:-9092}" "${POSTGRES_PORT:-54329}" "${REDIS_PORT:-6379}" "${WIREMOCK_PORT:-8089}"; do
  port_open "$port" && left+=("a listener on 127.0.0.1:$port")
done
if [ "${#left[@]}" -gt 0 ]; then
  fail "still running after infra-down: ${left[*]}"
fi
say "nothing left running"
