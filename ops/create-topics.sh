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
  echo "topic $name: $partitions partitions, cleanup.policy=$cleanup, retention.ms=$retention"
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$rf" \
    --config "cleanup.policy=$cleanup" --config "retention.ms=$retention" --config "max.message.bytes=$maxbytes"
done
