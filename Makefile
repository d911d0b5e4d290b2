# Troupe: `make run` serves the API on :9000; CI runs `make test` (every check) and then `make sdk`.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
BIN     := bin/troupe
REDOCLY := tools/lint/node_modules/.bin/redocly

.PHONY: run build test lint check-generated check-console console tools-console e2e generate vet unit fuzz bench bench-load chaos tools-lint tools-python engines actionlint sdk eval-dialogue

## run: build and start the server on :9000 with embedded defaults (demo keys, SQLite under ./var)
run: engines build
	./$(BIN) serve

## engines: install the local speech engines (espeak-ng, pocketsphinx, converters) when missing
engines:
	@bash tools/install-voice-engines.sh

## build: a static binary at bin/troupe
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/troupe

## test: spec lint, generated-code check, workflow lint, vet, and every Go test (SQLite and PostgreSQL)
test: engines tools-python lint check-generated check-console actionlint vet unit

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go') | grep -v '^gen/' || true); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

## generate: regenerate gen/ from openapi.yaml
generate:
	$(GO) generate ./gen/

## check-generated: fail when gen/ differs from what openapi.yaml generates
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	sed "s|^output:.*|output: $$tmp/api.gen.go|" gen/oapi-codegen.yaml > $$tmp/config.yaml && \
	$(GO) tool oapi-codegen -config $$tmp/config.yaml openapi.yaml && \
	if ! cmp -s $$tmp/api.gen.go gen/api.gen.go; then \
		echo "gen/ is stale: run 'make generate' and commit gen/"; exit 1; \
	else echo "gen/ matches openapi.yaml"; fi

## console: rebuild the studio console (console/dist, committed) from its sources with esbuild
console: tools-console
	cd console && node build.mjs

## e2e: the console's browser test in Debian's Chromium, on SQLite and PostgreSQL (installs
## chromium and playwright-core when missing; screenshots in e2e/screenshots/)
e2e:
	bash e2e/run.sh

## check-console: fail when console/dist differs from what its sources build
check-console: tools-console
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	(cd console && node build.mjs $$tmp/dist) && \
	if ! diff -r $$tmp/dist console/dist >/dev/null; then \
		echo "console/dist is stale: run 'make console' and commit console/dist"; exit 1; \
	else echo "console/dist matches its sources"; fi

tools-console:
	@command -v npm >/dev/null || (apt-get update && apt-get install -y --no-install-recommends nodejs npm)
	@[ -x console/node_modules/.bin/esbuild ] || (cd console && npm ci --no-audit --no-fund)

## lint: lint openapi.yaml with Redocly CLI (installed from npm into tools/lint)
lint: tools-lint
	$(REDOCLY) lint openapi.yaml

tools-lint:
	@command -v npm >/dev/null || (apt-get update && apt-get install -y --no-install-recommends nodejs npm)
	@[ -x $(REDOCLY) ] || (cd tools/lint && npm ci --no-audit --no-fund)

## tools-python: PyYAML for the spec checks (Debian's python3-yaml when python3 lacks it)
# PYTHON is the interpreter the spec checks should run: python3 when it imports yaml, else
# Debian's /usr/bin/python3, which tools-python equips (a python3 from pyenv or a venv earlier
# on PATH does not see Debian's packages). Not root (a GitHub runner): apt-get runs via sudo -n.
PYTHON = $(shell python3 -c 'import yaml' >/dev/null 2>&1 && echo python3 || echo /usr/bin/python3)
APT    = $(if $(filter 0,$(shell id -u)),,sudo -n) env DEBIAN_FRONTEND=noninteractive apt-get
tools-python:
	@python3 -c 'import yaml' 2>/dev/null || /usr/bin/python3 -c 'import yaml' 2>/dev/null || \
		$(APT) install -y -qq --no-install-recommends python3 python3-yaml >/dev/null 2>&1 || \
		{ $(APT) update -qq && $(APT) install -y -qq --no-install-recommends python3 python3-yaml; }
	@$(PYTHON) -c 'import yaml' || { echo "tools-python: no python3 with PyYAML (apt-get install python3-yaml)"; exit 1; }

## actionlint: check .github/workflows (and, through the workflow that uses it, action.yml);
## actionlint has a module of its own (tools/actionlint/go.mod), see there why
actionlint:
	$(GO) tool -modfile=tools/actionlint/go.mod actionlint

## sdk: start bin/troupe in test mode and run each SDK's first-hour example against it
## (SDK_SKIP="go typescript csharp" skips the named ones)
sdk:
	bash sdk/run.sh

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzGenerate -fuzztime=$(FUZZTIME) ./domain/worldgen
	$(GO) test -run='^$$' -fuzz=FuzzCreateWorld -fuzztime=$(FUZZTIME) ./server
	$(GO) test -run='^$$' -fuzz=FuzzRequestValidation -fuzztime=$(FUZZTIME) ./server
	$(GO) test -run='^$$' -fuzz=FuzzSSEWriter -fuzztime=$(FUZZTIME) ./server
	$(GO) test -run='^$$' -fuzz=FuzzStrictJSON -fuzztime=$(FUZZTIME) ./server
	$(GO) test -run='^$$' -fuzz=FuzzParseWAV -fuzztime=$(FUZZTIME) ./local/recognition

## chaos: server processes on one database killed with SIGKILL every 2 s under 1,000 image
## jobs (PostgreSQL with two replicas, then SQLite with one), drained and checked; figures
## in BENCHMARKS.md
chaos:
	set -o pipefail; TROUPE_CHAOS=1 $(GO) test -count=1 -timeout=30m -run='^TestChaos' -v ./cmd/troupe/ 2>&1 | grep -E '^(=== RUN|--- |\s+chaos_test.go|ok|FAIL|PASS)'

## bench: Go benchmarks, then the HTTP load comparison (see BENCHMARKS.md)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 ./domain/... ./store/...
	bench/http.sh

## bench-load: every game-scale figure beside its baselines in one run (BENCHMARKS.md,
## "Game scale"); BASE=<commit> measures that commit too, ROUNDS, DURATION, STREAMS tune it
bench-load:
	BASE=$(BASE) bench/load.sh

## eval-dialogue: score the offline dialogue engine on its evaluation set (fails on grammar problems or fit under the floor)
eval-dialogue:
	$(GO) run ./cmd/eval-dialogue $(EVAL_FLAGS)
