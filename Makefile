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
COMPOSE := docker compose --env-file infra/versions.env -f docker-compose.network.yml
NATIVE := infra/native

##@ Help
.PHONY: help
help: ## List the targets (this is the default target)
	@echo "Infrastructure mode: $(INFRA) (force with INFRA=docker|native)"
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*## / {printf "  %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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
	$(COMPOSE) -f docker-compose.kafka.yml up -d --wait
else
	@bash $(NATIVE)/kafka.sh up
endif

kafka-down: ## Stop Kafka
ifeq ($(INFRA),docker)
	$(COMPOSE) -f docker-compose.kafka.yml down
else
	@bash $(NATIVE)/kafka.sh down
endif

.PHONY: postgres-up postgres-down
postgres-up: network-up ## Start PostgreSQL (127.0.0.1:54329) with databases one, two and reference
ifeq ($(INFRA),docker)
	$(COMPOSE) -f docker-compose.postgres.yml up -d --wait
else
	@bash $(NATIVE)/postgres.sh up
endif

postgres-down: ## Stop PostgreSQL
ifeq ($(INFRA),docker)
	$(COMPOSE) -f docker-compose.postgres.yml down
else
	@bash $(NATIVE)/postgres.sh down
endif

.PHONY: redis-up redis-down
redis-up: network-up ## Start Redis (127.0.0.1:6379)
ifeq ($(INFRA),docker)
	$(COMPOSE) -f docker-compose.redis.yml up -d --wait
else
	@bash $(NATIVE)/redis.sh up
endif

redis-down: ## Stop Redis
ifeq ($(INFRA),docker)
	$(COMPOSE) -f docker-compose.redis.yml down
else
	@bash $(NATIVE)/redis.sh down
endif

.PHONY: wiremock-up wiremock-down
wiremock-up: network-up deps ## Start WireMock (127.0.0.1:8089) with the mappings in backend/two/wiremock
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/two/docker-compose.yml up -d --wait wiremock
else
	@bash $(NATIVE)/wiremock.sh up
endif

wiremock-down: ## Stop WireMock
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/two/docker-compose.yml stop wiremock
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
.PHONY: one-up one-down two-up two-down up down
one-up: postgres-up deps ## Start service one: its database, migrations, then the service on 127.0.0.1:8099
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/one/docker-compose.yml up -d --wait --build
else
	@bash backend/one/scripts/native.sh up
endif

one-down: ## Stop service one (the shared PostgreSQL stays up; see postgres-down)
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/one/docker-compose.yml down
else
	@bash backend/one/scripts/native.sh down
endif

two-up: postgres-up wiremock-up deps ## Start service two: its database, migrations, WireMock, then the service on 127.0.0.1:8082
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/two/docker-compose.yml up -d --wait --build
else
	@bash backend/two/scripts/native.sh up
endif

two-down: ## Stop service two (WireMock stays up; see wiremock-down)
ifeq ($(INFRA),docker)
	$(COMPOSE) -f backend/two/docker-compose.yml down
else
	@bash backend/two/scripts/native.sh down
endif

.PHONY: demo
demo: deps ## Start everything (make up), send the example request, print its id, status, trace id and a Grafana link
	@node --conditions=source --import tsx infra/demo/demo.ts

.PHONY: replay
replay: deps ## Re-publish dead letters to one-request: make replay [REQUEST_ID=<id>] [LIMIT=100]
	npm run replay -w backend/two -- $(if $(REQUEST_ID),--request-id $(REQUEST_ID)) --limit $(or $(LIMIT),100)

up: infra-up one-up two-up ## Start all infrastructure and both services in the background

down: ## Stop both services and all infrastructure
	-@$(MAKE) two-down
	-@$(MAKE) one-down
	@$(MAKE) infra-down

##@ Observability
.PHONY: observability-up observability-down
observability-up: network-up ## Start the OTel collector (4317/4318), Tempo, Loki, Prometheus and Grafana on :3000 (Docker only)
ifeq ($(INFRA),docker)
	$(COMPOSE) -f observability/docker-compose.yml up -d --wait
else
	@echo "[observability] the Grafana stack needs a Docker engine (INFRA=docker); the services run fine without it" >&2; exit 1
endif

observability-down: ## Stop the observability stack (its data volumes stay)
ifeq ($(INFRA),docker)
	$(COMPOSE) -f observability/docker-compose.yml down
else
	@echo "[observability] native mode: nothing to stop"
endif

##@ Performance and reliability
.PHONY: bench bench-quick faults faults-quick
bench: generate ## Benchmark on a private PostgreSQL (54339) + Kafka (19092) → docs/benchmarks/bench.{json,md}
	node --conditions=source --import tsx infra/bench/bench.ts

bench-quick: generate ## The benchmark in about a minute → docs/benchmarks/bench-quick.{json,md}
	BENCH_QUICK=1 node --conditions=source --import tsx infra/bench/bench.ts

faults: generate ## Failure drills (Kafka 30 s, two SIGKILL, PostgreSQL, flaky third party, third party and token server down 30 s, bad input) → docs/faults/
	node --conditions=source --import tsx infra/faults/faults.ts

faults-quick: generate ## The same drills with short loads and 10 s outages (part of make test)
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

.PHONY: tools
tools: ## Install the command-line tools the tests use (promtool) when missing
	@bash $(NATIVE)/tools.sh

test: generate tools ## Everything CI runs: infra up, lint, typecheck, unit + component tests, infra down, quick fault drills
	@$(MAKE) infra-up
	@$(MAKE) kafka-up  # a second time: every *-up is idempotent
	@status=0; npm test || status=$$?; $(MAKE) infra-down; \
	  if [ "$(INFRA)" = native ]; then bash $(NATIVE)/check-down.sh || status=$$?; fi; \
	  if [ $$status -eq 0 ]; then $(MAKE) faults-quick || status=$$?; fi; exit $$status

##@ Housekeeping
.PHONY: clean
clean: infra-down ## Stop everything and delete build output and local data (.data/)
	rm -rf .data dist backend/*/dist backend/pkg/*/dist reference/*/dist infra/dist
