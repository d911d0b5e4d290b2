#!/usr/bin/env bash
# Issue 14's figures: the pixel-art engine before (BASE, default aa60925) and now,
# interleaved three times so a noisy machine hits both alike; then the jobs of a visual
# identity (avatar, variation, sprite set, cache hit) and the engine's own render times.
# Run from the repository root: bash bench/visual-identity.sh [BASE]
set -euo pipefail
base=${1:-aa60925}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/base" "$base"
engine='BenchmarkAvatar512|BenchmarkBackground1344x768'
for round in 1 2 3; do
  echo "round $round"
  (cd "$tmp/base" && go test -run '^$' -bench "$engine" -benchtime 40x ./local/pixelart/ | grep ^Benchmark | sed 's/^/  before /')
  go test -run '^$' -bench "$engine" -benchtime 40x ./local/pixelart/ | grep ^Benchmark | sed 's/^/  now    /'
done
go test -run '^$' -bench BenchmarkVisualIdentity -benchtime 20x ./server/ | grep ^Benchmark
