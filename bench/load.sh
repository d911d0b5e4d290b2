#!/usr/bin/env bash
# Troupe at game scale, every figure of the performance targets in one run, each beside
# its baseline measured in the same run (docs in BENCHMARKS.md, "Game scale"):
#
#   - GET /v1/worlds/{id} and GET /v1/characters/{id}, against bare Echo serving the same
#     bytes (bench/bareecho) and a FastAPI + uvicorn service serving the same document
#     (bench/fastapi, Debian's python3-fastapi and python3-uvicorn): wrk, 32 connections.
#   - speak on the local engine, 64 connections over 100 characters (wrk), on SQLite and on
#     PostgreSQL (a throwaway schema of PG_URL; skipped when it does not answer).
#   - a 4-participant conversation turn on the local engine, 64 workers each advancing its
#     own conversation (bench/loadgen).
#   - STREAMS streaming speaks held open by a fal upstream that never finishes (HTTPS and
#     HTTP/2, as fal is), the server heartbeating each: its resident memory once all are
#     open and have heartbeated (15 s in).
#   - job pickup on an idle SQLite queue (the jobs package's benchmark).
#
# With BASE (a commit), the same figures are measured for that commit too, interleaved
# round by round with the work tree, so "before" and "after" meet the same machine load.
#
#   bench/load.sh                       # ROUNDS=3 DURATION=10s STREAMS=10000
#   BASE=37452f5 bench/load.sh          # before (BASE) and now
#   ROUNDS=1 DURATION=5s STREAMS=2000 bench/load.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$PATH:/usr/local/go/bin"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
STREAMS=${STREAMS:-10000}
BASE=${BASE:-}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
KEY=demo-key-123

need=()
command -v wrk >/dev/null || need+=(wrk)
/usr/bin/python3 -c 'import fastapi, uvicorn' 2>/dev/null || need+=(python3-fastapi python3-uvicorn)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Every stream is two sockets here and one more to the upstream.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
pids=()
schemas=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for s in "${schemas[@]}"; do psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
	if [ -n "$BASE" ]; then git -C "$root" worktree remove --force "$work/base-tree" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building" >&2
sides=(now)
CGO_ENABLED=0 go build -o "$work/now/troupe" ./cmd/troupe
if [ -n "$BASE" ]; then
	git worktree add -q --detach "$work/base-tree" "$BASE"
	(cd "$work/base-tree" && CGO_ENABLED=0 go build -o "$work/base/troupe" ./cmd/troupe)
	sides=(base now)
fi
CGO_ENABLED=0 go build -o "$work/bareecho" ./bench/bareecho
CGO_ENABLED=0 go build -o "$work/loadgen" ./bench/loadgen

# wait_up URL: until it answers.
wait_up() {
	for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return; sleep 0.1; done
	echo "$1 never answered" >&2
	exit 1
}

# start SIDE PORT [ENV...]: a Troupe of SIDE on PORT with the environment given, its pid in
# $server.
start() {
	local side=$1 port=$2
	shift 2
	env HOST=127.0.0.1 PORT="$port" "$@" "$work/$side/troupe" serve >"$work/$side-$port.log" 2>&1 &
	server=$!
	pids+=("$server")
	wait_up "http://127.0.0.1:$port/health"
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# api PORT METHOD PATH [BODY]: one call, its answer on stdout.
api() {
	curl -sS --fail-with-body -X "$2" "http://127.0.0.1:$1$3" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' ${4:+-d "$4"}
}
# idof PREFIX: the id of the resource an answer describes (ids start with their kind).
idof() { grep -o "\"id\":\"$1_[^\"]*\"" | head -1 | cut -d'"' -f4; }

roles=(blacksmith innkeeper guard merchant)
archetypes=(mentor trickster hero sage)
# populate SIDE PORT: 100 characters and 64 four-participant conversations; writes
# $work/SIDE-*.targets.
populate() {
	local side=$1 port=$2 ids=() i
	for i in $(seq 0 99); do
		ids+=("$(api "$port" POST /v1/characters "{\"role\":\"${roles[i % 4]}\",\"archetype\":\"${archetypes[i / 4 % 4]}\",\"seed\":$i}" | idof chr)")
	done
	: >"$work/$side-speak.targets"
	: >"$work/$side-stream.targets"
	for i in "${!ids[@]}"; do
		echo "${ids[i]}" >>"$work/$side-characters"
		echo "POST /v1/characters/${ids[i]}/speak/stream {\"player_id\":\"p_bench\",\"context_messages\":[{\"speaker\":\"player\",\"text\":\"Any news from the road, friend?\"}]}" >>"$work/$side-stream.targets"
	done
	: >"$work/$side-turns.targets"
	for i in $(seq 0 63); do
		local cast="\"${ids[i]}\",\"${ids[i + 1]}\",\"${ids[i + 2]}\",\"${ids[i + 3]}\""
		local conv
		conv=$(api "$port" POST /v1/conversations "{\"participants\":[$cast],\"scene\":\"A market square at noon.\",\"topic\":\"The price of iron.\",\"max_turns\":1000,\"max_consecutive_turns\":2}" | idof cnv)
		echo "POST /v1/conversations/$conv/turns {\"turns\":1}" >>"$work/$side-turns.targets"
	done
}

# speak_lua SIDE: the wrk script sending speaks over SIDE's characters in turn.
speak_lua() {
	{
		printf 'local ids = {'
		sed 's/.*/"&",/' "$work/$1-characters" | tr -d '\n'
		printf '}\n'
		cat <<-'LUA'
			local i = 0
			wrk.method = "POST"
			wrk.headers["Authorization"] = "Bearer demo-key-123"
			wrk.headers["Content-Type"] = "application/json"
			wrk.body = '{"player_id":"p_bench","context_messages":[{"speaker":"player","text":"Any news from the road, friend?"}]}'
			request = function()
			  i = i + 1
			  return wrk.format(nil, "/v1/characters/" .. ids[i % #ids + 1] .. "/speak")
			end
		LUA
	} >"$work/$1-speak.lua"
}

# record NAME RPS P50 P99: one measurement.
record() { echo "$1 $2 $3 $4" >>"$work/results"; }

# bench_wrk NAME CONNS ARGS...: one wrk run, recorded. wrk's timeout is raised from its 2 s
# so a slow answer counts in the latencies instead of failing the run.
bench_wrk() {
	local name=$1 conns=$2
	shift 2
	wrk -t2 -c"$conns" -d"$DURATION" --timeout 10s --latency "$@" >"$work/wrk.out" 2>&1
	awk -v name="$name" '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx|Socket errors/ { bad = $0 }
		END { if (bad != "") { print name ": " bad > "/dev/stderr"; exit 1 }
		      printf "%s %.0f %.3f %.3f\n", name, rps, p50, p99 }' "$work/wrk.out" >>"$work/results"
}

# bench_gen NAME ARGS...: one loadgen run, recorded.
bench_gen() {
	local name=$1 out
	shift
	out=$("$work/loadgen" run -d "$DURATION" "$@") || { echo "$name failed" >&2; exit 1; }
	record "$name" $out
}

pg_ok=
if psql -q "$PG_URL" -c 'SELECT 1' >/dev/null 2>&1; then pg_ok=1; else echo "PostgreSQL at $PG_URL does not answer: its rows are skipped" >&2; fi

echo "populating" >&2
port=9210
declare -A sqlite_port pg_port sqlite_pid pg_pid
for side in "${sides[@]}"; do
	start "$side" $port DATA_DIR="$work/$side-data" API_KEYS=
	sqlite_port[$side]=$port sqlite_pid[$side]=$server
	populate "$side" $port
	speak_lua "$side"
	port=$((port + 1))
	if [ -n "$pg_ok" ]; then
		schema="bench_load_$(date +%s)_$RANDOM"
		psql -q "$PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
		schemas+=("$schema")
		sep='?'
		case $PG_URL in *\?*) sep='&' ;; esac
		start "$side" $port DATA_DIR="$work/$side-pgdata" API_KEYS= DATABASE_URL="$PG_URL${sep}search_path=$schema"
		pg_port[$side]=$port pg_pid[$side]=$server
		populate "$side-pg" $port
		speak_lua "$side-pg"
		port=$((port + 1))
	fi
done

# The same documents for the peers, from the work tree's server.
mkdir -p "$work/docs"
now=${sqlite_port[now]}
world=$(api "$now" POST /v1/worlds '{"seed":42,"size":"medium"}' | idof wld)
character=$(head -1 "$work/now-characters")
api "$now" GET "/v1/worlds/$world" >"$work/docs/world.json"
api "$now" GET "/v1/characters/$character" >"$work/docs/character.json"
"$work/bareecho" -addr 127.0.0.1:9200 -docs "$work/docs" &
pids+=($!)
# uvicorn as the two Debian packages give it: one process, asyncio and h11 (uvloop and
# httptools are optional extras those packages do not pull in), no access log.
DOCS_DIR="$work/docs" /usr/bin/python3 -m uvicorn --app-dir bench/fastapi app:app --host 127.0.0.1 --port 9201 \
	--loop asyncio --http h11 --no-access-log --log-level warning >"$work/fastapi.log" 2>&1 &
pids+=($!)
wait_up http://127.0.0.1:9200/doc/world
for _ in $(seq 1 300); do curl -fs -H "Authorization: Bearer $KEY" "http://127.0.0.1:9201/v1/worlds/$world" >/dev/null && break; sleep 0.1; done
# Each side reads a world and a character of its own, the same bytes but for ids.
declare -A world_of char_of
for side in "${sides[@]}"; do
	p=${sqlite_port[$side]}
	if [ "$side" = now ]; then world_of[$side]=$world; else
		world_of[$side]=$(api "$p" POST /v1/worlds '{"seed":42,"size":"medium"}' | idof wld)
	fi
	char_of[$side]=$(head -1 "$work/$side-characters")
done

auth=(-H "Authorization: Bearer $KEY")
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r/$ROUNDS" >&2
	bench_wrk echo-world 32 http://127.0.0.1:9200/doc/world
	bench_wrk fastapi-world 32 "${auth[@]}" "http://127.0.0.1:9201/v1/worlds/$world"
	bench_wrk echo-character 32 http://127.0.0.1:9200/doc/character
	bench_wrk fastapi-character 32 "${auth[@]}" "http://127.0.0.1:9201/v1/characters/$character"
	for side in "${sides[@]}"; do
		p=${sqlite_port[$side]}
		bench_wrk "$side-world" 32 "${auth[@]}" "http://127.0.0.1:$p/v1/worlds/${world_of[$side]}"
		bench_wrk "$side-character" 32 "${auth[@]}" "http://127.0.0.1:$p/v1/characters/${char_of[$side]}"
		bench_wrk "$side-speak" 64 -s "$work/$side-speak.lua" "http://127.0.0.1:$p"
		bench_gen "$side-turns" -base "http://127.0.0.1:$p" -targets "$work/$side-turns.targets" -c 64
		if [ -n "$pg_ok" ]; then
			bench_wrk "$side-pgspeak" 64 -s "$work/$side-pg-speak.lua" "http://127.0.0.1:${pg_port[$side]}"
		fi
	done
done

# Streams: each side restarted on its SQLite data with the fal engine on the never-ending
# upstream, once the request figures are in (the streams' memory would disturb them).
for p in "${sqlite_pid[@]}" "${pg_pid[@]}"; do stop "$p"; done
"$work/loadgen" upstream -addr 127.0.0.1:9300 -cert "$work/upstream.pem" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/upstream.pem" ] && break; sleep 0.1; done
for side in "${sides[@]}"; do
	echo "$STREAMS streams on $side" >&2
	# Once with Go's default GC pacing, once with the soft memory limit a 1 GB replica
	# would run with (README, "Memory").
	for limit in off 850MiB; do
		start "$side" 9290 DATA_DIR="$work/$side-data" API_KEYS= TEXT_ENGINE=fal FAL_KEY=bench-key \
			FAL_RUN_URL=https://127.0.0.1:9300 FAL_QUEUE_URL=https://127.0.0.1:9300 TEXT_TIMEOUT=1h \
			SSL_CERT_FILE="$work/upstream.pem" SHUTDOWN_TIMEOUT=1s GOMEMLIMIT="$limit"
		if out=$("$work/loadgen" streams -base http://127.0.0.1:9290 -targets "$work/$side-stream.targets" -n "$STREAMS" -pid "$server"); then
			echo "$side-streams-$limit $out" >>"$work/streams"
		else
			echo "$side-streams-$limit failed" >>"$work/streams"
		fi
		stop "$server"
	done
done

# Job pickup: the jobs package's own benchmark, in each side's tree.
for side in "${sides[@]}"; do
	dir=$root
	[ "$side" = base ] && dir=$work/base-tree
	p50=$(cd "$dir" && go test -run '^$' -bench 'BenchmarkJobLatencyIdle/sqlite' -benchtime 100x ./jobs/ |
		awk '/^Benchmark/ { for (i = 1; i < NF; i++) if ($(i + 1) == "p50-queue-ms") print $i }')
	echo "$side-pickup ${p50:-?}" >>"$work/streams"
done

echo
echo "$ROUNDS rounds of $DURATION per target, medians; wrk -t2 (32 connections for reads, 64 for speak), loadgen -c 64 for turns;"
echo "$(nproc) cores, $(go version | cut -d' ' -f3), $(date -u +%Y-%m-%d); sides: ${sides[*]}${BASE:+ (base = $BASE)}"
echo
awk -v sides="${sides[*]}" -v pg="$pg_ok" -v streams="$STREAMS" '
	function median(name,   n, i, j, t, a) {
		n = count[name]; if (n == 0) return -1
		for (i = 1; i <= n; i++) a[i] = v[name, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	FILENAME ~ /results$/ { k = $1; count[k "/rps"]++; v[k "/rps", count[k "/rps"]] = $2
		count[k "/p50"]++; v[k "/p50", count[k "/p50"]] = $3; count[k "/p99"]++; v[k "/p99", count[k "/p99"]] = $4; next }
	{ extra[$1] = $0 }
	END {
		ns = split(sides, S, " ")
		printf "| figure | target |"; for (s = 1; s <= ns; s++) printf " %s |", S[s]; print ""
		printf "|---|---|"; for (s = 1; s <= ns; s++) printf "---|"; print ""
		split("world character", docs, " ")
		for (d = 1; d <= 2; d++) { doc = docs[d]
			printf "| GET %s: req/s (p50 / p99 ms) | |", doc
			for (s = 1; s <= ns; s++) printf " %.0f (%.2f / %.2f) |", median(S[s] "-" doc "/rps"), median(S[s] "-" doc "/p50"), median(S[s] "-" doc "/p99"); print ""
			printf "| GET %s ÷ bare Echo (%.0f req/s) | ≥ 0.67 |", doc, median("echo-" doc "/rps")
			for (s = 1; s <= ns; s++) printf " %.3f |", median(S[s] "-" doc "/rps") / median("echo-" doc "/rps"); print ""
			printf "| GET %s ÷ FastAPI (%.0f req/s) | ≥ 8 |", doc, median("fastapi-" doc "/rps")
			for (s = 1; s <= ns; s++) printf " %.2f |", median(S[s] "-" doc "/rps") / median("fastapi-" doc "/rps"); print ""
		}
		printf "| speak, SQLite: req/s (p50 / p99 ms) | ≥ 2,000, p99 ≤ 50 |"
		for (s = 1; s <= ns; s++) printf " %.0f (%.1f / %.1f) |", median(S[s] "-speak/rps"), median(S[s] "-speak/p50"), median(S[s] "-speak/p99"); print ""
		if (pg) { printf "| speak, PostgreSQL: req/s (p50 / p99 ms) | ≥ 2,000 |"
			for (s = 1; s <= ns; s++) printf " %.0f (%.1f / %.1f) |", median(S[s] "-pgspeak/rps"), median(S[s] "-pgspeak/p50"), median(S[s] "-pgspeak/p99"); print "" }
		printf "| turn, 4 participants: turns/s (p50 / p99 ms) | ≥ 500 |"
		for (s = 1; s <= ns; s++) printf " %.0f (%.1f / %.1f) |", median(S[s] "-turns/rps"), median(S[s] "-turns/p50"), median(S[s] "-turns/p99"); print ""
		split("off 850MiB", limits, " ")
		for (l = 1; l <= 2; l++) {
			printf "| %d open streams, GOMEMLIMIT=%s: server RSS MiB (peak) | ≤ 1 GB |", streams, limits[l]
			for (s = 1; s <= ns; s++) { split(extra[S[s] "-streams-" limits[l]], f, " "); if (f[2] == "failed") printf " failed |"; else printf " %s (%s) |", f[3], f[4] }; print ""
		}
		printf "| job pickup, idle SQLite queue: p50 ms | ≤ 10 |"
		for (s = 1; s <= ns; s++) { split(extra[S[s] "-pickup"], f, " "); printf " %s |", f[2] }; print ""
	}' "$work/results" "$work/streams"
