#!/usr/bin/env bash
# Which Node.js the Makefile runs everything with. Prints one line on stdout:
#   system     the `node` on PATH satisfies the root package.json's engines (">=X.Y"): use it
#   <dir>      a directory to put first on PATH: Node NODE_VERSION (infra/versions.env), installed
#              once from the npm registry's official build package node-<os>-<arch> (npm's own
#              registry client, `npm pack`) into .tools/node-v<version>-<os>-<arch>/ (git-ignored)
#   (nothing)  and exit 1 when neither works; the reason is on stderr.
# Messages go to stderr so that `$(shell bash infra/node.sh)` captures only the answer.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '[node] %s\n' "$*" >&2; }
fail() { printf '[node] ERROR: %s\n' "$*" >&2; exit 1; }

version=$(sed -n 's/^NODE_VERSION=//p' "$root/infra/versions.env")
minimum=$(sed -n 's/^ *"node": *">=\([0-9.]*\)".*/\1/p' "$root/package.json" | head -n 1)
[ -n "$version" ] || fail "NODE_VERSION is not set in infra/versions.env"
[ -n "$minimum" ] || fail "package.json has no engines.node of the form \">=X.Y\""

# at_least HAVE MIN: true when version HAVE >= MIN.
at_least() { [ "$(printf '%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

have=$(node -p 'process.versions.node' 2>/dev/null || true)
if [ -n "$have" ] && at_least "$have" "$minimum"; then
  echo system
  exit 0
fi

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os="" ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="" ;; esac
[ -n "$os" ] && [ -n "$arch" ] ||
  fail "Node.js >= $minimum is needed (found '${have:-none}') and there is no npm build for $(uname -sm): install Node $version yourself"
package="node-$os-$arch"
dest="$root/.tools/node-v$version-$os-$arch"

if [ "$("$dest/bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
  command -v npm >/dev/null 2>&1 ||
    fail "Node.js >= $minimum is needed (found '${have:-none}'), and npm is missing to fetch it: install Node $version"
  say "node on PATH is ${have:-missing}, this project needs >= $minimum (package.json engines):"
  say "installing Node $version from the npm package $package@$version into ${dest#"$root"/}/ (once, ~50 MB)"
  mkdir -p "$root/.tools"
  tmp=$(mktemp -d "$root/.tools/.node-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null) ||
    fail "npm pack $package@$version failed (is the npm registry reachable?)"
  tar -xzf "$tmp/$package-$version.tgz" -C "$tmp"
  got=$("$tmp/package/bin/node" --version 2>/dev/null || true)
  [ "$got" = "v$version" ] || fail "$package@$version holds node '$got', not v$version"
  rm -rf "$dest"
  mv "$tmp/package" "$dest"
  say "installed $("$dest/bin/node" --version) at ${dest#"$root"/}/bin, first on PATH for every make target"
fi
echo "$dest/bin"
