#!/usr/bin/env bash
# Reproduces the open-set identification runs reported for `facestream eval identify` (adaptive FPIR
# threshold against the pack's fixed threshold and the oracle), on the sets built from ../shared/faces:
#   orl       AT&T/ORL, one folder per subject (40 x 10 grey crops)
#   people    people/ plus probes/ (15 labelled people, 1-5 photos each; the probes are named after them)
#   lfw       LFW View 1 images, one folder per person (3,095 people, 4,992 photos)
#   all       the three together (LFW's Joseph_Biden and people/biden are one person)
#   pins10    10 people with 117-225 photos each: gallery subjects with hundreds of probes
#   combined  all four sets (pins10's Adriana_Lima is LFW's Adriana_Lima)
#   dup1-SET, dup5-SET  SET (orl people lfw all pins10 combined) with duplicate identities in the cohort (1% or 5%
#             of its cohort identities, at least one): per seed, ops/inject-duplicates.py relabels one photo of
#             gallery subjects (drawn by photo count) as a new identity that the seed's split puts in the cohort;
#             it reads the cache for the failures to acquire, so run SET itself first
# and the drift and flood runs on LFW.
# Usage: ops/eval-identify.sh [RUN...]  (default: orl people lfw all drift-blur drift-dark drift-downscale flood
#        flood-no-quota)
# Env:   SHARED (default ../shared), FACESTREAM_MODELS (default $SHARED/models), LOGS (default ../eval-logs),
#        JAVA (default: the JDK 21+ scripts/find-jdk.sh finds), SEEDS (default 1,2,3), TARGET (default 0.01), SKIP_BUILD=1.
# Embeddings are cached in LOGS/cache (per image and settings, re-embedded when an image changes), so `all`
# after the others, and a second run of anything, only embed what they have not seen.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
export FACESTREAM_MODELS=${FACESTREAM_MODELS:-$SHARED/models}
LOGS=${LOGS:-$(cd .. && pwd)/eval-logs}
if [[ -z "${JAVA:-}" ]]; then . scripts/find-jdk.sh && facestream_find_jdk && JAVA=$JAVA_HOME/bin/java; fi
SEEDS=${SEEDS:-1,2,3}
TARGET=${TARGET:-0.01}
FACES=$SHARED/faces
mkdir -p "$LOGS/cache" "$LOGS/datasets"
CACHE=$LOGS/cache/embeddings
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then ./mvnw -B -q -o -DskipTests package; fi
SNAP=$(mktemp -d) && cp target/facestream.jar "$SNAP/" && trap 'rm -rf "$SNAP"' EXIT
CP="$SNAP/facestream.jar:target/lib/*"
identify() { "$JAVA" -Xmx4g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
  -cp "$CP" org.facestream.cli.FaceStreamCli eval identify "$@"; }

# Dataset CSVs (path relative to $FACES, identity): file names only, the photos stay in ../shared.
images() { find "$1" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.pgm' \) | sort; }
people_csv() {
  images "$FACES/people" | sed "s|^$FACES/||" | awk -F/ '{print $0 "," $2}'
  for p in obama1.jpg:obama alex_lacamoire1.jpg:alex_lacamoire johnsnow_test1.jpg:kit_harington; do
    echo "probes/${p%%:*},${p##*:}"
  done
}
{ echo "path,identity"; people_csv; } > "$LOGS/datasets/people.csv"
{ echo "path,identity"; people_csv
  images "$FACES/orl" | sed "s|^$FACES/||" | awk -F/ '{print $0 ",orl-" $2}'
  images "$FACES/lfw-view1/images" | sed "s|^$FACES/||" | awk -F/ '{id = ($3 == "Joseph_Biden") ? "biden" : $3; print $0 "," id}'
} > "$LOGS/datasets/all.csv"
{ tail -n +2 "$LOGS/datasets/all.csv"
  images "$FACES/pins10" | sed "s|^$FACES/||" | awk -F/ '{print $0 "," $2}'
} | { echo "path,identity"; cat; } > "$LOGS/datasets/combined.csv"
for base in orl lfw pins10; do
  case $base in orl) dir=orl ;; lfw) dir=lfw-view1/images ;; pins10) dir=pins10 ;; esac
  { echo "path,identity"; images "$FACES/$dir" | sed "s|^$FACES/||" | awk -F/ '{print $0 "," $(NF-1)}'; } > "$LOGS/datasets/$base.csv"
done

run() { # name, then eval identify arguments
  local name=$1; shift
  echo "== $name: eval identify $* --target-fpir $TARGET --seeds $SEEDS" | tee -a "$LOGS/results.txt"
  identify --target-fpir "$TARGET" --seeds "$SEEDS" --out "$LOGS/identify-$name" "$@" > "$LOGS/identify-$name.log" 2>&1 \
    || { echo "$name FAILED (see $LOGS/identify-$name.log)" | tee -a "$LOGS/results.txt"; return 0; }
  grep -E "^halves:" "$LOGS/identify-$name.log" | tee -a "$LOGS/results.txt"
  tail -n 1 "$LOGS/identify-$name.log" | tee -a "$LOGS/results.txt"
}
lfw() { run "$1" --root "$FACES/lfw-view1/images" --cache "$CACHE" "${@:2}"; }

runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(orl people lfw all drift-blur drift-dark drift-downscale flood flood-no-quota)
for r in "${runs[@]}"; do
  case "$r" in
    orl) run orl --root "$FACES/orl" --cache "$CACHE" ;;
    people) run people --root "$FACES" --dataset "$LOGS/datasets/people.csv" --cache "$CACHE" ;;
    lfw) lfw lfw ;;
    all) run all --root "$FACES" --dataset "$LOGS/datasets/all.csv" --cache "$CACHE" ;;
    pins10) run pins10 --root "$FACES" --dataset "$LOGS/datasets/pins10.csv" --cache "$CACHE" ;;
    combined) run combined --root "$FACES" --dataset "$LOGS/datasets/combined.csv" --cache "$CACHE" ;;
    dup1-*|dup5-*) # one dataset per seed: the injected identities must land in that seed's cohort
      base=${r#dup?-}; pct=${r:3:1}
      for seed in ${SEEDS//,/ }; do
        /usr/bin/python3 ops/inject-duplicates.py --dataset "$LOGS/datasets/$base.csv" --cache "$CACHE" --root "$FACES" \
          --fraction "0.0$pct" --seed "$seed" --out "$LOGS/datasets/$r-seed$seed.csv"
        SEEDS=$seed run "$r-seed$seed" --root "$FACES" --dataset "$LOGS/datasets/$r-seed$seed.csv" --cache "$CACHE"
      done ;;
    drift-blur) lfw drift-blur --drift blur:4 ;;
    drift-dark) lfw drift-dark --drift dark:0.15 ;;
    drift-downscale) lfw drift-downscale --drift downscale:6 ;;
    flood) lfw flood --flood 4 ;;
    flood-no-quota) lfw flood-no-quota --flood 4 --camera-quota 0 ;;
    *) echo "unknown run $r" >&2; exit 2 ;;
  esac
done
