/**
 * The command line: one subcommand per role, wiring the stages together, plus what the one-command run
 * needs around them: {@link org.facestream.kafka.EmbeddedKafkaBroker} (a real single-node KRaft broker in
 * this JVM, loopback only), {@link org.facestream.events.TopicCatalogue} (creates the topics of
 * {@code topologies/topics.json}) and {@link org.facestream.kafka.KafkaReachability} (fails fast when no
 * broker answers).
 */
package org.facestream.cli;
