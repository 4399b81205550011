#!/usr/bin/env bash
# GPU check: on a machine with an NVIDIA GPU, builds the -Pcuda variant (ONNX Runtime with the CUDA execution
# provider), checks its embeddings against the CPU build's on the shared photos (cosine above 0.999 on every
# photo), runs `bench cameras` on the GPU and prints one table; all within 8 minutes. Without a GPU it says so in
# one line and exits 0.
# Usage: ops/gpu-check.sh [VIDEO]   (default ../shared/faces/video/hamilton-clip-640x360.mp4)
# Env:   SHARED (default ../shared), FACESTREAM_MODELS (default $SHARED/models), JAVA (default: the JDK 21+
#        scripts/find-jdk.sh finds), BUDGET_S (default 480: the whole check), OUT (default a temporary folder:
#        build, logs and the table), CUDA_BUILD (a checkout whose target/ already holds the -Pcuda build: skips it).
# Needs: nvidia-smi, CUDA 12 + cuDNN 9 libraries for onnxruntime_gpu, and Maven Central reachable (or the
#        onnxruntime_gpu artifact in ~/.m2) for the -Pcuda build.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvidia-smi >/dev/null 2>&1 || ! gpu=$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -n 1) || [[ -z "$gpu" ]]; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi missing or sees none); nothing to check"
  exit 0
fi
start=$(date +%s)
BUDGET_S=${BUDGET_S:-480}
left() { echo $(( BUDGET_S - ($(date +%s) - start) )); }
SHARED=${SHARED:-$(cd .. && pwd)/shared}
export FACESTREAM_MODELS=${FACESTREAM_MODELS:-$SHARED/models}
VIDEO=${1:-$SHARED/faces/video/hamilton-clip-640x360.mp4}
OUT=${OUT:-$(mktemp -d -t facestream-gpu-check-XXXXXX)}
mkdir -p "$OUT"
. scripts/find-jdk.sh
if [[ -z "${JAVA:-}" ]]; then facestream_find_jdk && JAVA=$JAVA_HOME/bin/java; fi
# JDK 24+ warns on every sun.misc.Unsafe use by Kafka and Guava; those libraries still need it
unsafe=""
[[ "$(facestream_java_major "$(dirname "$(dirname "$JAVA")")")" -ge 24 ]] 2>/dev/null && unsafe="--sun-misc-unsafe-memory-access=allow"
cores=$(nproc)

# 1. the -Pcuda build, in a copy of the sources so this checkout's target/ (the CPU build) stays as it is
if [[ -n "${CUDA_BUILD:-}" ]]; then
  build=$CUDA_BUILD
else
  build=$OUT/build
  mkdir -p "$build"
  cp -r pom.xml mvnw .mvn scripts src topologies "$build"/
  echo "gpu-check: building the -Pcuda variant in $build ..." >&2
  if ! (cd "$build" && timeout "$(left)" ./mvnw -B -q -Pcuda -DskipTests package) > "$OUT/build.log" 2>&1; then
    echo "gpu-check: the -Pcuda build failed (see $OUT/build.log; it needs com.microsoft.onnxruntime:onnxruntime_gpu from Maven Central)"
    exit 1
  fi
fi
CP="$build/target/facestream.jar:$build/target/lib/*"
# an array, not a function: timeout runs it
cli=("$JAVA" -Xmx6g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED $unsafe
  -Djava.awt.headless=true -cp "$CP" org.facestream.cli.FaceStreamCli)

# 2. CUDA against CPU on the shared photos (both sessions of the -Pcuda build: its CPU provider is the reference)
echo "gpu-check: CUDA against CPU embeddings on $SHARED/faces/people ..." >&2
parity_rc=0
timeout "$(left)" "${cli[@]}" eval providers --photos "$SHARED/faces/people" --min-cosine 0.999 > "$OUT/providers.log" 2>&1 || parity_rc=$?
parity=$(tail -n 1 "$OUT/providers.log")

# 3. bench cameras on the GPU: steps of 8 cameras, short windows, so both modes fit in what is left
echo "gpu-check: bench cameras on the GPU ($(left) s left) ..." >&2
bench_rc=0
timeout "$(( $(left) - 10 ))" "${cli[@]}" bench cameras --video "$VIDEO" --fps 5 --start 8 --step 8 --max-cameras 96 \
  --settle 4s --window 12s -D vision.execution.provider=cuda -D worker.instances=2 \
  > "$OUT/bench.out" 2> "$OUT/bench.err" || bench_rc=$?

# 4. one table
{
  echo "| check | result |"
  echo "|---|---|"
  echo "| machine | $gpu, $cores CPU cores |"
  echo "| CUDA vs CPU embeddings, $(basename "$SHARED")/faces/people (min cosine > 0.999) | $( [[ $parity_rc == 0 ]] && echo pass || echo "FAIL (rc $parity_rc)" ): $parity |"
  echo "| bench cameras $(basename "$VIDEO") at 5 fps, CUDA, 2 worker instances | $( [[ $bench_rc == 0 ]] && tail -n 1 "$OUT/bench.out" || echo "did not finish (rc $bench_rc): $(grep -E '^(bench cameras|facestream)' "$OUT/bench.err" | tail -n 1)") |"
  echo "| wall time | $(( $(date +%s) - start )) s of $BUDGET_S |"
} | tee "$OUT/table.md"
echo
sed -n '1,/^cameras=/p' "$OUT/bench.out" | grep -v '^cameras=' || true
echo "gpu-check: logs in $OUT" >&2
[[ $parity_rc == 0 && $bench_rc == 0 ]]
