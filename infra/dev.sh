#!/usr/bin/env bash
# `make dev`: the development loop. Starts the infrastructure (either mode), applies both services'
# migrations, then runs one and two in watch mode (`npm run dev`: node --watch, restarts on a saved
# file) with the Makefile's environment — .env included — and their logs interleaved, each line
# prefixed [one] or [two]. Ctrl-C (or SIGTERM) stops both services and the infrastructure pieces
# this run started; pieces that were already up before it stay up.
COMPONENT=dev
. "$(dirname "$0")/native/lib.sh"
cd "$REPO_ROOT"
MAKE="${MAKE:-make}"

# What is already listening is not ours to stop.
declare -A PORT=([kafka]="${KAFKA_PORT:-9092}" [postgres]="${POSTGRES_PORT:-54329}" [redis]="${REDIS_PORT:-6379}" [wiremock]="${WIREMOCK_PORT:-8089}")
started=()
for piece in kafka postgres redis wiremock; do port_open "${PORT[$piece]}" || started+=("$piece"); done
for port in "${ONE_HTTP__PORT:-8099}" "${TWO_HTTP__PORT:-8082}"; do
  port_open "$port" && fail "port $port is taken (make one-down two-down, or stop what listens there)"
done
export TWO_AUTH__CLIENT_SECRET="${TWO_AUTH__CLIENT_SECRET:-local-wiremock-secret}"

groups=()
stop() {
  trap - INT TERM EXIT
  say "stopping"
  for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null || true; done
  for group in "${groups[@]}"; do while kill -0 -- "-$group" 2>/dev/null; do sleep 0.2; done; done
  for piece in "${started[@]}"; do "$MAKE" "$piece-down" || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

"$MAKE" infra-up
for service in one two; do
  say "migrating $service"
  npm run --silent migrate -w "@services/$service"
done
for service in one two; do
  # Each service and its prefixer in a process group of its own, so stop() ends the whole tree
  # (npm, node --watch, the service) whatever signal reached this shell.
  setsid bash -c 'npm run --silent dev -w "@services/$1" 2>&1 | sed -u "s/^/[$1] /"' _ "$service" </dev/null &
  groups+=("$!")
done
say "one on http://127.0.0.1:${ONE_HTTP__PORT:-8099}, two on http://127.0.0.1:${TWO_HTTP__PORT:-8082}; Ctrl-C stops everything this run started"
wait
