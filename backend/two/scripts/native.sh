#!/usr/bin/env bash
# Service two without Docker: `make two-up` / `make two-down` call this in native mode
# (migrations, then the service in the background until /readyz is 200: consumer joined, database
# answers; see node_service in infra/native/lib.sh). Environment: TWO_DATABASE_URL, KAFKA_BROKERS,
# WIREMOCK_URL, TWO_HTTP__PORT and every other TWO_* key (README). TWO_AUTH__CLIENT_SECRET defaults
# to a local value that only WireMock accepts.
COMPONENT=two
. "$(dirname "$0")/../../../infra/native/lib.sh"

export TWO_DATABASE_URL="${TWO_DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:54329/two}"
export TWO_AUTH__CLIENT_SECRET="${TWO_AUTH__CLIENT_SECRET:-local-wiremock-secret}"
node_service "${1:-}" "$REPO_ROOT/backend/two" "${TWO_HTTP__PORT:-8082}" "${TWO_READY_BOUND_S:-45}" \
  "are Kafka and WireMock up? make kafka-up wiremock-up"
