/**
 * Open-set threshold estimation without Kafka: the pure pieces behind the adaptive FPIR policy. No topics or
 * stores of its own: the topologies that move these values are in {@code org.facestream.match} (the matcher
 * sends null-score reports on {@code facestream.null-scores.v1}, the aggregator keeps them in {@code
 * null-scores-by-instance} and publishes {@link org.facestream.events.ThresholdState} on {@code
 * facestream.thresholds.v1}).
 *
 * <p>{@link org.facestream.match.threshold.CohortScorer} turns a probe into a null score (naming the cohort
 * identity behind it) and a "resembles everyone" smooth-max; {@link org.facestream.match.threshold.CohortHygiene}
 * flags cohort identities that look like an enrolled subject. {@link org.facestream.match.threshold.NullScoreWindow}
 * keeps recent null scores (per-camera quota, size from the quantile level) in buckets of a {@link
 * org.facestream.match.threshold.NullScoreSketch} histogram plus a capped tail list of {@link
 * org.facestream.match.threshold.TailEntry}s, which travel inside the wire record {@link
 * org.facestream.events.NullScoreReport} as opaque bytes ({@link org.facestream.match.threshold.NullScoreReports}
 * writes and reads them). {@link org.facestream.match.threshold.MergedWindow} unites the instances' windows, and
 * {@link org.facestream.match.threshold.FpirThresholdEstimator} caps the merged tail per cohort identity and per
 * camera, reads the quantile the target FPIR needs ({@link org.facestream.match.threshold.NullLevels}), with a
 * {@link org.facestream.match.threshold.TailModel} for small α, and publishes the highest of the last few raw
 * estimates within bounds. The rules and their parameters are {@link org.facestream.match.threshold.FpirPolicy}
 * and its {@link org.facestream.match.threshold.FpirPolicy.Contamination}. Depends only on {@code events}.
 */
package org.facestream.match.threshold;
