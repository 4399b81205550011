/**
 * Kafka around the stages: the real single-node KRaft broker for the one-command run ({@link
 * org.facestream.kafka.EmbeddedKafkaBroker}, loopback only, optionally SASL), its security settings, the
 * reachability check every client command makes first, and consumer-group lag. No topics of its own, no stores.
 */
package org.facestream.kafka;
