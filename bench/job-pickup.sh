#!/usr/bin/env bash
# Job pickup on SQLite before (BASE, default cbf35a9) and now: the idle-queue latency
# (one job at a time) and a 200-job burst, interleaved three times so a noisy machine
# hits both alike. Run from the repository root: bash bench/job-pickup.sh [BASE]
set -euo pipefail
base=${1:-cbf35a9}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/base" "$base"
for round in 1 2 3; do
  echo "round $round"
  for side in before now; do
    dir=.; [ "$side" = before ] && dir=$tmp/base
    (cd "$dir" && go test -run '^$' -bench 'BenchmarkJobLatencyIdle/sqlite' -benchtime 100x ./jobs/ &&
      go test -run '^$' -bench 'BenchmarkJobThroughput/sqlite' -benchtime 3x ./jobs/) | grep ^Benchmark | sed "s/^/  $side /"
  done
done
