#!/usr/bin/env bash
# Runs the container engine lib.sh picks (docker, or podman with this project's settings):
#   bash infra/images/engine.sh <docker/podman arguments>
set -euo pipefail
. "$(dirname "$0")/lib.sh" >&2
engine "$@"
