# Troupe: `make run` serves the API on :9000; `make test` runs every check CI runs.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
BIN     := bin/troupe
REDOCLY := tools/lint/node_modules/.bin/redocly

.PHONY: run build test lint check-generated generate vet unit fuzz bench chaos tools-lint engines

## run: build and start the server on :9000 with embedded defaults (demo keys, SQLite under ./var)
run: engines build
	./$(BIN) serve

## engines: install the local speech engines (espeak-ng, pocketsphinx, converters) when missing
engines:
	@bash tools/install-voice-engines.sh

## build: a static binary at bin/troupe
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/troupe

## test: spec lint, generated-code check, vet, and every Go test (SQLite and PostgreSQL)
test: engines lint check-generated vet unit

unit:
	$(GO) test -race -count=1 ./...

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

## lint: lint openapi.yaml with Redocly CLI (installed from npm into tools/lint)
lint: tools-lint
	$(REDOCLY) lint openapi.yaml

tools-lint:
	@command -v npm >/dev/null || (apt-get update && apt-get install -y --no-install-recommends nodejs npm)
	@[ -x $(REDOCLY) ] || (cd tools/lint && npm ci --no-audit --no-fund)

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
