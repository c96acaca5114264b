#!/usr/bin/env bash
# The bench's own tools, from Debian's packages when missing: wrk (the load generator). Redis for
# the jwt variant is installed by infra/native/redis.sh when the bench starts its private instance.
COMPONENT=bench-tools
. "$(dirname "$0")/../native/lib.sh"

ensure_apt wrk wrk
say "wrk $(wrk --version 2>&1 | awk 'NR == 1 {print $2}')"
