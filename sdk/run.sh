#!/usr/bin/env bash
# sdk/run.sh (`make sdk`): build bin/troupe, start it in test mode (local deterministic
# engines, no provider keys, SQLite in a throwaway DATA_DIR, a free port on 127.0.0.1), wait
# for /health, then run each SDK's first-hour example against it:
#
#   go          go run ./sdk/go/firsthour
#   typescript  sdk/typescript/run.sh
#   csharp      sdk/csharp/run.sh
#
# Each example reads TROUPE_URL and TROUPE_KEY and exits non-zero on any failure. A missing
# example is an error unless SDK_SKIP names it (SDK_SKIP="typescript csharp"); CI sets no
# SDK_SKIP, so all three must run there. The server is stopped on exit; its log is printed
# when anything failed.
#
# Knobs: SDK_SKIP, SDK_TIMEOUT (seconds per example, default 900), SDK_KEEP_DATA=1 keeps the
# data directory and server log, TROUPE_BIN (default bin/troupe) where the server is built.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

GO=${GO:-go}
SDK_SKIP=${SDK_SKIP:-}
SDK_TIMEOUT=${SDK_TIMEOUT:-900}
TROUPE_BIN=${TROUPE_BIN:-bin/troupe}
sdks=(go typescript csharp)

say() { echo "sdk: $*" >&2; }

for s in $SDK_SKIP; do
	case " ${sdks[*]} " in
	*" $s "*) ;;
	*) say "SDK_SKIP names \"$s\"; the SDKs are: ${sdks[*]}"; exit 2 ;;
	esac
done
skipped() { case " $SDK_SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

# The command that runs one SDK's example, or nothing when it is not in the tree.
runner() {
	case "$1" in
	go) [ -f sdk/go/firsthour/main.go ] && echo "$GO run ./sdk/go/firsthour" ;;
	typescript) [ -f sdk/typescript/run.sh ] && echo "bash sdk/typescript/run.sh" ;;
	csharp) [ -f sdk/csharp/run.sh ] && echo "bash sdk/csharp/run.sh" ;;
	esac
	return 0
}

# Decide what runs before building anything, so a missing SDK fails at once.
plan=()
for s in "${sdks[@]}"; do
	if skipped "$s"; then
		say "$s: skipped (SDK_SKIP)"
		continue
	fi
	if [ -z "$(runner "$s")" ]; then
		say "$s: its example is missing (add it, or name it in SDK_SKIP)"
		exit 1
	fi
	plan+=("$s")
done
if [ ${#plan[@]} -eq 0 ]; then
	say "every SDK is skipped: nothing to run"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/troupe-sdk.XXXXXX")
log=$work/server.log
pid=
failed=0

stop() {
	local rc=$?
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
		if [ -s "$log" ]; then
			say "server log ($log):"
			sed 's/^/  | /' "$log" >&2
		fi
	fi
	if [ "${SDK_KEEP_DATA:-0}" = 1 ]; then
		say "kept $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "building $TROUPE_BIN"
CGO_ENABLED=0 $GO build -o "$TROUPE_BIN" ./cmd/troupe

# Something already answers on this port (bash's /dev/tcp connects): it is taken.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start the server on a free port; retry with another if it loses a race for the port.
start() {
	local port
	for _ in $(seq 1 20); do
		port=$((20000 + RANDOM % 40000))
		port_taken "$port" || break
	done
	: >"$log"
	# Test mode: no provider keys or external databases leak in from the caller's environment.
	env -u FAL_KEY -u LLM_BASE_URL -u LLM_API_KEY -u DATABASE_URL -u REDIS_URL -u API_KEYS \
		-u CORS_ALLOW_ORIGINS \
		ENV=development HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://127.0.0.1:$port" \
		DATA_DIR="$work/data" TEXT_ENGINE=local IMAGE_ENGINE=local SPEECH_ENGINE=local \
		"$TROUPE_BIN" serve >"$log" 2>&1 &
	pid=$!
	# Bounded wait for /health (200 means it can serve: ok or degraded).
	for _ in $(seq 1 300); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null || true
			pid=
			return 1
		fi
		if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null; then
			TROUPE_URL="http://127.0.0.1:$port"
			return 0
		fi
		sleep 0.1
	done
	say "the server did not answer /health within 30 s"
	exit 1
}

started=
for attempt in 1 2 3; do
	if start; then
		started=1
		break
	fi
	say "the server exited at start (attempt $attempt)"
	grep -qi 'address already in use' "$log" || break
done
if [ -z "$started" ]; then
	say "could not start the server"
	exit 1
fi
export TROUPE_URL
export TROUPE_KEY=demo-key-123
say "server up at $TROUPE_URL (pid $pid, data in $work/data)"

passed=()
broke=()
for s in "${plan[@]}"; do
	cmd=$(runner "$s")
	read -r -a argv <<<"$cmd"
	say "=== $s: $cmd"
	start_s=$SECONDS
	if timeout --kill-after=10 "$SDK_TIMEOUT" "${argv[@]}"; then
		say "--- $s: ok ($((SECONDS - start_s)) s)"
		passed+=("$s")
	else
		rc=$?
		[ "$rc" -eq 124 ] && say "$s: timed out after $SDK_TIMEOUT s"
		say "--- $s: FAILED (exit $rc, $((SECONDS - start_s)) s)"
		broke+=("$s")
		failed=1
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		say "the server died during $s"
		failed=1
		pid=
		break
	fi
done

say "ran: ${passed[*]:-} ${broke[*]:-}"
[ -n "$SDK_SKIP" ] && say "skipped: $SDK_SKIP"
echo "sdk: ${#passed[@]} passed, ${#broke[@]} failed"
[ "$failed" -eq 0 ]
