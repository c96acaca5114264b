#!/usr/bin/env bash
# `make scaffold-check` (part of `make test`): proves `make new-service` in a temporary copy of this
# checkout (its tracked and untracked, not ignored files; node_modules hard-linked), then discards
# it: names that are not valid or clash are refused; a generated service typechecks, lints, passes its
# unit tests and its Gherkin feature against the running Kafka (KAFKA_BROKERS), and the Kubernetes
# overlays with it still render and validate. Nothing in this checkout changes.
COMPONENT=scaffold-check
. "$(dirname "$0")/../native/lib.sh"
cd "$REPO_ROOT"
NAME=scaffolded-demo

clone=$(mktemp -d "${TMPDIR:-/tmp}/scaffold-check.XXXXXX")
trap 'rm -rf "$clone"' EXIT
git ls-files -z --cached --others --exclude-standard |
  xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
  tar --null -T - -cf - | tar -xf - -C "$clone"
# Dependencies as `npm ci` laid them out (hard links: no copy of the bytes; symlinks stay relative,
# so the workspace links point into the copy).
find . -name node_modules -type d -prune -not -path './.data/*' -print0 |
  while IFS= read -r -d '' dir; do mkdir -p "$clone/$(dirname "$dir")" && cp -al "$dir" "$clone/$dir"; done
# tsc -b finds the shared packages' build output up to date instead of building them again.
for dist in backend/pkg/*/dist; do [ -d "$dist" ] && cp -a "$dist" "$clone/$dist"; done
cd "$clone"

generate() { node infra/scaffold/new-service.mjs "$@" --no-install; }
for bad in Bad_Name 1st two pkg kafka one-extra "$(printf 'x%.0s' {1..31})" ''; do
  if generate "$bad" >/dev/null 2>&1; then fail "new-service accepted the name '$bad'"; fi
done
say "refused: invalid names, existing services, reserved names, overlapping env prefixes"

generate "$NAME"
ln -s "../../backend/$NAME" "node_modules/@services/$NAME"
if generate "$NAME" >/dev/null 2>&1; then fail "new-service generated $NAME twice"; fi
registered() { grep -qF -- "$2" "$1" || fail "$NAME is not registered in $1 ($2)"; }
registered package.json "\"backend/$NAME\""
registered tsconfig.json "\"./backend/$NAME\""
registered Makefile "COMPOSE_FILES_$NAME := backend/$NAME/docker-compose.yml"
registered Makefile "images.sh build one two $NAME"
registered infra/images/images.sh "[$NAME]="
registered infra/create-topics.mjs "'$NAME-events'"
registered docker-compose.kafka.yml "$NAME-events:3"
registered deploy/k8s/base/kustomization.yaml "$NAME/deployment.yaml"

say "typecheck"
npx tsc -b "backend/$NAME"
say "lint"
npx eslint "backend/$NAME"
npx prettier --check --log-level warn "backend/$NAME" package.json tsconfig.json deploy/k8s
say "unit tests"
node --conditions=source --import tsx --test "backend/$NAME"/test/unit/*.test.ts
say "Gherkin feature against Kafka at ${KAFKA_BROKERS:-127.0.0.1:9092}"
(cd "backend/$NAME" && NODE_OPTIONS="--conditions=source --import tsx" npx cucumber-js)
say "Kubernetes manifests with $NAME"
for overlay in local production; do
  "$REPO_ROOT/.data/bin/kustomize" build "deploy/k8s/overlays/$overlay" |
    "$REPO_ROOT/.data/bin/kubeconform" -strict -summary -kubernetes-version "${K8S_VERSION#v}" \
      -schema-location "$REPO_ROOT/.data/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" -
done
KUSTOMIZE="$REPO_ROOT/.data/bin/kustomize" node --conditions=source --import tsx --test --test-reporter=dot infra/test/k8s/manifests.test.ts
say "ok: backend/$NAME generated, checked and discarded"
