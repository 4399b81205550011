/**
 * The matcher stage: the Kafka Streams topology that decides each face observation against the enrolled
 * gallery ({@link org.facestream.match.MatcherTopology}, built from a {@link
 * org.facestream.match.MatcherTopology.Spec}), the threshold aggregator beside it ({@link
 * org.facestream.match.ThresholdAggregatorTopology}), the service that runs both ({@link
 * org.facestream.match.MatcherService}, built from a {@link org.facestream.match.MatcherService.Spec}), and
 * the decision logic in plain classes ({@link org.facestream.match.ObservationMatcher}, {@link
 * org.facestream.match.ThresholdPolicy} with {@link org.facestream.match.FixedThreshold} and {@link
 * org.facestream.match.AdaptiveThreshold}). The estimation maths is in {@code org.facestream.match.threshold},
 * per-track fusion in {@code org.facestream.match.track}.
 *
 * <p>Matcher, application id {@code facestream-matcher}:
 * <ul>
 *   <li>In: {@code facestream.faces.v1} (observations, keyed by camera); {@code facestream.erasures.v1}
 *       (append-only, the data keys erasures destroyed), {@code facestream.gallery.v1} (compacted, sealed gallery
 *       records) and {@code facestream.subject-keys.v1} (compacted, wrapped data keys), each read into a global
 *       store; with the adaptive threshold also {@code facestream.thresholds.v1} (compacted, published thresholds)
 *       into a fourth.
 *   <li>Out: {@code facestream.identities.v1} (identity events, keyed by camera), {@code
 *       facestream.deadletter.v1} (observations that cannot be compared, reasons from {@link
 *       org.facestream.events.DeadLetters.Reason}); with the adaptive threshold also {@code
 *       facestream.null-scores.v1} (this instance's null-score window, keyed by instance id, every few seconds).
 *   <li>Stores: global RocksDB {@code destroyed-keys} (data key id to the erasure that destroyed it: a key or
 *       record naming one is refused, also after a restart), global RocksDB {@code templates-by-subject} (subject
 *       id to sealed gallery record, ciphertext only), global in-memory {@code keys-by-subject} (subject id to wrapped data key, so no key reaches the
 *       disk), plus the in-memory {@link org.facestream.gallery.GalleryIndex} of the templates that decrypt,
 *       the only clear copy; global RocksDB {@code thresholds-by-policy} with the adaptive threshold;
 *       changelogged RocksDB {@code track-by-camera} when deciding per track ({@link
 *       org.facestream.match.Tracking}).
 * </ul>
 *
 * <p>Threshold aggregator, application id {@code facestream-thresholds}, run by the matcher service with the
 * adaptive threshold: in {@code facestream.null-scores.v1} (one partition, so one active aggregator); out
 * {@code facestream.thresholds.v1} and {@code facestream.audit.v1} (one audit record per published version);
 * stores {@code null-scores-by-instance}, {@code threshold-by-policy} and {@code audit-chain-by-writer}, all
 * changelogged RocksDB.
 *
 * <p>Metrics: {@link org.facestream.match.MatcherMetrics} and {@link org.facestream.match.ThresholdMetrics},
 * series of the process's {@link org.facestream.metrics.MetricsRegistry}, every counter exported from start.
 * {@link org.facestream.eval.OpenSetEvaluation} measures DIR/FPIR of adaptive, fixed and oracle thresholds.
 */
package org.facestream.match;
