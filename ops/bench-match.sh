#!/usr/bin/env bash
# Reproduces the 1:N search comparison against FAISS (exact flat inner product) on the benchmark's synthetic
# identity-structured vectors: builds the jar, generates the data outside the repository, and runs
# ../shared/bench/match_peers.py compare (its defaults: 2 alternating rounds, each side's best, k = 10) for
# every storage, batched (all queries in one call) and one query at a time. FAISS runs its batched flat
# search in every round, so each line's ratio compares figures measured minutes apart on the same machine.
#
# Needs: apt-get install -y python3-numpy python3-faiss python3-hnswlib libopenblas0-pthread
# Usage: ops/bench-match.sh [N_ROWS (default 100000)] [THREADS (default 1)] [STORAGES (default "fp32 fp16 int8")]
#        [MODES (default "0 1": --batch 0 = all queries at once, 1 = one at a time)]
# Environment: DATA_ROOT (default /work/bench-data), SHARED (default ../shared), HNSW=1 to include hnswlib
# (its build takes minutes). The JDK is found by scripts/find-jdk.sh (JAVA_HOME, PATH, /usr/lib/jvm).
# The machine's load (uptime) is printed next to every figure: read figures only from a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
THREADS="${2:-1}"
STORAGES="${3:-fp32 fp16 int8}"
MODES="${4:-0 1}"
DATA_ROOT="${DATA_ROOT:-/work/bench-data}"
SHARED="${SHARED:-../shared}"
DATA="$DATA_ROOT/mb$((N / 1000))k"
PEERS="$SHARED/bench/match_peers.py"
. scripts/find-jdk.sh
facestream_find_jdk
JAVA="$JAVA_HOME/bin/java"

./mvnw -B -q -o -DskipTests package
if [[ ! -f "$DATA/truth.ivecs" ]]; then
  "$PEERS" gen --out "$DATA" --n "$N" --queries 2000
fi

echo "== machine: $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) CPUs"
echo "== CPU flags (SIMD): $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' \
  | grep -E '^(sse4_2|avx|avx2|fma|f16c|avx512.*|amx.*)$' | tr '\n' ' ')"
echo "== JVM: $("$JAVA" -version 2>&1 | head -n 1); $("$JAVA" -XX:+PrintFlagsFinal -version 2>/dev/null \
  | awk '$2 == "UseAVX" || $2 == "MaxVectorSize" {printf "%s=%s ", $2, $4}')(UseAVX=2: 256-bit vector kernel, 3: 512-bit)"

# 1M x 512 fp32 is 2 GB of rows, fp16/int8 add their copy: give the heap room for them and nothing else
HEAP=$(( N * 512 * 6 / 1024 / 1024 + 1024 ))m
HNSW_FLAG=--no-hnsw
[[ "${HNSW:-0}" == 1 ]] && HNSW_FLAG=""
for STORAGE in $STORAGES; do
  for MODE in $MODES; do
    # a small young generation and the serial collector keep resident memory near the rows themselves
    RUN=("$JAVA" "-Xmx$HEAP" -Xmn64m -XX:+UseSerialGC --add-modules jdk.incubator.vector
         -cp "target/facestream.jar:target/lib/*"
         org.facestream.cli.FaceStreamCli bench match --gallery {gallery} --queries {queries} --k {k}
         --threads {threads} --out {out} --storage "$STORAGE" --batch "$MODE")
    echo "== $N rows, $THREADS thread(s), storage $STORAGE, $([[ $MODE == 0 ]] && echo batched || echo "batch $MODE"), load: $(uptime)"
    "$PEERS" compare --data "$DATA" --threads "$THREADS" $HNSW_FLAG -- "${RUN[@]}"
    echo "== done, load: $(uptime)"
  done
done
