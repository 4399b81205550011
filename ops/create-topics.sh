#!/usr/bin/env bash
# Creates every topic of topologies/topics.json on a Kafka cluster with Kafka's own CLI (idempotent).
# Usage: ops/create-topics.sh BOOTSTRAP [topologies/topics.json] [REPLICATION_FACTOR]
# (`facestream broker` and the demo create the same topics by themselves.)
set -euo pipefail
bootstrap=${1:?usage: create-topics.sh BOOTSTRAP [topics.json] [replication-factor]}
catalogue=${2:-$(dirname "$0")/../topologies/topics.json}
rf=${3:-1}
kafka_topics=$(command -v kafka-topics.sh || echo /opt/kafka/bin/kafka-topics.sh)
# one line per topic: name partitions retention cleanup max-bytes (plain sed/grep: no jq in the Kafka image)
tr -d '\n' < "$catalogue" | grep -o '{[^{}]*"name"[^{}]*}' | while read -r topic; do
  field() { echo "$topic" | sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"]*\)\"\{0,1\}.*/\1/p"; }
  name=$(field name); partitions=$(field partitions); retention=$(field retentionMs)
  cleanup=$(field cleanupPolicy); maxbytes=$(field maxMessageBytes)
  # optional settings (the subject-keys topic is compacted quickly: see its "why" in the catalogue)
  extra=()
  segment=$(field segmentMs); [ -n "$segment" ] && extra+=(--config "segment.ms=$segment")
  lag=$(field maxCompactionLagMs); [ -n "$lag" ] && extra+=(--config "max.compaction.lag.ms=$lag")
  dirty=$(field minCleanableDirtyRatio); [ -n "$dirty" ] && extra+=(--config "min.cleanable.dirty.ratio=$dirty")
  tombstones=$(field deleteRetentionMs); [ -n "$tombstones" ] && extra+=(--config "delete.retention.ms=$tombstones")
  echo "topic $name: $partitions partitions, cleanup.policy=$cleanup, retention.ms=$retention ${extra[*]+${extra[*]}}"
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$rf" \
    --config "cleanup.policy=$cleanup" --config "retention.ms=$retention" --config "max.message.bytes=$maxbytes" \
    ${extra[@]+"${extra[@]}"}
done
