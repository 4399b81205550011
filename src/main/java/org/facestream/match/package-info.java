/**
 * The matcher stage: a Kafka Streams topology ({@link org.facestream.match.MatcherTopology}) that decides each
 * face observation against the enrolled gallery, and the decision logic behind it ({@link
 * org.facestream.match.ObservationMatcher}, {@link org.facestream.match.ThresholdPolicy}).
 *
 * <p>Input topics: {@code facestream.faces.v1} (observations, keyed by camera), {@code
 * facestream.gallery.v1} (compacted, sealed records, read into a global store) and {@code
 * facestream.subject-keys.v1} (compacted, wrapped data keys, read into a second global store). Output topics: {@code
 * facestream.identities.v1} (identity events, keyed by camera) and {@code facestream.deadletter.v1}
 * (observations that cannot be compared, with reasons from {@link org.facestream.events.DeadLetters.Reason}).
 * Stores: global RocksDB {@code templates-by-subject} (subject id to sealed gallery record, ciphertext
 * only), global in-memory {@code keys-by-subject} (subject id to wrapped data key), plus the in-memory
 * {@link org.facestream.gallery.GalleryIndex} of the templates that decrypt, the only clear copy. Counters: {@link
 * org.facestream.match.MatcherMetrics}.
 *
 * <p>Open set: {@link org.facestream.match.AdaptiveThreshold} holds a target FPIR with the threshold that
 * {@link org.facestream.match.ThresholdAggregatorTopology} publishes on {@code facestream.thresholds.v1}
 * (global store {@code thresholds-by-policy}) from the null-score windows every matcher sends on {@code
 * facestream.null-scores.v1}; the estimation maths is in {@code org.facestream.match.threshold}. {@link
 * org.facestream.match.track.TrackAssociator} follows faces across frames per camera; {@link
 * org.facestream.eval.OpenSetEvaluation} measures DIR/FPIR of adaptive, fixed and oracle thresholds.
 */
package org.facestream.match;
