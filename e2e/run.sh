#!/usr/bin/env bash
# e2e/run.sh (`make e2e`): the console's browser test (e2e/console.mjs) in Debian's
# Chromium, against a server built from this tree, once on SQLite and once on PostgreSQL
# (a throwaway schema of TEST_DATABASE_URL, default 127.0.0.1:5432/test; skipped with a
# note when PostgreSQL does not answer, unless E2E_REQUIRE_POSTGRES=1, which CI sets).
# Installs what it needs: chromium (apt-get, as root or with sudo -n) and playwright-core
# (npm ci in e2e/). Screenshots go to e2e/screenshots/<database>/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
GO=${GO:-go}
BIN=${TROUPE_BIN:-bin/troupe}
PGURL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}

say() { echo "e2e: $*" >&2; }
apt() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo -n apt-get "$@"; fi; }

if ! command -v chromium >/dev/null; then
	say "installing chromium"
	DEBIAN_FRONTEND=noninteractive apt install -y -qq --no-install-recommends chromium >/dev/null ||
		{ DEBIAN_FRONTEND=noninteractive apt update -qq && DEBIAN_FRONTEND=noninteractive apt install -y -qq --no-install-recommends chromium; }
fi
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt install -y -qq --no-install-recommends nodejs npm
command -v psql >/dev/null || DEBIAN_FRONTEND=noninteractive apt install -y -qq --no-install-recommends postgresql-client
[ -d e2e/node_modules/playwright-core ] || (cd e2e && npm ci --no-audit --no-fund)
say "building $BIN"
CGO_ENABLED=0 $GO build -o "$BIN" ./cmd/troupe

work=$(mktemp -d "${TMPDIR:-/tmp}/troupe-e2e.XXXXXX")
pid=
schema=
stop_server() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	pid=
}
cleanup() {
	local rc=$?
	stop_server
	if [ -n "$schema" ]; then psql -q "$PGURL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
	[ "$rc" -ne 0 ] && [ -s "$work/server.log" ] && { say "server log:"; sed 's/^/  | /' "$work/server.log" >&2; }
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT

# run DATABASE: start the server on a free port with the database, then the browser test.
run() {
	local db=$1 url=$2 port
	port=$((20000 + RANDOM % 40000))
	env -u FAL_KEY -u LLM_BASE_URL -u LLM_API_KEY -u REDIS_URL -u API_KEYS \
		ENV=development HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://localhost:$port" DATABASE_URL="$url" \
		DATA_DIR="$work/data-$db" TEXT_ENGINE=local IMAGE_ENGINE=local SPEECH_ENGINE=local \
		"$BIN" serve >"$work/server.log" 2>&1 &
	pid=$!
	local up=
	for _ in $(seq 1 300); do
		curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null && { up=1; break; }
		kill -0 "$pid" 2>/dev/null || { say "the server ($db) did not start"; exit 1; }
		sleep 0.1
	done
	[ -n "$up" ] || { say "the server ($db) did not answer /health within 30 s"; exit 1; }
	say "console on $db"
	# The browser reaches the server by another name than PUBLIC_URL (as behind a proxy or
	# on a LAN address): the console must still show the images it signs.
	TROUPE_URL="http://127.0.0.1:$port" TROUPE_KEY=demo-key-123 SCREENSHOTS="e2e/screenshots/$db" \
		CHROMIUM="$(command -v chromium)" node e2e/console.mjs
	stop_server
}

run sqlite ""
if psql -q "$PGURL" -c "SELECT 1" >/dev/null 2>&1; then
	schema="e2e_$(date +%s)_$RANDOM"
	psql -q "$PGURL" -c "CREATE SCHEMA $schema" >/dev/null
	run postgres "$PGURL&search_path=$schema"
elif [ "${E2E_REQUIRE_POSTGRES:-0}" = 1 ]; then
	say "PostgreSQL does not answer at $PGURL"; exit 1
else
	say "PostgreSQL does not answer at $PGURL: its run is skipped"
fi
say "passed"
