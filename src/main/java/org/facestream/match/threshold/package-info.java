/**
 * Open-set threshold estimation without Kafka: the pure pieces behind the adaptive FPIR policy.
 *
 * <p>{@link org.facestream.match.threshold.CohortScorer} turns a probe into a null score and a
 * "resembles everyone" smooth-max; {@link org.facestream.match.threshold.NullScoreWindow} keeps recent null
 * scores (per-camera quota, size from the quantile level) as mergeable
 * {@link org.facestream.match.threshold.NullScoreSketch}es; {@link
 * org.facestream.match.threshold.FpirThresholdEstimator} reads the quantile the target FPIR needs ({@link
 * org.facestream.match.threshold.NullLevels}), with a {@link org.facestream.match.threshold.TailModel} for
 * small α, and applies the operational guards; {@link org.facestream.events.ThresholdState} is what
 * the aggregator publishes on {@code facestream.thresholds.v1} and {@link
 * org.facestream.events.NullScoreReport} what each matcher sends on {@code facestream.null-scores.v1}.
 * The topologies that move them are in {@code org.facestream.match}. Depends only on {@code events}.
 */
package org.facestream.match.threshold;
