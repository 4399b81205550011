#!/usr/bin/env bash
# Reproduces the LFW View 1 verification runs and the detection-recall runs reported for `facestream eval`.
# Usage: ops/eval-lfw.sh [RUN...]   (default: every run; names below, e.g. `ops/eval-lfw.sh cv-yunet-w600k-int8`)
# Env:   SHARED (default ../shared), FACESTREAM_MODELS (default $SHARED/models), LOGS (default ../eval-logs),
#        JAVA (default: the JDK 21+ scripts/find-jdk.sh finds), SKIP_BUILD=1 to reuse target/facestream.jar.
# Runs go one after another: each embeds 4,992 images and wants every core. Each writes LOGS/<run>.log (stdout
# and the progress bar) and LOGS/<run>/ (roc-det.png, scores.csv, summary.txt); LOGS/results.txt collects the
# last line of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
export FACESTREAM_MODELS=${FACESTREAM_MODELS:-$SHARED/models}
LOGS=${LOGS:-$(cd .. && pwd)/eval-logs}
if [[ -z "${JAVA:-}" ]]; then . scripts/find-jdk.sh && facestream_find_jdk && JAVA=$JAVA_HOME/bin/java; fi
LFW=$SHARED/faces/lfw-view1
mkdir -p "$LOGS"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then ./mvnw -B -q -o -DskipTests package; fi
# run from a copy of the jar so a rebuild during a long run cannot change classes under it
SNAP=$(mktemp -d) && cp target/facestream.jar "$SNAP/" && trap 'rm -rf "$SNAP"' EXIT
CP="$SNAP/facestream.jar:target/lib/*"
eval_cli() { "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
  -cp "$CP" org.facestream.cli.FaceStreamCli eval "$@"; }

verify() { # name, then eval verify arguments
  local name=$1; shift
  echo "== $name: eval verify $*" | tee -a "$LOGS/results.txt"
  eval_cli verify --images "$LFW/images" --out "$LOGS/$name" "$@" > "$LOGS/$name.log" 2>&1 \
    || { echo "$name FAILED (see $LOGS/$name.log)" | tee -a "$LOGS/results.txt"; return 0; }
  tail -n 1 "$LOGS/$name.log" | tee -a "$LOGS/results.txt"
}
cv()    { verify "cv-$1$2" --pack "$1" --pairs "$LFW/pairsDevTrain.txt" --pairs "$LFW/pairsDevTest.txt" --folds 10 --seed 42 $(opts "$2"); }
# choosing a recipe: cross-validation on pairsDevTrain alone, so pairsDevTest stays unseen for the split runs
train() { verify "train-$1$2" --pack "$1" --pairs "$LFW/pairsDevTrain.txt" --folds 10 --seed 42 $(opts "$2"); }
# the run-name suffixes -refine and -flip become --refine-landmarks and --flip
opts()  { case $1 in *-refine*) printf -- '--refine-landmarks ';; esac; case $1 in *-flip) printf -- '--flip';; esac; }
# the face nearest the centre embedded alone (batch of one) rather than with the image's other faces
nearest() { verify "nearest-$1" --pack "$1" --pairs "$LFW/pairsDevTrain.txt" --pairs "$LFW/pairsDevTest.txt" --folds 10 --seed 42 --nearest-face-only; }
split() { verify "split-$1$2" --pack "$1" --train "$LFW/pairsDevTrain.txt" --pairs "$LFW/pairsDevTest.txt" $(opts "$2"); }
detect() {
  echo "== detect-$1: eval detect" | tee -a "$LOGS/results.txt"
  eval_cli detect --pack "$1" --annotations "$SHARED/faces/groups/dlib-annotated/testing.xml" \
    --detector-size 320,480,640,800 > "$LOGS/detect-$1.log" 2>&1 || echo "detect-$1 FAILED" >> "$LOGS/results.txt"
  cat "$LOGS/detect-$1.log" | tee -a "$LOGS/results.txt"
}

ALL=(cv-yunet-w600k-int8 split-yunet-w600k-int8 cv-yunet-w600k-int8-flip split-yunet-w600k-int8-flip
     train-yunet-w600k-int8 train-yunet-w600k-int8-flip train-yunet-w600k-int8-refine train-yunet-w600k-int8-refine-flip
     cv-yunet-w600k-int8-refine cv-yunet-w600k-int8-refine-flip split-yunet-w600k-int8-refine split-yunet-w600k-int8-refine-flip
     cv-scrfd-w600k-int8 cv-scrfd-w600k-int8-flip cv-yunet-mbf-casia cv-yunet-mbf-casia-flip
     cv-yunet-faceplugin-512 cv-yunet-faceplugin-512-flip nearest-yunet-w600k-int8
     detect-yunet-w600k-int8 detect-scrfd-w600k-int8)
for run in "${@:-${ALL[@]}}"; do
  suffix=""; base=$run
  case $base in *-flip) suffix=-flip; base=${base%-flip};; esac
  case $base in *-refine) suffix=-refine$suffix; base=${base%-refine};; esac
  case $run in
    cv-*)         cv "${base#cv-}" "$suffix" ;;
    train-*)      train "${base#train-}" "$suffix" ;;
    split-*)      split "${base#split-}" "$suffix" ;;
    nearest-*)    nearest "${run#nearest-}" ;;
    detect-*)     detect "${run#detect-}" ;;
    *) echo "unknown run $run; expected one of ${ALL[*]}" >&2; exit 2 ;;
  esac
done
