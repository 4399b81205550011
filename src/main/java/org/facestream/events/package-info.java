/**
 * Wire records of FaceStream and their serdes: camera frames, face observations, sealed gallery records and
 * the wrapped subject keys that open them, identity events, dead letters and audit records, plus the topic names
 * of the catalogue in {@code topologies/topics.json} and the one rule for which files and bytes are JPEG or PNG
 * images ({@link org.facestream.events.ImageFormats}).
 *
 * <p>Every record validates its invariants in its compact constructor, so a message that exists is a
 * message that is well formed. Deserializers return {@code null} for tombstones and throw Kafka's
 * {@link org.apache.kafka.common.errors.SerializationException} for bytes they cannot read, so the
 * configured exception handlers can route the record to {@link org.facestream.events.Topics#DEADLETTER}.
 */
package org.facestream.events;
