/**
 * Kafka around the stages: the real single-node KRaft broker for the one-command run ({@link
 * org.facestream.kafka.EmbeddedKafkaBroker}, loopback only, optionally SASL), its security settings, the
 * reachability check every client command makes first, consumer-group lag, and {@link
 * org.facestream.kafka.TopicTail}, the one way a view reads whole topics (assigned partitions, no consumer
 * group, read_committed, from the beginning or near the end). No topics of its own, no stores.
 */
package org.facestream.kafka;
