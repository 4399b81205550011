#!/usr/bin/env bash
# Reproduces the 1:N search comparison against FAISS (exact flat inner product) on the benchmark's synthetic
# identity-structured vectors: builds the jar, generates the data outside the repository, runs
# ../shared/bench/match_peers.py compare for the batched and the one-query-at-a-time modes.
#
# Needs: apt-get install -y python3-numpy python3-faiss python3-hnswlib libopenblas0-pthread
# Usage: ops/bench-match.sh [N_ROWS (default 100000)] [THREADS (default 1)] [STORAGE fp32|fp16|int8 (default fp32)]
# Environment: DATA_ROOT (default /work/bench-data), JAVA (default temurin 25), SHARED (default ../shared).
# Note the machine's load (uptime) next to the figures: FAISS and FaceStream are measured minutes apart.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
THREADS="${2:-1}"
STORAGE="${3:-fp32}"
DATA_ROOT="${DATA_ROOT:-/work/bench-data}"
JAVA="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
SHARED="${SHARED:-../shared}"
DATA="$DATA_ROOT/mb$((N / 1000))k"
PEERS="$SHARED/bench/match_peers.py"

./mvnw -B -q -o -DskipTests package
if [[ ! -f "$DATA/truth.ivecs" ]]; then
  "$PEERS" gen --out "$DATA" --n "$N" --queries 2000
fi
# 1M x 512 fp32 is 2 GB of rows: give the heap room for them and nothing else
HEAP=$(( N * 512 * 4 / 1024 / 1024 + 1024 ))m
# a small young generation and the serial collector keep resident memory near the rows themselves
RUN=("$JAVA" "-Xmx$HEAP" -Xmn64m -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "target/facestream.jar:target/lib/*"
     org.facestream.cli.FaceStreamCli bench match --gallery {gallery} --queries {queries} --k {k}
     --threads {threads} --out {out} --storage "$STORAGE")

echo "== batched (all queries in one call), load: $(uptime)"
"$PEERS" compare --data "$DATA" --threads "$THREADS" --no-hnsw -- "${RUN[@]}" --batch 0
echo "== one query at a time, load: $(uptime)"
"$PEERS" compare --data "$DATA" --threads "$THREADS" --no-hnsw -- "${RUN[@]}" --batch 1
