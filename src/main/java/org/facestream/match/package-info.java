/**
 * The matcher stage: a Kafka Streams topology ({@link org.facestream.match.MatcherTopology}) that decides each
 * face observation against the enrolled gallery, and the decision logic behind it ({@link
 * org.facestream.match.ObservationMatcher}, {@link org.facestream.match.ThresholdPolicy}).
 *
 * <p>Input topics: {@code facestream.faces.v1} (observations, keyed by camera) and {@code
 * facestream.gallery.v1} (compacted, read into a global store). Output topics: {@code
 * facestream.identities.v1} (identity events, keyed by camera) and {@code facestream.deadletter.v1}
 * (observations that cannot be compared, with reasons from {@link org.facestream.match.DeadLetterReasons}).
 * Stores: global RocksDB {@code templates-by-subject} (subject id to gallery record) plus the in-memory
 * {@link org.facestream.gallery.GalleryIndex} derived from it. Counters: {@link
 * org.facestream.match.MatcherMetrics}.
 */
package org.facestream.match;
