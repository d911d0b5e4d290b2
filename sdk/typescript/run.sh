#!/usr/bin/env bash
# The TypeScript SDKs end to end: install the pinned tools, generate both SDKs from
# openapi.yaml, type-check everything strictly, then run both first-hour examples and the
# contract tests against a live server. Exits non-zero on any failure.
#
#   TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 bash sdk/typescript/run.sh
#
# TROUPE_SPEC overrides the spec (default: the repository's openapi.yaml).
set -euo pipefail
cd "$(dirname "$0")"

: "${TROUPE_URL:?set TROUPE_URL to the base URL of the server, e.g. http://127.0.0.1:9000}"
: "${TROUPE_KEY:?set TROUPE_KEY to an API key, e.g. demo-key-123}"
export TROUPE_URL TROUPE_KEY

say() { echo "== sdk/typescript: $*"; }

# Node.js: the machine's, or Debian's when there is none. @hey-api/openapi-ts 0.95.0 needs
# Node >= 20.19 (later versions need 22.13+).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "installing nodejs and npm from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
node_version="$(node -p 'process.versions.node')"
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "sdk/typescript: Node $node_version is too old; the pinned generators need Node >= 20.19" >&2
  exit 1
fi
say "node $node_version, npm $(npm --version)"

say "npm ci"
npm ci --no-audit --no-fund --loglevel=error

say "generate"
./generate.sh

# The examples and tests are typed throughout: no explicit `any` in hand-written code.
if grep -nE '(:|\bas|<|\|)\s*any\b|\bany\[\]' examples/*.ts contract/*.ts; then
  echo "sdk/typescript: explicit any in the examples or tests (above)" >&2
  exit 1
fi

say "typecheck (tsc --strict, TypeScript $(npx --no-install tsc --version | awk '{print $2}'))"
rm -rf dist
npx --no-install tsc -p tsconfig.json --strict --noEmit
npx --no-install tsc -p tsconfig.json --strict

say "first hour with openapi-fetch (openapi-typescript types)"
node dist/examples/first-hour-openapi-fetch.js

say "first hour with the @hey-api/openapi-ts SDK"
node dist/examples/first-hour-hey-api.js

say "contract tests"
node --test dist/contract/*.test.js

say "OK"
