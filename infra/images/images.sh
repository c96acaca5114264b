#!/usr/bin/env bash
# `make images`: builds the services' images, one:local and two:local, from backend/Dockerfile with
# a Docker engine when one answers, with daemonless podman otherwise (see lib.sh). The pinned Node
# base image is pulled, or built locally where no registry answers (node-base.sh).
#   images.sh build [one|two ...]     IMAGE_TAG=<tag> builds <service>:<tag> instead of :local
set -euo pipefail
COMPONENT=images
. "$(dirname "$0")/lib.sh"

# service:default HTTP port (each service's config schema default; EXPOSE and the health check).
declare -A HTTP_PORTS=([one]=8099 [two]=8082)
TAG="${IMAGE_TAG:-local}"

build() {
  local service=$1 secret=()
  [ -n "${HTTP_PORTS[$service]:-}" ] || fail "unknown service '$service' (known: ${!HTTP_PORTS[*]})"
  local ca; ca=$(npm_ca_file)
  [ -n "$ca" ] && secret=(--secret "id=npm-ca,src=$ca")
  # --format docker keeps HEALTHCHECK (the OCI image format has no field for it).
  local format=(); [ "$IMAGE_ENGINE" = podman ] && format=(--format docker)
  say "building $service:$TAG with $IMAGE_ENGINE (log: $LOG_DIR/image-$service.log)"
  if ! engine build "${format[@]}" "${secret[@]}" -f "$REPO_ROOT/backend/Dockerfile" \
    --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "SERVICE=$service" \
    --build-arg "HTTP_PORT=${HTTP_PORTS[$service]}" -t "$service:$TAG" "$REPO_ROOT" \
    >"$LOG_DIR/image-$service.log" 2>&1; then
    tail -n 30 "$LOG_DIR/image-$service.log" >&2
    fail "building $service:$TAG failed; see $LOG_DIR/image-$service.log"
  fi
  say "$service:$TAG: $(engine image inspect --format '{{.Size}}' "$service:$TAG" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

case "${1:-}" in
  build)
    shift
    bash "$IMAGES_DIR/node-base.sh"
    for service in "${@:-one two}"; do for s in $service; do build "$s"; done; done
    ;;
  *) echo "usage: $0 build [one|two ...]" >&2; exit 2 ;;
esac
