#!/usr/bin/env bash
# Shared by the image scripts: which container engine builds and runs the images, and how.
#   docker  when a Docker engine answers (`docker info`)
#   podman  otherwise: daemonless podman/buildah from Debian's packages, installed when missing,
#           configured by infra/images/containers.conf (no engine, no systemd needed)
# IMAGE_ENGINE=docker|podman forces one. IMAGE_STORAGE=<dir> (podman only) keeps every image,
# layer and container in that folder instead of the machine's storage: `make test-images` uses it
# so that removing the folder removes everything the test built.
COMPONENT="${COMPONENT:-images}"
. "$(dirname "${BASH_SOURCE[0]}")/../native/lib.sh"

IMAGES_DIR="$REPO_ROOT/infra/images"

if [ -z "${IMAGE_ENGINE:-}" ]; then
  if docker info >/dev/null 2>&1; then IMAGE_ENGINE=docker; else IMAGE_ENGINE=podman; fi
fi
case "$IMAGE_ENGINE" in
  docker) ENGINE=(docker) ;;
  podman)
    ensure_apt podman podman
    ensure_apt buildah buildah
    # crun refuses the hybrid cgroup layout of some hosts; runc runs everywhere podman does.
    ensure_apt runc /usr/sbin/runc
    export CONTAINERS_CONF="${CONTAINERS_CONF:-$IMAGES_DIR/containers.conf}"
    ENGINE=(podman)
    if [ -n "${IMAGE_STORAGE:-}" ]; then
      mkdir -p "$IMAGE_STORAGE"
      ENGINE+=(--root "$IMAGE_STORAGE/root" --runroot "$IMAGE_STORAGE/run" --storage-driver overlay)
    fi
    ;;
  *) fail "IMAGE_ENGINE must be docker or podman, not '$IMAGE_ENGINE'" ;;
esac

engine() { "${ENGINE[@]}" "$@"; }

image_exists() { engine image inspect "$1" >/dev/null 2>&1; }

# The CA bundle this machine's npm trusts (an intercepting proxy's CA, say), handed to `npm ci`
# inside the build as a BuildKit secret: mounted read-only for that step, never in a layer.
npm_ca_file() {
  local ca="${NODE_EXTRA_CA_CERTS:-}"
  [ -n "$ca" ] || ca=$(npm config get cafile 2>/dev/null || true)
  [ -n "$ca" ] && [ "$ca" != null ] && [ -f "$ca" ] && printf '%s' "$ca"
  return 0
}
