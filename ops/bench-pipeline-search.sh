#!/usr/bin/env bash
# The matcher's `match` latency in the whole pipeline, fp32 search against `auto` (the int8 copy), on a large
# gallery: the two real subjects of the hamilton clip plus N synthetic people who never appear, every face
# embedded (so every observation is searched), ROUNDS alternating rounds. Prints each run's stage table and
# search counters; read `match` p50/p99.
# Usage: ops/bench-pipeline-search.sh [N (default 30000)] [ROUNDS (default 2)] [MODES (default "fp32 auto")]
# Environment: SHARED (default ../shared), FACESTREAM_MODELS (default $SHARED/models).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-30000}"
ROUNDS="${2:-2}"
MODES="${3:-fp32 auto}"
SHARED="${SHARED:-../shared}"
export FACESTREAM_MODELS="${FACESTREAM_MODELS:-$SHARED/models}"
for ((round = 1; round <= ROUNDS; round++)); do
  for mode in $MODES; do
    echo "== round $round, matcher.search.storage=$mode, $N synthetic subjects, load: $(uptime)"
    ./facestream bench pipeline --video "$SHARED/faces/video/hamilton-clip-640x360.mp4" \
      --enroll "lin_manuel_miranda=$SHARED/faces/people/lin_manuel_miranda/lin-manuel-miranda.png" \
      --enroll "obama=$SHARED/faces/people/obama/obama.jpg" --synthetic-subjects "$N" \
      -D worker.embed=every-face -D "matcher.search.storage=$mode" 2>&1 | grep -v ' WARN \| INFO '
  done
done
