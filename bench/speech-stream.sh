#!/usr/bin/env bash
# Streamed speech, in one run: the whole-file synthesis of the local engine before the
# pieces (at BASE, default the commit before streaming) and now, then time to the first
# audio chunk against the whole file, and speak-with-voice's text-to-audio gap.
# Usage: bench/speech-stream.sh [BASE]   (from the repository root)
set -euo pipefail
base=${1:-3f2c730}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add -q --detach "$tmp/base" "$base"
for round in 1 2; do
  echo "== round $round: local TTS, whole file (before: $base)"
  (cd "$tmp/base" && go test -run='^$' -bench='Synthesize$' -benchtime=20x ./local/speech | grep Benchmark)
  echo "== round $round: local TTS, whole file (now)"
  (cd "$root" && go test -run='^$' -bench='Synthesize$' -benchtime=20x ./local/speech | grep Benchmark)
done
echo "== streaming (now)"
(cd "$root" && go test -run='^$' -bench='BenchmarkSpeechStreamFirstAudio|BenchmarkSpeakWithVoiceFirstAudio' -benchtime=40x ./server | grep Benchmark)
