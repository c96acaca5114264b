#!/usr/bin/env bash
# Service one without Docker: `make one-up` / `make one-down` call this in native mode
# (migrations, then the service in the background until /readyz is 200; see node_service in
# infra/native/lib.sh). Environment: ONE_DATABASE_URL, KAFKA_BROKERS, ONE_HTTP__PORT and every other
# ONE_* key (README).
COMPONENT=one
. "$(dirname "$0")/../../../infra/native/lib.sh"

export ONE_DATABASE_URL="${ONE_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:54329/one}"
node_service "${1:-}" "$REPO_ROOT/backend/one" "${ONE_HTTP__PORT:-8099}" "${ONE_READY_BOUND_S:-30}" \
  "is Kafka up? make kafka-up"
