#!/usr/bin/env bash
# `make test-images`: builds one and two from backend/Dockerfile, unmodified, then runs them against
# the native infrastructure (test-images.ts says what is checked), then removes every container,
# image and build layer it created. With podman all of it lives in one storage folder under .data/,
# removed at the end; with Docker the test's images carry the tag `image-test` and are removed.
set -euo pipefail
COMPONENT=test-images
. "$(dirname "$0")/lib.sh"

if [ "$IMAGE_ENGINE" = podman ]; then
  export IMAGE_STORAGE="$DATA_DIR/image-test-storage"
  cleanup() {
    # Containers first (the test removed its own; this catches an interrupted run), then every
    # image and layer: the storage folder itself.
    engine rm --all --force >/dev/null 2>&1 || true
    engine system reset --force >/dev/null 2>&1 || true
    rm -rf "$IMAGE_STORAGE"
    say "removed the test's containers, images and build storage"
  }
else
  export IMAGE_TAG=image-test
  cleanup() {
    docker rmi -f one:image-test two:image-test >/dev/null 2>&1 || true
    say "removed the test's images"
  }
fi
trap cleanup EXIT
start=$SECONDS
bash "$IMAGES_DIR/images.sh" build one two
node --conditions=source --import tsx "$IMAGES_DIR/test-images.ts"
say "passed in $((SECONDS - start)) s"
