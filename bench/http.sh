#!/usr/bin/env bash
# HTTP load benchmark: requests/s and p50/p99 latency of GET /v1/worlds/{id} and
# POST /v1/worlds on Troupe, each as a ratio to a bare Echo handler returning a constant
# JSON body (bench/bareecho), all measured in the same run on loopback with wrk at 32
# connections. Rounds interleave the three targets; the table reports medians over rounds.
#
#   bench/http.sh                 # 3 rounds of 10 s per target
#   ROUNDS=5 DURATION=20s bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

CGO_ENABLED=0 go build -o "$work/troupe" ./cmd/troupe
CGO_ENABLED=0 go build -o "$work/bareecho" ./bench/bareecho

"$work/bareecho" -addr 127.0.0.1:9200 & pids+=($!)
DATA_DIR="$work/data" HOST=127.0.0.1 PORT=9201 API_KEYS= "$work/troupe" serve >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 100); do
  curl -fs 127.0.0.1:9201/health >/dev/null && curl -fs 127.0.0.1:9200/constant >/dev/null && break
  sleep 0.1
done

id=$(curl -fs -X POST 127.0.0.1:9201/v1/worlds -H 'Authorization: Bearer demo-key-123' \
  -H 'Content-Type: application/json' -d '{"seed":42,"size":"medium"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')

# run NAME ARGS...: one wrk run, appending "name rps p50_ms p99_ms" to $work/results.
run() {
  local name=$1; shift
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" > "$work/out" 2>&1
  awk -v name="$name" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { if (bad > 0) { print "non-2xx responses in " name > "/dev/stderr"; exit 1 }
          printf "%s %.0f %.3f %.3f\n", name, rps, p50, p99 }' "$work/out" >> "$work/results"
}

for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS" >&2
  run bare  http://127.0.0.1:9200/constant
  run get   -H 'Authorization: Bearer demo-key-123' "http://127.0.0.1:9201/v1/worlds/$id"
  run post  -s bench/post_world.lua http://127.0.0.1:9201/v1/worlds
done

echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds, medians; $(nproc) cores; $(go version | cut -d' ' -f3)"
awk '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { n[$1]++; rps[$1, n[$1]] = $2; p50[$1, n[$1]] = $3; p99[$1, n[$1]] = $4 }
  END {
    split("bare get post", names, " ")
    for (k = 1; k <= 3; k++) { m = names[k]
      for (i = 1; i <= n[m]; i++) { a[i] = rps[m, i]; b[i] = p50[m, i]; c[i] = p99[m, i] }
      R[m] = median(a, n[m]); P50[m] = median(b, n[m]); P99[m] = median(c, n[m]) }
    print "| target | req/s | p50 ms | p99 ms | req/s ÷ bare | p50 ÷ bare | p99 ÷ bare |"
    print "|---|---|---|---|---|---|---|"
    label["bare"] = "bare Echo, constant JSON"; label["get"] = "GET /v1/worlds/{id}"; label["post"] = "POST /v1/worlds (medium)"
    for (k = 1; k <= 3; k++) { m = names[k]
      printf "| %s | %.0f | %.3f | %.3f | %.3f | %.2f | %.2f |\n", label[m], R[m], P50[m], P99[m], R[m] / R["bare"], P50[m] / P50["bare"], P99[m] / P99["bare"] }
  }' "$work/results"
